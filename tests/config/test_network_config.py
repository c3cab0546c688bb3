"""The network, monitoring-plane and recovery contract: one mistake each in a private stack's config.

Every case names the config path the error must point at and a fragment saying what is allowed;
nothing is registered when the config is invalid.
"""

from __future__ import annotations

import pytest

from stacks.endpoints import KNOWN_ZONES, plan_private_endpoints, plan_zones
from stacks.topology import Topology
from tests.config.helpers import JARGON, drop, edited, parse, problems_of, set_
from tests.config.test_bad_configs import Case, case

HUB_SUB = "1d3f5b7a-9c2e-4f6a-8b0d-2e4f6a8c0e2c"
VNET = f"/subscriptions/{HUB_SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"
SUBNET = f"{VNET}/subnets/snet-pe"
WS = "tenants[0].workspaces[0]"


def private(raw):
    """The registry and tenant1's workspace private, with a complete network block."""
    raw["registry"]["publicNetworkAccess"] = "Disabled"
    raw["tenants"][0]["workspaces"][0]["publicNetworkAccess"] = "Disabled"
    raw["network"] = {
        "privateEndpoints": {"subnetId": SUBNET, "resourceGroup": "rg-hub", "region": "westeurope"},
        "privateDns": {"linkVirtualNetworks": [VNET]},
        "monitoringAccess": "Private",
    }
    raw["recovery"] = {"blobSoftDeleteDays": 14}


def zone_id(zone: str) -> str:
    return f"/subscriptions/{HUB_SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/{zone}"


CASES = [
    case("subnet-id-is-a-vnet-id", set_("network.privateEndpoints.subnetId", VNET),
         path="network.privateEndpoints.subnetId", says="is not a subnet's ARM id: /subscriptions/<guid>/"),
    case("subnet-id-without-subscription-guid",
         set_("network.privateEndpoints.subnetId", SUBNET.replace(HUB_SUB, "hub")),
         path="network.privateEndpoints.subnetId", says="is not a subnet's ARM id"),
    case("hub-missing-with-private-registry", drop("network.privateEndpoints"),
         path="network.privateEndpoints", says="is required: the registry is private", count=2),
    case("hub-missing-for-a-private-workspace", drop("network.privateEndpoints"),
         set_("registry.publicNetworkAccess", "Enabled"),
         # monitoringAccess Private needs the hub too: a second, true problem.
         path=f"{WS}.privateEndpoints", says="is required: the workspace is private (publicNetworkAccess: Disabled)",
         count=2),
    case("hub-resource-group-invalid", set_("network.privateEndpoints.resourceGroup", "rg hub"),
         path="network.privateEndpoints.resourceGroup", says="resource group name 'rg hub' is not allowed"),
    case("hub-region-misspelt", set_("network.privateEndpoints.region", "west europe"),
         path="network.privateEndpoints.region", says="write 'westeurope'"),
    case("hub-without-region", drop("network.privateEndpoints.region"),
         path="network.privateEndpoints.region", says="is required: an Azure region"),
    case("spoke-subnet-of-a-workspace-malformed",
         set_(f"{WS}.privateEndpoints", {"subnetId": "snet-pe", "resourceGroup": "rg-spoke", "region": "westeurope"}),
         path=f"{WS}.privateEndpoints.subnetId", says="'snet-pe' is not a subnet's ARM id"),
    case("monitoring-access-not-chosen", drop("network.monitoringAccess"),
         path="network.monitoringAccess", says="is required in a private stack: choose how Log Analytics"),
    case("monitoring-access-lowercase", set_("network.monitoringAccess", "private"),
         path="network.monitoringAccess", says="(did you mean 'Private'?)"),
    case("network-key-typo", set_("network.privateEndpoint", {}),
         path="network.privateEndpoint", says="did you mean 'privateEndpoints'?"),
    case("zones-neither-given-nor-created", drop("network.privateDns.linkVirtualNetworks"),
         path="network.privateDns", says="need the zones privatelink.agentsvc.azure-automation.net, "
                                         "privatelink.api.azureml.ms"),
    case("link-vnet-is-a-subnet", set_("network.privateDns.linkVirtualNetworks", [SUBNET]),
         path="network.privateDns.linkVirtualNetworks[0]", says="is not a virtual network's ARM id"),
    case("zone-name-unknown", set_("network.privateDns.zones", {"privatelink.azureml.ms": zone_id("x")}),
         path='network.privateDns.zones["privatelink.azureml.ms"]', says="is not a zone this stack's private"),
    case("zone-id-of-another-zone",
         set_("network.privateDns.zones", {"privatelink.api.azureml.ms": zone_id("privatelink.blob.core.windows.net")}),
         path='network.privateDns.zones["privatelink.api.azureml.ms"]',
         says="is the id of zone 'privatelink.blob.core.windows.net', not of 'privatelink.api.azureml.ms'"),
    case("zone-id-malformed", set_("network.privateDns.zones", {"privatelink.api.azureml.ms": "privatelink.api"}),
         path='network.privateDns.zones["privatelink.api.azureml.ms"]', says="is not a private DNS zone's ARM id"),
    case("hub-written-as-a-string", set_("network.privateEndpoints", SUBNET),
         path="network.privateEndpoints", says="must be a map with the keys subnetId, resourceGroup, region"),
    case("spoke-written-as-a-string", set_(f"{WS}.privateEndpoints", SUBNET),
         path=f"{WS}.privateEndpoints", says="must be a map with the keys subnetId, resourceGroup, region"),
    case("soft-delete-days-zero", set_("recovery.blobSoftDeleteDays", 0),
         path="recovery.blobSoftDeleteDays", says="1"),
    case("recovery-key-typo", set_("recovery.versionning", True),
         path="recovery.versionning", says="did you mean 'versioning'?"),
]


