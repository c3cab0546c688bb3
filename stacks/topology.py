"""Resolved view of the platform: every workspace with its derived names and ARM ids.

ARM ids are computed from config (names are explicit), so role assignment scopes are
known at preview time and reviewers see real scopes instead of "output<string>".
"""

from __future__ import annotations

from dataclasses import dataclass

from stacks.model import PlatformConfig, Tenant, Workspace
from stacks.naming import WorkspaceNames, log_analytics_name


@dataclass(frozen=True)
class WorkspaceSite:
    tenant: Tenant
    spec: Workspace
    names: WorkspaceNames

    @property
    def ref(self) -> str:
        return f"{self.tenant.key}/{self.spec.key}"

    @property
    def subscription_id(self) -> str:
        return self.spec.subscription_id

    @property
    def resource_group_id(self) -> str:
        return f"/subscriptions/{self.spec.subscription_id}/resourceGroups/{self.names.resource_group}"

    @property
    def workspace_id(self) -> str:
        return (
            f"{self.resource_group_id}/providers/Microsoft.MachineLearningServices/"
            f"workspaces/{self.names.workspace}"
        )

    @property
    def compute_id(self) -> str:
        return f"{self.workspace_id}/computes/{self.spec.compute.name}"


@dataclass(frozen=True)
class Topology:
    config: PlatformConfig
    sites: tuple[WorkspaceSite, ...]

    @classmethod
    def of(cls, config: PlatformConfig) -> Topology:
        sites = tuple(
            WorkspaceSite(
                tenant=tenant,
                spec=ws,
                names=WorkspaceNames.derive(
                    environment=config.environment,
                    tenant=tenant.key,
                    workspace=ws.key,
                    subscription_id=ws.subscription_id,
                    resource_group=ws.resource_group,
                    name=ws.name,
                ),
            )
            for tenant in config.tenants
            for ws in tenant.workspaces
        )
        return cls(config, sites)

    @property
    def registry_id(self) -> str:
        reg = self.config.registry
        return (
            f"/subscriptions/{reg.subscription_id}/resourceGroups/{reg.resource_group}/providers/"
            f"Microsoft.MachineLearningServices/registries/{reg.name}"
        )

    @property
    def log_analytics_name(self) -> str:
        return log_analytics_name(self.config.registry.name)

    def site(self, ref: str) -> WorkspaceSite:
        return next(s for s in self.sites if s.ref == ref)

    @property
    def subscriptions(self) -> tuple[str, ...]:
        """Every subscription the stack touches, registry first, in first-seen order."""
        seen = dict.fromkeys([self.config.registry.subscription_id, *(s.subscription_id for s in self.sites)])
        return tuple(seen)
