"""The central, multi-region Azure ML registry with its audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import machinelearningservices as ml
from pulumi_azure_native import monitor, operationalinsights, resources

from components.lifecycle import resource_options

# Data-plane audit events: who read (pulled) and who wrote (shared) which asset version.
AUDIT_LOG_CATEGORIES = ("RegistryAssetReadEvent", "RegistryAssetWriteEvent")


@dataclass(frozen=True)
class RegistryArgs:
    name: str
    resource_group: str
    primary_region: str
    additional_regions: tuple[str, ...]
    public_network_access: str
    log_analytics_name: str
    provider: pulumi.ProviderResource
    tags: dict[str, str] = field(default_factory=dict)
    log_retention_days: int = 90
    monitoring_public_access: str = "Enabled"  # see TenantWorkspaceArgs

    @property
    def regions(self) -> tuple[str, ...]:
        return (self.primary_region, *self.additional_regions)


class MlRegistry(pulumi.ComponentResource):
    registry: ml.Registry
    resource_group: resources.ResourceGroup
    log_analytics: operationalinsights.Workspace

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:platform:Registry", name, None, opts)
        child = resource_options(args.provider, self)

        self.resource_group = resources.ResourceGroup(
            f"{name}-rg",
            resource_group_name=args.resource_group,
            location=args.primary_region,
            tags=args.tags,
            opts=child,
        )
        self.log_analytics = operationalinsights.Workspace(
            f"{name}-audit-log",
            workspace_name=args.log_analytics_name,
            resource_group_name=self.resource_group.name,
            location=args.primary_region,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=args.log_retention_days,
            # Resource-context access: a tenant reads its own resources' logs here, not other tenants'.
            features=operationalinsights.WorkspaceFeaturesArgs(
                disable_local_auth=True, enable_log_access_using_only_resource_permissions=True
            ),
            public_network_access_for_ingestion=args.monitoring_public_access,
            public_network_access_for_query=args.monitoring_public_access,
            tags=args.tags,
            opts=child,
        )
        self.registry = ml.Registry(
            name,
            registry_name=args.name,
            resource_group_name=self.resource_group.name,
            location=args.primary_region,
            identity=ml.ManagedServiceIdentityArgs(type="SystemAssigned"),
            public_network_access=args.public_network_access,
            # Primary region first: the service treats the first entry as the home region.
            region_details=[_region(region) for region in args.regions],
            tags=args.tags,
            opts=resource_options(args.provider, self, stateful=True),
        )
        self.audit = monitor.DiagnosticSetting(
            f"{name}-audit",
            name=f"audit-to-{args.log_analytics_name}",
            resource_uri=self.registry.id,
            workspace_id=self.log_analytics.id,
            log_analytics_destination_type="Dedicated",
            logs=[monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in AUDIT_LOG_CATEGORIES],
            opts=child,
        )
        self.register_outputs(
            {
                "name": self.registry.name,
                "id": self.registry.id,
                "regions": list(args.regions),
                "discoveryUrl": self.registry.discovery_url,
            }
        )


def _region(location: str) -> ml.RegistryRegionArmDetailsArgs:
    """One system-created storage account and Premium ACR per region; bring-your-own is rejected."""
    return ml.RegistryRegionArmDetailsArgs(
        location=location,
        storage_account_details=[
            ml.StorageAccountDetailsArgs(
                system_created_storage_account=ml.SystemCreatedStorageAccountArgs(
                    allow_blob_public_access=False,
                    storage_account_hns_enabled=False,
                    storage_account_type="Standard_LRS",
                )
            )
        ],
        acr_details=[
            ml.AcrDetailsArgs(system_created_acr_account=ml.SystemCreatedAcrAccountArgs(acr_account_sku="Premium"))
        ],
    )
