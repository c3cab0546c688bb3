"""review.md: what a stack's preview would do, as Markdown for a pull-request comment.

Security reviewers read the role assignments before anything is applied, so every table of
assignments is ordered by how much a grant allows (Contributor on a subscription first) rather
than by scope id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from preview.diff import AssignmentRef, ChangeSet, FieldChange, ResourceRef, change_set
from preview.mermaid import topology_diagram
from preview.mermaid_promotions import with_promotions
from preview.rows import GrantRow, grant_rows, short_scope
from stacks.access import RoleGrant
from stacks.model import PlatformConfig
from stacks.roles import PRIVILEGED_ROLES, Role
from stacks.topology import Topology

# Lower sorts first: roles that can change anything, then write access to shared assets, then
# operating a workspace, then read. A role this table does not know sorts with the privileged ones.
_ROLE_RANK: dict[str, int] = {
    **dict.fromkeys((r.value for r in PRIVILEGED_ROLES), 0),
    Role.CONTRIBUTOR.value: 1,
    Role.REGISTRY_USER.value: 2,
    Role.COMPUTE_OPERATOR.value: 3,
    Role.DATA_SCIENTIST.value: 3,
    Role.ACR_PULL.value: 4,
    Role.STORAGE_BLOB_DATA_READER.value: 4,
    Role.READER.value: 4,
}
# A subscription holds every tenant placed in it; the registry is shared by all tenants.
_SCOPE_RANK = {"subscription": 0, "registry": 1, "workspace": 2, "other": 3}


@dataclass(frozen=True)
class ReviewContext:
    stack: str
    config: PlatformConfig
    topology: Topology
    grants: tuple[RoleGrant, ...]
    document: dict[str, Any]  # preview.json of this run
    baseline: dict[str, Any] | None = None  # an earlier preview.json to compare against
    policy_markdown: str | None = None
    postdeploy_markdown: str | None = None


def render_review(ctx: ReviewContext) -> str:
    sections = [_header(ctx)]
    if ctx.baseline is not None:
        sections.append(_changes(ctx, change_set(ctx.baseline, ctx.document)))
    if ctx.policy_markdown is not None:
        sections.append(f"### Policy\n\n{ctx.policy_markdown.strip()}")
    sections.append(_assignments(ctx))
    diagram = with_promotions(ctx.config, topology_diagram(ctx.config, ctx.topology))
    sections.append(f"### Topology\n\n```mermaid\n{diagram}```")
    if ctx.postdeploy_markdown is not None:
        sections.append(f"### Post-deploy plan\n\n{ctx.postdeploy_markdown.strip()}")
    return "\n\n".join(sections) + "\n"


# --- Markdown primitives -------------------------------------------------------------------


def cell(value: Any) -> str:
    """Text safe in a GFM table cell: no raw HTML, no column break, no line break."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def code(value: Any) -> str:
    """An identifier as inline code; GFM honours `\\|` inside code spans in tables."""
    text = "" if value is None else str(value).replace("|", "\\|").replace("`", "'").replace("\n", " ")
    return f"`{text}`" if text else ""


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


# --- ordering ------------------------------------------------------------------------------


def scope_kind(scope_id: str) -> str:
    parts = scope_id.strip("/").split("/")
    if len(parts) == 2 and parts[0].lower() == "subscriptions":
        return "subscription"
    if "/providers/microsoft.machinelearningservices/registries/" in scope_id.lower():
        return "registry"
    if "/providers/microsoft.machinelearningservices/workspaces/" in scope_id.lower():
        return "workspace"
    return "other"


def risk(role: str, scope_id: str) -> tuple[int, int]:
    """Sort key: most powerful role first, then broadest scope."""
    return _ROLE_RANK.get(role, 0), _SCOPE_RANK[scope_kind(scope_id)]


def sorted_rows(grants: Sequence[RoleGrant], topology: Topology) -> list[GrantRow]:
    """Role-assignment rows, most powerful and broadest first, then by scope and principal."""
    rows = grant_rows(tuple(grants), topology)
    return sorted(rows, key=lambda r: (*risk(r.role, r.scope_id), r.scope.lower(), r.principal.lower(), r.name))


# --- sections ------------------------------------------------------------------------------


def _header(ctx: ReviewContext) -> str:
    reg = ctx.config.registry
    resources = ctx.document.get("resources", [])
    azure = sum(1 for r in resources if r["type"].startswith("azure-native:"))
    subscriptions = {s.subscription_id for s in ctx.topology.sites}
    regions = ", ".join([f"{reg.primary_region} (primary)", *reg.additional_regions])
    return "\n".join(
        [
            f"## Preview of stack {code(ctx.stack)}",
            "",
            f"Registry {code(reg.name)} in {regions}; {len(ctx.config.tenants)} tenants, "
            f"{len(ctx.topology.sites)} workspaces in {len(subscriptions)} subscriptions.",
            "",
            f"- **{len(resources)}** resources ({azure} Azure, {len(resources) - azure} components and providers)",
            f"- **{len(ctx.grants)}** role assignments{_role_counts(ctx.grants)}",
            "",
            _resource_counts(resources),
        ]
    )


