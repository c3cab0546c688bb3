"""The review shows the private network: review.md's Network section, the terminal table and the
Mermaid topology's endpoints, all from the same plan the program registers."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from preview.mermaid import registry_id, topology_diagram, workspace_id
from preview.network import network_markdown, network_table
from preview.review import cell, code
from stacks.load import load_stack_file
from stacks.topology import Topology


@pytest.fixture(scope="module")
def prod() -> Topology:
    return Topology.of(load_stack_file("prod"))


@pytest.fixture(scope="module")
def dev() -> Topology:
    return Topology.of(load_stack_file("dev"))


def test_review_lists_each_endpoint_what_it_reaches_and_its_subnet(prod):
    section = network_markdown(prod, cell, code)
    rows = [line for line in section.splitlines() if line.startswith("| `pe-")]
    assert len(rows) == 8
    assert (
        "| `pe-mlw-tenant4-ws1-prod-amlworkspace` | tenant4/ws1 | ML workspace mlw-tenant4-ws1-prod | `amlworkspace` "
        "| snet-private-endpoints (vnet-tenant4-prod, sub 8b0d2f4a…) | rg-net-tenant4-prod, swedencentral "
        "| privatelink.api.azureml.ms, privatelink.notebooks.azure.net |"
    ) in rows
    assert (
        "| `pe-mlreg-prod-amlregistry` | registry | ML registry mlreg-prod | `amlregistry` "
        "| snet-private-endpoints (vnet-hub-prod, sub 1d3f5b7a…) | rg-hub-prod, westeurope "
        "| privatelink.api.azureml.ms |"
    ) in rows
    assert "private link scope `ampls-mlreg-prod`" in section
    assert "DNS zones created in `rg-mlreg-prod` and linked to `vnet-hub-prod`" in section


def test_a_public_stack_has_no_network_section_or_table(dev):
    assert network_markdown(dev, cell, code) is None
    assert network_table(dev) is None
    assert "subgraph subnet" not in topology_diagram(dev.config, dev)


def test_terminal_lists_the_endpoints(prod):
    console = Console(width=400, record=True)
    console.print(network_table(prod))
    text = console.export_text()
    assert "Private endpoints (8)" in text
    assert re.search(r"pe-sttenant4ws12381cc4b-file\s+│ tenant4/ws1\s+│ storage sttenant4ws12381cc4b \(file\)", text)


def test_the_topology_draws_endpoints_in_their_subnets_linked_to_what_they_reach(prod):
    diagram = topology_diagram(prod.config, prod)
    titles = re.findall(r'subgraph subnet_\d+ \["subnet (.*)"\]', diagram)
    assert titles == [
        "snet-private-endpoints (vnet-hub-prod, sub 1d3f5b7a…)",
        "snet-private-endpoints (vnet-tenant4-prod, sub 8b0d2f4a…)",
    ]
    links = re.findall(r'^  (pe_\S+) ---\|"(\w+)"\| (\S+)$', diagram, re.MULTILINE)
    assert sorted((group, target) for _, group, target in links) == sorted([
        ("amlregistry", registry_id(prod.config)),
        *((g, workspace_id(ref)) for ref in ("tenant1/ws1", "tenant4/ws1") for g in ("amlworkspace", "blob", "file")),
    ])
    # The flow arrows keep their styles: linkStyle indexes still point at share, push and pull links.
    all_links = [line for line in diagram.splitlines() if re.match(r"^  \w+ (---|-->|==>|-\.->)", line)]
    styled = {int(i) for m in re.findall(r"linkStyle ([\d,]+) ", diagram) for i in m.split(",")}
    assert styled and all(not all_links[i].lstrip().startswith("pe_") for i in styled)
