"""Tenant isolation: a tenant's principals never get a role on another tenant's resources.

Every scope is mapped to the tenants that own it: a workspace (or anything below it) to the
workspace's ``tenant`` tag, a resource group or a resource in one to the tenants whose
workspaces live there, a subscription to the tenants whose workspaces live in it (several
tenants may share one subscription). The ML registry is shared and may be granted to anyone.

Assignments written by this project carry the tenants their principal acts for in their
description (``stacks.access``); "platform" principals (the registry owner) may span tenants.
For any other assignment the principal's object id decides: holding roles on scopes of two
tenants is a violation unless the id is listed in the policy's ``platformPrincipals`` config.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pulumi_policy import PolicyConfigSchema, PolicyResource, ReportViolation, StackValidationArgs

from policy.rules.arm import REGISTRIES, WORKSPACES, parse
from policy.rules.assignments import description_tenants, principal_label, role_label, role_of
from policy.rules.define import MANDATORY, stack_rule
from policy.rules.inventory import Inventory
from policy.rules.pending import known_after_apply
from policy.rules.resource_types import ROLE_ASSIGNMENT
from policy.rules.values import UNKNOWN, get, text
from stacks.access import PLATFORM


@dataclass(frozen=True)
class Owners:
    label: str  # how a message names the scope
    tenants: frozenset[str]  # tenant keys owning the scope; empty when nobody in the stack does
    shared: bool = False  # the registry: granting it to any tenant is the point


def owners_of(scope: str, inventory: Inventory) -> Owners:
    arm = parse(scope)
    if arm is None:
        return Owners(f"scope {scope}", frozenset())
    top = arm.top
    if top is not None and top[0] == REGISTRIES:
        return Owners(f"registry {top[1]}", frozenset(), shared=True)
    if top is not None and top[0] == WORKSPACES:
        sites = [w for w in inventory.workspaces if w.matches(arm, top[1])]
        return Owners(f"workspace {top[1]}", _tenants(w.tenant for w in sites))
    if arm.resource_group is not None:
        sites = [w for w in inventory.workspaces if w.in_resource_group(arm)]
        groups = [g for g in inventory.resource_groups if g.in_resource_group(arm)]
        label = f"resource group {arm.resource_group}" if top is None else f"{top[0]} {top[1]}"
        return Owners(label, _tenants(x.tenant for x in (*sites, *groups)))
    sites = [w for w in inventory.workspaces if w.subscription == arm.subscription]
    return Owners(f"subscription {arm.subscription}", _tenants(w.tenant for w in sites))


def _tenants(tags) -> frozenset[str]:
    return frozenset(t for t in tags if t and t != PLATFORM)


@dataclass(frozen=True)
class _Grant:
    resource: PolicyResource
    owners: Owners
    principal: str | None  # lowercased object id when known
    acts_for: frozenset[str] | None  # from the description and identity sources; None when neither says


def _identity_tenants(resource: PolicyResource) -> frozenset[str]:
    """Tenants of the resources whose managed identity ``principalId`` is read from (real engine only)."""
    sources = (resource.property_dependencies or {}).get("principalId") or []
    return frozenset(t for s in sources if (t := text(get(s.props, "tags", "tenant"))))


def _grants(args: StackValidationArgs, inventory: Inventory) -> list[_Grant]:
    grants = []
    for resource in args.resources:
        if resource.resource_type != ROLE_ASSIGNMENT:
            continue
        scope = get(resource.props, "scope")
        if scope is UNKNOWN:
            known_after_apply("scope", resource.urn)
            continue
        if not text(scope):
            continue
        described = description_tenants(resource.props)
        identity = _identity_tenants(resource)
        acts_for = None if described is None and not identity else frozenset(described or ()) | identity
        principal = text(get(resource.props, "principalId"))
        grants.append(_Grant(resource, owners_of(scope, inventory), principal.lower() if principal else None, acts_for))
    return grants


def _role_name(grant: _Grant) -> str:
    role = role_of(grant.resource.props)
    return role_label(role) if isinstance(role, str) else "a role"


def _check(args: StackValidationArgs, report: ReportViolation) -> None:
    inventory = Inventory(args.resources)
    platform_ids = {p.lower() for p in args.get_config().get("platformPrincipals", []) or [] if isinstance(p, str)}
    grants = _grants(args, inventory)

    # What each object id is said to act for across all of its described assignments.
    said: dict[str, set[str]] = defaultdict(set)
    spans: dict[str, set[str]] = defaultdict(set)
    for g in grants:
        if g.principal is None:
            continue
        if g.acts_for is not None:
            said[g.principal] |= g.acts_for
        if not g.owners.shared:
            spans[g.principal] |= g.owners.tenants

    for g in grants:
        if g.owners.shared or not g.owners.tenants:
            continue
        acts_for = g.acts_for if g.acts_for is not None else said.get(g.principal or "")
        if acts_for is not None:
            if PLATFORM in acts_for:
                continue
            foreign = g.owners.tenants - acts_for
            if foreign:
                acting = ", ".join(sorted(acts_for)) or "no tenant"
                report(
                    f"{principal_label(g.resource.props)} acts for {acting} but gets "
                    f"{_role_name(g)} on {g.owners.label}, which belongs to {', '.join(sorted(foreign))}",
                    g.resource.urn,
                )
            continue
        if g.principal is None:
            known_after_apply("principalId", g.resource.urn)
            continue
        if g.principal in platform_ids:
            continue
        tenants = spans[g.principal]
        if len(tenants) > 1:
            report(
                f"principal {g.principal} gets {_role_name(g)} on {g.owners.label} and holds roles on "
                f"scopes of {', '.join(sorted(tenants))}; only principals in platformPrincipals may span tenants",
                g.resource.urn,
            )


TENANT_ISOLATION = stack_rule(
    "role-assignment-tenant-isolation",
    "A tenant's principals and identities never get a role on another tenant's subscription or resources.",
    MANDATORY,
    _check,
    config_schema=PolicyConfigSchema(
        properties={
            "platformPrincipals": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Object ids that may hold roles across tenants (the registry owner).",
            }
        }
    ),
)

RULES = [TENANT_ISOLATION]
