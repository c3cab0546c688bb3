"""ML workspace rules: no v1 legacy mode, a managed identity, private access, its own ACR."""

from __future__ import annotations

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs

from policy.rules.arm import CONTAINER_REGISTRIES, parse
from policy.rules.define import ADVISORY, MANDATORY, resource_rule, stack_rule
from policy.rules.inventory import Inventory, Located
from policy.rules.network import check_public_network_access
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import CONTAINER_REGISTRY, ML_WORKSPACE
from policy.rules.values import MISSING, UNKNOWN, get, same, show_value

_IDENTITY_TYPES = ("SystemAssigned", "UserAssigned", "SystemAssigned,UserAssigned")


def _no_v1_legacy_mode(args: ResourceValidationArgs, report: ReportViolation) -> None:
    value = get(args.props, "v1LegacyMode")
    if value is UNKNOWN:
        known_after_apply("v1LegacyMode")
    elif value is not MISSING and value is not False:
        report(
            f"v1LegacyMode is {show_value(value)}: v1 legacy mode turns off the v2 API that registries, "
            "managed networks and online endpoints need"
        )


def _managed_identity(args: ResourceValidationArgs, report: ReportViolation) -> None:
    kind = get(args.props, "identity", "type")
    if kind is UNKNOWN:
        known_after_apply("identity.type")
    elif kind is MISSING:
        report(
            "identity is not set: the workspace needs a managed identity to reach its storage, "
            "key vault and the registry"
        )
    elif not any(same(kind, t) for t in _IDENTITY_TYPES):
        report(f"identity type is {show_value(kind)}: the workspace needs a system- or user-assigned managed identity")


def _container_registry_of(workspace: Located, inventory: Inventory) -> Located | str | None:
    """The stack's container registry the workspace uses, None if not found, or a reason to wait."""
    resource = workspace.resource
    value = get(resource.props, "containerRegistry")
    if value is UNKNOWN:
        # The id of a registry created in the same run is unknown during preview; what the
        # property (or, offline, the resource) depends on still names it.
        sources = (resource.property_dependencies or {}).get("containerRegistry") or [
            d for d in resource.dependencies if d.resource_type == CONTAINER_REGISTRY
        ]
        urns = {s.urn for s in sources if s.resource_type == CONTAINER_REGISTRY}
        found = [r for r in inventory.container_registries if r.resource.urn in urns]
        return found[0] if len(found) == 1 else "containerRegistry"
    arm = parse(show_value(value))
    if arm is None or arm.top is None or arm.top[0] != CONTAINER_REGISTRIES:
        return None
    found = [r for r in inventory.container_registries if r.matches(arm, arm.top[1])]
    if len(found) == 1:
        return found[0]
    if not found and any(r.name is None for r in inventory.container_registries):
        # A registry whose name is not known yet may still be the one named.
        return "the name of a container registry"
    return None


def _own_container_registry(args: StackValidationArgs, report: ReportViolation) -> None:
    inventory = Inventory(args.resources)
    users: dict[str, PolicyResource] = {}
    for workspace in inventory.workspaces:
        resource = workspace.resource
        value = get(resource.props, "containerRegistry")
        if value is MISSING:
            report(
                "containerRegistry is not set: Azure then creates a registry on first image build, "
                "with the admin user enabled",
                resource.urn,
            )
            continue
        registry = _container_registry_of(workspace, inventory)
        if isinstance(registry, str):
            known_after_apply(registry, resource.urn)
            continue
        if registry is None:
            report(
                f"containerRegistry {show_value(value)} is not a container registry of this stack, "
                "so its admin user cannot be checked",
                resource.urn,
            )
            continue
        label = registry.name or registry.resource.name
        admin = get(registry.resource.props, "adminUserEnabled")
        if admin is UNKNOWN:
            known_after_apply(f"adminUserEnabled of container registry {label}", resource.urn)
        elif admin is not MISSING and admin is not False:
            report(f"container registry {label} has the admin user enabled", resource.urn)
        other = users.setdefault(registry.resource.urn, resource)
        if other is not resource:
            report(f"container registry {label} is also used by workspace {other.name}", resource.urn)


NO_V1_LEGACY_MODE = resource_rule(
    "workspace-no-v1-legacy-mode",
    "Workspaces run without v1 legacy mode.",
    MANDATORY,
    [ML_WORKSPACE],
    _no_v1_legacy_mode,
)
MANAGED_IDENTITY = resource_rule(
    "workspace-managed-identity",
    "Workspaces have a managed identity.",
    MANDATORY,
    [ML_WORKSPACE],
    _managed_identity,
)
PUBLIC_NETWORK_ACCESS = resource_rule(
    "workspace-public-network-access",
    "Workspaces are reachable through private endpoints only.",
    ADVISORY,
    [ML_WORKSPACE],
    check_public_network_access,
)
OWN_CONTAINER_REGISTRY = stack_rule(
    "workspace-own-container-registry",
    "Each workspace names its own container registry, in this stack, with the admin user disabled.",
    MANDATORY,
    _own_container_registry,
)

RULES = [NO_V1_LEGACY_MODE, MANAGED_IDENTITY, PUBLIC_NETWORK_ACCESS, OWN_CONTAINER_REGISTRY]
