"""Azure Resource Manager ids: role assignment scopes, role definition ids, resource ids.

ARM ids are case-insensitive, so everything here compares lowercased ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

WORKSPACES = "microsoft.machinelearningservices/workspaces"
REGISTRIES = "microsoft.machinelearningservices/registries"
CONTAINER_REGISTRIES = "microsoft.containerregistry/registries"


def is_guid(value: str) -> bool:
    return bool(_GUID.fullmatch(value))


def normalize(arm_id: str) -> str:
    return arm_id.strip().rstrip("/").lower()


def role_guid(role_definition_id: str) -> str | None:
    """The role definition GUID a role definition id ends in, lowercased."""
    last = role_definition_id.strip().rstrip("/").rsplit("/", 1)[-1]
    return last.lower() if is_guid(last) else None


@dataclass(frozen=True)
class ArmId:
    """The parts of an ARM id this pack reasons about; every part lowercased."""

    subscription: str | None
    resource_group: str | None
    # (provider namespace/type, name) pairs, outermost first; child types are joined to
    # their parent's ("microsoft.machinelearningservices/workspaces/computes").
    resources: tuple[tuple[str, str], ...]

    @property
    def is_subscription(self) -> bool:
        return self.subscription is not None and self.resource_group is None and not self.resources

    @property
    def is_resource_group(self) -> bool:
        return self.resource_group is not None and not self.resources

    @property
    def top(self) -> tuple[str, str] | None:
        """The outermost resource: a compute's scope still belongs to its workspace."""
        return self.resources[0] if self.resources else None


def parse(arm_id: str) -> ArmId | None:
    parts = [p for p in normalize(arm_id).split("/") if p]
    if len(parts) < 2 or parts[0] != "subscriptions":
        return None
    subscription = parts[1]
    rest = parts[2:]
    resource_group = None
    if len(rest) >= 2 and rest[0] == "resourcegroups":
        resource_group = rest[1]
        rest = rest[2:]
    resources: list[tuple[str, str]] = []
    if len(rest) >= 4 and rest[0] == "providers":
        namespace = rest[1]
        kind = f"{namespace}/{rest[2]}"
        resources.append((kind, rest[3]))
        rest = rest[4:]
        while len(rest) >= 2:
            if rest[0] == "providers":
                # An extension resource (e.g. a role assignment below this resource) ends the path.
                break
            kind = f"{kind}/{rest[0]}"
            resources.append((kind, rest[1]))
            rest = rest[2:]
    elif rest and rest[0] != "providers":
        return None
    return ArmId(subscription, resource_group, tuple(resources))
