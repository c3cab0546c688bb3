"""Share-back: a retrained workspace version goes to the registry as the next version, with lineage."""

from __future__ import annotations

import pytest

from postdeploy.retraining.share_back import ShareBackError, share_back
from tests.retraining.conftest import TENANT1
from tests.retraining.fake_service import fake_for, registry_client, share_reaches, workspace_client

T4_SUB, T4_RG, T4_WS = "9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b", "rg-ml-tenant4-ws1-dev", "mlw-tenant4-ws1-dev"
MODEL = "bert-base-uncased-fine-tuned"


def model_version(ws, run: str | None, tags: dict[str, str]) -> dict:
    """A model version as a pipeline's register step leaves it in the workspace."""
    properties = {
        "modelUri": f"azureml://subscriptions/{ws.subscription_id}/resourcegroups/{ws.resource_group}/workspaces/"
                    f"{ws.name}/datastores/workspaceartifactstore/paths/ExperimentRun/dcid.{run or 'manual'}/model",
        "modelType": "mlflow_model",
        "tags": tags,
        "properties": {},
    }
    if run:
        properties["jobName"] = run
    return properties


def registered_by_pipeline(version: str, run: str) -> dict[str, str]:
    return {
        "source_tenant": "tenant4", "source_workspace": "ws1", "source_model": f"{MODEL}:{version}",
        "source_run_id": run, "retraining_job": "nightly-finetune", "training_data": "support-tickets-tenant4:3",
        "base_model_name": MODEL, "base_model_version": "1", "metric_auc": "0.8123",
    }


@pytest.fixture
def world(dev_cfg):
    """The reference story so far: tenant3 shared the model as version 1, tenant4 has run its pipeline twice."""
    fake, registry, workspaces = fake_for(dev_cfg)
    tenant3 = fake.add_workspace("6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a", "rg-ml-tenant3-ws1-dev", "mlw-tenant3-ws1-dev")
    fake.seed_workspace_asset(tenant3, "models", MODEL, "1", model_version(tenant3, "t3-run", {"origin": "tenant3"}))
    tenant4 = workspaces["tenant4/ws1"]
    for version, run in (("3", "run-0003"), ("4", "run-0004")):
        fake.seed_workspace_asset(tenant4, "models", MODEL, version,
                                  model_version(tenant4, run, registered_by_pipeline(version, run)))
    with share_reaches(fake):
        workspace_client(fake, tenant3).models.share(
            name=MODEL, version="1", registry_name=registry.name, share_with_name=MODEL, share_with_version="1"
        )
        fake.clear_requests()
        yield {
            "fake": fake, "registry": registry, "tenant4": tenant4, "workspaces": workspaces,
            "ws": workspace_client(fake, tenant4), "reg": registry_client(fake, registry.name),
        }


def test_latest_version_is_shared_as_the_next_registry_version_with_lineage(world, dev_cfg):
    result = share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert result.shared and str(result) == (
        f"shared tenant4/ws1 {MODEL}:4 to azureml://registries/mlreg-dev/models/{MODEL}/versions/2"
    )
    fake = world["fake"]
    (share,) = fake.find("POST", "/registries/mlreg-dev/import")
    assert share.body == {"properties": {
        "referenceType": "Id",
        "destinationName": MODEL,
        "destinationVersion": "2",
        "sourceAssetId": f"azureml://locations/eastus/workspaces/{world['tenant4'].workspace_guid}/models/{MODEL}/versions/4",
    }}
    # The register step already wrote every lineage tag, so the workspace version is not touched.
    assert fake.find("PUT", f"/workspaces/{T4_WS}/models/") == []
    shared = world["registry"].asset("models", MODEL, "2")
    assert shared["properties"]["tags"] == registered_by_pipeline("4", "run-0004")
    assert world["registry"].asset("models", MODEL, "1")["properties"]["tags"] == {"origin": "tenant3"}


def test_sharing_again_changes_nothing(world, dev_cfg):
    share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    world["fake"].clear_requests()
    again = share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert not again.shared
    assert str(again) == f"tenant4/ws1 {MODEL}:4 is already shared as {MODEL}:2"
    assert world["fake"].writes() == []


def test_an_older_version_can_be_shared_explicitly(world, dev_cfg):
    result = share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune",
                        version="3")
    assert (result.plan.source_version, result.plan.target_version) == ("3", "2")
    assert world["registry"].asset("models", MODEL, "2")["properties"]["tags"]["source_run_id"] == "run-0003"


