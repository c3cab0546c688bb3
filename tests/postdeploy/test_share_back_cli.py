"""``share-back``: the CLI shares what tenant4's fine-tuning registered back to the registry, through
the client factory's clients, the real MLClient and the fake service."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from postdeploy.cli import app
from postdeploy.clients import ClientFactory
from postdeploy.retry import RetryPolicy
from stacks.load import PROJECT_DIR, load_stack_file
from tests.fakeml import FakeAzureML, FakeCredential, FakeRegistry, FakeWorkspace, Fault
from tests.retraining.fake_service import fake_for, share_reaches, workspace_client

runner = CliRunner()
MODEL = "bert-base-uncased-fine-tuned"
T4_WS = "mlw-tenant4-ws1-dev"


def model_version(ws: FakeWorkspace, run: str | None, tags: dict[str, str]) -> dict[str, Any]:
    """A model version as a pipeline run (``run``) or a person (None) left it in the workspace."""
    properties: dict[str, Any] = {
        "modelUri": f"azureml://subscriptions/{ws.subscription_id}/resourcegroups/{ws.resource_group}/workspaces/"
                    f"{ws.name}/datastores/workspaceartifactstore/paths/ExperimentRun/dcid.{run or 'manual'}/model",
        "modelType": "mlflow_model",
        "tags": tags,
    }
    if run:
        properties["jobName"] = run
    return properties


class Story:
    """Tenant3 shared the base model as registry version 1; tenant4 fine-tuned it in its workspace."""

    def __init__(self, outputs: Path) -> None:
        fake, registry, workspaces = fake_for(load_stack_file("dev"))
        self.fake: FakeAzureML = fake
        self.registry: FakeRegistry = registry
        self.tenant4: FakeWorkspace = workspaces["tenant4/ws1"]
        tenant3 = self.fake.add_workspace("6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a", "rg-ml-tenant3-ws1-dev",
                                          "mlw-tenant3-ws1-dev")
        self.fake.seed_workspace_asset(tenant3, "models", MODEL, "1", model_version(tenant3, "t3-run", {}))
        with share_reaches(self.fake):
            workspace_client(self.fake, tenant3).models.share(
                name=MODEL, version="1", registry_name=self.registry.name, share_with_name=MODEL,
                share_with_version="1",
            )
        self.fake.clear_requests()
        self.outputs = outputs
        outputs.write_text("{}")  # no stack outputs: names derive from config, as Pulumi made them

    def seed(self, version: str, run: str | None, tags: dict[str, str]) -> None:
        self.fake.seed_workspace_asset(self.tenant4, "models", MODEL, version, model_version(self.tenant4, run, tags))

    def cli(self, *args: str) -> Any:
        obj = {"project_dir": PROJECT_DIR, "factory": ClientFactory(FakeCredential(), transport=self.fake,
                                            retry=RetryPolicy(sleep=lambda _: None, jitter=0))}
        return runner.invoke(app, ["share-back", "--stack", "dev", "--outputs", str(self.outputs), *args], obj=obj,
                             env={"COLUMNS": "300"})


@pytest.fixture
def story(tmp_path: Path) -> Story:
    return Story(tmp_path / "outputs.json")


LINEAGE_5 = {
    "source_tenant": "tenant4", "source_workspace": "ws1", "source_model": f"{MODEL}:5",
    "source_run_id": "run-0005", "retraining_job": "nightly-finetune",
    "base_model_name": MODEL, "base_model_version": "1",
}


def test_share_back_tags_the_latest_version_then_shares_it_as_the_next_registry_version(story: Story) -> None:
    story.seed("5", "run-0005", {"owner": "ana"})
    result = story.cli("--workspace", "tenant4/ws1", "--job", "nightly-finetune")
    assert result.exit_code == 0, result.output
    assert f"shared tenant4/ws1 {MODEL}:5 to azureml://registries/mlreg-dev/models/{MODEL}/versions/2" in result.output
    assert "lineage: source_tenant=tenant4, source_workspace=ws1" in result.output

    writes = story.fake.writes()
    where = [(w.method, w.resource_path.split("/Microsoft.MachineLearningServices/", 1)[-1]) for w in writes]
    assert where == [("PUT", f"workspaces/{T4_WS}/models/{MODEL}/versions/5"), ("POST", "registries/mlreg-dev/import")]
    retag, share = writes
    # Lineage goes onto the workspace version first: the registry copy takes its tags and is immutable.
    assert retag.body["properties"]["tags"] == {"owner": "ana", **LINEAGE_5}
    assert share.api_version == "2021-10-01-dataplanepreview"
    assert share.body == {"properties": {
        "referenceType": "Id", "destinationName": MODEL, "destinationVersion": "2",
        "sourceAssetId": f"azureml://locations/eastus/workspaces/{story.tenant4.workspace_guid}/models/{MODEL}/versions/5",
    }}
    assert story.registry.asset("models", MODEL, "2")["properties"]["tags"] == {"owner": "ana", **LINEAGE_5}

    story.fake.clear_requests()
    again = story.cli("--workspace", "tenant4/ws1", "--job", "nightly-finetune")
    assert again.exit_code == 0
    assert f"tenant4/ws1 {MODEL}:5 is already shared as {MODEL}:2" in again.output
    assert story.fake.writes() == []


def test_a_given_version_and_run_id_are_what_is_shared(story: Story) -> None:
    story.seed("5", "run-0005", {})
    story.seed("6", None, {})  # registered by hand: no run recorded
    result = story.cli("--workspace", "tenant4/ws1", "--job", "nightly-finetune", "--version", "6",
                       "--run-id", "run-77")
    assert result.exit_code == 0, result.output
    assert story.fake.find("POST", "/import")[0].body["properties"]["sourceAssetId"].endswith(f"/{MODEL}/versions/6")
    assert story.registry.asset("models", MODEL, "2")["properties"]["tags"]["source_run_id"] == "run-77"


def test_nothing_to_share_fails_with_the_reason_and_sends_no_write(story: Story) -> None:
    result = story.cli("--workspace", "tenant4/ws1", "--job", "nightly-finetune", "--version", "9")
    assert result.exit_code == 1
    assert f"share-back failed: model '{MODEL}' has no version 9 in workspace 'tenant4/ws1' yet" in result.output
    assert story.fake.writes() == []


def test_a_missing_role_assignment_fails_with_the_azure_error(story: Story) -> None:
    story.seed("5", "run-0005", {})
    story.fake.inject(Fault.forbidden(f"/workspaces/{T4_WS}/"))
    result = story.cli("--workspace", "tenant4/ws1", "--job", "nightly-finetune")
    assert result.exit_code == 1
    assert "share-back failed: 403 AuthorizationFailed: The client does not have authorization" in result.output
    assert story.registry.asset("models", MODEL, "2") is None


def test_a_job_config_does_not_have_exits_2_before_any_request(story: Story) -> None:
    result = story.cli("--workspace", "tenant2/ws1", "--job", "nightly-finetune")
    assert result.exit_code == 2
    assert "no retraining job 'nightly-finetune' in workspace 'tenant2/ws1'; configured: " \
           "tenant1/ws1:weekly-credit, tenant4/ws1:nightly-finetune" in result.output
    assert story.fake.requests == []
