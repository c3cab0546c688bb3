"""What needs a human, first in review.md and in the terminal: refusals, replaces, broad new grants.

`pulumi up` refuses to delete or replace a protected resource, and a replace of a stateful resource
loses its data; neither should read like a routine row further down the review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from preview.diff import AssignmentRef, ChangeSet, Refusal, Rename, ResourceChange
from stacks.roles import PRIVILEGED_ROLES, Role

_BROAD_ROLES = {Role.CONTRIBUTOR.value, *(r.value for r in PRIVILEGED_ROLES)}


@dataclass(frozen=True)
class Attention:
    refusals: tuple[Refusal, ...] = ()
    replaces: tuple[ResourceChange, ...] = ()
    renames: tuple[Rename, ...] = ()
    broad_grants: tuple[AssignmentRef, ...] = ()
    mandatory: int = 0
    warnings: tuple[str, ...] = ()
    offboarding: tuple[str, ...] = field(default=())  # one sentence per tenant leaving

    @property
    def refused(self) -> bool:
        return bool(self.refusals)

    @property
    def is_empty(self) -> bool:
        return not (self.refusals or self.replaces or self.renames or self.broad_grants or self.mandatory
                    or self.warnings or self.offboarding)


def attention(
    changes: ChangeSet | None, *, mandatory: int = 0, warnings: tuple[str, ...] = (), offboarding: tuple[str, ...] = ()
) -> Attention:
    if changes is None:
        return Attention(mandatory=mandatory, warnings=warnings, offboarding=offboarding)
    broad = tuple(
        a for a in changes.assignments_added
        if a.role in _BROAD_ROLES or a.scope.strip("/").count("/") == 1  # a whole subscription
    )
    return Attention(
        refusals=changes.refusals,
        replaces=tuple(c for c in changes.replaces if not c.refused),
        renames=tuple(r for r in changes.resources_renamed if not r.refused),
        broad_grants=broad,
        mandatory=mandatory,
        warnings=warnings,
        offboarding=offboarding,
    )


def refusal_line(r: Refusal) -> str:
    return f"pulumi up will refuse this: {r.action} of {r.resource.type} {r.resource.name} ({r.why})"


def replace_line(c: ResourceChange) -> str:
    order = "deleted first, then created" if c.resource.delete_before_replace else "created first, then deleted"
    stateful = " — its data is lost" if c.was_protected or _stateful(c.resource.type) else ""
    return (f"replace `{c.resource.type}` `{c.resource.name}`: {', '.join(c.replaced_by)} changes "
            f"({order}){stateful}")


def _stateful(type_: str) -> bool:
    return type_ in (
        "azure-native:storage:StorageAccount", "azure-native:keyvault:Vault",
        "azure-native:machinelearningservices:Workspace", "azure-native:machinelearningservices:Registry",
    )


def markdown(a: Attention, exit_code: int, exit_reason: str) -> str:
    head = f"### Needs a human\n\nVerdict: **{exit_reason}** (exit code {exit_code})."
    if a.is_empty:
        return head + "\n\nNothing: no protected change, no replace, no new broad grant, no warning."
    blocks = [head]

    def block(title: str, items: list[str]) -> None:
        shown = [f"- {item}" for item in items[:_LISTED]]
        if len(items) > _LISTED:
            shown.append(f"- … and {len(items) - _LISTED} more (review-full.md)")
        blocks.append(title + "\n\n" + "\n".join(shown))

    if a.refusals:
        block(f"**pulumi up will refuse this** ({len(a.refusals)} protected resource"
              f"{'s' if len(a.refusals) != 1 else ''}; to take a tenant off the platform use offboarding, see "
              "the README):",
              [f"{r.action} `{r.resource.type}` `{r.resource.name}`: {r.why}" for r in a.refusals])
    renames = [r for r in a.renames if r.old.is_azure]
    if a.replaces or renames:
        block(f"**Replaced** ({len(a.replaces) + len(renames)}): Azure deletes and recreates these.",
              [replace_line(c) for c in a.replaces]
              + [f"replace `{r.old.type}` `{r.old.name}` → `{r.new.name}` (key renamed; "
                 f"{'deleted first' if r.new.delete_before_replace else 'created first'})" for r in renames])
    if a.broad_grants:
        block(f"**New broad grants** ({len(a.broad_grants)}):",
              [f"{g.role} for {g.principal} on `{g.scope}`" for g in a.broad_grants])
    if a.mandatory:
        blocks.append(f"**Policy**: {a.mandatory} mandatory violation(s), listed under Policy.")
    if a.offboarding:
        block("**Offboarding**:", list(a.offboarding))
    if a.warnings:
        block(f"**Warnings** ({len(a.warnings)}):", list(a.warnings))
    return "\n\n".join(blocks)


_LISTED = 40
