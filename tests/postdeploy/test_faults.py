"""Throttling, server errors, timeouts, a forbidden workspace and a changed registry asset."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from postdeploy.apply import apply_plan
from postdeploy.context import stack_context
from postdeploy.operations import Action
from postdeploy.plan import inspect_plan
from stacks.load import load_stack_file
from tests.fakeml import Fault
from tests.postdeploy.conftest import FIXTURES, World, build_world

T2 = "/workspaces/mlw-tenant2-ws1-test/"


def statuses(world: World, method: str, fragment: str) -> list[int]:
    return [r.status for r in world.fake.find(method, fragment)]


def test_429_is_retried_after_the_time_the_service_asked_for(world: World) -> None:
    world.fake.inject(Fault.throttled(retry_after=7, method="PUT", path_contains="/environments/base-env/versions/1"))
    assert world.apply().exit_code == 0
    assert statuses(world, "PUT", "/registries/mlreg-test/environments/base-env/versions/1") == [429, 201]
    assert world.sleeps == [7.0]


def test_503_and_dropped_connections_back_off_exponentially(world: World) -> None:
    world.fake.inject(Fault.unavailable(method="GET", path_contains="/components/train_model/", times=2))
    world.fake.inject(Fault.connection_error(method="PUT", path_contains="/models/credit-default/versions/1"))
    assert world.apply().exit_code == 0
    assert statuses(world, "GET", "/registries/mlreg-test/components/train_model/versions/1")[:3] == [503, 503, 404]
    assert statuses(world, "PUT", f"{T2.replace('tenant2', 'tenant3')}models/credit-default/versions/1") == [0, 201]
    assert sorted(world.sleeps) == [1.0, 1.0, 2.0]


def test_a_timeout_is_retried_and_the_deployment_is_created_once(world: World) -> None:
    world.fake.inject(Fault.timeout(method="PUT", path_contains="/batchEndpoints/credit-batch/deployments/"))
    assert world.apply().exit_code == 0
    assert statuses(world, "PUT", "/batchEndpoints/credit-batch/deployments/credit-default-v1") == [0, 201]
    assert world.workspace("tenant3/ws1").child("batchEndpoints", "credit-batch", "deployments", "credit-default-v1")


def test_retries_give_up_after_the_attempt_budget_with_the_cause(world: World) -> None:
    world.fake.inject(Fault(status=503, code="ServiceUnavailable", message="front end restarting",
                            method="PUT", path_contains="/onlineEndpoints", times=None))
    result = world.apply()
    (failure,) = result.failures
    assert failure.operation.kind.name == "push" and failure.operation.target.name == "tenant2/ws1"
    assert failure.message == "503 ServiceUnavailable: front end restarting"
    assert len(world.fake.find("PUT", f"{T2}onlineEndpoints")) == 6  # RetryPolicy.attempts, then no more


def test_403_in_one_workspace_fails_only_that_workspace(world: World) -> None:
    world.fake.inject(Fault.forbidden(T2, method="PUT"))
    result = world.apply()
    assert result.exit_code == 1
    failed = {(o.operation.kind.name, o.operation.target.name) for o in result.failures}
    assert failed == {("push", "tenant2/ws1"), ("pull", "tenant2/ws1")}
    assert all(o.message.startswith("403 AuthorizationFailed") for o in result.failures)
    done = {(o.operation.kind.name, o.operation.target.name) for o in result.done}
    assert ("push", "tenant3/ws1") in done and ("pull", "tenant3/ws1") in done
    assert ("share", "mlreg-test") in done and ("component", "mlreg-test") in done
    assert world.workspace("tenant3/ws1").child("batchEndpoints", "credit-batch") is not None


def test_a_workspace_that_cannot_be_read_is_blocked_in_the_plan_and_the_rest_goes_ahead(world: World) -> None:
    world.fake.inject(Fault.forbidden(T2))
    plan = world.plan()
    t2 = [op for op in plan.operations if op.target.name == "tenant2/ws1"]
    # The environment pull only reads the registry (it is referenced by URI), so it is not affected.
    reads_workspace = [op for op in t2 if not op.subject.startswith("environment")]
    assert len(reads_workspace) == 2
    assert all(op.action is Action.BLOCKED and "403 AuthorizationFailed" in op.reason for op in reads_workspace)
    assert all(op.action is not Action.BLOCKED for op in plan.operations if op.target.name != "tenant2/ws1")
    # Each distinct read was tried once: 403 is not retried.
    assert statuses(world, "GET", f"{T2}onlineEndpoints") == [403]


@pytest.fixture
def edited_catalog(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES, project)
    return project


def test_changed_content_under_an_existing_version_asks_for_a_version_bump(world: World, edited_catalog: Path) -> None:
    assert world.apply().exit_code == 0
    env_file = edited_catalog / "catalog/environments/base.yml"
    env_file.write_text(env_file.read_text().replace("test environment", "an edited test environment"))
    world.context = stack_context(load_stack_file("test", edited_catalog), project_dir=edited_catalog)

    plan = world.plan()
    (blocked,) = plan.blocked
    assert blocked.kind.name == "environment" and blocked.subject == "base-env:1"
    assert "already exists in registry mlreg-test with different content" in blocked.reason
    assert "bump 'version' in catalog/environments/base.yml" in blocked.reason

    world.fake.clear_requests()
    session = world.session()
    result = apply_plan(inspect_plan(session), session)
    assert result.exit_code == 1
    (failure,) = result.failures
    assert "bump 'version'" in failure.message
    assert not world.fake.find("PUT", "/environments/base-env/")


def test_a_version_created_elsewhere_between_plan_and_apply_is_a_conflict(context) -> None:
    world = build_world(context)
    session = world.session()
    plan = inspect_plan(session)
    # Someone else registers base-env:1 with other content after the plan was made.
    world.registry.assets[("environments", "base-env", "1")] = {
        "id": "azureml://registries/mlreg-test/environments/base-env/versions/1", "name": "1",
        "properties": {"image": "other:latest", "tags": {}}, "systemData": {"createdAt": "2025"},
    }
    result = apply_plan(plan, session)
    env = next(o for o in result.outcomes if o.operation.kind.name == "environment")
    assert env.status == "failed" and "different content" in env.message and "bump 'version'" in env.message
    assert statuses(world, "PUT", "/registries/mlreg-test/environments/base-env/versions/1") == [409]
    # The components that need it were not attempted.
    components = [o for o in result.outcomes if o.operation.kind.name == "component"]
    assert components and all(o.message.startswith("not attempted") for o in components)
