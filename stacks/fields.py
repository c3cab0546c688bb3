"""Constrained field types shared by the config models, with messages that say what is allowed."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict
from pydantic.alias_generators import to_camel

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TENANT_KEY = re.compile(r"[a-z][a-z0-9-]{1,19}")
_WORKSPACE_KEY = re.compile(r"[a-z][a-z0-9-]{0,11}")
_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_WORKSPACE_REF = re.compile(r"([a-z][a-z0-9-]{1,19})/([a-z][a-z0-9-]{0,11})")


def _guid(value: object) -> str:
    if not isinstance(value, str) or not _GUID.fullmatch(value):
        raise ValueError(f"{value!r} is not a GUID; expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx")
    return str(uuid.UUID(value))


def _matching(pattern: re.Pattern[str], what: str, allowed: str):
    def check(value: object) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid {what}; allowed: {allowed}")
        return value

    return check


Guid = Annotated[str, BeforeValidator(_guid)]
TenantKey = Annotated[
    str,
    BeforeValidator(
        _matching(_TENANT_KEY, "tenant key", "2-20 lowercase letters, digits or '-', starting with a letter")
    ),
]
WorkspaceKey = Annotated[
    str,
    BeforeValidator(
        _matching(
            _WORKSPACE_KEY, "workspace key", "1-12 lowercase letters, digits or '-', starting with a letter"
        )
    ),
]
AssetName = Annotated[
    str,
    BeforeValidator(
        _matching(_ASSET_NAME, "asset name", "letters, digits, '_', '.', '-', starting with a letter or digit")
    ),
]
Version = Annotated[
    str,
    BeforeValidator(_matching(_VERSION, "version", "a string or number such as \"1\" or \"2.0\"")),
]
WorkspaceRef = Annotated[
    str,
    BeforeValidator(_matching(_WORKSPACE_REF, "workspace reference", "'<tenant key>/<workspace key>'")),
]
PrincipalType = Literal["User", "Group", "ServicePrincipal"]
NetworkAccess = Literal["Enabled", "Disabled"]


class ConfigModel(BaseModel):
    """Base of every config block: immutable, camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )


def split_ref(ref: str) -> tuple[str, str]:
    tenant, workspace = ref.split("/", 1)
    return tenant, workspace
