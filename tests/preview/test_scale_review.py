"""review.md at 1,000 tenants fits one pull-request comment; the topology is aggregated past 25 workspaces.

Built from config alone (role assignments are planned from it), so no program runs here; the
bench (`bench/preview_scale.py --end-to-end`) measures the whole command at that size.
"""

from __future__ import annotations

import re
import sys

import pytest

from preview.diff import ChangeSet, ResourceRef
from preview.mermaid import AGGREGATE_OVER, changed_tenants, topology_diagram
from preview.review import COMMENT_LIMIT, FULL_NAME, ReviewContext, render_both
from stacks.access import plan_role_grants
from stacks.load import PROJECT_DIR, parse_config
from stacks.topology import Topology

sys.path.insert(0, str(PROJECT_DIR / "bench"))
from preview_scale import synthetic_raw


@pytest.fixture(scope="module")
def thousand():
    config = parse_config(synthetic_raw(1000), environment="bench")
    topology = Topology.of(config)
    return config, topology, plan_role_grants(topology)


def test_review_of_a_thousand_tenants_fits_one_comment_and_the_artifact_keeps_every_row(thousand):
    config, topology, grants = thousand
    ctx = ReviewContext(stack="bench", config=config, topology=topology, grants=grants,
                        document={"resources": [], "roleAssignments": []}, attention_markdown="### Needs a human")
    comment, full = render_both(ctx)
    assert len(comment) <= COMMENT_LIMIT < 65_536
    assert f"complete in\n`{FULL_NAME}`" in comment or f"`{FULL_NAME}`" in comment
    assert comment.index("### Needs a human") < comment.index("### Role assignments")
    assert "### Role assignments (6005, summary)" in comment
    assert "### Tenants (1000, 1000 workspaces)" in comment and "Unchanged: 1000 workspaces" in comment
    assert "| `t0999` | `mlw-t0999-ws1-bench` |" not in comment and "| `t0999` | `mlw-t0999-ws1-bench` |" in full
    assert full.count("\n| ") >= len(grants)  # every assignment is a row of the full review
    assert len(full) > 10 * COMMENT_LIMIT


def test_small_stacks_keep_the_whole_review_in_the_comment(dev_raw):
    config = parse_config(dev_raw, environment="dev", project_dir=PROJECT_DIR)
    topology = Topology.of(config)
    ctx = ReviewContext(stack="dev", config=config, topology=topology, grants=plan_role_grants(topology),
                        document={"resources": [], "roleAssignments": []})
    comment, full = render_both(ctx)
    assert comment == full
    small, _ = render_both(ctx, limit=3000)
    assert len(small) <= 3000 and "(summary)" in small


def test_aggregated_topology_counts_workspaces_and_draws_changed_tenants(thousand):
    config, topology, _ = thousand
    assert len(topology.sites) > AGGREGATE_OVER
    changed = changed_tenants(ChangeSet(resources_added=(
        ResourceRef("ml-tenancy:tenant:Workspace", "t0007-ws1", "ml-tenancy:tenant:Tenant::t0007", None, None),)))
    diagram = topology_diagram(config, topology, changed=changed)
    groups = re.findall(r'grp_\w+\["(\d+) workspaces<br/>(\w+)"\]', diagram)
    # four subscriptions times three regions, each a node with its count; tenant t0007 drawn alone
    assert len(groups) == 12
    assert sum(int(n) for n, _ in groups) == 999
    assert re.search(r'ws_t0007_2f_ws1\["t0007 · Tenant 7<br/>mlw-t0007-ws1-bench<br/>\w+<br/>changed"\]', diagram)
    assert len(diagram) < 10_000
    assert '"1000 pulls<br/>' not in diagram and "pulls<br/>environment sklearn-env:1" in diagram
