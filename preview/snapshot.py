"""preview.json: the whole desired state, sorted so two runs are byte-equal and diffs read cleanly."""

from __future__ import annotations

import json
from typing import Any

from preview.graph import CapturedResource, Graph
from stacks.access import RoleGrant

SCHEMA_VERSION = 1


def resource_entry(resource: CapturedResource, graph: Graph) -> dict[str, Any]:
    parent = graph.by_urn(resource.parent)
    return {
        "type": resource.type,
        "name": resource.name,
        "parent": f"{parent.type}::{parent.name}" if parent else None,
        "subscription": resource.subscription_id,
        "id": resource.id if resource.custom else None,
        "protect": resource.protect,
        "inputs": resource.inputs,
    }


def snapshot(graph: Graph, grants: tuple[RoleGrant, ...]) -> dict[str, Any]:
    entries = [resource_entry(r, graph) for r in graph.resources]
    entries.sort(key=lambda e: (e["type"], e["name"]))
    return {
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
