"""The platform's topology and asset flows as a Mermaid flowchart (GitHub renders it inline).

Flows between the same two nodes are merged into one arrow with one label line per asset, so a
tenant that pulls five assets gets one dotted arrow rather than five overlapping ones; that and
one subgraph per subscription keep the picture legible at twenty workspaces.

Past ``AGGREGATE_OVER`` workspaces one node per workspace says nothing (a hundred identical
"pull environment" labels) and grows past what Mermaid parses, so workspaces are drawn as one
node per subscription and region with their count, and flows as one arrow per flow kind and node
with counts; the workspaces of tenants that changed since the baseline keep a node of their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from preview.network import mermaid_lines as network_lines
from stacks.model import PlatformConfig
from stacks.topology import Topology, WorkspaceSite

if TYPE_CHECKING:
    from preview.diff import ChangeSet

AGGREGATE_OVER = 25
_MAX_LABEL_LINES = 3

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


def changed_tenants(changes: ChangeSet) -> frozenset[str]:
    """Logical names and parents of every resource the change set touches (matched to sites below)."""
    names: set[str] = set()
    refs = [*changes.resources_added, *changes.resources_removed, *(c.resource for c in changes.resources_changed)]
    refs += [r.new for r in changes.resources_renamed]
    for ref in refs:
        names.add(ref.name)
        if ref.parent:
            names.add(ref.parent.split("::", 1)[-1])
    return frozenset(names)


def site_changed(site: WorkspaceSite, changed: frozenset[str]) -> bool:
    prefix = f"{site.tenant.key}-{site.spec.key}"
    return prefix in changed or site.tenant.key in changed


def topology_diagram(
    config: PlatformConfig,
    topology: Topology,
    changed: frozenset[str] = frozenset(),
    aggregate: bool | None = None,
) -> str:
    """The diagram; ``aggregate`` None means: aggregate past AGGREGATE_OVER workspaces."""
    if aggregate is None:
        aggregate = len(topology.sites) > AGGREGATE_OVER
    if aggregate:
        return _aggregated(config, topology, changed)
    reg = config.registry
    reg_node = registry_id(config)
    out = ["flowchart LR", *_platform_lines(config)]

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


def _platform_lines(config: PlatformConfig) -> list[str]:
    """The registry's subscription: the registry and its regions, primary first."""
    reg = config.registry
    lines = [
        f'  subgraph platform ["{label(f"registry subscription {reg.subscription_id}")}"]',
        f'    {registry_id(config)}[("{label(f"registry {reg.name}")}{_LINE}{label(reg.resource_group)}")]',
    ]
    for i, region in enumerate(reg.regions):
        text = label(region) + (f"{_LINE}primary" if i == 0 else "")
        lines.append(f'    {region_id(region)}(["{text}"])')
    return [*lines, "  end"]


def _group_id(subscription: str, region: str) -> str:
    return node_id("grp", f"{subscription.replace('-', '')}_{region}")


def _aggregated(config: PlatformConfig, topology: Topology, changed: frozenset[str]) -> str:
    reg = config.registry
    reg_node = registry_id(config)
    out = ["flowchart LR", *_platform_lines(config)]

    node_of: dict[str, str] = {}
    shown: list[str] = []
    groups: list[str] = []
    for sub in _workspace_subscriptions(topology):
        sites = [s for s in topology.sites if s.subscription_id == sub]
        out.append(f'  subgraph {subscription_id(sub)} ["{label(f"subscription {sub}")}"]')
        counts: Counter[str] = Counter()
        for site in sites:
            if site_changed(site, changed):
                node_of[site.ref] = workspace_id(site.ref)
                shown.append(workspace_id(site.ref))
                out.append(f'    {workspace_id(site.ref)}["{_workspace_label(site)}{_LINE}changed"]')
            else:
                node_of[site.ref] = _group_id(sub, site.spec.region)
                counts[site.spec.region] += 1
        for region, n in counts.items():
            group = _group_id(sub, region)
            groups.append(group)
            text = f"{n} workspace{'s' if n != 1 else ''}{_LINE}{label(region)}"
            out.append(f'    {group}["{text}"]')
        out.append("  end")

    edges = _aggregated_edges(config, reg_node, node_of)
    links = [f"  {reg_node} --- {region_id(region)}" for region in reg.regions]
    links.extend(f'  {e.source} {_ARROWS[e.flow]}|"{_LINE.join(e.lines)}"| {e.target}' for e in edges)
    out.extend(links)
    for name, style in _CLASSES.items():
        out.append(f"  classDef {name} {style}")
    out.append("  classDef changed fill:#fff8e1,stroke:#f9a825,stroke-width:2px")
    out.append(f"  class {reg_node} registry")
    out.append(f"  class {region_id(reg.primary_region)} primary")
    if reg.additional_regions:
        out.append(f"  class {','.join(region_id(r) for r in reg.additional_regions)} region")
    if groups:
        out.append(f"  class {','.join(groups)} workspace")
    if shown:
        out.append(f"  class {','.join(shown)} changed")
    first = len(reg.regions)
    for flow, style in _EDGE_STYLES.items():
        indexes = [str(first + i) for i, e in enumerate(edges) if e.flow == flow]
        if indexes:
            out.append(f"  linkStyle {','.join(indexes)} {style}")
    return "\n".join(out) + "\n"


def _aggregated_edges(config: PlatformConfig, reg_node: str, node_of: dict[str, str]) -> list[Edge]:
    """One arrow per (flow, node): how many flows it stands for and a few of their assets."""
    flows: dict[tuple[str, str, str], list[str]] = {}

    def add(flow: str, source: str, target: str, text: str) -> None:
        flows.setdefault((flow, source, target), []).append(text)

    sharing = config.sharing
    for share in sharing.share:
        add(SHARE, node_of.get(share.from_, workspace_id(share.from_)), reg_node,
            f"{share.asset_kind} {share.asset_name}:{share.version}")
    for push in sharing.push:
        for ref in push.to:
            add(PUSH, reg_node, node_of.get(ref, workspace_id(ref)),
                f"{push.model}:{push.version} {push.endpoint.kind}")
    for pull in sharing.pull:
        for ref in pull.into:
            add(PULL, reg_node, node_of.get(ref, workspace_id(ref)),
                f"{pull.asset_kind} {pull.asset_name}:{pull.version}")
    edges = []
    for (flow, source, target), texts in flows.items():
        distinct = list(dict.fromkeys(texts))
        lines = [label(f"{len(texts)} {flow}{'es' if flow == PUSH and len(texts) != 1 else ''}"
                       f"{'s' if flow != PUSH and len(texts) != 1 else ''}")]
        lines += [label(t) for t in distinct[:_MAX_LABEL_LINES]]
        if len(distinct) > _MAX_LABEL_LINES:
            lines.append(label(f"+{len(distinct) - _MAX_LABEL_LINES} more assets"))
        edges.append(Edge(flow, source, target, tuple(lines)))
    return edges
