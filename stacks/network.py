"""The network, monitoring-plane and recovery contract of a stack (``ml-tenancy:network``,
``ml-tenancy:recovery``, and a workspace's own ``privateEndpoints``).

Platforms keep inbound private endpoints in a hub network the network team owns, so the
config names an existing subnet (and the resource group and region the endpoints go to)
rather than creating networks. Private DNS zones are either existing ones (often central,
owned by the same team) given by id, or created in the registry's resource group and linked
to the VNets given.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from stacks.fields import ConfigModel, WholeNumber, described

SUBNET_ID_ALLOWED = (
    "a subnet's ARM id: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/"
    "virtualNetworks/<vnet>/subnets/<subnet>"
)
VNET_ID_ALLOWED = (
    "a virtual network's ARM id: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/"
    "virtualNetworks/<vnet>"
)
ZONE_ID_ALLOWED = (
    "a private DNS zone's ARM id: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Network/"
    "privateDnsZones/<zone name>"
)
REGION_ALLOWED = "an Azure region (ARM location name) such as westeurope"
RESOURCE_GROUP_ALLOWED = "a resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')'"

# Log Analytics and Application Insights: reached publicly, or only through an Azure Monitor
# private link scope. Private stacks must choose; public stacks default to Public.
MonitoringAccess = Literal["Private", "Public"]


class EndpointPlacement(ConfigModel):
    """Where inbound private endpoints go: an existing subnet, and the resource group (in the
    subnet's subscription) and region (the VNet's) the endpoint resources are created in."""

    subnet_id: Annotated[str, described(SUBNET_ID_ALLOWED)]
    resource_group: Annotated[str, described(RESOURCE_GROUP_ALLOWED)]
    region: Annotated[str, described(REGION_ALLOWED)]


class PrivateDns(ConfigModel):
    # Existing zones by name; a zone a private stack needs and that is not listed here is
    # created in the registry's resource group when linkVirtualNetworks is set.
    zones: dict[str, str] = Field(default_factory=dict)
    link_virtual_networks: tuple[Annotated[str, described(VNET_ID_ALLOWED)], ...] = ()


class Network(ConfigModel):
    private_endpoints: EndpointPlacement | None = None
    private_dns: PrivateDns = PrivateDns()
    monitoring_access: MonitoringAccess | None = None


class Recovery(ConfigModel):
    """Soft delete and versioning of every workspace storage account."""

    blob_soft_delete_days: WholeNumber = Field(30, ge=1, le=365)
    container_soft_delete_days: WholeNumber = Field(30, ge=1, le=365)
    versioning: bool = True
