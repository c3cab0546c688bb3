"""The desired state as an ARM template (out/<stack>/template.json), for the scanners security teams
already run (Checkov, PSRule for Azure).

Each resource is written the way azure-native sends it to ARM: its ARM type and the API version
the installed azure-native uses for the type, the name built from its path parameters, and the
body split into top-level keys (location, tags, sku, kind, identity, ...) and ``properties``,
with the wire names where azure-native renames a property (``enableHttpsTrafficOnly`` is
``supportsHttpsTrafficOnly`` on the wire). ``SHAPES`` is the single table of that mapping; a test
checks its API versions against the installed SDK and that every type the program registers is in it.

The stack spans several subscriptions and resource groups, which one template cannot deploy; the
file is for reading, and each resource's ``comments`` says where it lives.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from preview.graph import CapturedResource

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
# Top-level keys of every ARM resource body, whatever its type.
COMMON_TOP = ("location", "tags")

Transform = Callable[[Any], Any]


def _named_properties(value: Any) -> Any:
    """[{name, a, b}] -> [{name, properties: {a, b}}]: how ARM nests sub-resources of a body."""
    if not isinstance(value, list):
        return value
    out = []
    for item in value:
        if not isinstance(item, Mapping):
            out.append(item)
            continue
        rest = {k: v for k, v in item.items() if k not in ("name", "id")}
        entry = {k: item[k] for k in ("name", "id") if k in item}
        if rest:
            entry["properties"] = rest
        out.append(entry)
    return out


@dataclass(frozen=True)
class ArmShape:
    arm_type: str
    api_version: str
    # Inputs whose values make up the name, parents first ("acct/default" for a blob service).
    names: tuple[str, ...]
    # Type-specific top-level keys; everything else goes under "properties".
    top: tuple[str, ...] = ()
    # Input -> wire name, where azure-native's name differs from the REST API's.
    renames: Mapping[str, str] = field(default_factory=dict)
    # Extension resources: the input holding the id of the resource they attach to.
    scope: str | None = None
    # The input that already is the whole "properties" object (key vault, ML compute).
    properties_input: str | None = None
    nested: Mapping[str, Transform] = field(default_factory=dict)

    @property
    def path_inputs(self) -> frozenset[str]:
        return frozenset({*self.names, "resourceGroupName", *((self.scope,) if self.scope else ())})


SHAPES: dict[str, ArmShape] = {
    "azure-native:resources:ResourceGroup": ArmShape(
        "Microsoft.Resources/resourceGroups", "2024-03-01", ("resourceGroupName",), top=("managedBy",)
    ),
    "azure-native:authorization:RoleAssignment": ArmShape(
        "Microsoft.Authorization/roleAssignments", "2022-04-01", ("roleAssignmentName",), scope="scope"
    ),
    "azure-native:machinelearningservices:Registry": ArmShape(
        "Microsoft.MachineLearningServices/registries", "2025-12-01", ("registryName",),
        top=("identity", "kind", "sku"),
    ),
    "azure-native:machinelearningservices:Workspace": ArmShape(
        "Microsoft.MachineLearningServices/workspaces", "2025-12-01", ("workspaceName",),
        top=("identity", "kind", "sku"),
    ),
    "azure-native:machinelearningservices:Compute": ArmShape(
        "Microsoft.MachineLearningServices/workspaces/computes", "2025-12-01", ("workspaceName", "computeName"),
        top=("identity", "sku"), properties_input="properties",
    ),
    "azure-native:storage:StorageAccount": ArmShape(
        "Microsoft.Storage/storageAccounts", "2024-01-01", ("accountName",),
        top=("extendedLocation", "identity", "kind", "sku"),
        renames={"enableHttpsTrafficOnly": "supportsHttpsTrafficOnly", "networkRuleSet": "networkAcls"},
    ),
    "azure-native:storage:BlobServiceProperties": ArmShape(
        "Microsoft.Storage/storageAccounts/blobServices", "2024-01-01", ("accountName", "blobServicesName"),
    ),
    "azure-native:keyvault:Vault": ArmShape(
        "Microsoft.KeyVault/vaults", "2024-11-01", ("vaultName",), properties_input="properties"
    ),
    "azure-native:operationalinsights:Workspace": ArmShape(
        # Unlike most types, a Log Analytics workspace's sku sits inside properties.
        "Microsoft.OperationalInsights/workspaces", "2023-09-01", ("workspaceName",), top=("identity",)
    ),
    "azure-native:applicationinsights:Component": ArmShape(
        "Microsoft.Insights/components", "2020-02-02", ("resourceName",), top=("kind", "etag"),
        renames={
            "applicationType": "Application_Type",
            "disableIpMasking": "DisableIpMasking",
            "disableLocalAuth": "DisableLocalAuth",
            "flowType": "Flow_Type",
            "hockeyAppId": "HockeyAppId",
            "immediatePurgeDataOn30Days": "ImmediatePurgeDataOn30Days",
            "ingestionMode": "IngestionMode",
            "requestSource": "Request_Source",
            "retentionInDays": "RetentionInDays",
            "samplingPercentage": "SamplingPercentage",
            "workspaceResourceId": "WorkspaceResourceId",
            "forceCustomerStorageForProfiler": "ForceCustomerStorageForProfiler",
        },
    ),
    "azure-native:containerregistry:Registry": ArmShape(
        "Microsoft.ContainerRegistry/registries", "2023-01-01-preview", ("registryName",), top=("identity", "sku"),
    ),
    "azure-native:monitor:DiagnosticSetting": ArmShape(
        "Microsoft.Insights/diagnosticSettings", "2021-05-01-preview", ("name",), scope="resourceUri"
    ),
    "azure-native:network:PrivateEndpoint": ArmShape(
        "Microsoft.Network/privateEndpoints", "2024-05-01", ("privateEndpointName",), top=("extendedLocation",),
        nested={
            "privateLinkServiceConnections": _named_properties,
            "manualPrivateLinkServiceConnections": _named_properties,
        },
    ),
    "azure-native:network:PrivateDnsZoneGroup": ArmShape(
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "2024-05-01",
        ("privateEndpointName", "privateDnsZoneGroupName"),
        nested={"privateDnsZoneConfigs": _named_properties},
    ),
    "azure-native:privatedns:PrivateZone": ArmShape(
        "Microsoft.Network/privateDnsZones", "2024-06-01", ("privateZoneName",)
    ),
    "azure-native:privatedns:VirtualNetworkLink": ArmShape(
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "2024-06-01",
        ("privateZoneName", "virtualNetworkLinkName"),
    ),
    "azure-native:monitor:PrivateLinkScope": ArmShape(
        "Microsoft.Insights/privateLinkScopes", "2023-06-01-preview", ("scopeName",)
    ),
    "azure-native:monitor:PrivateLinkScopedResource": ArmShape(
        "Microsoft.Insights/privateLinkScopes/scopedResources", "2023-06-01-preview", ("scopeName", "name"),
    ),
}


def arm_name(shape: ArmShape, inputs: Mapping[str, Any], logical_name: str) -> str:
    parts = [inputs.get(n) for n in shape.names]
    return "/".join(str(p) for p in parts) if all(isinstance(p, str) and p for p in parts) else logical_name


def child_id(type_: str, inputs: Mapping[str, Any], subscription_id: str) -> str | None:
    """The ARM id of a child type of the table (a blob service, a zone group), or None."""
    shape = SHAPES.get(type_)
    if shape is None or len(shape.names) < 2 or shape.scope is not None:
        return None
    namespace, *kinds = shape.arm_type.split("/")
    segments = "/".join(f"{kind}/{inputs.get(name)}" for kind, name in zip(kinds, shape.names, strict=True))
    group = f"/subscriptions/{subscription_id}/resourceGroups/{inputs.get('resourceGroupName')}"
    return f"{group}/providers/{namespace}/{segments}"


def body(resource: CapturedResource, shape: ArmShape) -> dict[str, Any]:
    inputs = resource.inputs
    out: dict[str, Any] = {
        "type": shape.arm_type,
        "apiVersion": shape.api_version,
        "name": arm_name(shape, inputs, resource.name),
    }
    if shape.scope is not None:
        out["scope"] = inputs.get(shape.scope)
    properties: dict[str, Any] = {}
    for key in sorted(inputs):
        if key in shape.path_inputs:
            continue
        value = shape.nested.get(key, lambda v: v)(inputs[key])
        wire = shape.renames.get(key, key)
        if key in COMMON_TOP or key in shape.top:
            out[wire] = value
        elif key == shape.properties_input and isinstance(value, Mapping):
            properties.update(value)
        else:
            properties[wire] = value
    if properties:
        out["properties"] = properties
    where = [f"subscription {resource.subscription_id}"] if resource.subscription_id else []
    if isinstance(inputs.get("resourceGroupName"), str):
        where.append(f"resource group {inputs['resourceGroupName']}")
    out["comments"] = f"{resource.type} {resource.name}" + (f" in {', '.join(where)}" if where else "")
    return out


class UnmappedType(Exception):
    """An azure-native type the program registers but the export table does not describe."""


def template(resources: Iterable[CapturedResource], stack: str) -> dict[str, Any]:
    bodies = []
    for resource in resources:
        if not resource.is_azure or not resource.custom:
            continue
        shape = SHAPES.get(resource.type)
        if shape is None:
            raise UnmappedType(f"{resource.type} has no ARM shape in preview.template.SHAPES")
        bodies.append(body(resource, shape))
    bodies.sort(key=lambda b: (b["type"].lower(), b["name"], b.get("scope") or ""))
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "metadata": {"generator": "ml-tenancy preview", "stack": stack},
        "resources": bodies,
    }


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
