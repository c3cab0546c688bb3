"""Retries with exponential backoff for throttling, server errors and dropped connections.

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


def retry_after(error: BaseException) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date), if the response had one."""
    for item in _chain(error):
        response = getattr(item, "response", None)
        value = response.headers.get("Retry-After") if response is not None and response.headers else None
        if not value:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value)
            if parsed is not None:
                return max(0.0, parsed.timestamp() - time.time())
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

    def delay(self, attempt: int, error: BaseException) -> float:
        asked = retry_after(error)
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
