"""Private resources have the inbound private endpoints (with DNS) that make them reachable.

A registry or workspace with public network access disabled and no private endpoint cannot be
reached by anyone: data scientists, CI and the post-deploy step all go through the endpoint.
Private storage needs ``blob`` and ``file`` endpoints (uploads, datastores, notebooks' file share),
and Log Analytics or Application Insights closed to the internet needs an Azure Monitor private
link scope with an endpoint. An endpoint without a DNS zone group leaves names resolving to
public addresses, which are closed: it counts as missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pulumi_policy import PolicyResource, ReportViolation, StackValidationArgs

from policy.rules.arm import normalize, parse
from policy.rules.define import MANDATORY, stack_rule
from policy.rules.inventory import Inventory
from policy.rules.links import Reference, child_of, label, of_type, own_id, reference
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import (
    APP_INSIGHTS,
    LOG_ANALYTICS,
    ML_REGISTRY,
    ML_WORKSPACE,
    MONITOR_PRIVATE_LINK_SCOPE,
    MONITOR_SCOPED_RESOURCE,
    PRIVATE_DNS_ZONE,
    PRIVATE_DNS_ZONE_GROUP,
    PRIVATE_ENDPOINT,
    STORAGE_ACCOUNT,
    VIRTUAL_NETWORK_LINK,
)
from policy.rules.values import MISSING, UNKNOWN, elements, get, same, text
from stacks.endpoints import ZONES_BY_GROUP

# Resource type -> (how messages name it, its Azure name input, the groupIds it needs when private).
NEEDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    ML_REGISTRY: ("ML registry", "registryName", ("amlregistry",)),
    ML_WORKSPACE: ("ML workspace", "workspaceName", ("amlworkspace",)),
    STORAGE_ACCOUNT: ("storage account", "accountName", ("blob", "file")),
    MONITOR_PRIVATE_LINK_SCOPE: ("Azure Monitor private link scope", "scopeName", ("azuremonitor",)),
}
_ZONE_GROUP_OF = "/privatednszonegroups/"


@dataclass(frozen=True)
class Connection:
    endpoint: PolicyResource
    target: Reference
    groups: tuple[str, ...] | None  # None: not known until apply


def connections(resources: list[PolicyResource]) -> Iterator[Connection]:
    for endpoint in of_type(resources, PRIVATE_ENDPOINT):
        for prop in ("privateLinkServiceConnections", "manualPrivateLinkServiceConnections"):
            items = get(endpoint.props, prop)
            if items is UNKNOWN:
                # Which resource it reaches is then only told by what the list depends on.
                yield Connection(endpoint, reference(endpoint, prop, None), None)
                continue
            for item in elements(items):
                target = get(item, "privateLinkServiceId")
                groups = get(item, "groupIds")
                listed = None if groups is UNKNOWN else list(elements(groups))
                known = None if listed is None or any(g is UNKNOWN for g in listed) else tuple(
                    str(g).lower() for g in listed if text(g)
                )
                yield Connection(endpoint, reference(endpoint, prop, target), known)


def has_zone_group(endpoint: PolicyResource, resources: list[PolicyResource]) -> bool:
    """Whether a DNS zone group with at least one zone belongs to the endpoint."""
    return bool(zone_groups_of(endpoint, resources))


def zone_groups_of(endpoint: PolicyResource, resources: list[PolicyResource]) -> list[PolicyResource]:
    """The endpoint's DNS zone groups that name at least one zone (or whose zones are not known yet)."""
    found = []
    for group in of_type(resources, PRIVATE_DNS_ZONE_GROUP):
        if not _belongs(group, endpoint):
            continue
        configs = get(group.props, "privateDnsZoneConfigs")
        if configs is UNKNOWN or any(True for _ in elements(configs)):
            found.append(group)
    return found


def registered_zones(groups: list[PolicyResource]) -> set[str] | None:
    """Zone names the groups register in, from the zone ids; None while some id is unknown."""
    names: set[str] = set()
    for group in groups:
        configs = get(group.props, "privateDnsZoneConfigs")
        if configs is UNKNOWN:
            return None
        for config in elements(configs):
            zone_id = get(config, "privateDnsZoneId")
            if zone_id is UNKNOWN or config is UNKNOWN:
                return None
            if text(zone_id):
                names.add(text(zone_id).rstrip("/").rsplit("/", 1)[-1].lower())
    return names


def _belongs(group: PolicyResource, endpoint: PolicyResource) -> bool:
    return child_of(
        group, endpoint, name_input="privateEndpointName", parent_name_input="privateEndpointName",
        marker=_ZONE_GROUP_OF,
    )


def _private(resource: PolicyResource) -> bool | None:
    if resource.resource_type == MONITOR_PRIVATE_LINK_SCOPE:
        return True  # a scope exists to be reached privately
    value = get(resource.props, "publicNetworkAccess")
    if value is UNKNOWN:
        return None
    return same(value, "Disabled")


