"""Faults the fake injects before a request reaches the service state.

A fault matches on method and a path fragment (case-insensitive) and fires a bounded number of
times, so a test can say "the first PUT of this deployment answers 429 with Retry-After: 2" and
then watch the caller recover.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["status", "connection", "timeout"]


@dataclass(frozen=True)
class Fault:
    """One injected failure.

    ``kind="status"`` answers ``status`` with an ARM error body (and ``Retry-After`` when
    ``retry_after`` is set); ``kind="connection"`` raises azure-core's ``ServiceRequestError`` (the
    request never left), ``kind="timeout"`` raises ``ServiceResponseTimeoutError`` (it left, no answer
    came). ``times=None`` keeps firing forever, for example a missing role assignment.
    """

    kind: FaultKind = "status"
    status: int = 503
    code: str = "ServiceUnavailable"
    message: str = "injected fault"
    method: str | None = None
    path_contains: str | None = None
    retry_after: float | None = None
    times: int | None = 1

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and method.upper() != self.method.upper():
            return False
        return self.path_contains is None or self.path_contains.lower() in path.lower()

    @classmethod
    def throttled(
        cls, retry_after: float = 1, *, method: str | None = None, path_contains: str | None = None, times: int = 1
    ) -> Fault:
        return cls(status=429, code="TooManyRequests", message="Rate limit exceeded", retry_after=retry_after,
                   method=method, path_contains=path_contains, times=times)

    @classmethod
    def unavailable(cls, *, method: str | None = None, path_contains: str | None = None, times: int = 1) -> Fault:
        return cls(status=503, code="ServiceUnavailable", message="The service is unavailable",
                   method=method, path_contains=path_contains, times=times)

    @classmethod
    def forbidden(cls, path_contains: str, *, method: str | None = None) -> Fault:
        """What Azure answers when the caller's role assignment is missing; fires forever."""
        return cls(
            status=403, code="AuthorizationFailed",
            message="The client does not have authorization to perform this action over the scope "
            "or the scope is invalid. If access was recently granted, refresh your credentials.",
            method=method, path_contains=path_contains, times=None,
        )

    @classmethod
    def connection_error(
        cls, *, method: str | None = None, path_contains: str | None = None, times: int = 1
    ) -> Fault:
        return cls(kind="connection", method=method, path_contains=path_contains, times=times)

    @classmethod
    def timeout(cls, *, method: str | None = None, path_contains: str | None = None, times: int = 1) -> Fault:
        return cls(kind="timeout", method=method, path_contains=path_contains, times=times)
