"""preview.json: the whole desired state, sorted so two runs are byte-equal and diffs read cleanly."""

from __future__ import annotations

import json
from typing import Any

from preview.graph import CapturedResource, Graph
from stacks.access import RoleGrant

SCHEMA_VERSION = 1


def resource_entry(
    resource: CapturedResource, graph: Graph, by_urn: dict[str, CapturedResource] | None = None
) -> dict[str, Any]:
    # by_urn: a linear search per resource is quadratic, which a 1,000-tenant stack feels.
    parent = by_urn.get(resource.parent) if by_urn is not None else graph.by_urn(resource.parent)
    return {
        "type": resource.type,
        "name": resource.name,
        "parent": f"{parent.type}::{parent.name}" if parent else None,
        "subscription": resource.subscription_id,
        "id": resource.id if resource.custom else None,
        "protect": resource.protect,
        # What `pulumi up` does on a replace and when the resource leaves the program.
        "deleteBeforeReplace": resource.delete_before_replace if resource.custom else None,
        "retainOnDelete": resource.retain_on_delete if resource.custom else None,
        "inputs": resource.inputs,
    }


def snapshot(
    graph: Graph,
    grants: tuple[RoleGrant, ...],
    *,
    catalog: list[dict[str, str]] | None = None,
    sharing: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """``catalog`` and ``sharing`` (post-deploy's desired state) are compared too when given."""
    by_urn = {r.urn: r for r in graph.resources}
    entries = [resource_entry(r, graph, by_urn) for r in graph.resources]
    entries.sort(key=lambda e: (e["type"], e["name"]))
    extra: dict[str, Any] = {}
    if catalog is not None:
        extra["catalog"] = sorted(catalog, key=lambda c: (c["kind"], c["name"], c["version"]))
    if sharing is not None:
        extra["sharing"] = sorted(sharing, key=lambda e: json.dumps(e, sort_keys=True))
    return {
        **extra,
        "schemaVersion": SCHEMA_VERSION,
        "stack": graph.stack,
        "resourceCount": len(entries),
        "resources": entries,
        "roleAssignments": sorted((g.summary() for g in grants), key=lambda g: (g["scope"], g["role"], g["name"])),
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def key(entry: dict[str, Any]) -> tuple[str, str]:
    """Identity of a resource across two snapshots (URNs derive from type, name and parent)."""
    return entry["type"], entry["name"]


def sharing_entries(config) -> list[dict[str, Any]]:
    """Every share, push and pull of the config, one entry per flow as written."""
    sharing = config.sharing.model_dump(by_alias=True, mode="json", exclude_none=True)
    return [{"flow": kind, **entry} for kind in ("share", "push", "pull") for entry in sharing.get(kind, [])]


def catalog_entries(catalog) -> list[dict[str, str]]:
    """The catalog as post-deploy seeds it: name, version and content fingerprint of each asset."""
    return [
        {"kind": a.kind, "name": a.name, "version": a.version, "path": a.path, "fingerprint": a.fingerprint}
        for a in (*catalog.environments, *catalog.components)
    ]
