"""Built-in Azure role definitions this project grants or refuses to grant.

The GUIDs are identical in every Entra tenant; the full role definition id is built with
the subscription of the scope the assignment lives in (see ``role_definition_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    CONTRIBUTOR = "Contributor"
    REGISTRY_USER = "AzureML Registry User"
    READER = "Reader"
    DATA_SCIENTIST = "AzureML Data Scientist"
    COMPUTE_OPERATOR = "AzureML Compute Operator"
    ACR_PULL = "AcrPull"
    STORAGE_BLOB_DATA_READER = "Storage Blob Data Reader"
    OWNER = "Owner"
    USER_ACCESS_ADMINISTRATOR = "User Access Administrator"
    RBAC_ADMINISTRATOR = "Role Based Access Control Administrator"


ROLE_GUIDS: dict[Role, str] = {
    Role.CONTRIBUTOR: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    Role.REGISTRY_USER: "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    Role.READER: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    Role.DATA_SCIENTIST: "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    Role.COMPUTE_OPERATOR: "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    Role.ACR_PULL: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    Role.STORAGE_BLOB_DATA_READER: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    Role.OWNER: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    Role.USER_ACCESS_ADMINISTRATOR: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    Role.RBAC_ADMINISTRATOR: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
}

ROLE_BY_GUID: dict[str, Role] = {guid: role for role, guid in ROLE_GUIDS.items()}

# Roles that let a principal grant access to others: this project never hands them out.
PRIVILEGED_ROLES: frozenset[Role] = frozenset(
    {Role.OWNER, Role.USER_ACCESS_ADMINISTRATOR, Role.RBAC_ADMINISTRATOR}
)

# What this project may grant at all; the policy pack enforces the same list.
GRANTABLE_ROLES: frozenset[Role] = frozenset(
    {
        Role.CONTRIBUTOR,
        Role.REGISTRY_USER,
        Role.READER,
        Role.DATA_SCIENTIST,
        Role.COMPUTE_OPERATOR,
        Role.ACR_PULL,
        Role.STORAGE_BLOB_DATA_READER,
    }
)


def role_definition_id(role: Role, scope_subscription_id: str) -> str:
    return (
        f"/subscriptions/{scope_subscription_id}/providers/Microsoft.Authorization/"
        f"roleDefinitions/{ROLE_GUIDS[role]}"
    )


@dataclass(frozen=True)
class MemberRole:
    """A role a tenant member can be given in config, and where it lands."""

    key: str
    role: Role
    on: str  # "workspace" or "registry"


MEMBER_ROLES: dict[str, MemberRole] = {
    m.key: m
    for m in (
        MemberRole("dataScientist", Role.DATA_SCIENTIST, "workspace"),
        MemberRole("computeOperator", Role.COMPUTE_OPERATOR, "workspace"),
        MemberRole("registryUser", Role.REGISTRY_USER, "registry"),
        MemberRole("registryReader", Role.READER, "registry"),
    )
}
