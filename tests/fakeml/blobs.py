"""The registry's blob storage, as azure-storage-blob sees it: what a code upload needs.

A registry hands out a container-scoped SAS (``tempdatarefs``); the SDK then talks to
``https://<account>.blob.core.windows.net/<container>/<blob>?<sas>`` with azure-storage-blob:

- ``GET`` a blob with ``x-ms-range`` (``download_blob``): 206 with the slice and ``Content-Range``;
  416 ``InvalidRange`` past the end (an empty blob's first range too);
- ``HEAD`` a blob (``get_blob_properties``): 200 with ``ETag``, ``Last-Modified``,
  ``Content-Length``, ``x-ms-blob-type`` and one ``x-ms-meta-<key>`` header per metadata entry;
  404 with ``x-ms-error-code: BlobNotFound`` and no body (HEAD answers carry none);
- ``PUT`` a blob (``upload_blob``, one shot): 201 with ``ETag``, ``Last-Modified``, ``Content-MD5``;
  with ``If-None-Match: *`` (``overwrite=False``) an existing blob is 409 ``BlobAlreadyExists``;
- ``PUT ?comp=block`` / ``?comp=blocklist`` for large blobs, committed on the block list;
- ``PUT ?comp=metadata`` (``set_blob_metadata``): replaces the metadata, 200 with a new ``ETag``;
- ``GET ?restype=container&comp=list`` (``list_blobs``): ``EnumerationResults`` XML.

A request without a signature the fake issued for that container is 403
``AuthenticationFailed``, as storage answers a bad SAS.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote
from xml.sax.saxutils import escape

BLOB_HOST_SUFFIX = ".blob.core.windows.net"
_ETAGS = itertools.count(1)
_CLOCK = itertools.count(1_735_689_600)  # 2025-01-01, one second per write


@dataclass
class Blob:
    content: bytes
    metadata: dict[str, str]
    etag: str
    last_modified: str
    uncommitted: dict[str, bytes] = field(default_factory=dict)


@dataclass(frozen=True)
class BlobReply:
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _stamp() -> tuple[str, str]:
    return f'"0x8DD{next(_ETAGS):012X}"', formatdate(next(_CLOCK), usegmt=True)


def _error(status: int, code: str, message: str, *, head: bool = False) -> BlobReply:
    headers = {"x-ms-error-code": code, "Content-Type": "application/xml"}
    if head:
        return BlobReply(status, b"", headers)
    body = (f'<?xml version="1.0" encoding="utf-8"?><Error><Code>{code}</Code>'
            f"<Message>{escape(message)}</Message></Error>")
    return BlobReply(status, body.encode(), headers)


class BlobService:
    """Every storage account of every registry: containers of blobs, and the signatures issued for them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.containers: dict[tuple[str, str], dict[str, Blob]] = {}
        self._signatures: dict[tuple[str, str], str] = {}

    def issue(self, account: str, container: str) -> str:
        """A container SAS query string, as ``tempdatarefs`` returns it."""
        with self.lock:
            self.containers.setdefault((account, container), {})
            signature = hashlib.sha256(f"{account}/{container}".encode()).hexdigest()[:24]
            self._signatures[(account, container)] = signature
            return f"sv=2021-08-06&sr=c&sp=racwl&sig={signature}"

    def blobs(self, account: str, container: str) -> dict[str, Blob]:
        with self.lock:
            return dict(self.containers.get((account, container), {}))

    def exists_under(self, url: str) -> bool:
        """Whether ``https://<account>.blob.../<container>/<prefix>`` names uploaded blobs."""
        match = re.match(r"^https://(?P<acct>[^./]+)\.blob\.core\.windows\.net/(?P<c>[^/?]+)/?(?P<p>[^?]*)", url)
        if not match:
            return False
        blobs = self.blobs(match["acct"], match["c"])
        prefix = unquote(match["p"]).rstrip("/")
        return any(name == prefix or name.startswith(prefix + "/") or not prefix for name in blobs)

    def handle(self, method: str, host: str, path: str, query: dict[str, str], headers: Any, body: bytes) -> BlobReply:
        account = host.split(".", 1)[0]
        parts = path.lstrip("/").split("/", 1)
        container, name = unquote(parts[0]), unquote(parts[1]) if len(parts) > 1 else ""
        head = method == "HEAD"
        with self.lock:
            if self._signatures.get((account, container)) is None or query.get("sig") != self._signatures[
                (account, container)
            ]:
                return _error(403, "AuthenticationFailed", "Server failed to authenticate the request.", head=head)
            blobs = self.containers[(account, container)]
            if not name:
                if method == "GET" and query.get("comp") == "list":
                    return self._list(blobs, query.get("prefix", ""))
                return _error(400, "InvalidQueryParameterValue", f"{method} on container {container}")
            comp = query.get("comp")
            if method in ("HEAD", "GET") and comp is None:
                blob = blobs.get(name)
                if blob is None:
                    return _error(404, "BlobNotFound", "The specified blob does not exist.", head=head)
                if not head and (wanted := _header(headers, "x-ms-range") or _header(headers, "Range")):
                    return self._range(blob, wanted)
                return BlobReply(200, b"" if head else blob.content, self._properties(blob))
            if method == "PUT" and comp is None:
                if blobs.get(name) is not None and _header(headers, "If-None-Match") == "*":
                    return _error(409, "BlobAlreadyExists", "The specified blob already exists.")
                return self._write(blobs, name, body, _metadata(headers))
            if method == "PUT" and comp == "block":
                blob = blobs.setdefault(name, Blob(b"", {}, "", ""))
                blob.uncommitted[query.get("blockid", "")] = body
                return BlobReply(201, b"", {"Content-MD5": _md5(body)})
            if method == "PUT" and comp == "blocklist":
                blob = blobs.get(name) or Blob(b"", {}, "", "")
                ids = re.findall(r"<(?:Latest|Uncommitted|Committed)>([^<]+)</", body.decode())
                content = b"".join(blob.uncommitted.get(block, b"") for block in ids)
                return self._write(blobs, name, content, _metadata(headers))
            if method == "PUT" and comp == "metadata":
                blob = blobs.get(name)
                if blob is None:
                    return _error(404, "BlobNotFound", "The specified blob does not exist.")
                blob.metadata = _metadata(headers)
                blob.etag, blob.last_modified = _stamp()
                return BlobReply(200, b"", {"ETag": blob.etag, "Last-Modified": blob.last_modified})
            return _error(400, "UnsupportedHttpVerb", f"{method} comp={comp}")

    @staticmethod
    def _write(blobs: dict[str, Blob], name: str, content: bytes, metadata: dict[str, str]) -> BlobReply:
        etag, modified = _stamp()
        blobs[name] = Blob(content, metadata, etag, modified)
        return BlobReply(201, b"", {
            "ETag": etag, "Last-Modified": modified, "Content-MD5": _md5(content),
            "x-ms-request-server-encrypted": "true",
        })

    @classmethod
    def _range(cls, blob: Blob, wanted: str) -> BlobReply:
        """``GET`` with ``x-ms-range: bytes=a-b`` (how downloads start): 206 with that slice and
        ``Content-Range``; a range starting past the end (every range of an empty blob) is 416."""
        match = re.match(r"^bytes=(\d+)-(\d*)$", wanted.strip())
        size = len(blob.content)
        if not match or int(match[1]) >= size:
            reply = _error(416, "InvalidRange", "The range specified is invalid for the current size of the resource.")
            return BlobReply(416, reply.content, {**reply.headers, "Content-Range": f"bytes */{size}"})
        start = int(match[1])
        end = min(int(match[2]) if match[2] else size - 1, size - 1)
        headers = {**cls._properties(blob), "Content-Length": str(end - start + 1),
                   "Content-Range": f"bytes {start}-{end}/{size}"}
        return BlobReply(206, blob.content[start:end + 1], headers)

    @staticmethod
    def _properties(blob: Blob) -> dict[str, str]:
        headers = {
            "ETag": blob.etag, "Last-Modified": blob.last_modified, "Content-Length": str(len(blob.content)),
            "Content-Type": "application/octet-stream", "x-ms-blob-type": "BlockBlob",
            "x-ms-creation-time": blob.last_modified, "x-ms-server-encrypted": "true",
        }
        headers.update({f"x-ms-meta-{key}": value for key, value in blob.metadata.items()})
        return headers

    @staticmethod
    def _list(blobs: dict[str, Blob], prefix: str) -> BlobReply:
        items = "".join(
            f"<Blob><Name>{escape(name)}</Name><Properties><Last-Modified>{blob.last_modified}</Last-Modified>"
            f"<Etag>{escape(blob.etag)}</Etag><Content-Length>{len(blob.content)}</Content-Length>"
            f"<BlobType>BlockBlob</BlobType></Properties>"
            f"<Metadata>{''.join(f'<{k}>{escape(v)}</{k}>' for k, v in blob.metadata.items())}</Metadata></Blob>"
            for name, blob in sorted(blobs.items()) if name.startswith(prefix)
        )
        body = (f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults><Prefix>{escape(prefix)}</Prefix>'
                f"<Blobs>{items}</Blobs><NextMarker /></EnumerationResults>")
        return BlobReply(200, body.encode(), {"Content-Type": "application/xml"})


def _header(headers: Any, name: str) -> str | None:
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return None


def _metadata(headers: Any) -> dict[str, str]:
    return {key[len("x-ms-meta-"):]: value for key, value in (headers or {}).items()
            if key.lower().startswith("x-ms-meta-")}


def _md5(content: bytes) -> str:
    return base64.b64encode(hashlib.md5(content).digest()).decode()
