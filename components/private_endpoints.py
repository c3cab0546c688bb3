"""Inbound private endpoints with their DNS zone groups, and the private DNS zones a stack creates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import network, privatedns

from components.lifecycle import resource_options
from stacks.endpoints import PlannedEndpoint, PlannedZone


def zone_config_name(zone: str) -> str:
    return zone.replace(".", "-")


def private_endpoint(
    planned: PlannedEndpoint,
    target: pulumi.CustomResource,
    *,
    zone_ids: Mapping[str, pulumi.Input[str]],
    provider: pulumi.ProviderResource,
    parent: pulumi.Resource,
    tags: Mapping[str, str],
    zones: Sequence[pulumi.Resource] = (),
    target_id: pulumi.Input[str] | None = None,
    offboarding: str | None = None,
) -> tuple[network.PrivateEndpoint, network.PrivateDnsZoneGroup]:
    """One endpoint in the subnet's subscription (its provider), after the resource it reaches exists.

    The zone group registers the endpoint's addresses in the zones, so names such as
    <workspace id>.workspace.<region>.api.azureml.ms resolve to the private IPs.
    """
    place = planned.placement
    endpoint = network.PrivateEndpoint(
        f"{planned.key}-pe",
        private_endpoint_name=planned.name,
        resource_group_name=place.resource_group,
        location=place.region,
        # A plain reference: SubnetArgs would add its default network policies to the request body.
        subnet={"id": place.subnet_id},
        custom_network_interface_name=f"{planned.name}-nic",
        private_link_service_connections=[
            network.PrivateLinkServiceConnectionArgs(
                name=planned.name,
                private_link_service_id=target_id if target_id is not None else target.id,
                group_ids=[planned.group_id],
            )
        ],
        tags=dict(tags),
        opts=resource_options(provider, parent, offboarding=offboarding, depends_on=[target]),
    )
    group = network.PrivateDnsZoneGroup(
        f"{planned.key}-dns",
        private_dns_zone_group_name="default",
        private_endpoint_name=endpoint.name,
        resource_group_name=place.resource_group,
        private_dns_zone_configs=[
            network.PrivateDnsZoneConfigArgs(name=zone_config_name(zone), private_dns_zone_id=zone_ids[zone])
            for zone in planned.zones
        ],
        opts=resource_options(provider, parent, offboarding=offboarding, depends_on=[endpoint, *zones]),
    )
    return endpoint, group


@dataclass(frozen=True)
class PrivateDnsArgs:
    zones: Sequence[PlannedZone]
    link_virtual_networks: Sequence[str]
    resource_group: str
    provider: pulumi.ProviderResource
    tags: dict[str, str] = field(default_factory=dict)


class PrivateDns(pulumi.ComponentResource):
    """The zones the stack creates (in the registry's resource group), each linked to the VNets given;
    existing zones are only referenced by id."""

    def __init__(self, name: str, args: PrivateDnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("ml-tenancy:network:PrivateDns", name, None, opts)
        child = resource_options(args.provider, self)
        self.zones: dict[str, privatedns.PrivateZone] = {}
        self.zone_ids: dict[str, pulumi.Input[str]] = {}
        for planned in args.zones:
            if not planned.created:
                self.zone_ids[planned.name] = planned.id
                continue
            zone = privatedns.PrivateZone(
                f"zone-{planned.name}",
                private_zone_name=planned.name,
                resource_group_name=args.resource_group,
                location="global",
                tags=args.tags,
                opts=child,
            )
            self.zones[planned.name] = zone
            self.zone_ids[planned.name] = zone.id
            for vnet in args.link_virtual_networks:
                vnet_name = vnet.rstrip("/").rsplit("/", 1)[-1]
                privatedns.VirtualNetworkLink(
                    f"zone-{planned.name}-link-{vnet_name}",
                    virtual_network_link_name=f"link-{vnet_name}",
                    private_zone_name=zone.name,
                    resource_group_name=args.resource_group,
                    location="global",
                    virtual_network=privatedns.SubResourceArgs(id=vnet),
                    # Records come from endpoint zone groups only; VMs do not register themselves.
                    registration_enabled=False,
                    tags=args.tags,
                    opts=child,
                )
        self.register_outputs({"zones": sorted(self.zone_ids)})
