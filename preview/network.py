"""The private network in the review: which endpoint serves what, in which subnet, with which DNS.

review.md gets a "Network" section, the terminal a table, and the Mermaid topology a subgraph per
subnet holding its endpoints, each linked to what it reaches. Everything comes from the plan in
``stacks.endpoints``, so a reviewer sees the same endpoints the program registers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.table import Table

from stacks.endpoints import (
    MONITORING_OWNER,
    REGISTRY_OWNER,
    PlannedEndpoint,
    monitoring_scope_name,
    plan_private_endpoints,
    plan_zones,
)
from stacks.topology import Topology


def subnet_label(subnet_id: str) -> str:
    """"snet-pe (vnet-hub, sub 1d3f5b7a…)" from a subnet's ARM id."""
    parts = subnet_id.strip("/").split("/")
    vnet, subnet = parts[-3], parts[-1]
    return f"{subnet} ({vnet}, sub {parts[1][:8]}…)"


def _owner(endpoint: PlannedEndpoint) -> str:
    if endpoint.owner == REGISTRY_OWNER:
        return "registry"
    if endpoint.owner == MONITORING_OWNER:
        return "monitoring"
    return endpoint.owner


def _monitoring_line(topology: Topology) -> str:
    access = topology.config.network.monitoring_access
    if access == "Private":
        return (
            f"Log Analytics and Application Insights: private, ingestion and query only through the Azure Monitor "
            f"private link scope `{monitoring_scope_name(topology.config)}`."
        )
    return "Log Analytics and Application Insights: public ingestion and query, Entra ID authentication."


def network_markdown(topology: Topology, cell: Callable[[str], str], code: Callable[[str], str]) -> str | None:
    """The review's network section, or None for a stack without private endpoints."""
    endpoints = plan_private_endpoints(topology)
    if not endpoints:
        return None
    lines = [
        "### Network",
        "",
        f"{len(endpoints)} private endpoints. Data scientists, CI and the post-deploy step reach private "
        "resources only through them.",
        "",
        "| Endpoint | For | Reaches | Sub-resource | Subnet | Resource group, region | DNS zones |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in endpoints:
        lines.append(
            "| " + " | ".join([
                code(e.name), cell(_owner(e)), cell(e.target), code(e.group_id),
                cell(subnet_label(e.placement.subnet_id)),
                cell(f"{e.placement.resource_group}, {e.placement.region}"),
                cell(", ".join(e.zones)),
            ]) + " |"
        )
    zones = plan_zones(topology)
    created = [z.name for z in zones if z.created]
    existing = [z.name for z in zones if not z.created]
    lines.append("")
    if created:
        links = ", ".join(code(v.rstrip("/").rsplit("/", 1)[-1]) for v in
                          topology.config.network.private_dns.link_virtual_networks)
        lines.append(
            f"- DNS zones created in {code(topology.config.registry.resource_group)} and linked to {links}: "
            + ", ".join(code(z) for z in created)
        )
    if existing:
        lines.append("- Existing DNS zones: " + ", ".join(code(z) for z in existing))
    lines.append(f"- {_monitoring_line(topology)}")
    return "\n".join(lines)


def network_table(topology: Topology) -> Table | None:
    endpoints = plan_private_endpoints(topology)
    if not endpoints:
        return None
    table = Table(title=f"Private endpoints ({len(endpoints)})", title_justify="left")
    for column in ("endpoint", "for", "reaches", "sub-resource", "subnet", "DNS zones"):
        table.add_column(column, overflow="fold")
    for e in endpoints:
        table.add_row(
            e.name, _owner(e), e.target, e.group_id, subnet_label(e.placement.subnet_id), ", ".join(e.zones)
        )
    return table


def mermaid_lines(
    topology: Topology,
    *,
    label: Callable[[str], str],
    node_id: Callable[[str, str], str],
    registry_node: str,
    workspace_node: Callable[[str], str],
) -> Sequence[str]:
    """A subgraph per subnet with its endpoints, each linked to the registry or workspace it serves."""
    endpoints = plan_private_endpoints(topology)
    out: list[str] = []
    links: list[str] = []
    subnets = list(dict.fromkeys(e.placement.subnet_id for e in endpoints))
    for i, subnet in enumerate(subnets):
        out.append(f'  subgraph {node_id("subnet", str(i))} ["{label(f"subnet {subnet_label(subnet)}")}"]')
        for e in (e for e in endpoints if e.placement.subnet_id == subnet):
            pe = node_id("pe", e.key)
            out.append(f'    {pe}["{label(e.name)}"]')
            if e.owner == REGISTRY_OWNER:
                links.append(f'  {pe} ---|"{label(e.group_id)}"| {registry_node}')
            elif e.owner != MONITORING_OWNER:
                links.append(f'  {pe} ---|"{label(e.group_id)}"| {workspace_node(e.owner)}')
        out.append("  end")
    styles = []
    if endpoints:
        styles.append("  classDef endpoint fill:#ede7f6,stroke:#4527a0")
        styles.append(f"  class {','.join(node_id('pe', e.key) for e in endpoints)} endpoint")
    return [*out, *links, *styles]
