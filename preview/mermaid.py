"""The platform's topology and asset flows as a Mermaid flowchart (GitHub renders it inline).

Flows between the same two nodes are merged into one arrow with one label line per asset, so a
tenant that pulls five assets gets one dotted arrow rather than five overlapping ones; that and
one subgraph per subscription keep the picture legible at twenty workspaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from preview.network import mermaid_lines as network_lines
from stacks.model import PlatformConfig
from stacks.topology import Topology, WorkspaceSite

# Mermaid decodes "#<code>;" inside labels; these characters would otherwise end a label,
# start an edge label, open HTML or a Markdown string.
_LABEL_ESCAPES = {c: f"#{ord(c)};" for c in '#"<>|`'}
_LINE = "<br/>"

SHARE, PUSH, PULL = "share", "push", "pull"
_ARROWS = {SHARE: "-->", PUSH: "==>", PULL: "-.->"}
_EDGE_STYLES = {
    SHARE: "stroke:#2e7d32,stroke-width:2px",
    PUSH: "stroke:#1565c0,stroke-width:2px",
    PULL: "stroke:#6d6d6d,stroke-width:1px,stroke-dasharray:4 3",
}
_CLASSES = {
    "registry": "fill:#fff3e0,stroke:#e65100,stroke-width:2px",
    "region": "fill:#fafafa,stroke:#9e9e9e",
    "primary": "fill:#ffe0b2,stroke:#e65100,stroke-width:2px",
    "workspace": "fill:#e3f2fd,stroke:#1565c0",
}


def label(text: str) -> str:
    """A label's text, safe inside Mermaid's double quotes."""
    return "".join(_LABEL_ESCAPES.get(c, c) for c in " ".join(text.split()))


def node_id(prefix: str, key: str) -> str:
    """Deterministic, collision-free id: letters and digits kept, anything else hex-coded.

    The prefix also keeps ids away from keywords (`end`) and from a leading `o`/`x`, which
    Mermaid would read as a circle or cross arrow head.
    """
    return prefix + "_" + "".join(c if c.isascii() and c.isalnum() else f"_{ord(c):x}_" for c in key)


def registry_id(config: PlatformConfig) -> str:
    return node_id("reg", config.registry.name)


def region_id(region: str) -> str:
    return node_id("region", region)


def workspace_id(ref: str) -> str:
    return node_id("ws", ref)


def subscription_id(subscription: str) -> str:
    return node_id("sub", subscription.replace("-", ""))


@dataclass(frozen=True)
class Edge:
    flow: str  # SHARE | PUSH | PULL
    source: str
    target: str
    lines: tuple[str, ...]


def topology_diagram(config: PlatformConfig, topology: Topology) -> str:
    reg = config.registry
    reg_node = registry_id(config)
    out = ["flowchart LR"]

    out.append(f'  subgraph platform ["{label(f"registry subscription {reg.subscription_id}")}"]')
    out.append(f'    {reg_node}[("{label(f"registry {reg.name}")}{_LINE}{label(reg.resource_group)}")]')
    for i, region in enumerate(reg.regions):
        text = label(region) + (f"{_LINE}primary" if i == 0 else "")
        out.append(f'    {region_id(region)}(["{text}"])')
    out.append("  end")

    for sub in _workspace_subscriptions(topology):
        sites = [s for s in topology.sites if s.subscription_id == sub]
        out.append(f'  subgraph {subscription_id(sub)} ["{label(f"subscription {sub}")}"]')
        out.extend(f'    {workspace_id(s.ref)}["{_workspace_label(s)}"]' for s in sites)
        out.append("  end")

    links = [f"  {reg_node} --- {region_id(region)}" for region in reg.regions]
    edges = _edges(config, reg_node)
    links.extend(f'  {e.source} {_ARROWS[e.flow]}|"{_LINE.join(e.lines)}"| {e.target}' for e in edges)
    out.extend(links)
    # Private endpoints come after the flow links, so the linkStyle indexes below stay right.
    out.extend(
        network_lines(topology, label=label, node_id=node_id, registry_node=reg_node, workspace_node=workspace_id)
    )

    for name, style in _CLASSES.items():
        out.append(f"  classDef {name} {style}")
    out.append(f"  class {reg_node} registry")
    out.append(f"  class {region_id(reg.primary_region)} primary")
    if reg.additional_regions:
        out.append(f"  class {','.join(region_id(r) for r in reg.additional_regions)} region")
    if topology.sites:
        out.append(f"  class {','.join(workspace_id(s.ref) for s in topology.sites)} workspace")
    # linkStyle addresses links by their position in the source, registry-region links first.
    first = len(reg.regions)
    for flow, style in _EDGE_STYLES.items():
        indexes = [str(first + i) for i, e in enumerate(edges) if e.flow == flow]
        if indexes:
            out.append(f"  linkStyle {','.join(indexes)} {style}")
    return "\n".join(out) + "\n"


def _workspace_subscriptions(topology: Topology) -> list[str]:
    return list(dict.fromkeys(s.subscription_id for s in topology.sites))


def _workspace_label(site: WorkspaceSite) -> str:
    tenant = site.tenant.key + (f" · {site.tenant.display_name}" if site.tenant.display_name else "")
    return _LINE.join(label(t) for t in (tenant, site.names.workspace, site.spec.region))


def _edges(config: PlatformConfig, reg_node: str) -> list[Edge]:
    """One edge per (flow, source, target) in config order, one label line per asset."""
    lines: dict[tuple[str, str, str], list[str]] = {}

    def add(flow: str, source: str, target: str, text: str) -> None:
        bucket = lines.setdefault((flow, source, target), [])
        if label(text) not in bucket:
            bucket.append(label(text))

    sharing = config.sharing
    for share in sharing.share:
        add(SHARE, workspace_id(share.from_), reg_node,
            f"share {share.asset_kind} {share.asset_name}:{share.version}")
    for push in sharing.push:
        text = f"push {push.model}:{push.version} as {push.endpoint.kind} endpoint {push.endpoint.name}"
        for ref in push.to:
            add(PUSH, reg_node, workspace_id(ref), text)
    for pull in sharing.pull:
        for ref in pull.into:
            add(PULL, reg_node, workspace_id(ref), f"pull {pull.asset_kind} {pull.asset_name}:{pull.version}")
    return [Edge(flow, source, target, tuple(text)) for (flow, source, target), text in lines.items()]
