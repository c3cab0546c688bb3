"""plan -> apply -> plan against the fake: what is sent, in what order, and that a rerun changes nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable

from postdeploy.context import stack_context
from postdeploy.operations import Action
from postdeploy.push import MODEL_TAG, RETIRE_TAG
from stacks.load import parse_config, raw_from_stack_file
from tests.fakeml import Fault, RecordedRequest
from tests.postdeploy.conftest import FIXTURES, MODEL_PATH, World, build_world

REGISTRY_PREFIX = (
    "/mferp/managementfrontend/subscriptions/0b7e4c2d-1a3f-4e5b-8c6d-9f0a1b2c3d01/resourceGroups/rg-mlreg-test"
    "/providers/Microsoft.MachineLearningServices/registries/mlreg-test"
)
T2 = ("/subscriptions/6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a/resourceGroups/rg-ml-tenant2-ws1-test"
      "/providers/Microsoft.MachineLearningServices/workspaces/mlw-tenant2-ws1-test")
T3 = ("/subscriptions/9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b/resourceGroups/rg-ml-tenant3-ws1-test"
      "/providers/Microsoft.MachineLearningServices/workspaces/mlw-tenant3-ws1-test")
MODEL_URI = "azureml://registries/mlreg-test/models/credit-default/versions/1"


def ending(world: World, method: str, suffix: str) -> list[RecordedRequest]:
    return [r for r in world.fake.find(method, suffix) if r.path.endswith(suffix)]


def only(requests: list[RecordedRequest]) -> RecordedRequest:
    assert len(requests) == 1, [str(r) for r in requests]
    return requests[0]


def test_first_apply_seeds_shares_pushes_and_pulls_with_the_right_requests(world: World) -> None:
    result = world.apply()
    assert result.exit_code == 0, [f"{o.operation}: {o.message}" for o in result.failures]
    fake, catalog = world.fake, world.context.catalog

    env = only(fake.find("PUT", f"{REGISTRY_PREFIX}/environments/base-env/versions/1"))
    assert env.host == "cert-westeurope.experiments.azureml.net"
    assert env.api_version == "2021-10-01-dataplanepreview"
    assert "scikit-learn==1.5.2" in env.body["properties"]["condaFile"]
    assert env.body["properties"]["tags"]["mlt-fingerprint"] == catalog.environments[0].fingerprint

    for name, version in (("train_model", "1"), ("score_model", "2")):
        component = only(fake.find("PUT", f"{REGISTRY_PREFIX}/components/{name}/versions/{version}"))
        assert component.api_version == "2021-10-01-dataplanepreview"
        # Short references (azureml:base-env:1, base-env@latest) became full registry URIs.
        assert component.body["properties"]["componentSpec"]["environment"] == (
            "azureml://registries/mlreg-test/environments/base-env/versions/1")

    imports = fake.find("POST", f"{REGISTRY_PREFIX}/import")
    assert len(imports) == 2
    source_guid = world.workspace("tenant1/ws1").workspace_guid
    model_import = next(r for r in imports if r.body["properties"]["destinationName"] == "credit-default")
    assert model_import.api_version == "2021-10-01-dataplanepreview"
    assert model_import.body["properties"] == {
        "referenceType": "Id", "destinationName": "credit-default", "destinationVersion": "1",
        "sourceAssetId": f"azureml://locations/westeurope/workspaces/{source_guid}/models/credit-default/versions/1",
    }

    endpoint_puts = ending(world, "PUT", f"{T2}/onlineEndpoints/credit-online")
    assert endpoint_puts[0].api_version == "2022-02-01-preview"
    assert endpoint_puts[0].body["identity"] == {"type": "SystemAssigned"}
    assert endpoint_puts[0].body["properties"]["authMode"] == "Key"
    assert endpoint_puts[-1].body["properties"]["traffic"] == {"credit-default-v1": 100}
    deployment = only(fake.find("PUT", f"{T2}/onlineEndpoints/credit-online/deployments/credit-default-v1"))
    assert deployment.api_version == "2023-04-01-preview"
    assert deployment.body["properties"]["model"] == MODEL_URI
    assert deployment.body["properties"]["instanceType"] == "Standard_DS3_v2"
    assert deployment.body["sku"]["capacity"] == 1
    # Traffic moves only after the deployment exists.
    assert fake.requests.index(deployment) < fake.requests.index(endpoint_puts[-1])

    batch_deployment = only(fake.find("PUT", f"{T3}/batchEndpoints/credit-batch/deployments/credit-default-v1"))
    assert batch_deployment.body["properties"]["model"]["assetId"] == MODEL_URI
    assert batch_deployment.body["properties"]["compute"].endswith("/computes/cpu-cluster")
    batch_endpoint = ending(world, "PUT", f"{T3}/batchEndpoints/credit-batch")[-1]
    assert batch_endpoint.body["properties"]["defaults"] == {"deploymentName": "credit-default-v1"}

    model_pull = only(fake.find("PUT", f"{T3}/models/credit-default/versions/1"))
    assert model_pull.body["properties"]["modelUri"] == MODEL_URI
    assert model_pull.body["properties"]["modelType"] == "mlflow_model"  # taken from the registry version
    data_pull = only(fake.find("PUT", f"{T2}/data/credit-sample/versions/1"))
    assert data_pull.body["properties"]["dataUri"] == "azureml://registries/mlreg-test/data/credit-sample/versions/1"
    assert data_pull.body["properties"]["dataType"] == "uri_folder"
    # Environments and components are referenced by registry URI: nothing is written for them in workspaces.
    assert not [r for r in fake.writes() if "/workspaces/" in r.path and ("/environments/" in r.path
                                                                          or "/components/" in r.path)]


def test_plan_apply_plan_converges_and_the_second_apply_writes_nothing(world: World) -> None:
    assert world.plan().has_changes
    assert world.apply().exit_code == 0
    world.fake.clear_requests()

    again = world.plan()
    assert not again.has_changes, [str(op) for op in again.changes]
    assert {op.action for op in again.operations} == {Action.SKIP}
    # One read per declared item, plus the prune scan's lists per workspace (online and batch endpoints,
    # which the pushes share, schedules, model and data names) and one list of versions per name.
    workspaces = world.context.targets.workspaces
    names = sum(len({(k, n) for k, n, _ in world.workspace(ref).assets if k in ("models", "data")})
                for ref in workspaces)
    declared = len(again.operations) + 5 * len(workspaces) + names
    plan_reads = len(world.fake.reads())
    assert plan_reads <= declared, [str(r) for r in world.fake.requests]

    world.fake.clear_requests()
    result = world.apply()
    assert result.exit_code == 0 and not result.done
    assert world.fake.writes() == []
    assert len(world.fake.reads()) <= declared


def _config_with(world: World, edit: Callable[[dict], None]) -> World:
    raw = copy.deepcopy(raw_from_stack_file(FIXTURES / "Pulumi.test.yaml"))
    edit(raw)
    cfg = parse_config(raw, environment="test", project_dir=FIXTURES)
    world.context = stack_context(cfg, project_dir=FIXTURES)
    return world


def _bump_model_to_2(raw: dict) -> None:
    raw["sharing"]["share"].append({"from": "tenant1/ws1", "model": "credit-default", "version": "2"})
    for push in raw["sharing"]["push"]:
        push["version"] = "2"


def test_a_new_model_version_rolls_out_a_new_deployment_then_removes_the_old(world: World) -> None:
    assert world.apply().exit_code == 0
    world.fake.seed_workspace_asset(world.workspace("tenant1/ws1"), "models", "credit-default", "2",
                                    {"modelType": "mlflow_model", "modelUri": MODEL_PATH + "v2/"})
    _config_with(world, _bump_model_to_2)
    plan = world.plan()
    pushes = [op for op in plan.operations if op.kind.name == "push"]
    assert {op.action for op in pushes} == {Action.UPDATE}
    world.fake.clear_requests()

    assert world.apply().exit_code == 0
    fake = world.fake
    new = only(fake.find("PUT", f"{T2}/onlineEndpoints/credit-online/deployments/credit-default-v2"))
    assert new.body["properties"]["model"] == MODEL_URI.replace("/versions/1", "/versions/2")
    switch = next(r for r in ending(world, "PUT", f"{T2}/onlineEndpoints/credit-online")
                  if r.body["properties"]["traffic"] == {"credit-default-v2": 100})
    assert switch.body["tags"][RETIRE_TAG] == "credit-default-v1"
    delete = only(fake.find("DELETE", f"{T2}/onlineEndpoints/credit-online/deployments/credit-default-v1"))
    assert fake.requests.index(new) < fake.requests.index(switch) < fake.requests.index(delete)

    t2 = world.workspace("tenant2/ws1")
    assert t2.child("onlineEndpoints", "credit-online", "deployments", "credit-default-v1") is None
    endpoint = t2.child("onlineEndpoints", "credit-online")
    assert endpoint["tags"][MODEL_TAG] == "credit-default:2" and RETIRE_TAG not in endpoint["tags"]
    t3 = world.workspace("tenant3/ws1")
    assert t3.child("batchEndpoints", "credit-batch")["properties"]["defaults"]["deploymentName"] == "credit-default-v2"
    assert t3.child("batchEndpoints", "credit-batch", "deployments", "credit-default-v1") is None
    assert not world.plan().has_changes


def test_a_rollout_whose_cleanup_failed_is_finished_by_the_next_run(world: World) -> None:
    assert world.apply().exit_code == 0
    world.fake.seed_workspace_asset(world.workspace("tenant1/ws1"), "models", "credit-default", "2",
                                    {"modelType": "mlflow_model", "modelUri": MODEL_PATH + "v2/"})
    _config_with(world, _bump_model_to_2)
    world.fake.inject(Fault.forbidden("/onlineEndpoints/credit-online/deployments/credit-default-v1", method="DELETE"))

    result = world.apply()
    (failure,) = result.failures
    assert failure.operation.target.name == "tenant2/ws1" and "403" in failure.message
    t2 = world.workspace("tenant2/ws1")
    assert t2.child("onlineEndpoints", "credit-online")["properties"]["traffic"] == {"credit-default-v2": 100}

    plan = world.plan()
    (push,) = [op for op in plan.changes if op.kind.name == "push"]
    assert push.action is Action.UPDATE and "credit-default-v1" in push.reason

    world.fake.clear_faults()
    assert world.apply().exit_code == 0
    assert t2.child("onlineEndpoints", "credit-online", "deployments", "credit-default-v1") is None
    assert not world.plan().has_changes


def test_nothing_is_created_twice_when_a_run_is_repeated_after_a_partial_failure(context) -> None:
    world = build_world(context)
    world.fake.inject(Fault.forbidden("/workspaces/mlw-tenant3-ws1-test/", method="PUT"))
    assert world.apply().exit_code == 1
    world.fake.clear_faults()
    world.fake.clear_requests()
    assert world.apply().exit_code == 0
    # Only tenant3's work is left; the registry and tenant2 are not written again.
    written = {r.path for r in world.fake.writes()}
    assert written and all("mlw-tenant3-ws1-test" in path for path in written), sorted(written)

