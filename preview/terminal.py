"""The terminal summary of an offline preview (rich)."""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table

from preview.graph import Graph
from preview.network import network_table
from preview.rows import GrantRow
from stacks.topology import Topology


def registry_table(topology: Topology) -> Table:
    reg = topology.config.registry
    table = Table(title=f"Registry {reg.name}", title_justify="left")
    for column in ("subscription", "resource group", "primary region", "replicas", "network"):
        table.add_column(column)
    table.add_row(
        reg.subscription_id,
        reg.resource_group,
        reg.primary_region,
        ", ".join(reg.additional_regions) or "-",
        "public" if reg.public_network_access == "Enabled" else "private",
    )
    return table


def workspace_table(topology: Topology, graph: Graph) -> Table:
    per_group: Counter[str] = Counter()
    group_of_urn = {}
    for r in graph.resources:
        if r.type == "ml-tenancy:tenant:Workspace":
            group_of_urn[r.urn] = r.name
    for r in graph.azure:
        if r.parent in group_of_urn:
            per_group[group_of_urn[r.parent]] += 1
    table = Table(title="Tenants and workspaces", title_justify="left")
    for column in ("tenant", "workspace", "name", "subscription", "region", "network", "resources"):
        table.add_column(column)
    for site in topology.sites:
        table.add_row(
            site.tenant.key,
            site.spec.key,
            site.names.workspace,
            site.subscription_id,
            site.spec.region,
            "public" if site.spec.public_network_access == "Enabled" else "private",
            str(per_group[f"{site.tenant.key}-{site.spec.key}"]),
        )
    return table


def grants_table(rows: list[GrantRow]) -> Table:
    table = Table(title=f"Role assignments ({len(rows)})", title_justify="left", show_lines=False)
    for column in ("principal", "object id", "type", "role", "scope", "why"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(row.principal, row.object_id, row.principal_type, row.role, row.scope, row.why)
    return table


def print_summary(console: Console, topology: Topology, graph: Graph, rows: list[GrantRow]) -> None:
    console.print(registry_table(topology))
    console.print(workspace_table(topology, graph))
    console.print(grants_table(rows))
    if (network := network_table(topology)) is not None:
        console.print(network)