@pytest.mark.parametrize("bad", CASES)
def test_bad_network_config_names_its_path_and_what_is_allowed(bad: Case, project_dir):
    raw = edited(private, *bad.edits)
    problems = problems_of(raw, project_dir)
    assert not [p for p in problems if JARGON.search(p.message)], "\n".join(map(str, problems))
    at_path = [p for p in problems if p.path == bad.path]
    assert at_path, f"no problem at {bad.path}; got:\n" + "\n".join(map(str, problems))
    assert any(bad.fragment in p.message for p in at_path), "\n".join(map(str, at_path))
    assert len(problems) == bad.count, "\n".join(map(str, problems))


@pytest.mark.parametrize("bad", CASES[:4])
def test_bad_network_config_registers_nothing(bad: Case):
    from pulumi.runtime.settings import get_monitor

    from preview.engine import CapturingMonitor, run_program
    from stacks.errors import ConfigError

    with pytest.raises(ConfigError):
        run_program(edited(private, *bad.edits), "dev")
    monitor = get_monitor()
    assert isinstance(monitor, CapturingMonitor) and monitor.captured == []


def test_a_public_stack_needs_no_network_block(project_dir):
    config = parse(edited(), project_dir)
    assert config.network.private_endpoints is None
    assert plan_private_endpoints(Topology.of(config)) == ()
    assert (config.recovery.blob_soft_delete_days, config.recovery.container_soft_delete_days) == (30, 30)


def test_existing_zones_are_used_and_only_missing_ones_created(project_dir):
    given = {"privatelink.api.azureml.ms": zone_id("privatelink.api.azureml.ms")}
    config = parse(edited(private, set_("network.privateDns.zones", given)), project_dir)
    zones = {z.name: z for z in plan_zones(Topology.of(config))}
    assert zones["privatelink.api.azureml.ms"].created is False
    assert zones["privatelink.api.azureml.ms"].id == given["privatelink.api.azureml.ms"]
    assert zones["privatelink.notebooks.azure.net"].created is True
    assert zones["privatelink.notebooks.azure.net"].id.endswith(
        "/resourceGroups/rg-mlreg-dev/providers/Microsoft.Network/privateDnsZones/privatelink.notebooks.azure.net"
    )


def test_every_zone_given_needs_no_link(project_dir):
    all_zones = {zone: zone_id(zone) for zone in KNOWN_ZONES}
    raw = edited(private, drop("network.privateDns.linkVirtualNetworks"), set_("network.privateDns.zones", all_zones))
    config = parse(raw, project_dir)
    assert all(not z.created for z in plan_zones(Topology.of(config)))


def test_a_workspace_spoke_overrides_the_hub(project_dir):
    spoke = SUBNET.replace(HUB_SUB, "8b0d2f4a-6c8e-4b0d-9f4a-6c8e0b2d4f1b").replace("vnet-hub", "vnet-t1")
    raw = edited(private, set_(f"{WS}.privateEndpoints",
                               {"subnetId": spoke, "resourceGroup": "rg-t1-net", "region": "westeurope"}))
    planned = plan_private_endpoints(Topology.of(parse(raw, project_dir)))
    by_key = {p.key: p for p in planned}
    assert by_key["registry-amlregistry"].subscription_id == HUB_SUB
    assert {by_key[f"tenant1-ws1-{g}"].placement.subnet_id for g in ("amlworkspace", "blob", "file")} == {spoke}
    assert by_key["tenant1-ws1-blob"].subscription_id == "8b0d2f4a-6c8e-4b0d-9f4a-6c8e0b2d4f1b"
    assert "tenant2-ws1-amlworkspace" not in by_key  # tenant2's workspace is public
