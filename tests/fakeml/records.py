"""What the fake records for every request it receives, for assertions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

# Registry data-plane calls go to the discovered MFE endpoint under this prefix.
MFE_PREFIX = "/mferp/managementfrontend"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the service saw it.

    ``path`` is the URL path as sent; ``resource_path`` drops the registry front-end prefix so
    workspace and registry paths read alike. ``body`` is the parsed JSON body (None when empty).
    ``status`` is what the fake answered (0 when it raised a connection error or timeout).
    """

    method: str
    url: str
    host: str
    path: str
    query: dict[str, str]
    body: Any
    status: int
    headers: dict[str, str] = field(default_factory=dict, compare=False)  # kept for storage calls

    @property
    def is_blob(self) -> bool:
        return self.host.endswith(".blob.core.windows.net")

    @property
    def api_version(self) -> str | None:
        return self.query.get("api-version")

    @property
    def resource_path(self) -> str:
        return self.path.split(MFE_PREFIX, 1)[-1]

    @property
    def is_write(self) -> bool:
        """Anything but a GET changes (or tries to change) state in this fake."""
        return self.method != "GET"

    def __str__(self) -> str:
        return f"{self.method} {self.resource_path}?api-version={self.api_version} -> {self.status}"


def split_url(url: str) -> tuple[str, str, dict[str, str]]:
    parsed = urlparse(url)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return parsed.netloc, parsed.path, query
