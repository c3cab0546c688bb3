"""What the fake Azure ML service holds: registries, workspaces and the resources inside them."""

from __future__ import annotations

import copy
import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

ARM_PROVIDER = "Microsoft.MachineLearningServices"
VERSIONED_KINDS = ("models", "data", "environments", "components", "codes")

# A monotonically growing clock, so "latest version" ordering is stable without wall-clock time.
_ticks = itertools.count(1)


def system_data() -> dict[str, str]:
    tick = next(_ticks)
    stamp = f"2025-01-01T00:{tick // 60 % 60:02d}:{tick % 60:02d}.{tick:06d}Z"
    return {"createdAt": stamp, "lastModifiedAt": stamp, "createdBy": "fake", "createdByType": "User"}


@dataclass
class FakeRegistry:
    """A registry: its coordinates (what discovery answers) and its immutable asset versions."""

    name: str
    subscription_id: str
    resource_group: str
    region: str = "westeurope"
    assets: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    # (name, version) -> the container URL a tempdatarefs SAS was issued for
    uploads: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def arm_prefix(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{ARM_PROVIDER}/registries/{self.name}"
        )

    @property
    def mfe_host(self) -> str:
        """Where the registry's data plane answers (what discovery returns, with its path prefix)."""
        return f"https://cert-{self.region}.experiments.azureml.net/mferp/managementfrontend"

    @property
    def storage_account(self) -> str:
        """The system-created storage account of the registry's primary region (3-24 lowercase alphanumerics)."""
        return ("".join(c for c in self.name.lower() if c.isalnum()) + "regst")[:24]

    @property
    def storage_account_id(self) -> str:
        return (f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
                f"/providers/Microsoft.Storage/storageAccounts/{self.storage_account}")

    def asset_id(self, kind: str, name: str, version: str) -> str:
        return f"azureml://registries/{self.name}/{kind}/{name}/versions/{version}"

    def asset(self, kind: str, name: str, version: str) -> dict[str, Any] | None:
        """The stored resource (a copy), or None; ``kind`` is the URL plural: models, data, ..."""
        found = self.assets.get((kind, name.lower(), str(version)))
        return copy.deepcopy(found) if found else None


@dataclass
class FakeWorkspace:
    """A workspace: versioned assets plus every other child resource keyed by its lowered path parts.

    Child resources (online/batch endpoints and their deployments, schedules, ...) share one
    generic store keyed by the path below the workspace, for example
    ``("onlineendpoints", "credit")`` or ``("schedules", "weekly")``.
    """

    subscription_id: str
    resource_group: str
    name: str
    location: str = "westeurope"
    workspace_guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    assets: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)
    children: dict[tuple[str, ...], dict[str, Any]] = field(default_factory=dict)

    @property
    def arm_id(self) -> str:
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/{ARM_PROVIDER}/workspaces/{self.name}"
        )

    def asset_id(self, kind: str, name: str, version: str) -> str:
        return f"{self.arm_id}/{kind}/{name}/versions/{version}"

    def asset(self, kind: str, name: str, version: str) -> dict[str, Any] | None:
        found = self.assets.get((kind, name.lower(), str(version)))
        return copy.deepcopy(found) if found else None

    def child(self, *parts: str) -> dict[str, Any] | None:
        """A child resource by its path below the workspace, e.g. ``child("onlineEndpoints", "credit")``."""
        found = self.children.get(tuple(p.lower() for p in parts))
        return copy.deepcopy(found) if found else None

    def children_of(self, *parts: str) -> list[dict[str, Any]]:
        prefix = tuple(p.lower() for p in parts)
        return [
            copy.deepcopy(body)
            for key, body in self.children.items()
            if len(key) == len(prefix) + 1 and key[: len(prefix)] == prefix
        ]

    def resource(self) -> dict[str, Any]:
        return {
            "id": self.arm_id,
            "name": self.name,
            "type": f"{ARM_PROVIDER}/workspaces",
            "location": self.location,
            "identity": {"type": "SystemAssigned", "principalId": str(uuid.uuid5(uuid.NAMESPACE_URL, self.arm_id)),
                         "tenantId": "00000000-0000-0000-0000-000000000001"},
            "kind": "Default",
            "properties": {
                "workspaceId": self.workspace_guid,
                "friendlyName": self.name,
                "provisioningState": "Succeeded",
                "discoveryUrl": f"https://{self.location}.api.azureml.ms/discovery",
                "mlFlowTrackingUri": f"azureml://{self.location}.api.azureml.ms/mlflow/v1.0{self.arm_id}",
            },
            "systemData": system_data(),
        }
