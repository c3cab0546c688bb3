"""Removal and drift: what post-deploy created and config no longer declares, and edits made in a workspace."""

from __future__ import annotations

import dataclasses

from postdeploy.operations import Action
from tests.fakeml import FakeWorkspace
from tests.fakeml.state import system_data
from tests.postdeploy.conftest import World
from tests.postdeploy.test_schedules_kind import DevWorld, dev, planned_for  # noqa: F401 (dev: fixture)

T2 = "/workspaces/mlw-tenant2-ws1-test/"
OWNED = {"mlt-managed-by": "ml-tenancy post-deploy"}


def without_online_push(world: World) -> None:
    config = world.context.config
    kept = [p for p in config.sharing.push if p.endpoint.kind != "online"]
    sharing = config.sharing.model_copy(update={"push": kept})
    world.context = dataclasses.replace(world.context, config=config.model_copy(update={"sharing": sharing}))


def plant(ws: FakeWorkspace, *path: str, tags: dict[str, str], properties: dict | None = None) -> None:
    """A resource made outside post-deploy (or by an earlier run of it), as the service stores it."""
    key = tuple(p.lower() for p in path)
    body = {"id": f"{ws.arm_id}/{'/'.join(path)}", "name": path[-1], "location": ws.location,
            "properties": {"provisioningState": "Succeeded", **(properties or {})}, "systemData": system_data()}
    if path[0] == "schedules":  # a schedule keeps its tags in its properties, a tracked resource at the top
        body["properties"]["tags"] = tags
    else:
        body["tags"] = tags
        body["identity"] = {"type": "None"}
        body["properties"].update(authMode="Key", scoringUri="https://x/score", traffic={}, properties={},
                                  defaults={"deploymentName": None})
    ws.children[key] = body


SCHEDULE = {  # a job schedule as the service stores it
    "isEnabled": True, "displayName": None,
    "trigger": {"triggerType": "Cron", "expression": "0 2 * * 1", "timeZone": "UTC"},
    "action": {"actionType": "CreateJob", "jobDefinition": {"jobType": "Pipeline", "jobs": {}, "inputs": {},
                                                             "outputs": {}, "settings": {}}},
}


def deletes(plan) -> list[tuple[str, str]]:
    return [(op.target.name, op.subject) for op in plan.operations if op.action is Action.DELETE]


def test_a_removed_push_is_planned_as_delete_and_deleted_only_with_prune(world: World) -> None:
    assert world.apply().exit_code == 0
    without_online_push(world)
    plan = world.plan()
    assert deletes(plan) == [("tenant2/ws1", "online endpoint credit-online")]
    (op,) = [o for o in plan.operations if o.action is Action.DELETE]
    assert op.kind.name == "prune" and "--prune" in op.reason

    result = world.apply()
    assert result.exit_code == 0
    (kept,) = [o for o in result.outcomes if o.operation.action is Action.DELETE]
    assert kept.status == "unchanged" and "only with --prune" in kept.message
    assert not world.fake.find("DELETE", "/onlineEndpoints/")
    assert world.workspace("tenant2/ws1").child("onlineEndpoints", "credit-online")

    world.fake.clear_requests()
    result = world.apply(prune=True)
    assert result.exit_code == 0 and any(o.message == "deleted online endpoint credit-online" for o in result.done)
    (delete,) = world.fake.find("DELETE", f"{T2}onlineEndpoints/credit-online")
    assert delete.status == 202
    assert [r.status for r in world.fake.find("GET", "/mfeOperationResults/")][-1] == 204
    ws = world.workspace("tenant2/ws1")
    assert ws.child("onlineEndpoints", "credit-online") is None
    assert ws.child("onlineEndpoints", "credit-online", "deployments", "credit-default-v1") is None
    assert not world.plan().has_changes


def test_a_schedule_config_no_longer_declares_is_pruned(world: World) -> None:
    ws = world.workspace("tenant2/ws1")
    plant(ws, "schedules", "retrain-old-job", tags={"config-fingerprint": "abc", **OWNED}, properties=SCHEDULE)
    assert deletes(world.plan()) == [("tenant2/ws1", "schedule retrain-old-job")]
    assert world.apply(prune=True).exit_code == 0
    assert [r.status for r in world.fake.find("DELETE", f"{T2}schedules/retrain-old-job")] == [202]
    assert ws.child("schedules", "retrain-old-job") is None


