"""The offline preview (no HTTP), plan rendering, and what a live plan blocks."""

from __future__ import annotations

import dataclasses

import pytest
from rich.console import Console

from postdeploy.operations import Action, Operation, Plan, Target
from postdeploy.plan import offline_plan
from postdeploy.render import plan_markdown_rows, plan_table
from postdeploy.seed import COMPONENT, ENVIRONMENT
from stacks.load import load_stack_file
from stacks.model import PlatformConfig
from tests.postdeploy.conftest import FIXTURES, World


def test_offline_plan_of_the_test_stack_creates_everything_in_dependency_order(cfg: PlatformConfig) -> None:
    plan = offline_plan(cfg, FIXTURES)
    assert [op.kind.name for op in plan.operations] == [
        "environment", "component", "component", "share", "share", "push", "push", "pull", "pull", "pull", "pull"]
    actions = {(op.kind.name, op.subject): op.action for op in plan.operations}
    assert actions[("environment", "base-env:1")] is Action.CREATE
    assert actions[("pull", "environment base-env:1")] is Action.SKIP  # referenced by URI
    assert actions[("pull", "model credit-default:1")] is Action.CREATE
    assert not plan.blocked
    push = next(op for op in plan.operations if op.kind.name == "push" and op.target.name == "tenant2/ws1")
    assert push.requires == ("registry:models/credit-default/1",)
    assert "credit-default-v1" in push.reason


def test_offline_plan_of_the_dev_stack_covers_every_declared_item() -> None:
    cfg = load_stack_file("dev")
    plan = offline_plan(cfg)
    catalog = len(cfg.catalog.environments) + len(cfg.catalog.components)
    sharing = cfg.sharing
    schedules = sum(len(w.retraining) for t in cfg.tenants for w in t.workspaces)
    assert len(plan.operations) == (catalog + len(sharing.share) + sum(len(p.to) for p in sharing.push)
                                    + sum(len(p.into) for p in sharing.pull) + schedules)
    assert sorted(op.subject for op in plan.operations if op.kind.name == "schedule") == [
        "retrain-nightly-finetune", "retrain-weekly-credit"]
    assert {op.target for op in plan.operations if op.kind.name in ("environment", "component", "share")} == {
        Target("registry", cfg.registry.name)}
    # Whatever is blocked is blocked because nothing in the stack provides it, and says so.
    for op in plan.blocked:
        assert "nothing in this stack" in op.reason
        assert not any(key in {k for o in plan.operations for k in o.provides} for key in op.requires)


def test_a_push_of_a_model_nobody_shares_is_blocked_and_so_is_nothing_else(world: World, cfg) -> None:
    raw_share = world.context.config.sharing.share
    sharing = world.context.config.sharing.model_copy(update={"share": raw_share[1:]})  # drop the model share
    config = world.context.config.model_copy(update={"sharing": sharing})
    world.context = dataclasses.replace(world.context, config=config)
    plan = world.plan()
    blocked = {(op.kind.name, op.target.name) for op in plan.blocked}
    assert blocked == {("push", "tenant2/ws1"), ("push", "tenant3/ws1"), ("pull", "tenant3/ws1")}
    assert all("credit-default:1 is not in the registry" in op.reason or "credit-default:1 is not in registry"
               in op.reason for op in plan.blocked)


def test_an_operation_that_needs_a_blocked_one_is_blocked_too() -> None:
    target = Target("registry", "r")
    blocked = Operation(ENVIRONMENT, target, "e:1", Action.BLOCKED, "changed", 10, provides=("registry:env/e/1",))
    needs = Operation(COMPONENT, target, "c:1", Action.CREATE, "create", 20, requires=("registry:env/e/1",))
    from postdeploy.plan import _block_dependents

    (_, after) = _block_dependents([blocked, needs])
    assert after.action is Action.BLOCKED and after.reason == "needs environment e:1 in registry r, which is blocked"


def test_plans_are_frozen_and_render_as_a_table_and_markdown(cfg: PlatformConfig) -> None:
    plan = offline_plan(cfg, FIXTURES)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.operations[0].action = Action.SKIP  # type: ignore[misc]
    assert isinstance(plan, Plan)

    console = Console(record=True, width=250)
    console.print(plan_table(plan))
    text = console.export_text()
    assert "post-deploy plan for stack test" in text and "9 create, 0 update, 0 delete, 2 skip, 0 blocked" in text

    rows = plan_markdown_rows(plan)
    assert rows[:2] == ["| target | kind | subject | action | reason |", "|---|---|---|---|---|"]
    assert len(rows) == 2 + len(plan.operations)
    assert rows[2] == ("| registry mlreg-test | environment | base-env:1 | create | "
                       "create from catalog/environments/base.yml |")
