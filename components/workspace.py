"""A tenant's Azure ML workspace with its own storage, key vault, monitoring, ACR and compute."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import (
    applicationinsights,
    containerregistry,
    keyvault,
    operationalinsights,
    resources,
    storage,
)
from pulumi_azure_native import machinelearningservices as ml

from components.lifecycle import resource_options
from stacks.model import Compute
from stacks.naming import WorkspaceNames

REGISTRY_OUTBOUND_RULE = "ml-registry"


@dataclass(frozen=True)
class TenantWorkspaceArgs:
    names: WorkspaceNames
    region: str
    entra_tenant_id: str
    public_network_access: str
    compute: Compute
    registry_id: str
    provider: pulumi.ProviderResource
    tags: dict[str, str] = field(default_factory=dict)
    offboarding: str | None = None  # see components.lifecycle
    # Log Analytics and App Insights ingestion/query: Disabled when the stack reaches them through
    # its Azure Monitor private link scope (network.monitoringAccess: Private).
    monitoring_public_access: str = "Enabled"

    @property
    def private(self) -> bool:
        return self.public_network_access == "Disabled"


class TenantWorkspace(pulumi.ComponentResource):
    workspace: ml.Workspace
    compute: ml.Compute

    def __init__(self, name: str, args: TenantWorkspaceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:tenant:Workspace", name, None, opts)
        child = resource_options(args.provider, self, offboarding=args.offboarding)
        stateful = resource_options(args.provider, self, stateful=True, offboarding=args.offboarding)
        n = args.names
        common = {"location": args.region, "tags": args.tags}

        self.resource_group = resources.ResourceGroup(
            f"{name}-rg", resource_group_name=n.resource_group, opts=child, **common
        )
        rg = self.resource_group.name
        self.storage = storage.StorageAccount(
            f"{name}-st",
            account_name=n.storage_account,
            resource_group_name=rg,
            kind="StorageV2",
            sku=storage.SkuArgs(name="Standard_ZRS" if args.private else "Standard_LRS"),
            minimum_tls_version="TLS1_2",
            enable_https_traffic_only=True,
            allow_blob_public_access=False,
            # Datastores authenticate with identities (systemDatastoresAuthMode below), so keys stay off.
            allow_shared_key_access=False,
            allow_cross_tenant_replication=False,
            public_network_access=args.public_network_access,
            network_rule_set=_storage_firewall(args),
            opts=stateful,
            **common,
        )
        self.key_vault = keyvault.Vault(
            f"{name}-kv",
            vault_name=n.key_vault,
            resource_group_name=rg,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=args.entra_tenant_id,
                sku=keyvault.SkuArgs(family="A", name="standard"),
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=90,
                enable_purge_protection=True,
                public_network_access=args.public_network_access,
                network_acls=_vault_firewall(args),
            ),
            opts=stateful,
            **common,
        )
        self.log_analytics = operationalinsights.Workspace(
            f"{name}-log",
            workspace_name=n.log_analytics,
            resource_group_name=rg,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=30,
            features=operationalinsights.WorkspaceFeaturesArgs(disable_local_auth=True),
            public_network_access_for_ingestion=args.monitoring_public_access,
            public_network_access_for_query=args.monitoring_public_access,
            opts=child,
            **common,
        )
        self.app_insights = applicationinsights.Component(
            f"{name}-appi",
            resource_name_=n.app_insights,
            resource_group_name=rg,
            kind="web",
            application_type="web",
            workspace_resource_id=self.log_analytics.id,
            ingestion_mode="LogAnalytics",
            # Keys stay usable in public workspaces, where endpoint logging still relies on connection
            # strings; private workspaces ingest with Entra ID only.
            disable_local_auth=args.private,
            public_network_access_for_ingestion=args.monitoring_public_access,
            public_network_access_for_query=args.monitoring_public_access,
            opts=child,
            **common,
        )
        self.container_registry = containerregistry.Registry(
            f"{name}-cr",
            registry_name=n.container_registry,
            resource_group_name=rg,
            # Private workspaces reach their ACR over private endpoints, which needs Premium.
            sku=containerregistry.SkuArgs(name="Premium" if args.private else "Basic"),
            admin_user_enabled=False,
            public_network_access=args.public_network_access,
            # Premium (private) registries survive the loss of a zone; Basic has no zones.
            zone_redundancy="Enabled" if args.private else "Disabled",
            opts=child,
            **common,
        )
        self.workspace = ml.Workspace(
            name,
            workspace_name=n.workspace,
            resource_group_name=rg,
            friendly_name=n.workspace,
            identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
            v1_legacy_mode=False,
            public_network_access=args.public_network_access,
            storage_account=self.storage.id,
            key_vault=self.key_vault.id,
            application_insights=self.app_insights.id,
            container_registry=self.container_registry.id,
            system_datastores_auth_mode="identity",
            managed_network=_managed_network(args) if args.private else None,
            opts=stateful,
            **common,
        )
        c = args.compute
        self.compute = ml.Compute(
            f"{name}-compute",
            compute_name=c.name,
            workspace_name=self.workspace.name,
            resource_group_name=rg,
            location=args.region,
            identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
            properties=ml.AmlComputeArgs(
                compute_type="AmlCompute",
                disable_local_auth=True,
                properties=ml.AmlComputePropertiesArgs(
                    vm_size=c.vm_size,
                    vm_priority="Dedicated",
                    enable_node_public_ip=not args.private,
                    remote_login_port_public_access="Disabled",
                    scale_settings=ml.ScaleSettingsArgs(
                        min_node_count=c.min_nodes,
                        max_node_count=c.max_nodes,
                        node_idle_time_before_scale_down=f"PT{c.idle_minutes}M",
                    ),
                ),
            ),
            tags=args.tags,
            opts=child,
        )
        self.register_outputs(
            {
                "id": self.workspace.id,
                "name": self.workspace.name,
                "principalId": self.workspace.identity.apply(lambda i: i.principal_id if i else None),
            }
        )


def _storage_firewall(args: TenantWorkspaceArgs) -> storage.NetworkRuleSetArgs | None:
    """Private storage denies every network but its private endpoints and trusted Azure services
    (Azure ML's managed network reaches it through managed private endpoints)."""
    if not args.private:
        return None
    return storage.NetworkRuleSetArgs(default_action=storage.DefaultAction.DENY, bypass="AzureServices")


def _vault_firewall(args: TenantWorkspaceArgs) -> keyvault.NetworkRuleSetArgs | None:
    if not args.private:
        return None
    return keyvault.NetworkRuleSetArgs(default_action="Deny", bypass="AzureServices")


def _managed_network(args: TenantWorkspaceArgs) -> ml.ManagedNetworkSettingsArgs:
    """Only approved outbound traffic, with a private endpoint to the registry."""
    return ml.ManagedNetworkSettingsArgs(
        isolation_mode="AllowOnlyApprovedOutbound",
        outbound_rules={
            REGISTRY_OUTBOUND_RULE: ml.PrivateEndpointOutboundRuleArgs(
                type="PrivateEndpoint",
                category="UserDefined",
                destination=ml.PrivateEndpointDestinationArgs(
                    service_resource_id=args.registry_id,
                    subresource_target="amlregistry",
                    spark_enabled=False,
                ),
            )
        },
    )
