"""Composition: one stack config in, the registry, tenant workspaces and access out."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from components.access import Access, AccessArgs, Principals
from components.providers import subscription_providers
from components.registry import MlRegistry, RegistryArgs
from components.safeguards import Safeguards, SafeguardsArgs
from components.tenant import TenantArgs, TenantResources
from components.workspace import TenantWorkspace
from stacks.access import PLATFORM, RoleGrant, plan_role_grants
from stacks.endpoints import monitoring_public_access, network_subscriptions
from stacks.model import PlatformConfig
from stacks.offboarding import OFFBOARDING_TAG, granted_topology
from stacks.topology import Topology


@dataclass(frozen=True)
class Platform:
    topology: Topology
    registry: MlRegistry
    tenants: dict[str, TenantResources]
    workspaces: dict[str, TenantWorkspace]
    access: Access
    grants: tuple[RoleGrant, ...]
    safeguards: Safeguards | None = None


def base_tags(config: PlatformConfig, tenant: str) -> dict[str, str]:
    return {**config.tags, "environment": config.environment, "tenant": tenant, "managed-by": "ml-tenancy"}


def build_platform(config: PlatformConfig) -> Platform:
    topology = Topology.of(config)
    reg = config.registry
    # Private endpoints live in their subnet's subscription, which may hold nothing else of the stack.
    subscriptions = dict.fromkeys([*topology.subscriptions, *network_subscriptions(topology)])
    providers = subscription_providers(subscriptions, config.entra_tenant_id)

    registry = MlRegistry(
        reg.name,
        RegistryArgs(
            name=reg.name,
            resource_group=reg.resource_group,
            primary_region=reg.primary_region,
            additional_regions=reg.additional_regions,
            public_network_access=reg.public_network_access,
            log_analytics_name=topology.log_analytics_name,
            provider=providers[reg.subscription_id],
            tags=base_tags(config, PLATFORM),
            monitoring_public_access=monitoring_public_access(config),
        ),
    )
    tenants = {
        tenant.key: TenantResources(
            tenant.key,
            TenantArgs(
                sites=tuple(s for s in topology.sites if s.tenant.key == tenant.key),
                entra_tenant_id=config.entra_tenant_id,
                registry_id=topology.registry_id,
                providers=providers,
                # The tag tells the policy pack (and anyone in the portal) why protection is off.
                tags={**base_tags(config, tenant.key), **({OFFBOARDING_TAG: tenant.offboarding}
                                                          if tenant.offboarding else {})},
                offboarding=tenant.offboarding,
                monitoring_public_access=monitoring_public_access(config),
            ),
        )
        for tenant in config.tenants
    }
    workspaces = {ref: ws for t in tenants.values() for ref, ws in t.workspaces.items()}
    grants = plan_role_grants(granted_topology(config))
    access = Access(
        "access",
        AccessArgs(
            grants=grants,
            principals=Principals(
                workspace_identities={
                    ref: ws.workspace.identity.apply(lambda i: i.principal_id) for ref, ws in workspaces.items()
                },
                compute_identities={
                    ref: ws.compute.identity.apply(lambda i: i.principal_id if i else None)
                    for ref, ws in workspaces.items()
                },
            ),
            providers=providers,
            registry=registry.registry,
            workspaces={ref: ws.workspace for ref, ws in workspaces.items()},
        ),
    )
    safeguards = Safeguards(
        "network",
        SafeguardsArgs(topology, providers, registry, workspaces, lambda key: base_tags(config, key), PLATFORM),
    )
    return Platform(topology, registry, tenants, workspaces, access, grants, safeguards)


def export_outputs(platform: Platform) -> None:
    """Outputs the post-deploy step and people read; names are deterministic, ids come from Azure."""
    cfg = platform.topology.config
    reg = platform.registry.registry
    # Post-deploy refuses an outputs file of another stack; the stack's name says which one it is.
    pulumi.export("stack", pulumi.get_stack())
    pulumi.export(
        "registry",
        {
            "name": cfg.registry.name,
            "id": reg.id,
            "subscriptionId": cfg.registry.subscription_id,
            "resourceGroup": cfg.registry.resource_group,
            "regions": list(cfg.registry.regions),
            "discoveryUrl": reg.discovery_url,
        },
    )
    pulumi.export(
        "workspaces",
        {
            site.ref: {
                "id": platform.workspaces[site.ref].workspace.id,
                "name": site.names.workspace,
                "subscriptionId": site.subscription_id,
                "resourceGroup": site.names.resource_group,
                "region": site.spec.region,
                "principalId": platform.workspaces[site.ref].workspace.identity.apply(
                    lambda i: i.principal_id if i else None
                ),
                "compute": site.spec.compute.name,
            }
            for site in platform.topology.sites
        },
    )
    pulumi.export("roleAssignments", [g.summary() for g in platform.grants])


def deploy(config: PlatformConfig) -> Platform:
    """The whole program for one validated config: what `pulumi up` and the offline preview run."""
    platform = build_platform(config)
    export_outputs(platform)
    return platform
