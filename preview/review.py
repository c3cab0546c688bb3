"""review.md: what a stack's preview would do, as Markdown for a pull-request comment.

Two renderings of the same sections: ``render_review`` writes every table (review-full.md, the
artifact) and ``render_comment`` fits one pull-request comment: it leads with what needs a human,
then takes each section whole while the budget allows and its summary otherwise.

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
from preview.mermaid import changed_tenants, topology_diagram
from preview.mermaid_promotions import with_promotions
from preview.network import network_markdown
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
    attention_markdown: str | None = None  # "Needs a human", first after the header
    policy_summary: str | None = None      # the policy section when the full one does not fit
    postdeploy_summary: str | None = None

    def changes(self) -> ChangeSet | None:
        return change_set(self.baseline, self.document) if self.baseline is not None else None


# GitHub refuses comments over 65,536 characters; the rest is headroom for the comment's own framing.
COMMENT_LIMIT = 60_000
FULL_NAME = "review-full.md"


@dataclass(frozen=True)
class Section:
    full: str
    compact: str


def _sections(ctx: ReviewContext) -> list[Section]:
    changes = ctx.changes()
    rows = sorted_rows(ctx.grants, ctx.topology)
    sections = [Section(_header(ctx), _header(ctx))]
    if ctx.attention_markdown is not None:
        sections.append(Section(ctx.attention_markdown, ctx.attention_markdown))
    if changes is not None:
        sections.append(Section(_changes(ctx, changes), _changes(ctx, changes, limit=15)))
    if ctx.policy_markdown is not None:
        full = f"### Policy\n\n{ctx.policy_markdown.strip()}"
        summary = ctx.policy_summary if ctx.policy_summary is not None else ctx.policy_markdown
        sections.append(Section(full, f"### Policy\n\n{summary.strip()}"))
    changed = changed_tenants(changes) if changes is not None else frozenset()
    sections.append(Section(_tenants(ctx, changed), _tenants(ctx, changed, compact=True)))
    sections.append(Section(_assignments(ctx, rows), _assignments_summary(ctx, rows)))
    sections.append(Section(_topology(ctx, changed), _topology(ctx, changed, aggregate=True)))
    if (network := network_markdown(ctx.topology, cell, code)) is not None:
        sections.append(Section(network, network))
    if ctx.postdeploy_markdown is not None:
        summary = ctx.postdeploy_summary if ctx.postdeploy_summary is not None else ctx.postdeploy_markdown
        sections.append(Section(f"### Post-deploy plan\n\n{ctx.postdeploy_markdown.strip()}",
                                f"### Post-deploy plan\n\n{summary.strip()}"))
    return sections


def render_review(ctx: ReviewContext, sections: list[Section] | None = None) -> str:
    """Every section whole: the artifact (review-full.md)."""
    return "\n\n".join(s.full for s in (sections or _sections(ctx))) + "\n"


def render_both(ctx: ReviewContext, limit: int = COMMENT_LIMIT) -> tuple[str, str]:
    """(review.md, review-full.md) from one rendering of the sections."""
    sections = _sections(ctx)
    return render_comment(ctx, limit, sections), render_review(ctx, sections)


def render_comment(ctx: ReviewContext, limit: int = COMMENT_LIMIT, sections: list[Section] | None = None) -> str:
    """review.md: every section whole if that fits in ``limit`` characters, else summaries, upgraded
    to whole sections in reading order while they still fit."""
    sections = sections or _sections(ctx)
    whole = "\n\n".join(s.full for s in sections) + "\n"
    if len(whole) <= limit:
        return whole
    pointer = (f"_This stack is too large for one comment: sections marked (summary) are complete in "
               f"`{FULL_NAME}`, in the run's artifact._")
    chosen = [s.compact for s in sections]
    size = sum(len(c) + 2 for c in chosen) + len(pointer) + 2
    for i, s in enumerate(sections):
        grow = len(s.full) - len(s.compact)
        if grow > 0 and size + grow <= limit:
            chosen[i] = s.full
            size += grow
    text = "\n\n".join([chosen[0], pointer, *chosen[1:]]) + "\n"
    if len(text) > limit:  # summaries alone too large: cut at a line and say so
        cut = text[: limit - 200].rsplit("\n", 1)[0]
        text = cut + f"\n\n… cut to fit one comment; the whole review is `{FULL_NAME}` in the artifact.\n"
    return text


def _tenants(ctx: ReviewContext, changed: frozenset[str], compact: bool = False) -> str:
    """Every workspace as a row; in the comment, the changed ones as rows and the rest as counts."""
    from preview.mermaid import site_changed

    sites = ctx.topology.sites
    touched = [s for s in sites if site_changed(s, changed)]
    shown = touched if compact else list(sites)
    title = f"### Tenants ({len(ctx.config.tenants)}, {len(sites)} workspaces)"
    parts = [title]
    if shown:
        parts.append(table(
            ("Tenant", "Workspace", "Subscription", "Region", "Network", "Offboarding", "Changed"),
            ((code(s.tenant.key), code(s.names.workspace), code(s.subscription_id), s.spec.region,
              "public" if s.spec.public_network_access == "Enabled" else "private", s.tenant.offboarding or "",
              "yes" if site_changed(s, changed) else "") for s in shown),
        ))
    if compact:
        rest = Counter((s.subscription_id, s.spec.region) for s in sites if not site_changed(s, changed))
        if rest:
            parts.append(f"Unchanged: {sum(rest.values())} workspaces (every row in `{FULL_NAME}`).\n\n" + table(
                ("Subscription", "Region", "Workspaces"),
                ((code(sub), region, str(n)) for (sub, region), n in sorted(rest.items())),
            ))
    return "\n\n".join(parts)


def _topology(ctx: ReviewContext, changed: frozenset[str], aggregate: bool | None = None) -> str:
    diagram = topology_diagram(ctx.config, ctx.topology, changed=changed, aggregate=aggregate)
    return f"### Topology\n\n```mermaid\n{with_promotions(ctx.config, diagram)}```"


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


def _assignments(ctx: ReviewContext, rows: list[GrantRow] | None = None) -> str:
    rows = rows if rows is not None else sorted_rows(ctx.grants, ctx.topology)
    body = table(
        ("Principal", "Object id", "Type", "Role", "Scope", "Why"),
        (
            (cell(r.principal), _object_id(r.object_id), cell(r.principal_type), cell(r.role), cell(r.scope),
             cell(r.why))
            for r in rows
        ),
    )
    return f"### Role assignments ({len(rows)})\n\n{body}"


def _assignments_summary(ctx: ReviewContext, rows: list[GrantRow], rows_kept: int = 40) -> str:
    """The broadest grants as rows, the rest as counts per role and kind of scope."""
    broad = [r for r in rows if risk(r.role, r.scope_id) <= (1, 1)][:rows_kept]
    counts = Counter((r.role, scope_kind(r.scope_id)) for r in rows)
    by_count = table(("Role", "Scope kind", "Assignments"),
                     ((cell(role), kind, str(n)) for (role, kind), n in
                      sorted(counts.items(), key=lambda item: (_ROLE_RANK.get(item[0][0], 0), item[0]))))
    listed = table(
        ("Principal", "Object id", "Type", "Role", "Scope", "Why"),
        ((cell(r.principal), _object_id(r.object_id), cell(r.principal_type), cell(r.role), cell(r.scope),
          cell(r.why)) for r in broad),
    )
    return (f"### Role assignments ({len(rows)}, summary)\n\n{by_count}\n\n"
            f"Broadest first ({len(broad)} of {len(rows)}; all of them in `{FULL_NAME}`):\n\n{listed}")


def _object_id(text: str) -> str:
    """A GUID as code; a managed identity's placeholder says that Azure assigns it at creation."""
    if len(text) == 36 and text.count("-") == 4:
        return code(text)
    return cell(text if "after apply" in text else f"({text}, known after apply)")