def test_a_version_without_lineage_is_tagged_in_the_workspace_before_it_is_shared(world, dev_cfg):
    fake, tenant4 = world["fake"], world["tenant4"]
    fake.seed_workspace_asset(tenant4, "models", MODEL, "5", model_version(tenant4, "run-0005", {"owner": "ana"}))
    share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    lineage = {
        "source_tenant": "tenant4", "source_workspace": "ws1", "source_model": f"{MODEL}:5",
        "source_run_id": "run-0005", "retraining_job": "nightly-finetune",
        "base_model_name": MODEL, "base_model_version": "1",
    }
    (retag,) = fake.find("PUT", f"/workspaces/{T4_WS}/models/{MODEL}/versions/5")
    assert retag.body["properties"]["tags"] == {"owner": "ana", **lineage}
    # Tags first, then the copy: registry versions are immutable, so the copy must carry them.
    order = [r for r in fake.writes()]
    assert order.index(retag) < order.index(fake.find("POST", "/import")[0])
    assert world["registry"].asset("models", MODEL, "2")["properties"]["tags"] == {"owner": "ana", **lineage}


def test_the_run_id_can_be_given_for_a_version_that_records_none(world, dev_cfg):
    fake, tenant4 = world["fake"], world["tenant4"]
    fake.seed_workspace_asset(tenant4, "models", MODEL, "6", model_version(tenant4, None, {}))
    with pytest.raises(ShareBackError, match="records no run id"):
        share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert world["fake"].writes() == []
    share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune", run_id="run-77")
    assert world["registry"].asset("models", MODEL, "2")["properties"]["tags"]["source_run_id"] == "run-77"


def test_a_new_registry_model_starts_at_version_one(dev_cfg):
    fake, registry, workspaces = fake_for(dev_cfg)
    tenant1 = workspaces["tenant1/ws1"]
    tags = {"source_tenant": "tenant1", "source_workspace": "ws1", "source_model": "credit-card-default:7",
            "source_run_id": "run-1", "retraining_job": "weekly-credit"}
    fake.seed_workspace_asset(tenant1, "models", "credit-card-default", "7", model_version(tenant1, "run-1", tags))
    with share_reaches(fake):
        result = share_back(dev_cfg, workspace_client(fake, tenant1), registry_client(fake, registry.name),
                            workspace="tenant1/ws1", job="weekly-credit")
    assert result.plan.target_version == "1"
    assert fake.find("POST", "/import")[0].body["properties"]["destinationVersion"] == "1"
    assert registry.asset("models", "credit-card-default", "1")["properties"]["tags"] == tags


def test_a_version_from_another_job_is_refused(world, dev_cfg):
    fake, tenant4 = world["fake"], world["tenant4"]
    fake.seed_workspace_asset(tenant4, "models", MODEL, "8", model_version(
        tenant4, "run-8", {**registered_by_pipeline("8", "run-8"), "retraining_job": "adhoc"}))
    with pytest.raises(ShareBackError, match="was registered by retraining job 'adhoc', not 'nightly-finetune'"):
        share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert world["fake"].writes() == []


def test_recorded_lineage_wins_over_todays_config(world, dev_cfg):
    fake, tenant4 = world["fake"], world["tenant4"]
    recorded = {**registered_by_pipeline("9", "run-9"), "base_model_version": "0"}
    fake.seed_workspace_asset(tenant4, "models", MODEL, "9", model_version(tenant4, "run-9", recorded))
    share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert world["registry"].asset("models", MODEL, "2")["properties"]["tags"]["base_model_version"] == "0"
    assert world["fake"].find("PUT", f"/workspaces/{T4_WS}/models/") == []


def test_a_version_recorded_as_coming_from_elsewhere_is_refused(world, dev_cfg):
    fake, tenant4 = world["fake"], world["tenant4"]
    fake.seed_workspace_asset(tenant4, "models", MODEL, "9", model_version(
        tenant4, "run-9", {**registered_by_pipeline("9", "run-9"), "source_tenant": "tenant3"}))
    with pytest.raises(ShareBackError, match="records source_tenant 'tenant3', not 'tenant4'"):
        share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune")
    assert world["fake"].writes() == []


def test_nothing_to_share_is_said_plainly(world, dev_cfg, dev_with):
    with pytest.raises(ShareBackError, match="has no version 9 in workspace 'tenant4/ws1'"):
        share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant4/ws1", job="nightly-finetune", version="9")
    no_share = dev_with(TENANT1, shareBack=None)
    with pytest.raises(ShareBackError, match="has no shareBack configured"):
        share_back(no_share, world["ws"], world["reg"], workspace="tenant1/ws1", job="weekly-credit")
    with pytest.raises(KeyError, match="configured: tenant1/ws1:weekly-credit, tenant4/ws1:nightly-finetune"):
        share_back(dev_cfg, world["ws"], world["reg"], workspace="tenant2/ws1", job="weekly-credit")
