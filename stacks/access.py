"""Who gets which role where: the access plan, computed from config alone.

Every grant is keyed by (principal, role, scope) so the same grant asked for twice (tenants
sharing a subscription, a group in two tenants) becomes one role assignment carrying all its
reasons. The description written on each assignment records the tenants the principal acts
for; the policy pack reads it back to check tenant isolation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from stacks.model import Principal
from stacks.naming import role_assignment_name
from stacks.roles import MEMBER_ROLES, ROLE_GUIDS, Role, role_definition_id
from stacks.topology import Topology, WorkspaceSite

PLATFORM = "platform"
DESCRIPTION_PREFIX = "ml-tenancy"


@dataclass(frozen=True)
class PrincipalRef:
    """A principal known by object id, or a managed identity known only after apply."""

    kind: str  # "owner" | "member" | "workspace-identity" | "compute-identity"
    principal_type: str
    label: str
    object_id: str | None = None
    identity_of: str | None = None  # workspace ref whose identity this is

    @property
    def reference(self) -> str:
        """The object id, or whose managed identity this is while Azure has not assigned one."""
        return self.object_id or f"{self.kind.replace('-', ' ')} of {self.identity_of}"

    @property
    def key(self) -> str:
        """Stable string standing in for the principal in names and dedup keys."""
        return self.object_id or f"{self.kind}:{self.identity_of}"


@dataclass(frozen=True)
class Scope:
    id: str
    subscription_id: str
    kind: str  # "subscription" | "workspace" | "registry"
    label: str
    tenant: str  # owning tenant key, or PLATFORM for the shared registry / shared subscriptions
    workspace_ref: str | None = None  # the workspace whose creation the assignment must wait for


@dataclass(frozen=True)
class RoleGrant:
    principal: PrincipalRef
    role: Role
    scope: Scope
    tenants: tuple[str, ...]
    reasons: tuple[str, ...]

    @property
    def name(self) -> str:
        return role_assignment_name(self.scope.id, self.principal.key, ROLE_GUIDS[self.role])

    @property
    def role_definition_id(self) -> str:
        return role_definition_id(self.role, self.scope.subscription_id)

    @property
    def id(self) -> str:
        return f"{self.scope.id}/providers/Microsoft.Authorization/roleAssignments/{self.name}"

    @property
    def description(self) -> str:
        return format_description(self.tenants, self.principal.label, self.reasons)

    def summary(self) -> dict[str, str]:
        """The grant as stack outputs and preview.json list it."""
        return {
            "name": self.name,
            "principal": self.principal.label,
            "principalType": self.principal.principal_type,
            "objectId": self.principal.reference,
            "role": self.role.value,
            "scope": self.scope.id,
            "why": "; ".join(self.reasons),
        }


def format_description(tenants: Iterable[str], label: str, reasons: Iterable[str]) -> str:
    # Sorted, so reordering tenants in config never rewrites an assignment.
    return (
        f"{DESCRIPTION_PREFIX} tenants={','.join(sorted(tenants))}; principal={label}; "
        f"why={' | '.join(sorted(reasons))}"
    )


def tenants_from_description(description: str | None) -> tuple[str, ...] | None:
    """The tenants a role assignment's principal acts for, or None when not written by this project."""
    if not description or not description.startswith(f"{DESCRIPTION_PREFIX} tenants="):
        return None
    head = description.removeprefix(f"{DESCRIPTION_PREFIX} tenants=").split(";", 1)[0]
    return tuple(t for t in head.split(",") if t)


@dataclass
class _Collector:
    grants: dict[tuple[str, Role, str], RoleGrant] = field(default_factory=dict)

    def add(self, principal: PrincipalRef, role: Role, scope: Scope, tenant: str, reason: str) -> None:
        key = (principal.key.lower(), role, scope.id.lower())
        existing = self.grants.get(key)
        if existing is None:
            self.grants[key] = RoleGrant(principal, role, scope, (tenant,), (reason,))
            return
        self.grants[key] = RoleGrant(
            existing.principal,
            role,
            existing.scope,
            _merge(existing.tenants, tenant),
            _merge(existing.reasons, reason),
        )


