"""The retry policy: what is retried, how long it waits, and when it gives up."""

from __future__ import annotations

import email.utils
import time

import pytest
from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseTimeoutError
from azure.core.rest import HttpRequest

from postdeploy.retry import RetryPolicy, is_transient
from tests.fakeml.responses import build_response, error_body


def http_error(status: int, retry_after: str | None = None) -> HttpResponseError:
    response = build_response(HttpRequest("GET", "https://management.azure.com/x"), status,
                              error_body("E", "boom"), {"Retry-After": retry_after} if retry_after else {})
    return HttpResponseError(response=response)


def flaky(*errors: Exception):
    remaining = list(errors)

    def call() -> str:
        if remaining:
            raise remaining.pop(0)
        return "ok"

    return call


def test_backoff_doubles_and_retry_after_wins() -> None:
    sleeps: list[float] = []
    policy = RetryPolicy(sleep=sleeps.append, jitter=0, base_delay=1)
    errors = (http_error(503), http_error(500), ServiceRequestError("reset"), http_error(429, "12"))
    assert policy.call(flaky(*errors)) == "ok"
    assert sleeps == [1, 2, 4, 12]


def test_retry_after_as_an_http_date_and_the_cap() -> None:
    sleeps: list[float] = []
    date = email.utils.formatdate(time.time() + 30, usegmt=True)
    RetryPolicy(sleep=sleeps.append, jitter=0, max_delay=20).call(flaky(http_error(429, date), http_error(429, "999")))
    assert 20 - 1e-6 <= sleeps[0] <= 20 and sleeps[1] == 20


@pytest.mark.parametrize("status", [400, 403, 404, 409])
def test_client_errors_are_not_retried(status: int) -> None:
    sleeps: list[float] = []
    with pytest.raises(HttpResponseError):
        RetryPolicy(sleep=sleeps.append).call(flaky(http_error(status)))
    assert sleeps == []


def test_gives_up_after_the_attempt_budget_with_the_last_error() -> None:
    sleeps: list[float] = []
    errors = [ServiceResponseTimeoutError(f"timeout {i}") for i in range(5)]
    with pytest.raises(ServiceResponseTimeoutError, match="timeout 2"):
        RetryPolicy(attempts=3, sleep=sleeps.append, jitter=0).call(flaky(*errors))
    assert sleeps == [1, 2]


def test_an_http_error_wrapped_by_the_sdk_is_still_recognised() -> None:
    try:
        try:
            raise http_error(503)
        except HttpResponseError as inner:
            raise RuntimeError("the SDK's own exception") from inner
    except RuntimeError as outer:
        assert is_transient(outer)
