from __future__ import annotations

from preview.graph import CapturedResource, Graph

REGISTRY = "azure-native:machinelearningservices:Registry"
WORKSPACE = "azure-native:machinelearningservices:Workspace"
COMPUTE = "azure-native:machinelearningservices:Compute"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
PROVIDER = "pulumi:providers:azure-native"


def only(graph: Graph, type_: str, name: str | None = None) -> CapturedResource:
    found = [r for r in graph.of_type(type_) if name is None or r.name == name]
    assert len(found) == 1, f"expected one {type_} {name or ''}, found {[r.name for r in found]}"
    return found[0]


def parent_of(graph: Graph, resource: CapturedResource) -> CapturedResource | None:
    return graph.by_urn(resource.parent)
