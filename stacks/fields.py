"""Constrained field types shared by the config models, with messages that say what is allowed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PrivateAttr
from pydantic.alias_generators import to_camel

from stacks.errors import Allowed, show

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TENANT_KEY = re.compile(r"[a-z][a-z0-9-]{1,19}")
WORKSPACE_KEY = re.compile(r"[a-z][a-z0-9-]{0,11}")
_ASSET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,254}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_WORKSPACE_REF = re.compile(f"({TENANT_KEY.pattern})/({WORKSPACE_KEY.pattern})")
_VM_SIZE = re.compile(r"Standard_[A-Za-z0-9_]+")

GUID_ALLOWED = "a GUID of the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (hex digits)"
TENANT_KEY_ALLOWED = "2-20 lowercase letters, digits or '-', starting with a letter"
WORKSPACE_KEY_ALLOWED = "1-12 lowercase letters, digits or '-', starting with a letter"
ASSET_NAME_ALLOWED = "letters, digits, '_', '.', '-', starting with a letter or digit (at most 255)"
VERSION_ALLOWED = 'a pinned version such as "1" or "2.0" (quote versions with a dot)'
WORKSPACE_REF_ALLOWED = "'<tenant key>/<workspace key>', such as tenant1/ws1"
VM_SIZE_ALLOWED = "an Azure VM size such as Standard_DS3_v2"


def _guid(value: object) -> str:
    if value is None or value == "":
        raise ValueError(f"is empty; expected {GUID_ALLOWED}")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"must be {GUID_ALLOWED}; got {show(value)}")
    if not isinstance(value, str) or not _GUID.fullmatch(value.strip()):
        raise ValueError(f"{value!r} is not a GUID; expected {GUID_ALLOWED}")
    return str(uuid.UUID(value.strip()))


def _matching(pattern: re.Pattern[str], what: str, allowed: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if value is None or value == "":
            raise ValueError(f"is empty; allowed: {allowed}")
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if not isinstance(text, str) or not pattern.fullmatch(text):
            plain = isinstance(value, str | int | float) and not isinstance(value, bool)
            written = repr(value) if plain else show(value)
            raise ValueError(f"{written} is not a valid {what}; allowed: {allowed}")
        return text

    return check


def described(text: str) -> Allowed:
    """What a plain string field accepts, for messages about a missing or mistyped value."""
    return Allowed(text)


def _version(value: object) -> str:
    if isinstance(value, float):
        # YAML reads 1.10 as the number 1.1; guessing the text back would pin the wrong version.
        raise ValueError(f"{value!r} is a number; write the version in quotes, such as \"{value}\"")
    value = _matching(_VERSION, "version", VERSION_ALLOWED)(value)
    if value.lower() == "latest":
        raise ValueError(
            "'latest' is a label, not a version; pin a version such as \"1\" "
            "(registry asset versions are immutable, so a pinned version always means the same asset)"
        )
    return value


def _whole_number(value: Any) -> Any:
    # Pydantic reads true as 1; in YAML that is almost always a key written in the wrong place.
    if isinstance(value, bool):
        raise ValueError(f"{str(value).lower()} is not a number; allowed: a whole number")
    return value


def non_empty(what: str) -> AfterValidator:
    """A list that must name at least one item, with a message saying which items are meant."""

    def check(value: tuple[Any, ...]) -> tuple[Any, ...]:
        if not value:
            raise ValueError(f"is empty; list at least one {what}")
        return value

    return AfterValidator(check)


Guid = Annotated[str, BeforeValidator(_guid), Allowed(GUID_ALLOWED)]
TenantKey = Annotated[
    str,
    BeforeValidator(_matching(TENANT_KEY, "tenant key", TENANT_KEY_ALLOWED)),
    Allowed(f"a tenant key: {TENANT_KEY_ALLOWED}"),
]
WorkspaceKey = Annotated[
    str,
    BeforeValidator(_matching(WORKSPACE_KEY, "workspace key", WORKSPACE_KEY_ALLOWED)),
    Allowed(f"a workspace key: {WORKSPACE_KEY_ALLOWED}"),
]
AssetName = Annotated[
    str,
    BeforeValidator(_matching(_ASSET_NAME, "asset name", ASSET_NAME_ALLOWED)),
    Allowed(f"an asset name: {ASSET_NAME_ALLOWED}"),
]
Version = Annotated[str, BeforeValidator(_version), Allowed(VERSION_ALLOWED)]
WorkspaceRef = Annotated[
    str,
    BeforeValidator(_matching(_WORKSPACE_REF, "workspace reference", WORKSPACE_REF_ALLOWED)),
    Allowed(f"a workspace reference {WORKSPACE_REF_ALLOWED}"),
]
VmSize = Annotated[
    str, BeforeValidator(_matching(_VM_SIZE, "VM size", VM_SIZE_ALLOWED)), Allowed(VM_SIZE_ALLOWED)
]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
PrincipalType = Literal["User", "Group", "ServicePrincipal"]
NetworkAccess = Literal["Enabled", "Disabled"]


class ConfigModel(BaseModel):
    """Base of every config block: immutable, camelCase keys, unknown keys rejected."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", alias_generator=to_camel, populate_by_name=True
    )
    # Set only on blocks salvaged from invalid config for the cross-block checks: the fields whose
    # value was written but invalid (and is None here), as opposed to left out, and unknown keys.
    _invalid_fields: frozenset[str] = PrivateAttr(default_factory=frozenset)


def invalid_fields(block: ConfigModel) -> frozenset[str]:
    return block._invalid_fields


def split_ref(ref: str) -> tuple[str, str]:
    tenant, workspace = ref.split("/", 1)
    return tenant, workspace
