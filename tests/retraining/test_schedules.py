"""The schedules go through the real MLClient to the fake service; the request bodies are asserted."""

from __future__ import annotations

import pytest

from postdeploy.retraining.schedules import desired_schedules
from tests.retraining.conftest import TENANT1
from tests.retraining.fake_service import fake_for, workspace_client

SCHEDULES_API = "2023-06-01-preview"


@pytest.fixture(scope="module")
def applied(dev_cfg):
    """Every dev schedule created once through ``schedules.begin_create_or_update``."""
    fake, _, workspaces = fake_for(dev_cfg)
    desired = desired_schedules(dev_cfg)
    results = {}
    for item in desired:
        client = workspace_client(fake, item.target)
        results[item.workspace_ref] = client.schedules.begin_create_or_update(item.schedule).result()
    puts = {r.path.rsplit("/", 1)[-1]: r for r in fake.find("PUT", "/schedules/")}
    return {"fake": fake, "workspaces": workspaces, "desired": desired, "results": results, "puts": puts}


def body(applied, name):
    return applied["puts"][name].body["properties"]


def job_of(applied, name):
    return body(applied, name)["action"]["jobDefinition"]


def test_one_schedule_per_job_in_its_own_workspace(applied, dev_cfg):
    assert sorted(applied["puts"]) == ["retrain-nightly-finetune", "retrain-weekly-credit"]
    for request in applied["puts"].values():
        assert request.api_version == SCHEDULES_API
        assert request.status == 201
    t1 = applied["puts"]["retrain-weekly-credit"].path
    assert "/subscriptions/6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a/resourceGroups/rg-ml-tenant1-ws1-dev/" in t1
    assert t1.endswith("/workspaces/mlw-tenant1-ws1-dev/schedules/retrain-weekly-credit")
    t4 = applied["puts"]["retrain-nightly-finetune"].path
    assert "/subscriptions/9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b/resourceGroups/rg-ml-tenant4-ws1-dev/" in t4
    # The fake keeps what was sent: the schedule exists in the workspace afterwards.
    assert applied["workspaces"]["tenant1/ws1"].child("schedules", "retrain-weekly-credit") is not None
    assert applied["workspaces"]["tenant1/ws1"].child("schedules", "retrain-nightly-finetune") is None


def test_triggers_differ_as_configured(applied):
    assert body(applied, "retrain-weekly-credit")["trigger"] == {
        "triggerType": "Cron", "expression": "0 2 * * 1", "timeZone": "W. Europe Standard Time",
    }
    assert body(applied, "retrain-nightly-finetune")["trigger"] == {
        "triggerType": "Recurrence", "frequency": "day", "interval": 1,
        "schedule": {"hours": [1], "minutes": [30]},
        "startTime": "2025-01-01T00:00:00", "timeZone": "Eastern Standard Time",
    }
    assert body(applied, "retrain-weekly-credit")["isEnabled"] is True


def test_steps_use_the_registry_components(applied):
    for name in ("retrain-weekly-credit", "retrain-nightly-finetune"):
        steps = job_of(applied, name)["jobs"]
        assert {step: spec["componentId"] for step, spec in steps.items()} == {
            "train": "azureml://registries/mlreg-dev/components/train_tabular/versions/1",
            "evaluate": "azureml://registries/mlreg-dev/components/score_tabular/versions/1",
            "register": "azureml://registries/mlreg-dev/components/register_model/versions/1",
        }
        assert job_of(applied, name)["jobType"] == "Pipeline"


def literal_inputs(job):
    return {k: v["value"] for k, v in job["inputs"].items() if v["jobInputType"] == "literal"}


def test_tenant1_trains_on_its_own_data_with_its_parameters(applied):
    job = job_of(applied, "retrain-weekly-credit")
    ws = "/subscriptions/6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a/resourceGroups/rg-ml-tenant1-ws1-dev/providers/" \
         "Microsoft.MachineLearningServices/workspaces/mlw-tenant1-ws1-dev"
    assert job["inputs"]["training_data"] == {"uri": f"{ws}/data/credit-default-tenant1/versions/1",
                                              "jobInputType": "uri_folder"}
    assert "base_model" not in job["inputs"]
    assert literal_inputs(job) == {
        "n_estimators": "200", "max_depth": "6", "learning_rate": "0.05",
        "target_column": "default", "test_size": "0.2", "random_state": "42",
        "model_name": "credit-card-default", "source_tenant": "tenant1", "source_workspace": "ws1",
        "retraining_job": "weekly-credit", "training_data_asset": "credit-default-tenant1:1",
    }
    assert job["settings"]["default_compute"] == f"{ws}/computes/cpu-cluster"
    assert job["experimentName"] == "retrain-weekly-credit"


