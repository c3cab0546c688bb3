"""Long-running operations as Azure answers them, and what post-deploy makes of each answer."""

from __future__ import annotations

import pytest

from postdeploy.apply import apply_plan
from postdeploy.operations import Action
from postdeploy.plan import inspect_plan
from tests.fakeml import Fault
from tests.fakeml.service import ProvisioningFailure
from tests.postdeploy.conftest import World

T2 = "/workspaces/mlw-tenant2-ws1-test/"
DEPLOYMENT = f"{T2}onlineEndpoints/credit-online/deployments/credit-default-v1"


def outcome(result, kind: str, workspace: str | None = None):
    return next(o for o in result.outcomes
                if o.operation.kind.name == kind and (workspace is None or o.operation.target.name == workspace))


def test_a_deployment_that_fails_after_three_polls_is_reported_with_azures_message(world: World) -> None:
    world.fake.service.lro.polls = 3
    world.fake.service.failures.append(ProvisioningFailure(
        "/onlineEndpoints/credit-online/deployments/", code="DeploymentFailed",
        message="Container crashed: the scoring script raised during init()"))
    result = world.apply()

    failed = outcome(result, "push", "tenant2/ws1")
    assert failed.status == "failed"
    assert failed.message == ("deployment credit-default-v1 failed to provision: DeploymentFailed: Container crashed: "
                              "the scoring script raised during init(); traffic was not moved")
    # The deployment was sent once and polled until Azure said Failed; it stays, marked Failed.
    assert [r.status for r in world.fake.find("PUT", DEPLOYMENT)] == [201]
    ws = world.workspace("tenant2/ws1")
    assert ws.child("onlineEndpoints", "credit-online", "deployments", "credit-default-v1")[
        "properties"]["provisioningState"] == "Failed"
    assert not ws.child("onlineEndpoints", "credit-online")["properties"].get("traffic")  # traffic unchanged
    # Everything else completed.
    assert [o.operation for o in result.failures] == [failed.operation]
    assert outcome(result, "push", "tenant3/ws1").status == "done"
    # Polls waited as the service asked, through the injected clock.
    assert world.poll_waits and set(world.poll_waits) == {1.0}


def test_a_429_on_a_poll_retries_the_poll_not_the_put(world: World) -> None:
    world.fake.service.lro.polls = 2
    world.fake.inject(Fault.throttled(retry_after=9, method="GET", path_contains="/mfeOperationsStatus/"))
    assert world.apply().exit_code == 0
    polls = world.fake.find("GET", "/mfeOperationsStatus/")
    assert polls[0].status == 429 and polls[1].url == polls[0].url and polls[1].status == 200
    assert world.sleeps == [9.0]
    # Every long-running PUT was sent exactly once.
    for path in (DEPLOYMENT, f"{T2}onlineEndpoints/credit-online"):
        assert len([r for r in world.fake.find("PUT", path) if r.path.endswith(path)]) >= 1
    assert [r.status for r in world.fake.find("PUT", DEPLOYMENT)] == [201]
    endpoint_puts = [r for r in world.fake.requests if r.method == "PUT" and r.path.endswith("/credit-online")]
    assert len(endpoint_puts) == 2  # create, then move traffic: none re-sent


def test_one_attempt_budget_per_request_end_to_end(world: World) -> None:
    world.fake.inject(Fault(status=503, code="ServiceUnavailable", message="front end restarting",
                            method="GET", path_contains="/mfeOperationsStatus/", times=None))
    result = world.apply()
    assert result.exit_code == 1
    first_poll = world.fake.find("GET", "/mfeOperationsStatus/")[0].url
    assert len([r for r in world.fake.requests if r.url == first_poll]) == 6  # RetryPolicy.attempts, no more
    # No PUT was ever sent twice: retrying happened at the poll only.
    puts = [r.url for r in world.fake.writes() if r.method == "PUT"]
    assert len(puts) == len(set(puts))


