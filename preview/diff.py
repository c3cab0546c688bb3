"""What changed between two preview.json documents: resources and role assignments.

Resources are matched by ``snapshot.key`` (type and logical name, what their URNs derive from);
role assignments by their deterministic GUID name, which encodes scope, principal and role, so a
"changed" assignment can only differ in what describes it (label, why), never in what it grants.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from preview import snapshot

# Resource fields outside `inputs` whose change a reviewer must see: protect guards deletion,
# parent and subscription move the URN or the resource, id changes mean a replacement.
TRACKED_FIELDS = ("protect", "parent", "subscription", "id")
ASSIGNMENT_FIELDS = ("principal", "principalType", "objectId", "role", "scope", "why")


@dataclass(frozen=True)
class ResourceRef:
    type: str
    name: str
    parent: str | None
    subscription: str | None
    id: str | None

    @classmethod
    def of(cls, entry: Mapping[str, Any]) -> ResourceRef:
        return cls(entry["type"], entry["name"], entry.get("parent"), entry.get("subscription"), entry.get("id"))


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

    @property
    def is_empty(self) -> bool:
        return not (
            self.resources_added
            or self.resources_removed
            or self.resources_changed
            or self.assignments_added
            or self.assignments_removed
            or self.assignments_changed
        )


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

    return ChangeSet(
        resources_added=tuple(ResourceRef.of(after[k]) for k in sorted(after.keys() - before.keys())),
        resources_removed=tuple(ResourceRef.of(before[k]) for k in sorted(before.keys() - after.keys())),
        resources_changed=tuple(resources_changed),
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
    return ResourceChange(ResourceRef.of(new), inputs, fields)


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any], names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, old.get(name), new.get(name)) for name in names if old.get(name) != new.get(name)
    )
