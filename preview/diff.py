"""What changed between two preview.json documents: resources, role assignments, catalog and sharing.

A changed resource is an ``update`` or a ``replace``, decided the way the azure-native provider
decides it (``preview.replacements``). Deletes and replaces of resources protected in the baseline
are what `pulumi up` refuses (protect takes effect from state, which the baseline stands for).
A workspace whose key was renamed is matched to its new self and shown as the replace it is.

Resources are matched by ``snapshot.key`` (type and logical name, what their URNs derive from);
role assignments by their deterministic GUID name, which encodes scope, principal and role, so a
"changed" assignment can only differ in what describes it (label, why), never in what it grants.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from preview import snapshot
from preview.replacements import REPLACING_FIELDS, replacing_inputs

# Resource fields outside `inputs` whose change a reviewer must see: protect guards deletion,
# parent and subscription move the URN or the resource, id changes mean a replacement.
TRACKED_FIELDS = ("protect", "retainOnDelete", "deleteBeforeReplace", "parent", "subscription", "id")
UPDATE, REPLACE = "update", "replace"
WORKSPACE_COMPONENT = "ml-tenancy:tenant:Workspace"
ASSIGNMENT_FIELDS = ("principal", "principalType", "objectId", "role", "scope", "why")


@dataclass(frozen=True)
class ResourceRef:
    type: str
    name: str
    parent: str | None
    subscription: str | None
    id: str | None
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool = False

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> ResourceRef:
        return cls(
            entry["type"], entry["name"], entry.get("parent"), entry.get("subscription"), entry.get("id"),
            bool(entry.get("protect")), bool(entry.get("retainOnDelete")), bool(entry.get("deleteBeforeReplace")),
        )

    @property
    def is_azure(self) -> bool:
        return self.type.startswith("azure-native:")


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ResourceChange:
    resource: ResourceRef           # as it is in the new document
    inputs: tuple[str, ...]         # top-level input keys whose value differs (added or removed too)
    fields: tuple[FieldChange, ...]  # changes of TRACKED_FIELDS
    values: tuple[FieldChange, ...] = ()  # before -> after of each changed input
    action: str = UPDATE            # UPDATE or REPLACE, as the provider would decide
    replaced_by: tuple[str, ...] = ()  # the inputs or fields that force the replace
    was_protected: bool = False     # protect in the baseline (the state `pulumi up` acts on)

    @property
    def refused(self) -> bool:
        return self.action == REPLACE and self.was_protected


@dataclass(frozen=True)
class Rename:
    """A resource whose logical name changed with its workspace key: Pulumi deletes the old, creates the new."""

    old: ResourceRef
    new: ResourceRef

    @property
    def refused(self) -> bool:
        return self.old.protect


@dataclass(frozen=True)
class Refusal:
    """What `pulumi up` will refuse: a delete or replace of a resource protected in state."""

    resource: ResourceRef
    action: str  # "delete" or "replace"
    why: str


@dataclass(frozen=True)
class CatalogChange:
    kind: str
    name: str
    version: str
    change: str  # "added", "removed", "changed under the same version"
    path: str = ""


@dataclass(frozen=True)
class AssignmentRef:
    name: str
    principal: str
    principal_type: str
    object_id: str
    role: str
    scope: str
    why: str

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> AssignmentRef:
        return cls(
            name=entry["name"],
            principal=entry.get("principal", ""),
            principal_type=entry.get("principalType", ""),
            object_id=entry.get("objectId", ""),
            role=entry.get("role", ""),
            scope=entry.get("scope", ""),
            why=entry.get("why", ""),
        )


@dataclass(frozen=True)
class AssignmentChange:
    assignment: AssignmentRef  # as it is in the new document
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class ChangeSet:
    resources_added: tuple[ResourceRef, ...] = ()
    resources_removed: tuple[ResourceRef, ...] = ()
    resources_changed: tuple[ResourceChange, ...] = ()
    assignments_added: tuple[AssignmentRef, ...] = ()
    assignments_removed: tuple[AssignmentRef, ...] = ()
    assignments_changed: tuple[AssignmentChange, ...] = ()
    resources_renamed: tuple[Rename, ...] = ()
    catalog: tuple[CatalogChange, ...] = ()
    sharing_added: tuple[dict[str, Any], ...] = ()
    sharing_removed: tuple[dict[str, Any], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (
            self.resources_added
            or self.resources_removed
            or self.resources_changed
            or self.assignments_added
            or self.assignments_removed
            or self.assignments_changed
            or self.resources_renamed
            or self.catalog
            or self.sharing_added
            or self.sharing_removed
        )

    @property
    def replaces(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.resources_changed if c.action == REPLACE)

    @property
    def updates(self) -> tuple[ResourceChange, ...]:
        return tuple(c for c in self.resources_changed if c.action == UPDATE)

    @property
    def deleted(self) -> tuple[ResourceRef, ...]:
        """Removed resources Pulumi deletes in Azure (not the retained ones, not components)."""
        return tuple(r for r in self.resources_removed if r.is_azure and not r.retain_on_delete)

    @property
    def released(self) -> tuple[ResourceRef, ...]:
        """Removed resources marked retain-on-delete: Pulumi forgets them, Azure keeps them."""
        return tuple(r for r in self.resources_removed if r.is_azure and r.retain_on_delete)

    @property
    def refusals(self) -> tuple[Refusal, ...]:
        found = [
            Refusal(r, "delete", "protected: removed from the program while protect is set in state")
            for r in self.resources_removed if r.protect
        ]
        found += [
            Refusal(c.resource, "replace", "protected, and " + ", ".join(c.replaced_by) + " forces a replace")
            for c in self.resources_changed if c.refused
        ]
        found += [
            Refusal(n.old, "delete", f"protected: renamed to {n.new.name}, which Pulumi does as delete and create")
            for n in self.resources_renamed if n.refused
        ]
        return tuple(found)

    @property
    def reused_version(self) -> tuple[CatalogChange, ...]:
        return tuple(c for c in self.catalog if c.change == CHANGED_SAME_VERSION)


CHANGED_SAME_VERSION = "changed under the same version"


def change_set(old: Mapping[str, Any], new: Mapping[str, Any]) -> ChangeSet:
    """Compare a baseline preview.json (old) with the current one (new)."""
    before = _index(old.get("resources", ()), snapshot.key, "resource")
    after = _index(new.get("resources", ()), snapshot.key, "resource")
    old_ra = _index(old.get("roleAssignments", ()), _assignment_key, "role assignment")
    new_ra = _index(new.get("roleAssignments", ()), _assignment_key, "role assignment")

    resources_changed = []
    for key in sorted(before.keys() & after.keys()):
        change = _resource_change(before[key], after[key])
        if change is not None:
            resources_changed.append(change)
    assignments_changed = []
    for key in sorted(old_ra.keys() & new_ra.keys()):
        fields = _field_changes(old_ra[key], new_ra[key], ASSIGNMENT_FIELDS)
        if fields:
            assignments_changed.append(AssignmentChange(AssignmentRef.of(new_ra[key]), fields))

    added = [after[k] for k in sorted(after.keys() - before.keys())]
    removed = [before[k] for k in sorted(before.keys() - after.keys())]
    renames, added, removed = _renames(added, removed)
    sharing_added, sharing_removed = _sharing(old, new)
    return ChangeSet(
        resources_added=tuple(ResourceRef.of(e) for e in added),
        resources_removed=tuple(ResourceRef.of(e) for e in removed),
        resources_changed=tuple(resources_changed),
        resources_renamed=renames,
        catalog=_catalog(old, new),
        sharing_added=sharing_added,
        sharing_removed=sharing_removed,
        assignments_added=_assignments(new_ra, new_ra.keys() - old_ra.keys()),
        assignments_removed=_assignments(old_ra, old_ra.keys() - new_ra.keys()),
        assignments_changed=tuple(assignments_changed),
    )


def _assignment_key(entry: Mapping[str, Any]) -> str:
    # Azure compares assignment names case-insensitively.
    return entry["name"].lower()


def _index(
    entries: Iterable[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], Hashable], what: str
) -> dict[Hashable, Mapping[str, Any]]:
    """Entries by identity; a duplicate would silently hide a change, so it is an error."""
    index: dict[Any, Mapping[str, Any]] = {}
    for entry in entries:
        k = key(entry)
        if k in index:
            raise ValueError(f"{what} {k!r} appears twice in one preview document")
        index[k] = entry
    return index


def _assignments(index: Mapping[str, Mapping[str, Any]], keys: Iterable[str]) -> tuple[AssignmentRef, ...]:
    refs = (AssignmentRef.of(index[k]) for k in keys)
    return tuple(sorted(refs, key=lambda a: (a.scope.lower(), a.role, a.principal, a.name)))


def _resource_change(old: Mapping[str, Any], new: Mapping[str, Any]) -> ResourceChange | None:
    old_inputs, new_inputs = old.get("inputs") or {}, new.get("inputs") or {}
    inputs = tuple(
        k for k in sorted(old_inputs.keys() | new_inputs.keys())
        if k not in old_inputs or k not in new_inputs or old_inputs[k] != new_inputs[k]
    )
    fields = _field_changes(old, new, TRACKED_FIELDS)
    if not inputs and not fields:
        return None
    forcing = list(replacing_inputs(new["type"], inputs))
    forcing += [f.field for f in fields if f.field in REPLACING_FIELDS]
    if any(f.field == "parent" for f in fields) and new["type"].startswith("azure-native:"):
        forcing.append("parent")  # a new URN: Pulumi deletes the old resource and creates the new one
    values = tuple(FieldChange(k, old_inputs.get(k), new_inputs.get(k)) for k in inputs)
    return ResourceChange(
        ResourceRef.of(new), inputs, fields, values,
        action=REPLACE if forcing else UPDATE, replaced_by=tuple(dict.fromkeys(forcing)),
        was_protected=bool(old.get("protect")),
    )


def _renames(
    added: list[Mapping[str, Any]], removed: list[Mapping[str, Any]]
) -> tuple[tuple[Rename, ...], list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """Pair the resources of a workspace whose key changed (one workspace left a tenant, one arrived).

    Logical names derive from "<tenant>-<workspace>", so the old and the new resource of each kind
    differ only in that prefix; they are one resource replaced, not two unrelated changes.
    """
    def workspaces(entries: list[Mapping[str, Any]]) -> dict[str, list[str]]:
        by_tenant: dict[str, list[str]] = {}
        for e in entries:
            if e["type"] == WORKSPACE_COMPONENT:
                by_tenant.setdefault(e.get("parent") or "", []).append(e["name"])
        return by_tenant

    gone, new = workspaces(removed), workspaces(added)
    prefixes = [(gone[t][0], new[t][0]) for t in gone.keys() & new.keys() if len(gone[t]) == len(new[t]) == 1]
    if not prefixes:
        return (), added, removed
    added_by_key = {snapshot.key(e): e for e in added}
    pairs: list[Rename] = []
    paired_old, paired_new = set(), set()
    for old_prefix, new_prefix in prefixes:
        for e in removed:
            name = e["name"]
            if name != old_prefix and not name.startswith(old_prefix + "-"):
                continue
            twin = added_by_key.get((e["type"], new_prefix + name[len(old_prefix):]))
            if twin is not None:
                pairs.append(Rename(ResourceRef.of(e), ResourceRef.of(twin)))
                paired_old.add(snapshot.key(e))
                paired_new.add(snapshot.key(twin))
    return (
        tuple(sorted(pairs, key=lambda r: (r.old.type, r.old.name))),
        [e for e in added if snapshot.key(e) not in paired_new],
        [e for e in removed if snapshot.key(e) not in paired_old],
    )


def _catalog(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[CatalogChange, ...]:
    if "catalog" not in old or "catalog" not in new:
        return ()  # a baseline written before the catalog was recorded: nothing to compare
    def index(doc):
        return {(c["kind"], c["name"], c["version"]): c for c in doc["catalog"]}

    before, after = index(old), index(new)
    changes = [CatalogChange(*k, "added", after[k].get("path", "")) for k in after.keys() - before.keys()]
    changes += [CatalogChange(*k, "removed", before[k].get("path", "")) for k in before.keys() - after.keys()]
    changes += [
        CatalogChange(*k, CHANGED_SAME_VERSION, after[k].get("path", ""))
        for k in before.keys() & after.keys() if before[k].get("fingerprint") != after[k].get("fingerprint")
    ]
    return tuple(sorted(changes, key=lambda c: (c.kind, c.name, c.version, c.change)))


def _sharing(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    if "sharing" not in old or "sharing" not in new:
        return (), ()
    import json

    def index(doc):
        return {json.dumps(e, sort_keys=True): e for e in doc["sharing"]}

    before, after = index(old), index(new)
    return (
        tuple(after[k] for k in sorted(after.keys() - before.keys())),
        tuple(before[k] for k in sorted(before.keys() - after.keys())),
    )


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any], names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)
    )
