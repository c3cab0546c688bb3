"""ARM ids for resources registered under the mock engine, shaped like Azure's.

Deterministic ids make preview.json stable and let policy rules and reviewers match
scopes of role assignments to the resources they point at.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from preview.template import SHAPES, child_id


@dataclass(frozen=True)
class ArmType:
    provider_path: str  # e.g. "Microsoft.Storage/storageAccounts"
    name_input: str  # the input holding the Azure name


ARM_TYPES: dict[str, ArmType] = {
    "azure-native:machinelearningservices:Registry": ArmType(
        "Microsoft.MachineLearningServices/registries", "registryName"
    ),
    "azure-native:machinelearningservices:Workspace": ArmType(
        "Microsoft.MachineLearningServices/workspaces", "workspaceName"
    ),
    "azure-native:storage:StorageAccount": ArmType("Microsoft.Storage/storageAccounts", "accountName"),
    "azure-native:keyvault:Vault": ArmType("Microsoft.KeyVault/vaults", "vaultName"),
    "azure-native:operationalinsights:Workspace": ArmType("Microsoft.OperationalInsights/workspaces", "workspaceName"),
    "azure-native:applicationinsights:Component": ArmType("Microsoft.Insights/components", "resourceName"),
    "azure-native:containerregistry:Registry": ArmType("Microsoft.ContainerRegistry/registries", "registryName"),
}


def azure_name(type_: str, inputs: Mapping[str, Any], logical_name: str) -> str:
    if type_ == "azure-native:resources:ResourceGroup":
        return inputs.get("resourceGroupName") or logical_name
    if type_ == "azure-native:machinelearningservices:Compute":
        return inputs.get("computeName") or logical_name
    if type_ == "azure-native:monitor:DiagnosticSetting":
        return inputs.get("name") or logical_name
    if type_ == "azure-native:authorization:RoleAssignment":
        return inputs.get("roleAssignmentName") or logical_name
    arm = ARM_TYPES.get(type_)
    if arm is None and type_ in SHAPES:  # network, recovery and monitoring types: the export table names them
        return inputs.get(SHAPES[type_].names[-1]) or logical_name
    return (inputs.get(arm.name_input) if arm else None) or logical_name


def arm_id(type_: str, inputs: Mapping[str, Any], logical_name: str, subscription_id: str | None) -> str:
    sub = subscription_id or "00000000-0000-0000-0000-000000000000"
    name = azure_name(type_, inputs, logical_name)
    rg = inputs.get("resourceGroupName")
    group = f"/subscriptions/{sub}/resourceGroups/{rg}"
    if type_ == "azure-native:resources:ResourceGroup":
        return f"/subscriptions/{sub}/resourceGroups/{name}"
    if type_ == "azure-native:machinelearningservices:Compute":
        return (
            f"{group}/providers/Microsoft.MachineLearningServices/workspaces/"
            f"{inputs.get('workspaceName')}/computes/{name}"
        )
    if type_ == "azure-native:monitor:DiagnosticSetting":
        return f"{inputs.get('resourceUri')}/providers/Microsoft.Insights/diagnosticSettings/{name}"
    if type_ == "azure-native:authorization:RoleAssignment":
        return f"{inputs.get('scope')}/providers/Microsoft.Authorization/roleAssignments/{name}"
    arm = ARM_TYPES.get(type_)
    if arm is None and type_ in SHAPES and SHAPES[type_].scope is None:
        return child_id(type_, inputs, sub) or f"{group}/providers/{SHAPES[type_].arm_type}/{name}"
    if arm is None:
        return f"{group}/providers/{type_.replace(':', '.')}/{name}"
    return f"{group}/providers/{arm.provider_path}/{name}"
