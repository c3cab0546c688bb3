"""The content digest of a promoted version: what the copy is proven by.

SHA-256 over the definition that makes the asset what it is (model type, environment image and
conda file, component interface and command) and over every downloaded file, path and bytes, in
a stable order. Tags, descriptions and the server's own fields (ids, timestamps, storage URIs)
are left out: they differ between the source and the copy without the content differing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PREFIX = "sha256:"


def content_digest(definition: Mapping[str, Any], files: Path | None = None) -> str:
    digest = hashlib.sha256()
    digest.update(json.dumps(definition, sort_keys=True, default=str).encode())
    if files is not None and files.exists():
        paths = [files] if files.is_file() else sorted(p for p in files.rglob("*") if p.is_file())
        for path in paths:
            relative = path.name if path == files else path.relative_to(files).as_posix()
            # Length-prefixed, so moving bytes between a name and a file's content changes the digest.
            for part in (relative.encode(), path.read_bytes()):
                digest.update(len(part).to_bytes(8, "big"))
                digest.update(part)
    return PREFIX + digest.hexdigest()


def count_files(files: Path | None) -> int:
    if files is None or not files.exists():
        return 0
    return 1 if files.is_file() else sum(1 for p in files.rglob("*") if p.is_file())
