"""Rows of the role-assignment review, shared by the terminal table and review.md."""

from __future__ import annotations

from dataclasses import dataclass

from stacks.access import RoleGrant
from stacks.topology import Topology, WorkspaceSite


@dataclass(frozen=True)
class GrantRow:
    principal: str       # readable label
    object_id: str       # object id, or what the identity belongs to
    principal_type: str
    role: str
    scope: str           # shortened but unambiguous
    scope_id: str        # full ARM scope
    why: str
    name: str            # the assignment's GUID name


def short_scope(scope_id: str, topology: Topology) -> str:
    """Readable scope: names what it is, keeps the subscription so equal names stay apart."""
    if scope_id.lower() == topology.registry_id.lower():
        return f"registry/{topology.config.registry.name}"
    site = _workspaces_by_id(topology).get(scope_id.lower())
    if site is not None:
        return f"workspace/{site.names.workspace} (sub {site.subscription_id[:8]}…)"
    if scope_id.startswith("/subscriptions/") and scope_id.count("/") == 2:
        return f"subscription/{scope_id.split('/')[2]}"
    return scope_id


_INDEX: dict[int, tuple[Topology, dict[str, WorkspaceSite]]] = {}


def _workspaces_by_id(topology: Topology) -> dict[str, WorkspaceSite]:
    """Sites by lowered workspace id, built once per topology: a scan per grant is quadratic."""
    cached = _INDEX.get(id(topology))
    if cached is None or cached[0] is not topology:
        _INDEX.clear()
        cached = (topology, {site.workspace_id.lower(): site for site in topology.sites})
        _INDEX[id(topology)] = cached
    return cached[1]


def grant_rows(grants: tuple[RoleGrant, ...], topology: Topology) -> list[GrantRow]:
    return [
        GrantRow(
            principal=g.principal.label,
            object_id=g.principal.object_id or f"({g.principal.reference}, known after apply)",
            principal_type=g.principal.principal_type,
            role=g.role.value,
            scope=short_scope(g.scope.id, topology),
            scope_id=g.scope.id,
            why="; ".join(g.reasons),
            name=g.name,
        )
        for g in grants
    ]
