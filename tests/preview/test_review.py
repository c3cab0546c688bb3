"""review.md for the dev stack: header counts, the role-assignment table, changes, optional sections."""

from __future__ import annotations

import copy
import dataclasses
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from preview.engine import run_program
from preview.review import ReviewContext, cell, render_review
from preview.snapshot import snapshot
from stacks.access import plan_role_grants
from stacks.load import PROJECT_DIR, parse_config, raw_from_stack_file
from stacks.topology import Topology

SUB_A = "6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a"  # tenants 1-3
SUB_B = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b"  # tenant 4
OWNER = "5a1d9e3c-7b2f-4c8a-9d6e-0f1a2b3c4d01"
HEADERS = ["Principal", "Object id", "Type", "Role", "Scope", "Why"]


def dev_raw() -> dict:
    raw = raw_from_stack_file(PROJECT_DIR / "Pulumi.dev.yaml")
    files = [*raw.get("catalog", {}).get("environments", []), *raw.get("catalog", {}).get("components", [])]
    if not all((PROJECT_DIR / Path(f)).is_file() for f in files):
        raw["catalog"] = {"environments": ["catalog/environments/sklearn.yml"]}
    return raw


def context(raw: dict, document: dict | None = None, **options) -> ReviewContext:
    config = parse_config(raw, environment="dev")
    topology = Topology.of(config)
    grants = plan_role_grants(topology)
    return ReviewContext(
        stack="dev", config=config, topology=topology, grants=grants,
        document=document if document is not None else {"resources": [], "roleAssignments": []}, **options,
    )


@dataclass(frozen=True)
class Dev:
    raw: dict
    document: dict
    review: str


@pytest.fixture(scope="module")
def dev() -> Dev:
    raw = dev_raw()
    ctx = context(raw)
    document = snapshot(run_program(raw, "dev"), ctx.grants)
    return Dev(raw, document, render_review(context(raw, document)))


