"""ML registry rules: regions that cover every workspace, private storage, network access."""

from __future__ import annotations

from pulumi_policy import ReportViolation, ResourceValidationArgs, StackValidationArgs

from policy.rules.define import ADVISORY, MANDATORY, resource_rule, stack_rule
from policy.rules.inventory import Inventory
from policy.rules.network import check_public_network_access
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import ML_REGISTRY
from policy.rules.values import MISSING, UNKNOWN, elements, get, region, text


def _registry_regions(args: StackValidationArgs) -> tuple[list[str], bool] | None:
    """Regions of every ML registry in the stack, primary first, and whether some are unknown."""
    inventory = Inventory(args.resources)
    if not inventory.registries:
        return None
    regions: list[str] = []
    incomplete = False
    for registry in inventory.registries:
        props = registry.resource.props
        details = get(props, "regionDetails")
        if details is UNKNOWN:
            known_after_apply("regionDetails", registry.resource.urn)
            incomplete = True
        locations = [get(props, "location"), *(get(d, "location") for d in elements(details))]
        for location in locations:
            if location is UNKNOWN:
                known_after_apply("a registry region", registry.resource.urn)
                incomplete = True
            elif (name := region(location)) and name not in regions:
                regions.append(name)
    return regions, incomplete


def _covers_workspace_regions(args: StackValidationArgs, report: ReportViolation) -> None:
    found = _registry_regions(args)
    if found is None:
        return
    regions, incomplete = found
    for workspace in Inventory(args.resources).workspaces:
        location = get(workspace.resource.props, "location")
        if location is UNKNOWN:
            known_after_apply("location", workspace.resource.urn)
            continue
        name = region(location)
        if name is None or name in regions:
            continue
        if incomplete:
            known_after_apply("whether the registry covers this workspace's region", workspace.resource.urn)
            continue
        report(
            f"location {name} is not one of the registry's regions ({', '.join(regions)}), "
            "so the workspace cannot use the registry",
            workspace.resource.urn,
        )


def _storage_no_public_blob_access(args: ResourceValidationArgs, report: ReportViolation) -> None:
    details = get(args.props, "regionDetails")
    if details is UNKNOWN:
        known_after_apply("regionDetails")
        return
    for i, detail in enumerate(elements(details)):
        label = text(get(detail, "location")) or f"regionDetails[{i}]"
        if detail is UNKNOWN:
            known_after_apply(f"regionDetails[{i}]")
            continue
        accounts = get(detail, "storageAccountDetails")
        if accounts is UNKNOWN:
            known_after_apply(f"regionDetails[{i}].storageAccountDetails")
            continue
        for account in elements(accounts):
            system = get(account, "systemCreatedStorageAccount")
            if system is MISSING:
                continue
            allowed = get(system, "allowBlobPublicAccess")
            if allowed is UNKNOWN:
                known_after_apply(f"regionDetails[{i}] allowBlobPublicAccess")
            elif allowed is MISSING:
                report(
                    f"region {label}: the system-created storage account does not set allowBlobPublicAccess to false"
                )
            elif allowed is not False:
                report(f"region {label}: the system-created storage account allows public blob access")


COVERS_WORKSPACE_REGIONS = stack_rule(
    "registry-covers-workspace-regions",
    "Every workspace is in one of the ML registry's regions; workspaces elsewhere cannot use it.",
    MANDATORY,
    _covers_workspace_regions,
)
STORAGE_NO_PUBLIC_BLOB_ACCESS = resource_rule(
    "registry-storage-no-public-blob-access",
    "The registry's system-created storage accounts do not allow public blob access.",
    MANDATORY,
    [ML_REGISTRY],
    _storage_no_public_blob_access,
)
PUBLIC_NETWORK_ACCESS = resource_rule(
    "registry-public-network-access",
    "The ML registry is reachable through private endpoints only.",
    ADVISORY,
    [ML_REGISTRY],
    check_public_network_access,
)

RULES = [COVERS_WORKSPACE_REGIONS, STORAGE_NO_PUBLIC_BLOB_ACCESS, PUBLIC_NETWORK_ACCESS]
