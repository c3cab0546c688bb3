"""Promotions in the review: the arrow from the source registry's Entra tenant, and the plan lines."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from preview.cli import EXIT_CLEAN, app
from preview.mermaid import registry_id, topology_diagram
from preview.mermaid_promotions import source_registry_id, with_promotions
from stacks.load import load_stack_file
from stacks.topology import Topology

DEV_TENANT = "3f6c2b1a-8d4e-4f7a-9b2c-1e5d7a9c0b11"
LINK = re.compile(r"^\s+\w+ (---|-->|==>|-\.->)")


def test_prod_diagram_draws_dev_registry_in_its_tenant_with_one_arrow_to_prod() -> None:
    config = load_stack_file("prod")
    base = topology_diagram(config, Topology.of(config))
    diagram = with_promotions(config, base)
    assert diagram.startswith(base)
    source = source_registry_id(DEV_TENANT, "mlreg-dev")
    added = diagram[len(base):].splitlines()
    assert added[0] == f'  subgraph tenant_3f6c2b1a8d4e4f7a9b2c1e5d7a9c0b11 ["Entra tenant {DEV_TENANT}"]'
    assert added[1] == f'    {source}[("registry mlreg-dev<br/>rg-mlreg-dev")]'
    assert added[3] == (
        f'  {source} ==>|"promote model credit-card-default:2<br/>promote environment sklearn-env:1<br/>'
        f'promote component train_tabular:1"| {registry_id(config)}')
    # Its style addresses the link by position: after every link the diagram already had.
    before = sum(1 for line in base.splitlines() if LINK.match(line))
    assert added[-1] == f"  linkStyle {before} stroke:#6a1b9a,stroke-width:3px"


def test_a_stack_without_promotions_is_drawn_as_before() -> None:
    config = load_stack_file("dev")
    base = topology_diagram(config, Topology.of(config))
    assert with_promotions(config, base) == base


def test_prod_review_shows_the_promotion_arrow_and_plan_lines(tmp_path) -> None:
    result = CliRunner().invoke(app, ["preview", "--stack", "prod", "--out", str(tmp_path), "--quiet"],
                                catch_exceptions=False)
    assert result.exit_code == EXIT_CLEAN, result.output
    review = (tmp_path / "prod" / "review.md").read_text()
    assert f"{source_registry_id(DEV_TENANT, 'mlreg-dev')} ==>" in review
    rows = [line for line in review.splitlines() if line.startswith("| registry mlreg-prod | promotion |")]
    assert [row.split(" | ")[2] for row in rows] == [
        "model credit-card-default:2 from mlreg-dev", "environment sklearn-env:1 from mlreg-dev",
        "component train_tabular:1 from mlreg-dev"]
    assert all(" | create | copy from registry mlreg-dev (Entra tenant " in row for row in rows)
    assert "gate stage Production, tag approved-for=prod: checked at apply/plan against the source" in rows[0]
    assert "| blocked |" not in review