def _merge(items: tuple[str, ...], item: str) -> tuple[str, ...]:
    return items if item in items else (*items, item)


def _principal(p: Principal, kind: str) -> PrincipalRef:
    return PrincipalRef(kind=kind, principal_type=p.type, label=p.label or p.object_id, object_id=p.object_id)


def plan_role_grants(topology: Topology) -> tuple[RoleGrant, ...]:
    """Every role assignment of the stack, deduplicated, in a stable order."""
    cfg = topology.config
    grants = _Collector()
    registry_scope = Scope(
        id=topology.registry_id,
        subscription_id=cfg.registry.subscription_id,
        kind="registry",
        label=f"registry {cfg.registry.name}",
        tenant=PLATFORM,
    )
    owner = _principal(cfg.registry.owner, "owner")
    tenants_by_subscription: dict[str, set[str]] = {}
    for site in topology.sites:
        tenants_by_subscription.setdefault(site.subscription_id, set()).add(site.tenant.key)
    sharing_refs = _sharing_workspaces(topology)
    grants.add(
        owner, Role.REGISTRY_USER, registry_scope, PLATFORM,
        "registry owner seeds the catalog, shares assets and shares retrained models back (post-deploy)",
    )

    for site in topology.sites:
        tenant = site.tenant
        ws_scope = _workspace_scope(site)
        if "subscription" in tenant.owner_access:
            owners = tenants_by_subscription[site.subscription_id]
            grants.add(
                owner,
                Role.CONTRIBUTOR,
                Scope(
                    id=f"/subscriptions/{site.subscription_id}",
                    subscription_id=site.subscription_id,
                    kind="subscription",
                    label=f"subscription {site.subscription_id}",
                    tenant=tenant.key if len(owners) == 1 else PLATFORM,
                ),
                PLATFORM,
                "registry owner manages tenant subscriptions (ownerAccess: subscription)",
            )
        if "workspace" in tenant.owner_access:
            grants.add(
                owner, Role.CONTRIBUTOR, ws_scope, PLATFORM,
                "registry owner deploys endpoints into tenant workspaces (ownerAccess: workspace)",
            )
        for member in tenant.members:
            ref = _principal(member, "member")
            for key in member.roles:
                member_role = MEMBER_ROLES[key]
                scope = ws_scope if member_role.on == "workspace" else registry_scope
                grants.add(ref, member_role.role, scope, tenant.key, f"member of {tenant.key} ({key})")

        identity = PrincipalRef(
            kind="workspace-identity",
            principal_type="ServicePrincipal",
            label=f"identity of workspace {site.names.workspace}",
            identity_of=site.ref,
        )
        shares = site.ref in sharing_refs
        grants.add(
            identity,
            Role.REGISTRY_USER if shares else Role.READER,
            registry_scope,
            tenant.key,
            f"{site.ref} shares assets to the registry" if shares else f"{site.ref} pulls registry assets",
        )
        # Jobs on the cluster (pipelines of registry components, retraining from a registry base
        # model, batch scoring of pushed models) read the registry as the cluster's identity.
        # Share-back runs as the registry owner, so the cluster never needs write access.
        compute_identity = PrincipalRef(
            kind="compute-identity",
            principal_type="ServicePrincipal",
            label=f"identity of compute {site.spec.compute.name} in {site.names.workspace}",
            identity_of=site.ref,
        )
        grants.add(
            compute_identity, Role.READER, registry_scope, tenant.key,
            f"jobs on {site.spec.compute.name} in {site.ref} read registry assets",
        )

    return tuple(sorted(grants.grants.values(), key=lambda g: (g.scope.id.lower(), g.role, g.principal.key)))


def _workspace_scope(site: WorkspaceSite) -> Scope:
    return Scope(
        id=site.workspace_id,
        subscription_id=site.subscription_id,
        kind="workspace",
        label=f"workspace {site.names.workspace}",
        tenant=site.tenant.key,
        workspace_ref=site.ref,
    )


def _sharing_workspaces(topology: Topology) -> set[str]:
    return {share.from_ for share in topology.config.sharing.share}
