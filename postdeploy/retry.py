"""Retries with exponential backoff for throttling, server errors and dropped connections.

Where: per HTTP request, in the transport every client shares (``RetryingTransport``). So a 429
on one poll of a long-running operation sends that poll again, not the PUT that started it, and
each request has one attempt budget (``RetryPolicy.attempts``) end to end: the SDK's and
azure-storage-blob's own retries are off (``retry_total=0``), and nothing above the transport
retries again. The same transport wraps the real one in production and the fake in tests.

Azure ML answers 429 when a subscription's request budget is spent and 5xx while a front end
restarts; both come with ``Retry-After`` more often than not, and that value wins over the
computed backoff because it is what the service asked for. Connection errors and timeouts are
retried too: every call post-deploy makes is a read or an idempotent PUT/DELETE, so sending it
again is safe. Everything else (403, 404, 409, validation errors) fails at once.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError
from azure.core.pipeline.transport import HttpTransport

T = TypeVar("T")


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it: the SDK sometimes wraps an HTTP error in its own exception."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def http_status(error: BaseException) -> int | None:
    for item in _chain(error):
        if isinstance(item, HttpResponseError) and item.status_code:
            return int(item.status_code)
    return None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` value: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(0.0, parsed.timestamp() - time.time()) if parsed is not None else None


def retry_after(error: BaseException) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), if the response had one."""
    for item in _chain(error):
        response = getattr(item, "response", None)
        value = response.headers.get("Retry-After") if response is not None and response.headers else None
        seconds = parse_retry_after(value)
        if seconds is not None:
            return seconds
    return None


def is_transient(error: BaseException) -> bool:
    status = http_status(error)
    if status is not None:
        return status == 429 or status >= 500
    return any(isinstance(item, (ServiceRequestError, ServiceResponseError, ConnectionError, TimeoutError))
               for item in _chain(error))


@dataclass(frozen=True)
class RetryPolicy:
    """``attempts`` counts the first try; ``sleep`` is injectable so tests do not wait."""

    attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    jitter: float = 0.2  # up to +20%, so throttled workers do not come back in lockstep
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, error: BaseException | None = None, asked: float | None = None) -> float:
        asked = retry_after(error) if error is not None else asked
        if asked is not None:
            return min(asked, self.max_delay)
        backoff = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff * (1 + self.jitter * random.random())

    def call(self, fn: Callable[[], T]) -> T:
        for attempt in range(1, self.attempts + 1):
            try:
                return fn()
            except Exception as error:
                if attempt == self.attempts or not is_transient(error):
                    raise
                self.sleep(self.delay(attempt, error))
        raise AssertionError("unreachable: the last attempt returns or raises")


_CONNECTION_ERRORS = (ServiceRequestError, ServiceResponseError, ConnectionError, TimeoutError)


class RetryingTransport(HttpTransport):
    """An azure-core transport that sends each request again on 429, 5xx and dropped connections.

    Shared by every client of a run (a transport holds no per-pipeline state, unlike a pipeline
    policy). The waits of long-running-operation pollers (``Retry-After`` between polls) also
    reach the transport, through ``sleep``: they wait as the wrapped transport does, or through
    ``poll_sleep`` when given.
    """

    def __init__(self, inner: HttpTransport, policy: RetryPolicy,
                 poll_sleep: Callable[[float], None] | None = None) -> None:
        self.inner = inner
        self.policy = policy
        self.poll_sleep = poll_sleep or inner.sleep  # the wrapped transport waits as it would alone

    def __enter__(self) -> RetryingTransport:
        self.inner.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self.inner.__exit__(*args)

    def open(self) -> None:
        self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def sleep(self, duration: float) -> None:
        self.poll_sleep(duration)

    def send(self, request: object, **kwargs: object) -> object:
        attempts = self.policy.attempts
        for attempt in range(1, attempts + 1):
            try:
                response = self.inner.send(request, **kwargs)
            except _CONNECTION_ERRORS as error:
                if attempt == attempts:
                    raise
                self.policy.sleep(self.policy.delay(attempt, error))
                continue
            status = int(getattr(response, "status_code", 0) or 0)
            if attempt < attempts and (status == 429 or status >= 500):
                asked = parse_retry_after(response.headers.get("Retry-After") if response.headers else None)
                self.policy.sleep(self.policy.delay(attempt, asked=asked))
                continue
            return response
        raise AssertionError("unreachable: the last attempt returns or raises")
