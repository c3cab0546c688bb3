"""The Mermaid topology diagram: nodes, subgraphs, flow arrows and their labels, escaping."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from preview.mermaid import node_id, region_id, registry_id, topology_diagram, workspace_id
from stacks.load import PROJECT_DIR, parse_config, raw_from_stack_file
from stacks.topology import Topology

SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"
NODE = re.compile(r'^\s+(\w+)(\[\(|\(\[|\[)"(.*)"(\)\]|\]\)|\])$')
LINK = re.compile(r'^\s+(\w+) (---|-->|==>|-\.->)(?:\|"(.*)"\|)? (\w+)$')


def dev_raw() -> dict:
    raw = raw_from_stack_file(PROJECT_DIR / "Pulumi.dev.yaml")
    files = [*raw.get("catalog", {}).get("environments", []), *raw.get("catalog", {}).get("components", [])]
    if not all((PROJECT_DIR / Path(f)).is_file() for f in files):
        raw["catalog"] = {"environments": ["catalog/environments/sklearn.yml"]}
    return raw


def diagram_of(raw: dict) -> str:
    config = parse_config(raw, environment="dev")
    return topology_diagram(config, Topology.of(config))


@pytest.fixture(scope="module")
def dev() -> str:
    return diagram_of(dev_raw())


def nodes(diagram: str) -> dict[str, str]:
    return {m[1]: m[3] for line in diagram.splitlines() if (m := NODE.match(line))}


def links(diagram: str) -> list[tuple[str, str, str, str | None]]:
    return [(m[1], m[2], m[4], m[3]) for line in diagram.splitlines() if (m := LINK.match(line))]


def subgraphs(diagram: str) -> dict[str, list[str]]:
    """Subgraph title -> node ids declared inside it."""
    result: dict[str, list[str]] = {}
    current = None
    for line in diagram.splitlines():
        if m := re.match(r'^\s+subgraph \w+ \["(.*)"\]$', line):
            current = m[1]
            result[current] = []
        elif line.strip() == "end":
            current = None
        elif current is not None and (m := NODE.match(line)):
            result[current].append(m[1])
    return result


def test_every_line_is_a_known_statement(dev):
    """Guards the syntax: anything not matched here would be a statement the tests do not understand."""
    lines = dev.splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        assert (
            NODE.match(line) or LINK.match(line) or line.strip() == "end"
            or re.match(r'^  subgraph \w+ \["[^"]*"\]$', line)
            or re.match(r"^  (classDef|class|linkStyle) \S+ \S.*$", line)
        ), line


def test_registry_and_regions_with_primary_marked(dev):
    n = nodes(dev)
    reg = registry_id(parse_config(dev_raw(), environment="dev"))
    assert n[reg] == "registry mlreg-dev<br/>rg-mlreg-dev"
    assert n[region_id("westeurope")] == "westeurope<br/>primary"
    assert n[region_id("northeurope")] == "northeurope"
    assert n[region_id("eastus")] == "eastus"
    assert [(s, t) for s, arrow, t, _ in links(dev) if arrow == "---"] == [
        (reg, region_id(r)) for r in ("westeurope", "northeurope", "eastus")
    ]
    assert f"  class {region_id('westeurope')} primary" in dev.splitlines()


def test_workspaces_sit_in_their_subscription_with_tenant_name_and_region(dev):
    n = nodes(dev)
    assert n[workspace_id("tenant1/ws1")] == "tenant1 · Contoso Credit<br/>mlw-tenant1-ws1-dev<br/>westeurope"
    assert n[workspace_id("tenant2/ws1")] == "tenant2 · Fabrikam Insurance<br/>mlw-tenant2-ws1-dev<br/>northeurope"
    assert n[workspace_id("tenant4/ws1")] == "tenant4 · Tailspin Support<br/>mlw-tenant4-ws1-dev<br/>eastus"
    groups = subgraphs(dev)
    assert groups[f"subscription {SUB_A}"] == [workspace_id(f"tenant{i}/ws1") for i in (1, 2, 3)]
    assert groups[f"subscription {SUB_B}"] == [workspace_id("tenant4/ws1")]
    assert len(groups) == 3  # the registry's box and the two tenant subscriptions


def test_share_push_and_pull_arrows_of_the_dev_config(dev):
    raw = dev_raw()
    reg = registry_id(parse_config(raw, environment="dev"))
    flows = [link for link in links(dev) if link[1] != "---"]

    # The reference story, spelled out.
    credit = "push credit-card-default:1 as online endpoint credit-default"
    assert (workspace_id("tenant1/ws1"), "-->", reg, "share model credit-card-default:1") in flows
    assert (workspace_id("tenant3/ws1"), "-->", reg, "share model bert-base-uncased-fine-tuned:1") in flows
    assert (reg, "==>", workspace_id("tenant3/ws1"), credit) in flows
    bert = "push bert-base-uncased-fine-tuned:1 as batch endpoint bert-batch"
    assert {t for s, a, t, text in flows if a == "==>" and text == bert} == {
        workspace_id(f"tenant{i}/ws1") for i in (1, 2, 4)
    }

    # Every entry of the sharing config becomes exactly one arrow (or one line of a merged one).
    sharing = raw["sharing"]
    expected: dict[tuple[str, str, str], list[str]] = {}
    for share in sharing["share"]:
        kind = next(k for k in ("model", "data", "environment") if k in share)
        expected.setdefault((workspace_id(share["from"]), "-->", reg), []).append(
            f"share {kind} {share[kind]}:{share['version']}")
    for push in sharing["push"]:
        endpoint = push["endpoint"]
        for ref in push["to"]:
            expected.setdefault((reg, "==>", workspace_id(ref)), []).append(
                f"push {push['model']}:{push['version']} as {endpoint['kind']} endpoint {endpoint['name']}")
    for pull in sharing["pull"]:
        kind = next(k for k in ("model", "data", "environment", "component") if k in pull)
        for ref in pull["into"]:
            expected.setdefault((reg, "-.->", workspace_id(ref)), []).append(
                f"pull {kind} {pull[kind]}:{pull['version']}")
    assert {(s, a, t): text for s, a, t, text in flows} == {k: "<br/>".join(v) for k, v in expected.items()}
    assert len(flows) == len(expected)
    # Tenant 4 pulls several assets: one dotted arrow with one line each.
    pulls_into_4 = next(text for s, a, t, text in flows if a == "-.->" and t == workspace_id("tenant4/ws1"))
    assert pulls_into_4.count("<br/>") == len(expected[(reg, "-.->", workspace_id("tenant4/ws1"))]) - 1 >= 1


def test_link_styles_point_at_the_links_of_their_flow(dev):
    all_links = links(dev)
    styles = {
        m[2]: [int(i) for i in m[1].split(",")]
        for m in re.finditer(r"^  linkStyle (\S+) stroke:(#\w+)", dev, re.MULTILINE)
    }
    arrows_by_colour = {colour: {all_links[i][1] for i in idx} for colour, idx in styles.items()}
    assert arrows_by_colour == {"#2e7d32": {"-->"}, "#1565c0": {"==>"}, "#6d6d6d": {"-.->"}}
    assert sum(len(i) for i in styles.values()) == sum(1 for link in all_links if link[1] != "---")


def test_labels_are_escaped():
    raw = dev_raw()
    raw["tenants"][0]["displayName"] = 'Contoso "Credit" <b>|#1</b>'
    diagram = diagram_of(raw)
    line = next(line for line in diagram.splitlines() if line.strip().startswith(workspace_id("tenant1/ws1")))
    assert "Contoso #34;Credit#34; #60;b#62;#124;#35;1#60;/b#62;" in line
    assert line.count('"') == 2  # only the label's own quotes


def test_node_ids_are_mermaid_safe_and_distinct():
    refs = ["a-b/c", "a/b-c", "a--b/c", "a/-b-c", "end/x", "o1/x"]
    ids = [node_id("ws", r) for r in refs]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"ws_[A-Za-z0-9_]+", i) for i in ids)
    assert node_id("ws", "tenant1/ws1") == node_id("ws", "tenant1/ws1")


def _twenty_workspaces() -> dict:
    raw = copy.deepcopy(dev_raw())
    subs = [SUB_A, SUB_B, "11111111-2222-4333-8444-555555555555", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"]
    regions = ["westeurope", "northeurope", "eastus"]
    raw["tenants"] = [
        {
            "key": f"t{i:02d}",
            "members": [{"objectId": f"00000000-0000-4000-8000-{i:012d}", "type": "Group",
                         "roles": ["dataScientist"]}],
            "workspaces": [{"key": "ws1", "subscriptionId": subs[i % 4], "region": regions[i % 3]}],
        }
        for i in range(20)
    ]
    every = [f"t{i:02d}/ws1" for i in range(20)]
    raw["sharing"] = {
        "share": [{"from": "t00/ws1", "model": "churn", "version": "3"}],
        # Endpoint names are unique per region, so each workspace gets its own.
        "push": [{"model": "churn", "version": "3", "to": [ref],
                  "endpoint": {"kind": "batch", "name": f"churn-{i:02d}"}} for i, ref in enumerate(every[1:], 1)],
        "pull": [{"model": "churn", "version": "3", "into": every[:5]},
                 {"environment": "sklearn-env", "version": "1", "into": every[:5]}],
    }
    return raw


def test_twenty_workspaces_stay_one_node_each_grouped_by_subscription():
    diagram = diagram_of(_twenty_workspaces())
    n = nodes(diagram)
    ws_nodes = [k for k in n if k.startswith("ws_")]
    assert len(ws_nodes) == 20
    groups = subgraphs(diagram)
    assert sorted(len(v) for k, v in groups.items() if k.startswith("subscription")) == [5, 5, 5, 5]
    flows = [link for link in links(diagram) if link[1] != "---"]
    pushes = [f for f in flows if f[1] == "==>"]
    assert [(f[2], f[3]) for f in pushes] == [
        (workspace_id(f"t{i:02d}/ws1"), f"push churn:3 as batch endpoint churn-{i:02d}") for i in range(1, 20)
    ]
    # Five workspaces pull two assets each: five arrows, not ten.
    pulls = [f for f in flows if f[1] == "-.->"]
    assert len(pulls) == 5
    assert {f[3] for f in pulls} == {"pull model churn:3<br/>pull environment sklearn-env:1"}
    assert diagram == diagram_of(_twenty_workspaces())
