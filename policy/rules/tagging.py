"""Taggable resources carry the ``tenant`` and ``environment`` tags cost and access reviews group by.

Whether a type takes tags is decided by its azure-native Args class; the list below is
checked against pulumi_azure_native in the tests (the pack itself does not install it).
Other azure-native types are checked when they do set tags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import ReportViolation, ResourceValidationArgs

from policy.rules.define import ADVISORY, resource_rule
from policy.rules.pending import known_after_apply
from policy.rules.values import MISSING, UNKNOWN, get

REQUIRED_TAGS = ("tenant", "environment")

TAGGABLE_TYPES = frozenset(
    {
        "azure-native:machinelearningservices:Registry",
        "azure-native:machinelearningservices:Workspace",
        "azure-native:machinelearningservices:Compute",
        "azure-native:machinelearningservices:OnlineEndpoint",
        "azure-native:machinelearningservices:OnlineDeployment",
        "azure-native:machinelearningservices:BatchEndpoint",
        "azure-native:machinelearningservices:BatchDeployment",
        "azure-native:storage:StorageAccount",
        "azure-native:keyvault:Vault",
        "azure-native:containerregistry:Registry",
        "azure-native:applicationinsights:Component",
        "azure-native:operationalinsights:Workspace",
        "azure-native:resources:ResourceGroup",
        "azure-native:managedidentity:UserAssignedIdentity",
        "azure-native:network:PrivateEndpoint",
        "azure-native:network:VirtualNetwork",
        "azure-native:privatedns:PrivateZone",
    }
)

# Types whose Args take no tags at all.
UNTAGGABLE_TYPES = frozenset(
    {
        "azure-native:authorization:RoleAssignment",
        "azure-native:monitor:DiagnosticSetting",
        "azure-native:machinelearningservices:Schedule",
        "azure-native:machinelearningservices:Datastore",
        "azure-native:storage:BlobContainer",
        "azure-native:network:PrivateDnsZoneGroup",
    }
)


def is_taggable(resource_type: str, props: Mapping[str, Any]) -> bool:
    if resource_type in TAGGABLE_TYPES:
        return True
    if resource_type in UNTAGGABLE_TYPES or not resource_type.startswith("azure-native:"):
        return False
    return get(props, "tags") is not MISSING


def _required_tags(args: ResourceValidationArgs, report: ReportViolation) -> None:
    if not is_taggable(args.resource_type, args.props):
        return
    tags = get(args.props, "tags")
    if tags is UNKNOWN:
        known_after_apply("tags")
        return
    missing = [t for t in REQUIRED_TAGS if get(tags, t) is MISSING]
    if missing:
        report(f"missing tags: {', '.join(missing)}")


REQUIRED = resource_rule(
    "required-tags",
    "Taggable resources carry the tenant and environment tags.",
    ADVISORY,
    None,
    _required_tags,
)

RULES = [REQUIRED]