def section(markdown: str, heading: str) -> str:
    """The text under a heading, up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(heading))
    end = next(
        (i for i in range(start + 1, len(lines))
         if lines[i].startswith("#") and len(lines[i].split(" ", 1)[0]) <= len(level)),
        len(lines),
    )
    return "\n".join(lines[start + 1:end])


def table_rows(markdown: str, headers: list[str]) -> list[list[str]]:
    """Rows of the first table with these headers, cells split on unescaped pipes."""
    lines = markdown.splitlines()
    start = lines.index("| " + " | ".join(headers) + " |")
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def assignment_rows(review: str) -> list[list[str]]:
    heading = next(line for line in review.splitlines() if line.startswith("### Role assignments ("))
    return table_rows(section(review, heading), HEADERS)


def test_header_counts_match_the_document(dev):
    resources = dev.document["resources"]
    ras = sum(1 for r in resources if r["type"] == "azure-native:authorization:RoleAssignment")
    assert dev.review.startswith("## Preview of stack `dev`\n")
    assert (
        "Registry `mlreg-dev` in westeurope (primary), northeurope, eastus; "
        "4 tenants, 4 workspaces in 2 subscriptions."
    ) in dev.review
    assert f"- **{len(resources)}** resources" in dev.review
    assert f"- **{ras}** role assignments: " in dev.review
    assert "; 2 of them on whole subscriptions\n" in dev.review
    by_type = {row[0]: row[1:] for row in table_rows(dev.review, ["Type", "Count", "Protected"])}
    assert by_type == {
        f"`{t}`": [str(n), str(Counter(r["type"] for r in resources if r["protect"])[t] or "")]
        for t, n in Counter(r["type"] for r in resources).items()
    }
    assert by_type["`azure-native:machinelearningservices:Registry`"] == ["1", "1"]
    assert by_type["`azure-native:machinelearningservices:Workspace`"] == ["4", "4"]


def test_one_row_per_role_assignment_resource(dev):
    rows = assignment_rows(dev.review)
    ras = [r for r in dev.document["resources"] if r["type"] == "azure-native:authorization:RoleAssignment"]
    assert len(rows) == len(ras) == len(dev.document["roleAssignments"])
    assert all(len(row) == len(HEADERS) for row in rows)


def test_owner_contributor_on_subscriptions_comes_first_and_once(dev):
    rows = assignment_rows(dev.review)
    owner = ["sp-ml-platform-dev", f"`{OWNER}`", "ServicePrincipal", "Contributor"]
    why = "registry owner manages tenant subscriptions (ownerAccess: subscription)"
    assert rows[:2] == [
        [*owner, f"subscription/{SUB_A}", why],
        [*owner, f"subscription/{SUB_B}", why],
    ]
    # Tenants 1-3 share subscription A: one assignment there, not three.
    assert sum(1 for row in rows if row[3] == "Contributor" and row[4] == f"subscription/{SUB_A}") == 1
    # All Contributor grants precede every other role; readers come last.
    roles = [row[3] for row in rows]
    assert roles.index("AzureML Registry User") > max(i for i, r in enumerate(roles) if r == "Contributor")
    readers = roles.count("Reader")
    assert readers >= 3
    assert roles[-readers:] == ["Reader"] * readers


def test_member_groups_with_their_roles_and_scopes(dev):
    rows = {(row[0], row[3], row[4]): row for row in assignment_rows(dev.review)}
    ws1 = f"workspace/mlw-tenant1-ws1-dev (sub {SUB_A[:8]}…)"
    assert rows[("grp-tenant1-ds", "AzureML Data Scientist", ws1)][1:3] == [
        "`7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4a01`", "Group"
    ]
    assert rows[("grp-tenant1-ds", "AzureML Registry User", "registry/mlreg-dev")][5] == (
        "member of tenant1 (registryUser)"
    )
    assert rows[("ana@tenant1.example", "AzureML Compute Operator", ws1)][2] == "User"
    assert ("grp-tenant2-ds", "Reader", "registry/mlreg-dev") in rows
    assert ("grp-tenant2-ds", "AzureML Registry User", "registry/mlreg-dev") not in rows
    ws4 = f"workspace/mlw-tenant4-ws1-dev (sub {SUB_B[:8]}…)"
    assert ("grp-tenant4-ds", "AzureML Data Scientist", ws4) in rows


def test_managed_identities_are_marked_known_after_apply(dev):
    rows = {(row[0], row[3]): row for row in assignment_rows(dev.review)}
    ws1 = rows[("identity of workspace mlw-tenant1-ws1-dev", "AzureML Registry User")]
    assert ws1[1:3] == ["(workspace identity of tenant1/ws1, known after apply)", "ServicePrincipal"]
    assert ws1[5] == "tenant1/ws1 shares assets to the registry"
    ws2 = rows[("identity of workspace mlw-tenant2-ws1-dev", "Reader")]
    assert ws2[1] == "(workspace identity of tenant2/ws1, known after apply)"
    assert ws2[5] == "tenant2/ws1 pulls registry assets"
    identities = [row for row in assignment_rows(dev.review) if row[0].startswith("identity of ")]
    assert identities and all(row[1].endswith(", known after apply)") for row in identities)
    assert all(row[2] == "ServicePrincipal" for row in identities)


def test_without_baseline_or_optional_sections(dev):
    headings = [line for line in dev.review.splitlines() if line.startswith("#")]
    count = len(dev.document["roleAssignments"])
    assert headings == ["## Preview of stack `dev`", "### Tenants (4, 4 workspaces)", f"### Role assignments ({count})",
                        "### Topology"]
    tenants = section(dev.review, "### Tenants")
    assert "| `tenant4` | `mlw-tenant4-ws1-dev` | `9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b` | eastus | public |  |  |" \
        in tenants
    topology = section(dev.review, "### Topology")
    assert topology.strip().startswith("```mermaid\nflowchart LR\n")
    assert topology.strip().endswith("```")
    assert "mlw-tenant4-ws1-dev" in topology


def test_optional_sections_render_under_headings(dev):
    review = render_review(
        context(dev.raw, dev.document, policy_markdown="**3** rules, all passed\n",
                postdeploy_markdown="- share model credit-card-default:1\n")
    )
    headings = [line for line in review.splitlines() if line.startswith("### ")]
    count = len(dev.document["roleAssignments"])
    assert headings == ["### Policy", "### Tenants (4, 4 workspaces)", f"### Role assignments ({count})",
                        "### Topology", "### Post-deploy plan"]
    assert section(review, "### Policy").strip() == "**3** rules, all passed"
    assert section(review, "### Post-deploy plan").strip() == "- share model credit-card-default:1"


def test_baseline_equal_to_the_document_says_no_changes(dev):
    review = render_review(context(dev.raw, dev.document, baseline=copy.deepcopy(dev.document)))
    assert section(review, "### Changes since the baseline").strip() == (
        "No changes: resources, role assignments, catalog and sharing are the same as in the baseline."
    )


def test_baseline_without_tenant4_lists_its_additions_and_changed_reasons(dev):
    baseline = copy.deepcopy(dev.document)
    baseline["resources"] = [r for r in baseline["resources"] if not r["name"].startswith("tenant4-")]
    removed = next(a for a in baseline["roleAssignments"] if a["why"] == "member of tenant4 (dataScientist)")
    baseline["roleAssignments"].remove(removed)
    changed = next(a for a in baseline["roleAssignments"] if a["why"] == "member of tenant2 (registryReader)")
    changed["why"] = "old reason | with a pipe"
    baseline["resources"].append({**baseline["resources"][0], "name": "retired-appi", "protect": False})

    changes = section(render_review(context(dev.raw, dev.document, baseline=baseline)), "### Changes since")
    assert changes.splitlines()[1] == (
        "Resources: 15 added, 1 deleted, 0 released (kept in Azure), 0 replaced, 0 updated in place. "
        "Role assignments: 1 added, 0 removed, 1 changed. Catalog: 0 changed. Sharing: 0 flows added, 0 removed."
    )
    assert table_rows(section(changes, "#### Role assignments added"), HEADERS) == [
        ["grp-tenant4-ds", "`7c2e1f4a-3b5d-4e6f-8a9b-0c1d2e3f4d01`", "Group", "AzureML Data Scientist",
         f"workspace/mlw-tenant4-ws1-dev (sub {SUB_B[:8]}…)", "member of tenant4 (dataScientist)"],
    ]
    assert table_rows(section(changes, "#### Role assignments changed"), ["Principal", "Role", "Scope", "Change"]) == [
        ["grp-tenant2-ds", "Reader", "registry/mlreg-dev",
         "why: old reason \\| with a pipe → member of tenant2 (registryReader)"],
    ]
    added = table_rows(section(changes, "#### Resources added"), ["Type", "Name", "Subscription", "Parent"])
    assert ["`azure-native:machinelearningservices:Workspace`", "`tenant4-ws1`", f"`{SUB_B}`",
            "`ml-tenancy:tenant:Workspace::tenant4-ws1`"] in added
    assert len(added) == 15
    removed_rows = table_rows(section(changes, "#### Resources removed"),
                              ["Type", "Name", "Subscription", "What pulumi up does"])
    assert [(row[1], row[3]) for row in removed_rows] == [("`retired-appi`", "deletes it")]


def test_cells_escape_pipes_and_html():
    raw = dev_raw()
    raw["tenants"][0]["members"][0]["label"] = "grp | <ds>\nteam"
    rows = assignment_rows(render_review(context(raw)))
    labels = {row[0] for row in rows}
    assert "grp \\| &lt;ds&gt;<br>team" in labels
    assert all(len(row) == len(HEADERS) for row in rows)
    assert cell("a|b") == "a\\|b"


def test_output_is_deterministic_whatever_the_grant_order(dev):
    ctx = context(dev.raw, dev.document)
    shuffled = dataclasses.replace(ctx, grants=tuple(reversed(ctx.grants)))
    assert render_review(shuffled) == render_review(ctx) == dev.review
