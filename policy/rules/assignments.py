"""What a role assignment says, read from its properties: role, scope, principal.

Shared by the per-assignment rules and the stack rules (duplicates, tenant isolation).
Properties come from inputs in resource policies and from outputs in stack policies; the
names used here exist in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import PolicyResource

from policy.rules.arm import role_guid
from policy.rules.values import MISSING, UNKNOWN, get, show_value, text
from stacks.access import tenants_from_description
from stacks.roles import ROLE_BY_GUID


def role_of(props: Mapping[str, Any]) -> Any:
    """The lowercased role GUID, ``UNKNOWN``, ``MISSING``, or the raw id when it names no GUID."""
    value = get(props, "roleDefinitionId")
    if value is UNKNOWN or value is MISSING:
        return value
    raw = show_value(value)
    return role_guid(raw) or raw


def role_label(guid: str) -> str:
    role = ROLE_BY_GUID.get(guid)
    return str(role) if role is not None else f"role {guid}"


def description_tenants(props: Mapping[str, Any]) -> tuple[str, ...] | None:
    """Tenants the principal acts for, per the description this project writes; None if absent."""
    return tenants_from_description(text(get(props, "description")))


def principal_label(props: Mapping[str, Any]) -> str:
    """How a message names the principal: the description's label, else its object id."""
    description = text(get(props, "description"))
    if description and description_tenants(props) is not None:
        for part in description.split("; "):
            if part.startswith("principal="):
                return part.removeprefix("principal=")
    principal = text(get(props, "principalId"))
    return principal or "a principal known after apply"


def principal_key(resource: PolicyResource) -> str | None:
    """A stable key for the principal: its object id, or the identity it is read from.

    A managed identity's object id is unknown until apply; on a real engine the property
    dependencies of ``principalId`` still say whose identity it is.
    """
    principal = text(get(resource.props, "principalId"))
    if principal:
        return principal.lower()
    sources = (resource.property_dependencies or {}).get("principalId") or []
    if len(sources) == 1:
        return f"identity of {sources[0].urn}"
    return None
