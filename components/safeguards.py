"""What makes a stack reachable and accountable: private endpoints and DNS, the monitoring
private link scope, resource logs of every tenant resource, and blob recovery.

Built after the registry and the workspaces, from the plans in ``stacks.endpoints``. Per-workspace
pieces are children of the workspace's component, so a tenant's resources stay under its URNs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import monitor, storage

from components.diagnostics import (
    BLOB_CATEGORIES,
    CONTAINER_REGISTRY_CATEGORIES,
    KEY_VAULT_CATEGORIES,
    WORKSPACE_CATEGORY_GROUPS,
    audit_logs,
)
from components.lifecycle import resource_options
from components.private_endpoints import PrivateDns, PrivateDnsArgs, private_endpoint
from components.registry import MlRegistry
from components.workspace import TenantWorkspace
from stacks.endpoints import (
    MONITORING_OWNER,
    REGISTRY_OWNER,
    monitoring_private,
    monitoring_scope_name,
    plan_private_endpoints,
    plan_zones,
)
from stacks.network import Recovery
from stacks.topology import Topology, WorkspaceSite


@dataclass(frozen=True)
class SafeguardsArgs:
    topology: Topology
    providers: Mapping[str, pulumi.ProviderResource]
    registry: MlRegistry
    workspaces: Mapping[str, TenantWorkspace]
    tags: Callable[[str], dict[str, str]]  # tags of a tenant key (or the platform)
    platform_key: str


class Safeguards(pulumi.ComponentResource):
    def __init__(self, name: str, args: SafeguardsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:network:Safeguards", name, None, opts)
        config = args.topology.config
        reg = config.registry
        platform_provider = args.providers[reg.subscription_id]
        platform_tags = args.tags(args.platform_key)
        central = args.registry.log_analytics
        planned = plan_private_endpoints(args.topology)

        self.dns = PrivateDns(
            "private-dns",
            PrivateDnsArgs(
                zones=plan_zones(args.topology),
                link_virtual_networks=config.network.private_dns.link_virtual_networks,
                resource_group=reg.resource_group,
                provider=platform_provider,
                tags=platform_tags,
            ),
            pulumi.ResourceOptions(parent=self, depends_on=[args.registry.resource_group]),
        )
        zone_resources = list(self.dns.zones.values())

        def endpoint(item, target, parent, tags, target_id=None, offboarding=None):
            return private_endpoint(
                item, target, zone_ids=self.dns.zone_ids, provider=args.providers[item.subscription_id],
                parent=parent, tags=tags, zones=zone_resources, target_id=target_id, offboarding=offboarding,
            )

        self.endpoints = {}
        for item in planned:
            if item.owner == REGISTRY_OWNER:
                self.endpoints[item.key] = endpoint(item, args.registry.registry, self, platform_tags)

        self.monitoring_scope = None
        if monitoring_private(config):
            self.monitoring_scope = MonitoringScope(
                "monitoring",
                MonitoringScopeArgs(
                    name=monitoring_scope_name(config),
                    resource_group=reg.resource_group,
                    provider=platform_provider,
                    linked={
                        config.registry.name: central,
                        **{
                            ref: ws.log_analytics for ref, ws in args.workspaces.items()
                        },
                        **{f"{ref}/appi": ws.app_insights for ref, ws in args.workspaces.items()},
                    },
                    tags=platform_tags,
                ),
                pulumi.ResourceOptions(parent=self, depends_on=[args.registry.resource_group]),
            )
            for item in planned:
                if item.owner == MONITORING_OWNER:
                    self.endpoints[item.key] = endpoint(
                        item, self.monitoring_scope.scope, self.monitoring_scope, platform_tags
                    )

        self.workspaces: dict[str, WorkspaceSafeguards] = {}
        for site in args.topology.sites:
            ws = args.workspaces[site.ref]
            guard = WorkspaceSafeguards(
                f"{site.tenant.key}-{site.spec.key}-safeguards",
                site,
                ws,
                recovery=config.recovery,
                central=central,
                central_name=args.topology.log_analytics_name,
                provider=args.providers[site.subscription_id],
                opts=pulumi.ResourceOptions(parent=ws),
            )
            tags = args.tags(site.tenant.key)
            for item in planned:
                if item.owner != site.ref:
                    continue
                target = ws.workspace if item.group_id == "amlworkspace" else ws.storage
                # An endpoint in the tenant's own spoke is the tenant's and is handed over with the
                # workspace; one in the platform's hub is the platform's and goes when the tenant does.
                in_spoke = site.spec.private_endpoints is not None
                self.endpoints[item.key] = endpoint(
                    item, target, guard, tags, offboarding=site.tenant.offboarding if in_spoke else None
                )
            self.workspaces[site.ref] = guard
        self.register_outputs({"privateEndpoints": sorted(self.endpoints)})


class WorkspaceSafeguards(pulumi.ComponentResource):
    """Blob recovery and resource logs of one workspace and its dependencies."""

    def __init__(
        self,
        name: str,
        site: WorkspaceSite,
        ws: TenantWorkspace,
        *,
        recovery: Recovery,
        central: pulumi.CustomResource,
        central_name: str,
        provider: pulumi.ProviderResource,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ml-tenancy:tenant:Safeguards", name, None, opts)
        base = f"{site.tenant.key}-{site.spec.key}"
        # Deleted or overwritten blobs and deleted containers stay recoverable for the retention.
        self.blob_service = storage.BlobServiceProperties(
            f"{base}-blob-recovery",
            account_name=ws.storage.name,
            resource_group_name=ws.resource_group.name,
            blob_services_name="default",
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=recovery.blob_soft_delete_days
            ),
            container_delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=recovery.container_soft_delete_days
            ),
            is_versioning_enabled=recovery.versioning,
            opts=resource_options(provider, self, offboarding=site.tenant.offboarding, depends_on=[ws.storage]),
        )

        def logs(what: str, target: pulumi.CustomResource, uri: pulumi.Input[str], **kinds):
            return audit_logs(
                f"{base}-{what}-audit", resource_uri=uri, workspace_id=central.id,
                log_analytics_name=central_name, parent=self, provider=provider, depends_on=[target], **kinds,
            )

        self.audit = {
            "workspace": logs("mlw", ws.workspace, ws.workspace.id, category_groups=WORKSPACE_CATEGORY_GROUPS),
            "keyVault": logs("kv", ws.key_vault, ws.key_vault.id, categories=KEY_VAULT_CATEGORIES),
            "blob": logs("blob", self.blob_service, self.blob_service.id, categories=BLOB_CATEGORIES),
            "containerRegistry": logs(
                "cr", ws.container_registry, ws.container_registry.id, categories=CONTAINER_REGISTRY_CATEGORIES
            ),
        }
        self.register_outputs({"auditSettings": sorted(self.audit)})


@dataclass(frozen=True)
class MonitoringScopeArgs:
    name: str
    resource_group: str
    provider: pulumi.ProviderResource
    # Log Analytics workspaces and Application Insights components reached through the scope.
    linked: Mapping[str, pulumi.CustomResource]
    tags: dict[str, str]


class MonitoringScope(pulumi.ComponentResource):
    """An Azure Monitor private link scope: ingestion and query of every linked workspace and
    component only through the scope's private endpoint (PrivateOnly access modes)."""

    def __init__(self, name: str, args: MonitoringScopeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:network:MonitoringScope", name, None, opts)
        child = resource_options(args.provider, self)
        self.scope = monitor.PrivateLinkScope(
            f"{name}-scope",
            scope_name=args.name,
            resource_group_name=args.resource_group,
            location="global",
            access_mode_settings=monitor.AccessModeSettingsArgs(
                ingestion_access_mode="PrivateOnly", query_access_mode="PrivateOnly"
            ),
            tags=args.tags,
            opts=child,
        )
        self.scoped = {
            key: monitor.PrivateLinkScopedResource(
                f"{name}-{key.replace('/', '-')}",
                name=key.replace("/", "-"),
                scope_name=self.scope.name,
                resource_group_name=args.resource_group,
                linked_resource_id=target.id,
                opts=resource_options(args.provider, self, depends_on=[target]),
            )
            for key, target in args.linked.items()
        }
        self.register_outputs({"scope": self.scope.id, "linked": sorted(self.scoped)})
