"""Lineage tags: where a promoted version came from, what it was proven by, who promoted it and when.

Registry versions are immutable, so the tags go on in the create call; they are what a later run
reads back to know that a target version is this promotion's copy (skip), another copy of other
content (conflict) or something created by hand (conflict: never overwritten).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from postdeploy.catalog import MANAGED_BY, MANAGED_TAG

FROM_TAG = "mlt-promoted-from"  # the source version's registry URI
SOURCE_REGISTRY_TAG = "mlt-source-registry"  # the source registry's ARM id
SOURCE_TENANT_TAG = "mlt-source-entra-tenant"
SOURCE_VERSION_TAG = "mlt-source-version"
DIGEST_TAG = "mlt-digest"
PROMOTED_BY_TAG = "mlt-promoted-by"
PROMOTED_AT_TAG = "mlt-promoted-at"
LINEAGE_TAGS = (FROM_TAG, SOURCE_REGISTRY_TAG, SOURCE_TENANT_TAG, SOURCE_VERSION_TAG, DIGEST_TAG,
                PROMOTED_BY_TAG, PROMOTED_AT_TAG)
MANAGEMENT_SCOPE = "https://management.azure.com/.default"


@dataclass(frozen=True)
class Lineage:
    source_uri: str
    source_registry_id: str
    source_tenant: str
    source_version: str
    digest: str
    promoted_by: str
    promoted_at: datetime

    def tags(self) -> dict[str, str]:
        return {
            FROM_TAG: self.source_uri,
            SOURCE_REGISTRY_TAG: self.source_registry_id,
            SOURCE_TENANT_TAG: self.source_tenant,
            SOURCE_VERSION_TAG: self.source_version,
            DIGEST_TAG: self.digest,
            PROMOTED_BY_TAG: self.promoted_by,
            PROMOTED_AT_TAG: self.promoted_at.isoformat(timespec="seconds"),
            MANAGED_TAG: MANAGED_BY,
        }


def source_tags(tags: Mapping[str, str] | None) -> dict[str, str]:
    """The source version's own tags, without lineage a source may carry from an earlier promotion."""
    return {k: v for k, v in (tags or {}).items() if k not in LINEAGE_TAGS and k != MANAGED_TAG}


def promoted_from(tags: Mapping[str, str] | None) -> str | None:
    return (tags or {}).get(FROM_TAG)


def promoting_identity(credential: Any) -> str:
    """Who the target credential is, from the claims of a management token it issues.

    The token is only decoded, never trusted for anything: it names the identity in the tag
    (a user's UPN, an application's client id, else the object id), with its object id.
    """
    try:
        token = credential.get_token(MANAGEMENT_SCOPE).token
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except Exception:  # a credential whose tokens are not JWTs still promotes; it is just unnamed
        return "unknown"
    name = claims.get("upn") or claims.get("preferred_username") or claims.get("appid") or claims.get("azp")
    oid = claims.get("oid")
    if name and oid and name != oid:
        return f"{name} (oid {oid})"
    return str(name or oid or "unknown")
