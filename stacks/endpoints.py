"""Inbound private endpoints and private DNS zones of a stack, planned from config alone.

Like role assignments, endpoints are computed before anything runs, so reviewers see which
endpoint serves what, in which subnet, and the components only register what is planned here.
Zone names are the ones Azure documents for each private link sub-resource.
"""

from __future__ import annotations

from dataclasses import dataclass

from stacks.model import PlatformConfig
from stacks.network import EndpointPlacement
from stacks.topology import Topology, WorkspaceSite

API_ZONE = "privatelink.api.azureml.ms"
NOTEBOOKS_ZONE = "privatelink.notebooks.azure.net"
BLOB_ZONE = "privatelink.blob.core.windows.net"
FILE_ZONE = "privatelink.file.core.windows.net"
MONITOR_ZONES = (
    "privatelink.monitor.azure.com",
    "privatelink.oms.opinsights.azure.com",
    "privatelink.ods.opinsights.azure.com",
    "privatelink.agentsvc.azure-automation.net",
    BLOB_ZONE,  # Log Analytics agents download solution packs from a blob endpoint
)

# Private link sub-resource (groupId) -> the zones its endpoint registers records in.
ZONES_BY_GROUP: dict[str, tuple[str, ...]] = {
    "amlregistry": (API_ZONE,),
    "amlworkspace": (API_ZONE, NOTEBOOKS_ZONE),
    "blob": (BLOB_ZONE,),
    "file": (FILE_ZONE,),
    "azuremonitor": MONITOR_ZONES,
}
KNOWN_ZONES = tuple(dict.fromkeys(z for zones in ZONES_BY_GROUP.values() for z in zones))

REGISTRY_OWNER = "registry"
MONITORING_OWNER = "monitoring"


def subscription_of(arm_id: str) -> str:
    """The subscription GUID of a validated ARM id, lowercased."""
    return arm_id.split("/")[2].lower()


@dataclass(frozen=True)
class PlannedEndpoint:
    key: str  # stable logical name, e.g. "tenant1-ws1-blob"
    name: str  # Azure name of the private endpoint
    owner: str  # "registry", "monitoring" or a workspace ref "<tenant>/<workspace>"
    target: str  # what it reaches, for people: "ML workspace mlw-tenant1-ws1-prod"
    target_id: str  # ARM id of the resource it reaches
    group_id: str
    placement: EndpointPlacement

    @property
    def zones(self) -> tuple[str, ...]:
        return ZONES_BY_GROUP[self.group_id]

    @property
    def subscription_id(self) -> str:
        return subscription_of(self.placement.subnet_id)


def monitoring_scope_name(config: PlatformConfig) -> str:
    return f"ampls-{config.registry.name}"


def monitoring_scope_id(config: PlatformConfig) -> str:
    reg = config.registry
    return (
        f"/subscriptions/{reg.subscription_id}/resourceGroups/{reg.resource_group}/providers/"
        f"microsoft.insights/privateLinkScopes/{monitoring_scope_name(config)}"
    )


def storage_id(site: WorkspaceSite) -> str:
    return f"{site.resource_group_id}/providers/Microsoft.Storage/storageAccounts/{site.names.storage_account}"


def monitoring_private(config: PlatformConfig) -> bool:
    return config.network.monitoring_access == "Private"


def monitoring_public_access(config: PlatformConfig) -> str:
    """publicNetworkAccessForIngestion/ForQuery of every Log Analytics workspace and App Insights."""
    return "Disabled" if monitoring_private(config) else "Enabled"


def plan_private_endpoints(topology: Topology) -> tuple[PlannedEndpoint, ...]:
    """Every inbound private endpoint: the registry, each private workspace and its storage
    (blob and file, where people upload data), and the monitoring plane when it is private."""
    config = topology.config
    hub = config.network.private_endpoints
    planned: list[PlannedEndpoint] = []
    reg = config.registry
    if reg.public_network_access == "Disabled" and hub is not None:
        planned.append(
            PlannedEndpoint(
                "registry-amlregistry", f"pe-{reg.name}-amlregistry", REGISTRY_OWNER,
                f"ML registry {reg.name}", topology.registry_id, "amlregistry", hub,
            )
        )
    for site in topology.sites:
        placement = site.spec.private_endpoints or hub
        if site.spec.public_network_access != "Disabled" or placement is None:
            continue
        base = f"{site.tenant.key}-{site.spec.key}"
        n = site.names
        planned.append(
            PlannedEndpoint(
                f"{base}-amlworkspace", f"pe-{n.workspace}-amlworkspace", site.ref,
                f"ML workspace {n.workspace}", site.workspace_id, "amlworkspace", placement,
            )
        )
        for group in ("blob", "file"):
            planned.append(
                PlannedEndpoint(
                    f"{base}-{group}", f"pe-{n.storage_account}-{group}", site.ref,
                    f"storage {n.storage_account} ({group})", storage_id(site), group, placement,
                )
            )
    if monitoring_private(config) and hub is not None:
        planned.append(
            PlannedEndpoint(
                "monitoring-azuremonitor", f"pe-{monitoring_scope_name(config)}-azuremonitor", MONITORING_OWNER,
                f"Azure Monitor private link scope {monitoring_scope_name(config)}",
                monitoring_scope_id(config), "azuremonitor", hub,
            )
        )
    return tuple(planned)


def needed_zones(endpoints: tuple[PlannedEndpoint, ...]) -> tuple[str, ...]:
    return tuple(sorted({z for e in endpoints for z in e.zones}))


@dataclass(frozen=True)
class PlannedZone:
    name: str
    id: str
    created: bool  # created in the registry's resource group (and linked), or existing


def plan_zones(topology: Topology) -> tuple[PlannedZone, ...]:
    config = topology.config
    dns = config.network.private_dns
    reg = config.registry
    zones = []
    for zone in needed_zones(plan_private_endpoints(topology)):
        if zone in dns.zones:
            zones.append(PlannedZone(zone, dns.zones[zone], created=False))
        else:
            zone_id = (
                f"/subscriptions/{reg.subscription_id}/resourceGroups/{reg.resource_group}/providers/"
                f"Microsoft.Network/privateDnsZones/{zone}"
            )
            zones.append(PlannedZone(zone, zone_id, created=True))
    return tuple(zones)


def network_subscriptions(topology: Topology) -> tuple[str, ...]:
    """Subscriptions that hold private endpoints, which may have no provider in the stack yet."""
    return tuple(dict.fromkeys(e.subscription_id for e in plan_private_endpoints(topology)))
