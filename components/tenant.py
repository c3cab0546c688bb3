"""A tenant: the group of its workspaces, each in its own subscription's provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi

from components.workspace import TenantWorkspace, TenantWorkspaceArgs
from stacks.topology import WorkspaceSite


@dataclass(frozen=True)
class TenantArgs:
    sites: tuple[WorkspaceSite, ...]
    entra_tenant_id: str
    registry_id: str
    providers: Mapping[str, pulumi.ProviderResource]
    tags: dict[str, str] = field(default_factory=dict)
    offboarding: str | None = None  # see components.lifecycle
    monitoring_public_access: str = "Enabled"


class TenantResources(pulumi.ComponentResource):
    """Everything one tenant owns; its type token (and so its URN) stays ``ml-tenancy:tenant:Tenant``."""

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:tenant:Tenant", name, None, opts)
        self.workspaces: dict[str, TenantWorkspace] = {
            site.ref: TenantWorkspace(
                f"{site.tenant.key}-{site.spec.key}",
                TenantWorkspaceArgs(
                    names=site.names,
                    region=site.spec.region,
                    entra_tenant_id=args.entra_tenant_id,
                    public_network_access=site.spec.public_network_access,
                    compute=site.spec.compute,
                    registry_id=args.registry_id,
                    provider=args.providers[site.subscription_id],
                    tags=args.tags,
                    offboarding=args.offboarding,
                    monitoring_public_access=args.monitoring_public_access,
                ),
                pulumi.ResourceOptions(parent=self),
            )
            for site in args.sites
        }
        self.register_outputs({"workspaces": [ws.workspace.id for ws in self.workspaces.values()]})
