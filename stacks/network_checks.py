"""Checks of the network contract: ARM id shapes, placements, the zones a private stack needs,
and the monitoring-plane choice a private stack must make.

They run on whatever could be read (salvaged blocks carry None for invalid keys) and skip
what is None, like ``stacks.checks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from stacks.endpoints import KNOWN_ZONES, ZONES_BY_GROUP
from stacks.errors import Problem, join_path
from stacks.model import Registry, Tenant
from stacks.naming import RESOURCE_GROUP_NAME
from stacks.network import (
    SUBNET_ID_ALLOWED,
    VNET_ID_ALLOWED,
    ZONE_ID_ALLOWED,
    EndpointPlacement,
    Network,
)
from stacks.regions import unknown_region

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_GROUP = r"[-\w.()]{1,90}"
_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}"
_VNET = f"/subscriptions/{_GUID}/resourceGroups/{_GROUP}/providers/Microsoft\\.Network/virtualNetworks/{_NAME}"
SUBNET_ID = re.compile(f"{_VNET}/subnets/{_NAME}", re.IGNORECASE)
VNET_ID = re.compile(_VNET, re.IGNORECASE)
ZONE_ID = re.compile(
    f"/subscriptions/{_GUID}/resourceGroups/{_GROUP}/providers/Microsoft\\.Network/privateDnsZones/(?P<zone>[a-z0-9.-]+)",
    re.IGNORECASE,
)


def _private_workspaces(tenants: Mapping[int, Tenant]) -> Iterator[tuple[tuple[str | int, ...], object]]:
    for i, tenant in tenants.items():
        for w, ws in enumerate(tenant.workspaces or ()):
            if ws is not None and ws.public_network_access == "Disabled":
                yield ("tenants", i, "workspaces", w), ws


def _placement(placement: EndpointPlacement, *at: str | int) -> Iterator[Problem]:
    if placement.subnet_id is not None and not SUBNET_ID.fullmatch(placement.subnet_id):
        yield Problem(join_path(*at, "subnetId"), f"'{placement.subnet_id}' is not {SUBNET_ID_ALLOWED}")
    if placement.resource_group is not None:
        for message in RESOURCE_GROUP_NAME.problems(placement.resource_group):
            yield Problem(join_path(*at, "resourceGroup"), message)
    if placement.region is not None and (message := unknown_region(placement.region)):
        yield Problem(join_path(*at, "region"), message)


def network_problems(
    network: Network | None, registry: Registry | None, tenants: Mapping[int, Tenant]
) -> list[Problem]:
    return list(_network(network, registry, tenants))


def _network(network: Network | None, registry: Registry | None, tenants: Mapping[int, Tenant]) -> Iterator[Problem]:
    if network is None:
        return  # the block itself is reported already
    hub = network.private_endpoints
    if hub is not None:
        yield from _placement(hub, "network", "privateEndpoints")
    groups: set[str] = set()
    registry_private = registry is not None and registry.public_network_access == "Disabled"
    # A hub that is written but invalid is reported as such; it is not "missing" too.
    hub_written = hub is not None or "private_endpoints" in _invalid(network)
    if registry_private:
        groups.add("amlregistry")
        if not hub_written:
            yield Problem(
                "network.privateEndpoints",
                "is required: the registry is private (registry.publicNetworkAccess: Disabled), so nobody can "
                "reach it without a private endpoint; allowed: a block {subnetId, resourceGroup, region} naming "
                "the hub subnet the endpoints go to",
            )
    private = list(_private_workspaces(tenants))
    for at, ws in private:
        own = ws.private_endpoints
        if own is not None:
            yield from _placement(own, *at, "privateEndpoints")
        groups.update(("amlworkspace", "blob", "file"))
        if own is None and not hub_written and "private_endpoints" not in _invalid(ws):
            yield Problem(
                join_path(*at, "privateEndpoints"),
                "is required: the workspace is private (publicNetworkAccess: Disabled), so nobody can reach it "
                "without a private endpoint; allowed: a block {subnetId, resourceGroup, region} naming the "
                "tenant's spoke subnet, or set network.privateEndpoints for the hub",
            )
    stack_private = registry_private or bool(private)
    if stack_private and network.monitoring_access is None and "monitoring_access" not in _invalid(network):
        yield Problem(
            "network.monitoringAccess",
            "is required in a private stack: choose how Log Analytics and Application Insights are reached; "
            "allowed: Private (ingestion and query only through an Azure Monitor private link scope with a "
            "private endpoint in the hub) or Public (ingestion and query over the internet, authenticated "
            "with Entra ID)",
        )
    if network.monitoring_access == "Private":
        groups.add("azuremonitor")
        if not hub_written and not registry_private:  # a private registry without a hub is reported above
            yield Problem(
                "network.privateEndpoints",
                "is required: monitoringAccess Private needs a private endpoint for the Azure Monitor private "
                "link scope; allowed: a block {subnetId, resourceGroup, region} naming the hub subnet",
            )
    yield from _dns(network, groups)


def _invalid(block: object) -> frozenset[str]:
    return getattr(block, "_invalid_fields", frozenset())


def _dns(network: Network, groups: set[str]) -> Iterator[Problem]:
    dns = network.private_dns
    if dns is None:
        return
    for zone, zone_id in (dns.zones or {}).items():
        path = f'network.privateDns.zones["{zone}"]'
        if zone not in KNOWN_ZONES:
            yield Problem(
                path,
                f"'{zone}' is not a zone this stack's private endpoints use; allowed: {', '.join(KNOWN_ZONES)}",
            )
            continue
        match = ZONE_ID.fullmatch(zone_id) if isinstance(zone_id, str) else None
        if match is None:
            yield Problem(path, f"{zone_id!r} is not {ZONE_ID_ALLOWED}")
        elif match.group("zone").lower() != zone:
            yield Problem(path, f"'{zone_id}' is the id of zone '{match.group('zone')}', not of '{zone}'")
    for i, vnet in enumerate(dns.link_virtual_networks or ()):
        if vnet is not None and not VNET_ID.fullmatch(vnet):
            path = join_path("network", "privateDns", "linkVirtualNetworks", i)
            yield Problem(path, f"'{vnet}' is not {VNET_ID_ALLOWED}")
    needed = sorted({z for g in groups for z in ZONES_BY_GROUP[g]})
    missing = [z for z in needed if z not in (dns.zones or {})]
    if missing and not dns.link_virtual_networks and "link_virtual_networks" not in _invalid(dns):
        yield Problem(
            "network.privateDns",
            f"the private endpoints of this stack need the zones {', '.join(missing)}; list the ids of existing "
            "zones under zones, or set linkVirtualNetworks (VNet ids) to create them in the registry's "
            "resource group and link them to those VNets",
        )