def _changes(ctx: ReviewContext, changes: ChangeSet, limit: int | None = None) -> str:
    title = "### Changes since the baseline" + (" (summary)" if limit is not None else "")
    baseline_stack = (ctx.baseline or {}).get("stack")
    if baseline_stack and baseline_stack != ctx.stack:
        title += f"\n\nThe baseline is a preview of stack {code(baseline_stack)}, not {code(ctx.stack)}."
    if changes.is_empty:
        return (f"{title}\n\nNo changes: resources, role assignments, catalog and sharing are the same as in "
                "the baseline.")

    def scope(scope_id: str) -> str:
        # A removed assignment may name a workspace no longer in the topology; short_scope then
        # keeps the full id, which stays unambiguous.
        return short_scope(scope_id, ctx.topology)

    def cap(items: Sequence[Any]) -> tuple[Sequence[Any], str]:
        if limit is None or len(items) <= limit:
            return items, ""
        return items[:limit], f"\n\n… and {len(items) - limit} more in `{FULL_NAME}`."

    parts = [
        f"{title}\n\n"
        f"Resources: {len(changes.resources_added)} added, {len(changes.deleted)} deleted, "
        f"{len(changes.released)} released (kept in Azure), {len(changes.replaces) + len(changes.resources_renamed)} "
        f"replaced, {len(changes.updates)} updated in place. Role assignments: {len(changes.assignments_added)} "
        f"added, {len(changes.assignments_removed)} removed, {len(changes.assignments_changed)} changed. "
        f"Catalog: {len(changes.catalog)} changed. Sharing: {len(changes.sharing_added)} flows added, "
        f"{len(changes.sharing_removed)} removed."
    ]
    if changes.assignments_added:
        rows, more = cap(sorted(changes.assignments_added, key=_assignment_order))
        parts.append(_assignment_table("Role assignments added", rows, scope) + more)
    if changes.assignments_removed:
        rows, more = cap(sorted(changes.assignments_removed, key=_assignment_order))
        parts.append(_assignment_table("Role assignments removed", rows, scope) + more)
    if changes.assignments_changed:
        ordered, more = cap(sorted(changes.assignments_changed, key=lambda c: _assignment_order(c.assignment)))
        parts.append(
            "#### Role assignments changed\n\n"
            + table(
                ("Principal", "Role", "Scope", "Change"),
                (
                    (cell(c.assignment.principal), cell(c.assignment.role), cell(scope(c.assignment.scope)),
                     _field_changes(c.fields))
                    for c in ordered
                ),
            ) + more
        )
    if changes.resources_changed or changes.resources_renamed:
        ordered = sorted(changes.resources_changed, key=lambda c: (c.action != "replace", c.resource.type,
                                                                   c.resource.name))
        rows, more = cap(ordered)
        lines = [
            (c.action + (" (refused: protected)" if c.refused else ""), code(c.resource.type), code(c.resource.name),
             _field_changes((*c.values, *c.fields)), ", ".join(code(k) for k in c.replaced_by),
             _delete_first(c.resource))
            for c in rows
        ]
        renames, more_renames = cap(changes.resources_renamed)
        lines += [
            ("replace (key renamed" + (", refused: protected)" if r.refused else ")"), code(r.old.type),
             f"{code(r.old.name)} → {code(r.new.name)}", "logical name", "URN", _delete_first(r.new))
            for r in renames
        ]
        parts.append(
            "#### Resources replaced or updated\n\n"
            + table(("Action", "Type", "Name", "Before → after", "Replaced because", "Delete first"), lines)
            + more + more_renames
        )
    if changes.resources_removed:
        rows, more = cap(changes.resources_removed)
        parts.append(_resource_table("Resources removed", rows, removed=True) + more)
    if changes.resources_added:
        rows, more = cap(changes.resources_added)
        parts.append(_resource_table("Resources added", rows) + more)
    if changes.catalog:
        parts.append("#### Catalog\n\n" + table(
            ("Kind", "Name", "Version", "Change", "File"),
            ((c.kind, code(c.name), code(c.version),
              c.change + (" (post-deploy will block it: bump the version)" if c.change.startswith("changed") else ""),
              code(c.path)) for c in changes.catalog),
        ))
    if changes.sharing_added or changes.sharing_removed:
        rows = [("added", _flow(e)) for e in changes.sharing_added] + [
            ("removed", _flow(e)) for e in changes.sharing_removed]
        rows, more = cap(rows)
        parts.append("#### Sharing\n\n" + table(("Change", "Flow"), rows) + more)
    return "\n\n".join(parts)