def test_resources_read_creating_then_succeeded_and_delete_is_202_then_204(world: World) -> None:
    service = world.fake.service
    service.lro.polls = 1
    ws = world.workspace("tenant2/ws1")
    path = f"{ws.arm_id}/schedules/nightly"
    created = service.handle("PUT", path, {}, {"properties": {"action": {}, "trigger": {}}})
    assert created.status == 201 and created.body["properties"]["provisioningState"] == "Creating"
    status_url = created.headers["Azure-AsyncOperation"]
    assert created.headers["Retry-After"] == "1"
    status_path = status_url.split("management.azure.com", 1)[1].split("?")[0]
    assert service.handle("GET", path, {}, None).body["properties"]["provisioningState"] == "Creating"
    assert service.handle("GET", status_path, {}, None).body == {"status": "InProgress"}
    assert service.handle("GET", status_path, {}, None).body == {"status": "Succeeded"}
    assert service.handle("GET", path, {}, None).body["properties"]["provisioningState"] == "Succeeded"

    deleted = service.handle("DELETE", path, {}, None)
    assert deleted.status == 202 and "Location" in deleted.headers
    location = deleted.headers["Location"].split("management.azure.com", 1)[1].split("?")[0]
    assert service.handle("GET", path, {}, None).body["properties"]["provisioningState"] == "Deleting"
    assert service.handle("GET", location, {}, None).status == 202
    assert service.handle("GET", location, {}, None).status == 204
    assert service.handle("GET", path, {}, None).status == 404


@pytest.mark.parametrize("answer", ["empty", "asset"])
def test_share_completes_whichever_body_the_import_ends_with(world: World, answer: str) -> None:
    world.fake.service.import_result = answer
    result = world.apply()
    assert result.exit_code == 0, [str(o.operation) + ": " + o.message for o in result.failures]
    shares = [o for o in result.outcomes if o.operation.kind.name == "share"]
    assert {o.status for o in shares} == {"done"}
    assert len(world.fake.find("POST", "/registries/mlreg-test/import")) == 2
    assert world.registry.asset("models", "credit-default", "1")["properties"]["provisioningState"] == "Succeeded"
    assert not world.plan().has_changes


@pytest.mark.parametrize("answer", ["409", "400", "200-keeps-old"])
def test_a_version_created_meanwhile_with_other_content_is_a_conflict_whatever_the_status(
    world: World, answer: str
) -> None:
    world.fake.service.version_conflict = answer
    session = world.session()
    plan = inspect_plan(session, max_workers=4)
    env = next(op for op in plan.operations if op.kind.name == "environment")
    assert env.action is Action.CREATE
    # Someone creates base-env:1 with other content between plan and apply.
    registry = world.registry
    registry.assets[("environments", "base-env", "1")] = world.fake.service.version_resource(
        registry.asset_id("environments", "base-env", "1"), "environments", "1",
        {"image": "someone/else:1", "tags": {"mlt-fingerprint": "0000"}})
    result = apply_plan(plan, session, max_workers=4)

    failed = outcome(result, "environment")
    assert failed.status == "failed"
    assert "already exists in registry mlreg-test with different content" in failed.message
    assert "bump 'version'" in failed.message
    # The decision came from reading the version back, after the one PUT.
    reads = world.fake.find("GET", "/registries/mlreg-test/environments/base-env/versions/1")
    put = world.fake.find("PUT", "/registries/mlreg-test/environments/base-env/versions/1")
    assert len(put) == 1 and world.fake.requests.index(reads[-1]) > world.fake.requests.index(put[0])
    assert registry.asset("environments", "base-env", "1")["properties"]["image"] == "someone/else:1"


def test_a_lost_answer_of_a_create_that_succeeded_is_done(world: World) -> None:
    # The version is created, but the caller never hears back: a read timeout on every attempt.
    world.fake.inject(Fault.timeout(method="GET", path_contains="/mfeOperationsStatus/", times=6))
    session = world.session()
    plan = inspect_plan(session, max_workers=1)
    result = apply_plan(plan, session, max_workers=1)
    env = outcome(result, "environment")
    assert env.status == "done" and env.message == "already created with the same content"


def test_operations_that_point_at_their_status_with_location_complete_too(world: World) -> None:
    world.fake.service.lro.header = "Location"
    world.fake.service.lro.polls = 2
    assert world.apply().exit_code == 0
    polls = world.fake.find("GET", "/mfeOperationResults/")
    assert polls and {r.status for r in polls} == {200, 202}  # 202 while in progress, then the resource
    assert not world.fake.find("GET", "/mfeOperationsStatus/")
    assert not world.plan().has_changes