def _role_counts(grants: Sequence[RoleGrant]) -> str:
    if not grants:
        return ""
    counts = Counter(g.role.value for g in grants)
    ordered = sorted(counts.items(), key=lambda item: (_ROLE_RANK.get(item[0], 0), item[0]))
    on_subscription = sum(1 for g in grants if g.scope.kind == "subscription")
    broad = f"; {on_subscription} of them on whole subscriptions" if on_subscription else ""
    return ": " + ", ".join(f"{n} {role}" for role, n in ordered) + broad


def _resource_counts(resources: Sequence[dict[str, Any]]) -> str:
    counts = Counter(r["type"] for r in resources)
    protected = Counter(r["type"] for r in resources if r.get("protect"))
    body = table(
        ("Type", "Count", "Protected"),
        ((code(t), str(n), str(protected[t]) if protected[t] else "") for t, n in sorted(counts.items())),
    )
    # Collapsed: the counts matter less to a reviewer than the access table further down.
    return f"<details><summary>Resources by type</summary>\n\n{body}\n\n</details>"


def _assignments(ctx: ReviewContext) -> str:
    rows = sorted_rows(ctx.grants, ctx.topology)
    body = table(
        ("Principal", "Object id", "Type", "Role", "Scope", "Why"),
        (
            (cell(r.principal), _object_id(r.object_id), cell(r.principal_type), cell(r.role), cell(r.scope),
             cell(r.why))
            for r in rows
        ),
    )
    return f"### Role assignments ({len(rows)})\n\n{body}"


def _object_id(text: str) -> str:
    """A GUID as code; a managed identity's placeholder says that Azure assigns it at creation."""
    if len(text) == 36 and text.count("-") == 4:
        return code(text)
    return cell(text if "after apply" in text else f"({text}, known after apply)")


def _changes(ctx: ReviewContext, changes: ChangeSet) -> str:
    title = "### Changes since the baseline"
    baseline_stack = (ctx.baseline or {}).get("stack")
    if baseline_stack and baseline_stack != ctx.stack:
        title += f"\n\nThe baseline is a preview of stack {code(baseline_stack)}, not {code(ctx.stack)}."
    if changes.is_empty:
        return f"{title}\n\nNo changes: resources and role assignments are the same as in the baseline."

    def scope(scope_id: str) -> str:
        # A removed assignment may name a workspace no longer in the topology; short_scope then
        # keeps the full id, which stays unambiguous.
        return short_scope(scope_id, ctx.topology)

    parts = [
        f"{title}\n\n"
        f"Role assignments: {len(changes.assignments_added)} added, {len(changes.assignments_removed)} removed, "
        f"{len(changes.assignments_changed)} changed. Resources: {len(changes.resources_added)} added, "
        f"{len(changes.resources_removed)} removed, {len(changes.resources_changed)} changed."
    ]
    if changes.assignments_added:
        parts.append(_assignment_table("Role assignments added", changes.assignments_added, scope))
    if changes.assignments_removed:
        parts.append(_assignment_table("Role assignments removed", changes.assignments_removed, scope))
    if changes.assignments_changed:
        ordered = sorted(changes.assignments_changed, key=lambda c: _assignment_order(c.assignment))
        parts.append(
            "#### Role assignments changed\n\n"
            + table(
                ("Principal", "Role", "Scope", "Change"),
                (
                    (cell(c.assignment.principal), cell(c.assignment.role), cell(scope(c.assignment.scope)),
                     _field_changes(c.fields))
                    for c in ordered
                ),
            )
        )
    if changes.resources_added:
        parts.append(_resource_table("Resources added", changes.resources_added))
    if changes.resources_removed:
        parts.append(_resource_table("Resources removed", changes.resources_removed))
    if changes.resources_changed:
        parts.append(
            "#### Resources changed\n\n"
            + table(
                ("Type", "Name", "Changed inputs", "Other changes"),
                (
                    (code(c.resource.type), code(c.resource.name), ", ".join(code(k) for k in c.inputs),
                     _field_changes(c.fields))
                    for c in changes.resources_changed
                ),
            )
        )
    return "\n\n".join(parts)


def _assignment_order(a: AssignmentRef) -> tuple:
    return (*risk(a.role, a.scope), a.scope.lower(), a.principal.lower(), a.name)


def _assignment_table(title: str, refs: Sequence[AssignmentRef], scope: Callable[[str], str]) -> str:
    return f"#### {title}\n\n" + table(
        ("Principal", "Object id", "Type", "Role", "Scope", "Why"),
        (
            (cell(a.principal), _object_id(a.object_id), cell(a.principal_type), cell(a.role),
             cell(scope(a.scope)), cell(a.why))
            for a in sorted(refs, key=_assignment_order)
        ),
    )


def _resource_table(title: str, refs: Sequence[ResourceRef]) -> str:
    return f"#### {title}\n\n" + table(
        ("Type", "Name", "Subscription", "Parent"),
        ((code(r.type), code(r.name), code(r.subscription), code(r.parent)) for r in refs),
    )


def _field_changes(fields: Sequence[FieldChange]) -> str:
    return "<br>".join(f"{cell(f.field)}: {cell(_show(f.before))} → {cell(_show(f.after))}" for f in fields)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)