def test_nothing_post_deploy_did_not_create_is_ever_deleted(world: World) -> None:
    ws = world.workspace("tenant2/ws1")
    plant(ws, "onlineEndpoints", "their-endpoint", tags={"team": "fraud"})
    plant(ws, "batchEndpoints", "their-batch", tags={})
    plant(ws, "schedules", "their-schedule", tags={"mlt-managed-by": "someone else"}, properties=SCHEDULE)
    assert world.apply(prune=True).exit_code == 0
    assert deletes(world.plan()) == []
    assert not world.fake.find("DELETE", "/")
    assert ws.child("onlineEndpoints", "their-endpoint") and ws.child("batchEndpoints", "their-batch")
    assert ws.child("schedules", "their-schedule")


def test_an_edited_schedule_that_keeps_its_tag_is_drift(dev: DevWorld) -> None:  # noqa: F811
    assert dev.cli("apply").exit_code == 0
    # Disabled in the studio: the tag is untouched, the content is not.
    site = next(w for w in dev.fake.service.workspaces.values() if w.name == "mlw-tenant1-ws1-dev")
    site.children[("schedules", "retrain-weekly-credit")]["properties"]["isEnabled"] = False
    planned = dev.cli("plan")
    assert planned_for(planned.output, "retrain-weekly-credit") == (
        "update", "edited in the workspace: enabled: False -> True")
    assert planned_for(planned.output, "retrain-nightly-finetune")[0] == "skip"
    dev.fake.clear_requests()
    assert dev.cli("apply").exit_code == 0
    (write,) = [w for w in dev.fake.writes() if "/schedules/" in w.path]
    assert write.method == "PUT" and write.body["properties"]["isEnabled"] is True
    assert planned_for(dev.cli("plan").output, "retrain-weekly-credit")[0] == "skip"


def without_pulls(world: World) -> None:
    config = world.context.config
    sharing = config.sharing.model_copy(update={"pull": ()})
    world.context = dataclasses.replace(world.context, config=config.model_copy(update={"sharing": sharing}))


def test_a_removed_pull_is_archived_only_with_prune_and_a_tenants_own_version_stays(world: World) -> None:
    assert world.apply().exit_code == 0
    t3, t2 = world.workspace("tenant3/ws1"), world.workspace("tenant2/ws1")
    assert t3.asset("models", "credit-default", "1")["properties"]["tags"]["mlt-source"].startswith("azureml://")
    # The tenant's own version of another model: no ownership tags, never a candidate.
    world.fake.seed_workspace_asset(t3, "models", "own-model", "1", {"modelUri": "azureml://x", "tags": {}})
    without_pulls(world)

    plan = world.plan()
    assert sorted(deletes(plan)) == [("tenant2/ws1", "pulled data credit-sample:1"),
                                     ("tenant3/ws1", "pulled model credit-default:1")]
    assert all("archived by apply --prune" in op.reason for op in plan.operations if op.action is Action.DELETE)
    assert world.apply().exit_code == 0
    assert not t3.asset("models", "credit-default", "1")["properties"].get("isArchived")

    world.fake.clear_requests()
    result = world.apply(prune=True)
    assert result.exit_code == 0
    assert {o.message for o in result.done} >= {"archived pulled model credit-default:1",
                                                 "archived pulled data credit-sample:1"}
    (archive,) = [w for w in world.fake.writes() if "/models/credit-default/versions/1" in w.path]
    assert archive.method == "PUT" and archive.body["properties"]["isArchived"] is True
    assert t3.asset("models", "credit-default", "1")["properties"]["isArchived"] is True
    assert t2.asset("data", "credit-sample", "1")["properties"]["isArchived"] is True
    assert not t3.asset("models", "own-model", "1")["properties"].get("isArchived")
    assert not [w for w in world.fake.writes() if "/own-model/" in w.path]
    assert deletes(world.plan()) == []  # archived versions leave the active lists