def test_tenant4_fine_tunes_the_registry_model_on_its_own_data(applied):
    job = job_of(applied, "retrain-nightly-finetune")
    ws = "/subscriptions/9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b/resourceGroups/rg-ml-tenant4-ws1-dev/providers/" \
         "Microsoft.MachineLearningServices/workspaces/mlw-tenant4-ws1-dev"
    assert job["inputs"]["training_data"]["uri"] == f"{ws}/data/support-tickets-tenant4/versions/3"
    assert job["inputs"]["base_model"] == {
        "uri": "azureml://registries/mlreg-dev/models/bert-base-uncased-fine-tuned/versions/1",
        "jobInputType": "mlflow_model",
    }
    assert job["jobs"]["train"]["inputs"]["base_model"]["value"] == "${{parent.inputs.base_model}}"
    literals = literal_inputs(job)
    assert (literals["n_estimators"], literals["max_depth"], literals["learning_rate"]) == ("40", "4", "0.02")
    assert (literals["base_model_name"], literals["base_model_version"]) == ("bert-base-uncased-fine-tuned", "1")
    assert literals["model_name"] == "bert-base-uncased-fine-tuned"
    assert job["settings"]["default_compute"] == f"{ws}/computes/cpu-cluster"


def test_each_schedule_names_the_registry_assets_it_needs(applied):
    needs = {d.workspace_ref: d.registry_assets for d in applied["desired"]}
    components = (
        ("components", "register_model", "1"),
        ("components", "score_tabular", "1"),
        ("components", "train_tabular", "1"),
    )
    assert needs["tenant1/ws1"] == components
    assert needs["tenant4/ws1"] == (*components, ("models", "bert-base-uncased-fine-tuned", "1"))


def test_tags_identify_tenant_workspace_and_job(applied):
    tags = dict(body(applied, "retrain-nightly-finetune")["tags"])
    fingerprint = tags.pop("config-fingerprint")
    assert tags.pop("mlt-managed-by") == "ml-tenancy post-deploy"  # what post-deploy may remove again
    assert tags == {"environment": "dev", "tenant": "tenant4", "workspace": "ws1",
                    "retraining-job": "nightly-finetune", "managed-by": "ml-tenancy"}
    assert job_of(applied, "retrain-nightly-finetune")["tags"] == tags
    desired = next(d for d in applied["desired"] if d.name == "retrain-nightly-finetune")
    assert fingerprint == desired.fingerprint and len(fingerprint) == 16


def test_the_fingerprint_changes_with_config_and_only_with_config(dev_cfg, dev_with):
    def prints(cfg):
        return {d.name: d.fingerprint for d in desired_schedules(cfg)}

    base = prints(dev_cfg)
    assert prints(dev_cfg) == base
    changed = prints(dev_with(TENANT1, parameters={"n_estimators": 250, "max_depth": 6, "learning_rate": 0.05}))
    assert changed["retrain-weekly-credit"] != base["retrain-weekly-credit"]
    assert changed["retrain-nightly-finetune"] == base["retrain-nightly-finetune"]
    assert prints(dev_with(TENANT1, enabled=False))["retrain-weekly-credit"] != base["retrain-weekly-credit"]


def test_the_sdk_reads_back_what_was_sent(applied):
    item = next(d for d in applied["desired"] if d.workspace_ref == "tenant4/ws1")
    got = workspace_client(applied["fake"], item.target).schedules.get(item.name)
    assert (got.trigger.frequency, got.trigger.interval, got.trigger.time_zone) == ("day", 1, "Eastern Standard Time")
    assert got.create_job.inputs["n_estimators"].result() == "40"
    assert got.create_job.inputs["training_data"].result().path.endswith("/data/support-tickets-tenant4/versions/3")


def test_a_disabled_job_is_sent_disabled(dev_with):
    cfg = dev_with(TENANT1, enabled=False)
    fake, _, _ = fake_for(cfg)
    item = next(d for d in desired_schedules(cfg) if d.workspace_ref == "tenant1/ws1")
    workspace_client(fake, item.target).schedules.begin_create_or_update(item.schedule).result()
    assert fake.find("PUT", "/schedules/retrain-weekly-credit")[0].body["properties"]["isEnabled"] is False


def test_week_days_are_sent_as_the_service_spells_them(dev_with):
    recurrence = {"frequency": "week", "interval": 2, "weekDays": ["friday", "monday"], "hours": [22], "minutes": [15]}
    cfg = dev_with(TENANT1, schedule={"recurrence": recurrence, "timeZone": "GMT Standard Time"})
    fake, _, _ = fake_for(cfg)
    item = next(d for d in desired_schedules(cfg) if d.workspace_ref == "tenant1/ws1")
    workspace_client(fake, item.target).schedules.begin_create_or_update(item.schedule).result()
    trigger = fake.find("PUT", "/schedules/retrain-weekly-credit")[0].body["properties"]["trigger"]
    assert trigger == {
        "triggerType": "Recurrence", "frequency": "week", "interval": 2, "timeZone": "GMT Standard Time",
        "schedule": {"hours": [22], "minutes": [15], "weekDays": ["Friday", "Monday"]},
    }