def _endpoints_present(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    links = list(connections(resources))
    for resource_type, (kind, name_input, groups) in NEEDS.items():
        for target in of_type(resources, resource_type):
            private = _private(target)
            if private is None:
                known_after_apply("publicNetworkAccess", target.urn)
            if not private:
                continue
            name = label(target, name_input)
            for group in groups:
                found = [c for c in links if c.target.names(target) and (c.groups is None or group in c.groups)]
                if not found:
                    report(
                        f"{kind} {name} is private but has no private endpoint for '{group}', "
                        "so nobody can reach it; add one in the hub or the tenant's spoke",
                        target.urn,
                    )
                    continue
                with_dns = [(c, zone_groups_of(c.endpoint, resources)) for c in found]
                with_dns = [(c, groups_) for c, groups_ in with_dns if groups_]
                if not with_dns:
                    endpoint = label(found[0].endpoint, "privateEndpointName")
                    report(
                        f"private endpoint {endpoint} of {kind} {name} ('{group}') has no private DNS zone group, "
                        "so the name still resolves to the closed public address",
                        target.urn,
                    )
                    continue
                # Any candidate registering in every documented zone will do; one whose sub-resource or zones
                # are not known yet may still be the one.
                verdicts = []
                for connection, groups_ in with_dns:
                    zones = registered_zones(groups_)
                    missing = None if zones is None else [z for z in ZONES_BY_GROUP.get(group, ()) if z not in zones]
                    verdicts.append((connection, missing))
                if any(missing == [] for _, missing in verdicts):
                    continue
                if any(missing is None or c.groups is None for c, missing in verdicts):
                    known_after_apply("the zones of its private endpoint's DNS zone group", target.urn)
                    continue
                connection, missing = verdicts[0]
                if missing:
                    endpoint = label(connection.endpoint, "privateEndpointName")
                    report(
                        f"private endpoint {endpoint} of {kind} {name} ('{group}') does not register in "
                        f"{', '.join(missing)}, so those names still resolve to the closed public address",
                        target.urn,
                    )


def _scoped(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    for scope in of_type(resources, MONITOR_PRIVATE_LINK_SCOPE):
        for mode in ("ingestionAccessMode", "queryAccessMode"):
            value = get(scope.props, "accessModeSettings", mode)
            if value is UNKNOWN:
                known_after_apply(f"accessModeSettings.{mode}", scope.urn)
            elif not same(value, "PrivateOnly"):
                state = "not set" if value is MISSING else str(value)
                report(
                    f"Azure Monitor private link scope {label(scope, 'scopeName')}: accessModeSettings.{mode} is "
                    f"{state}; set it to PrivateOnly so clients on the network reach only the scope's resources",
                    scope.urn,
                )
    scopes = of_type(resources, MONITOR_PRIVATE_LINK_SCOPE)
    # A link counts only while its scope is in the stack: without the scope nothing routes privately.
    scoped = [
        (r, reference(r, "linkedResourceId", get(r.props, "linkedResourceId")))
        for r in of_type(resources, MONITOR_SCOPED_RESOURCE)
        if any(child_of(r, scope, name_input="scopeName", parent_name_input="scopeName", marker="/scopedresources/")
               for scope in scopes)
    ]
    for resource_type, kind, name_input in ((LOG_ANALYTICS, "Log Analytics workspace", "workspaceName"),
                                            (APP_INSIGHTS, "Application Insights", "resourceName")):
        for target in of_type(resources, resource_type):
            ingestion = get(target.props, "publicNetworkAccessForIngestion")
            if ingestion is UNKNOWN:
                known_after_apply("publicNetworkAccessForIngestion", target.urn)
                continue
            if not same(ingestion, "Disabled"):
                continue
            if not any(ref.names(target) for _, ref in scoped):
                report(
                    f"{kind} {label(target, name_input)} takes no public ingestion but is linked to no Azure "
                    "Monitor private link scope, so nothing can send it data; link it to the stack's scope",
                    target.urn,
                )


def _zones_resolve(args: StackValidationArgs, report: ReportViolation) -> None:
    resources = list(args.resources)
    zones = of_type(resources, PRIVATE_DNS_ZONE)
    links = of_type(resources, VIRTUAL_NETWORK_LINK)
    for zone in zones:
        if not any(child_of(link, zone, name_input="privateZoneName", parent_name_input="privateZoneName",
                            marker="/virtualnetworklinks/") for link in links):
            report(
                f"private DNS zone {label(zone, 'privateZoneName')} is linked to no virtual network, so nobody "
                "resolves the private endpoints' names",
                zone.urn,
            )
    managed_groups = Inventory(resources).resource_groups
    known_zones = {(label(z, "privateZoneName").lower(), (text(get(z.props, "resourceGroupName")) or "").lower())
                   for z in zones}
    known_ids = {own_id(z) for z in zones} - {None}
    for group in of_type(resources, PRIVATE_DNS_ZONE_GROUP):
        for config in elements(get(group.props, "privateDnsZoneConfigs")):
            zone_id = text(get(config, "privateDnsZoneId"))
            arm = parse(zone_id) if zone_id else None
            if arm is None or arm.top is None or normalize(zone_id) in known_ids:
                continue
            name = arm.top[1]
            managed = any(g.in_resource_group(arm) for g in managed_groups)
            if managed and (name, arm.resource_group) not in known_zones:
                report(
                    f"DNS zone group {group.name} registers in zone {name} of resource group {arm.resource_group}, "
                    "which this stack manages but where it has no such zone",
                    group.urn,
                )


ENDPOINTS_PRESENT = stack_rule(
    "private-endpoints-present",
    "Private registries, workspaces, storage accounts and monitor scopes have private endpoints with DNS.",
    MANDATORY,
    _endpoints_present,
)
MONITORING_SCOPED = stack_rule(
    "monitoring-private-link-scope",
    "Log Analytics and Application Insights closed to public ingestion are linked to a private link scope.",
    MANDATORY,
    _scoped,
)

ZONES_RESOLVE = stack_rule(
    "private-dns-zones-resolve",
    "Private DNS zones the stack creates are linked to a VNet, and zone groups name zones that exist.",
    MANDATORY,
    _zones_resolve,
)

RULES = [ENDPOINTS_PRESENT, MONITORING_SCOPED, ZONES_RESOLVE]

