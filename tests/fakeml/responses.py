"""azure-core response objects built from a status, headers and a JSON body.

The pipeline hands the transport either a new-style ``azure.core.rest.HttpRequest`` or a legacy
``azure.core.pipeline.transport.HttpRequest`` (older generated clients still build those), and the
caller then reads the response with the matching API (``read()``/``json()`` or ``body()``). Real
transports answer each kind with its own response class, so the fake does too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from azure.core.pipeline.transport import HttpResponse as LegacyHttpResponse
from azure.core.rest import HttpRequest as RestHttpRequest
from azure.core.rest._http_response_impl import HttpResponseImpl
from azure.core.utils import CaseInsensitiveDict

REASONS = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 409: "Conflict", 429: "Too Many Requests",
    500: "Internal Server Error", 503: "Service Unavailable",
}


class _NoConnection:
    """Stands in for the socket-level response a real transport would close."""

    def close(self) -> None:
        return None


class _BufferedStream:
    """What ``stream_download`` returns: an iterator of body chunks that callers also annotate
    (azure-storage-blob sets ``.properties`` on it)."""

    def __init__(self, pipeline: Any, response: Any, **kwargs: Any) -> None:
        self.response = response
        self.content_length = len(response._content)  # as azure-core's StreamDownloadGenerator has it
        self._chunks = iter([response._content] if response._content else [])

    def __iter__(self) -> _BufferedStream:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)


class _RestResponse(HttpResponseImpl):
    def __init__(self, request: Any, status: int, headers: CaseInsensitiveDict, content: bytes) -> None:
        super().__init__(
            request=request,
            internal_response=_NoConnection(),
            status_code=status,
            reason=REASONS.get(status, "Unknown"),
            content_type=headers.get("Content-Type"),
            headers=headers,
            # Blob downloads stream the body (``stream_download``): hand out the buffered bytes.
            stream_download_generator=_BufferedStream,
        )
        self._content = content  # fully buffered, so read()/json()/text() never stream


class _LegacyResponse(LegacyHttpResponse):
    def __init__(self, request: Any, status: int, headers: CaseInsensitiveDict, content: bytes) -> None:
        super().__init__(request, None)
        self.status_code = status
        self.headers = headers
        self.reason = REASONS.get(status, "Unknown")
        self.content_type = headers.get("Content-Type")
        self._content = content

    def body(self) -> bytes:
        return self._content


def build_response(
    request: Any, status: int, body: Any = None, headers: Mapping[str, str] | None = None
) -> Any:
    content = b"" if body is None else json.dumps(body).encode()
    all_headers = CaseInsensitiveDict({"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    cls = _RestResponse if isinstance(request, RestHttpRequest) else _LegacyResponse
    return cls(request, status, all_headers, content)


def build_raw_response(request: Any, status: int, content: bytes, headers: Mapping[str, str]) -> Any:
    """A response with a body as given (storage speaks XML and bytes, not JSON)."""
    all_headers = CaseInsensitiveDict(dict(headers))
    cls = _RestResponse if isinstance(request, RestHttpRequest) else _LegacyResponse
    return cls(request, status, all_headers, content)


def error_body(code: str, message: str) -> dict[str, Any]:
    """The ARM error envelope azure-core turns into ``HttpResponseError.error``."""
    return {"error": {"code": code, "message": message}}
