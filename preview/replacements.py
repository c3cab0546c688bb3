"""Which input changes make `pulumi up` replace a resource rather than update it, per azure-native type.

The azure-native provider replaces a resource when one of these changes (it answers Diff with
"replaces"), and updates it in place otherwise:

- a URL path parameter: the resource's own name, its resource group, the names of its parents, the
  scope of an extension resource. They make the ARM id, so a new value is another resource.
- ``location`` of a tracked resource: ARM marks it ``x-ms-mutability: [create, read]`` (ARM RPC-Put-V1-14),
  and the provider turns every create-only property into a replacement.
- other create-only properties, from the provider's ``forceNewMap``
  (pulumi-azure-native ``provider/pkg/gen/replacement.go``: RoleAssignment ``principalId``/``scope``,
  ResourceGroup ``location``, StorageAccount ``isHnsEnabled``/``location``) and from the REST specs'
  ``x-ms-mutability`` (ML workspace ``storageAccount``/``keyVault``/``hbiWorkspace``: "cannot be changed
  once the workspace has been created" in the 2025-12-01 spec and the SDK's docstrings).
- the subscription: each subscription has its own provider here, and a provider whose
  ``subscriptionId`` differs replaces what it manages.

Every resource here is created with an explicit name, so a replace that keeps the name would
create-then-delete the same Azure resource: the create is an update of the existing one, the
delete then removes it. Every type in this table therefore sets ``delete_before_replace``
(``REPLACE_OPTIONS``), which the components read and a test checks against the captured requests.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReplaceRule:
    path_inputs: tuple[str, ...]   # URL path parameters (name, resource group, parents, scope)
    create_only: tuple[str, ...]   # properties Azure accepts only at creation
    source: str                    # where the create-only facts come from

    @property
    def replacing_inputs(self) -> frozenset[str]:
        return frozenset((*self.path_inputs, *self.create_only))


_TRACKED = "location is create-only on tracked resources (x-ms-mutability [create, read])"

REPLACE_RULES: dict[str, ReplaceRule] = {
    "azure-native:resources:ResourceGroup": ReplaceRule(
        ("resourceGroupName",), ("location",), "azure-native forceNewMap Resources.ResourceGroup"),
    "azure-native:storage:StorageAccount": ReplaceRule(
        ("resourceGroupName", "accountName"), ("location", "isHnsEnabled"),
        "azure-native forceNewMap Storage.StorageAccount"),
    "azure-native:keyvault:Vault": ReplaceRule(("resourceGroupName", "vaultName"), ("location",), _TRACKED),
    "azure-native:operationalinsights:Workspace": ReplaceRule(
        ("resourceGroupName", "workspaceName"), ("location",), _TRACKED),
    "azure-native:applicationinsights:Component": ReplaceRule(
        ("resourceGroupName", "resourceName"), ("location",), _TRACKED),
    "azure-native:containerregistry:Registry": ReplaceRule(
        ("resourceGroupName", "registryName"), ("location",), _TRACKED),
    "azure-native:machinelearningservices:Registry": ReplaceRule(
        ("resourceGroupName", "registryName"), ("location",), _TRACKED),
    "azure-native:machinelearningservices:Workspace": ReplaceRule(
        ("resourceGroupName", "workspaceName"), ("location", "storageAccount", "keyVault", "hbiWorkspace"),
        "machinelearningservices spec: storageAccount and keyVault cannot be changed once the workspace exists"),
    "azure-native:machinelearningservices:Compute": ReplaceRule(
        ("resourceGroupName", "workspaceName", "computeName"), ("location",), _TRACKED),
    "azure-native:monitor:DiagnosticSetting": ReplaceRule(("resourceUri", "name"), (), "path parameters only"),
    "azure-native:storage:BlobServiceProperties": ReplaceRule(
        ("resourceGroupName", "accountName", "blobServicesName"), (), "path parameters only"),
    # A private endpoint's network interface is created in its subnet; the service refuses to move
    # it (the subnet and the custom NIC name are read-only after creation), so either means a new one.
    "azure-native:network:PrivateEndpoint": ReplaceRule(
        ("resourceGroupName", "privateEndpointName"), ("location", "subnet", "customNetworkInterfaceName"),
        "network spec: subnet and customNetworkInterfaceName cannot be changed after creation; " + _TRACKED),
    "azure-native:network:PrivateDnsZoneGroup": ReplaceRule(
        ("resourceGroupName", "privateEndpointName", "privateDnsZoneGroupName"), (), "path parameters only"),
    "azure-native:privatedns:PrivateZone": ReplaceRule(
        ("resourceGroupName", "privateZoneName"), ("location",), _TRACKED),
    "azure-native:privatedns:VirtualNetworkLink": ReplaceRule(
        ("resourceGroupName", "privateZoneName", "virtualNetworkLinkName"), ("location",), _TRACKED),
    "azure-native:monitor:PrivateLinkScope": ReplaceRule(("resourceGroupName", "scopeName"), ("location",), _TRACKED),
    "azure-native:monitor:PrivateLinkScopedResource": ReplaceRule(
        ("resourceGroupName", "scopeName", "name"), ("linkedResourceId",),
        "a scoped resource links one resource for its lifetime: linkedResourceId is create-only"),
    "azure-native:authorization:RoleAssignment": ReplaceRule(
        ("scope", "roleAssignmentName"), ("principalId", "scope"),
        "azure-native forceNewMap Authorization.RoleAssignment"),
}

# Fields of a preview.json entry outside `inputs` whose change replaces the resource.
REPLACING_FIELDS = {
    "subscription": "another subscription is another provider: the resource is created there and deleted here",
    "id": "the ARM id changes",
}

# Resource options the components pass for every type above (see the module docstring).
REPLACE_OPTIONS = {"delete_before_replace": True}


def rule_for(type_: str) -> ReplaceRule | None:
    return REPLACE_RULES.get(type_)


def replacing_inputs(type_: str, changed: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The changed top-level inputs that make the provider replace a resource of this type.

    An azure-native type missing from the table is treated as replaced by any change of a path-like
    input (a name or a resource group), which is what the provider does for every type.
    """
    rule = rule_for(type_)
    if rule is None:
        if not type_.startswith("azure-native:"):
            return ()  # components and providers: nothing in Azure
        return tuple(k for k in changed if k in ("location", "resourceGroupName") or k.endswith("Name"))
    return tuple(k for k in changed if k in rule.replacing_inputs)