def _flow(entry: dict[str, Any]) -> str:
    asset = next((f"{k} {entry[k]}:{entry.get('version')}" for k in ("model", "data", "environment", "component")
                  if k in entry), "")
    where = entry.get("from") or ", ".join(entry.get("to") or entry.get("into") or [])
    return cell(f"{entry.get('flow')} {asset} {where}".strip())


def _delete_first(ref: ResourceRef) -> str:
    if not ref.is_azure:
        return ""
    return "yes" if ref.delete_before_replace else "no"


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


def _resource_table(title: str, refs: Sequence[ResourceRef], removed: bool = False) -> str:
    if not removed:
        return f"#### {title}\n\n" + table(
            ("Type", "Name", "Subscription", "Parent"),
            ((code(r.type), code(r.name), code(r.subscription), code(r.parent)) for r in refs),
        )
    return f"#### {title}\n\n" + table(
        ("Type", "Name", "Subscription", "What pulumi up does"),
        ((code(r.type), code(r.name), code(r.subscription), _removal(r)) for r in refs),
    )


def _removal(r: ResourceRef) -> str:
    if not r.is_azure:
        return "nothing in Azure"
    if r.protect:
        return "**refuses**: protected"
    if r.retain_on_delete:
        return "forgets it; Azure keeps it"
    return "deletes it"


def _field_changes(fields: Sequence[FieldChange]) -> str:
    return "<br>".join(f"{cell(f.field)}: {cell(_show(f.before))} → {cell(_show(f.after))}" for f in fields)


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict | list):
        import json

        text = json.dumps(value, sort_keys=True, separators=(",", ":"))
        return text if len(text) <= 120 else text[:117] + "…"
    return str(value)
