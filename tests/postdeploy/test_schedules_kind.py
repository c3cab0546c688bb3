"""The schedule kind: the dev stack's retraining schedules planned and applied through the CLI, the real
MLClient and the fake service; what is sent, when nothing is, and what stops a run before it starts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from azure.ai.ml import MLClient
from azure.ai.ml.entities import CronTrigger, JobSchedule, PipelineJob
from typer.testing import CliRunner

from postdeploy.cli import app
from postdeploy.clients import ClientFactory
from postdeploy.context import stack_context
from postdeploy.operations import Action
from postdeploy.plan import offline_plan
from postdeploy.render import schedules_markdown
from postdeploy.retraining.schedules import schedule_previews
from postdeploy.retry import RetryPolicy
from stacks.load import PROJECT_DIR, load_stack_file, parse_config
from tests.fakeml import FakeAzureML, FakeCredential, Fault, RecordedRequest

runner = CliRunner()
# Wide enough that no table cell wraps, so output can be searched for whole phrases.
WIDE = {"COLUMNS": "400"}
NOW = datetime(2025, 3, 28, 12, 0, tzinfo=UTC)
SCHEDULES_API = "2023-06-01-preview"
T1 = ("/subscriptions/6d8f0a2c-4e1b-4a3d-9c5e-7f9b1d3e5a0a/resourceGroups/rg-ml-tenant1-ws1-dev"
      "/providers/Microsoft.MachineLearningServices/workspaces/mlw-tenant1-ws1-dev")
T4 = ("/subscriptions/9e1a3c5b-7d2f-4b6e-8a0c-2d4f6b8a0c0b/resourceGroups/rg-ml-tenant4-ws1-dev"
      "/providers/Microsoft.MachineLearningServices/workspaces/mlw-tenant4-ws1-dev")
BERT = "bert-base-uncased-fine-tuned"
SOURCE_MODEL = "azureml://subscriptions/s/resourcegroups/g/workspaces/w/datastores/workspaceblobstore/paths/model/"
TENANT1_JOB = ("tenants", 0, "workspaces", 0, "retraining", 0)


def dev_raw() -> dict[str, Any]:
    return yaml.safe_load((PROJECT_DIR / "Pulumi.dev.yaml").read_text())


def at(raw: dict[str, Any], *path: str | int) -> Any:
    """A value of the dev stack's config by its config path (the namespace prefix is implied)."""
    node = raw["config"]
    for i, part in enumerate(path):
        node = node[f"ml-tenancy:{part}" if i == 0 else part]
    return node


@dataclass
class DevWorld:
    """The dev stack in a project directory of its own, and the fake service Pulumi left behind."""

    project: Path
    fake: FakeAzureML

    def write(self, change: Callable[[dict[str, Any]], None] | None = None) -> None:
        raw = dev_raw()
        if change is not None:
            change(raw)
        (self.project / "Pulumi.dev.yaml").write_text(yaml.safe_dump(raw, sort_keys=False))

    def cli(self, *args: str) -> Any:
        outputs = self.project / "outputs.json"
        outputs.write_text("{}")  # stack outputs: none, so names derive from config
        obj = {"project_dir": self.project, "now": NOW,
               "factory": ClientFactory(FakeCredential(), transport=self.fake,
                                            retry=RetryPolicy(sleep=lambda _: None, jitter=0))}
        command = [*args, "--stack", "dev"] + (["--outputs", str(outputs)] if "--offline" not in args else [])
        return runner.invoke(app, command, obj=obj, env=WIDE)

    def puts(self, name: str) -> list[RecordedRequest]:
        return self.fake.find("PUT", f"/schedules/{name}")


@pytest.fixture
def dev(tmp_path: Path) -> DevWorld:
    """Every dev workspace and the registry; the catalog is already seeded (seeding it, code uploads
    included, is tested in test_code_upload), and the models the stack shares are
    registered in their source workspaces, as the tenants' own runs left them."""
    # A copy: stack config may only point inside its project directory.
    shutil.copytree(PROJECT_DIR / "catalog", tmp_path / "catalog", ignore=shutil.ignore_patterns("__pycache__"))
    world = DevWorld(tmp_path, FakeAzureML())
    world.write()
    context = stack_context(load_stack_file("dev", tmp_path), project_dir=tmp_path)
    reg = context.targets.registry
    registry = world.fake.add_registry(reg.name, subscription_id=reg.subscription_id, resource_group=reg.resource_group)
    for asset in (*context.catalog.environments, *context.catalog.components):
        body = asset.entity()._to_rest_object().as_dict()["properties"]
        registry.assets[(asset.kind, asset.name, asset.version)] = world.fake.service.version_resource(
            registry.asset_id(asset.kind, asset.name, asset.version), asset.kind, asset.version, body)
    workspaces = {
        ref: world.fake.add_workspace(site.subscription_id, site.resource_group, site.name, location=site.region)
        for ref, site in context.targets.workspaces.items()
    }
    for ref, model in (("tenant1/ws1", "credit-card-default"), ("tenant3/ws1", BERT)):
        world.fake.seed_workspace_asset(workspaces[ref], "models", model, "1",
                                        {"modelType": "mlflow_model", "modelUri": SOURCE_MODEL})
    return world


def planned_for(output: str, schedule: str) -> tuple[str, str]:
    """(action, reason) of a schedule in the plan table the CLI printed; no cell wraps at this width."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("│").split("│")]
        if len(cells) == 5 and cells[1] == "schedule" and cells[2] == schedule:
            return cells[3], cells[4]
    raise AssertionError(f"no plan row for schedule {schedule} in:\n{output}")


def properties(request: RecordedRequest) -> dict[str, Any]:
    return request.body["properties"]


def literals(job: dict[str, Any]) -> dict[str, str]:
    return {name: spec["value"] for name, spec in job["inputs"].items() if spec["jobInputType"] == "literal"}


def test_plan_then_apply_creates_each_schedule_in_its_workspace(dev: DevWorld) -> None:
    planned = dev.cli("plan")
    assert planned.exit_code == 0, planned.output
    assert planned_for(planned.output, "retrain-weekly-credit") == (
        "create", 'not in the workspace; create: cron "0 2 * * 1" in W. Europe Standard Time')
    assert planned_for(planned.output, "retrain-nightly-finetune") == (
        "create", "not in the workspace; create: every day at 01:30 from 2025-01-01T00:00:00 in Eastern Standard Time")
    assert dev.fake.writes() == []

    applied = dev.cli("apply")
    assert applied.exit_code == 0, applied.output
    assert "0 failed" in applied.output

    t1 = dev.puts("retrain-weekly-credit")
    assert [(r.path, r.api_version, r.status) for r in t1] == [
        (f"{T1}/schedules/retrain-weekly-credit", SCHEDULES_API, 201)]
    weekly = properties(t1[0])
    assert weekly["trigger"] == {
        "triggerType": "Cron", "expression": "0 2 * * 1", "timeZone": "W. Europe Standard Time"}
    assert weekly["isEnabled"] is True
    job = weekly["action"]["jobDefinition"]
    assert {step: spec["componentId"] for step, spec in job["jobs"].items()} == {
        "train": "azureml://registries/mlreg-dev/components/train_tabular/versions/1",
        "evaluate": "azureml://registries/mlreg-dev/components/score_tabular/versions/1",
        "register": "azureml://registries/mlreg-dev/components/register_model/versions/1",
    }
    assert job["inputs"]["training_data"] == {"uri": f"{T1}/data/credit-default-tenant1/versions/1",
                                              "jobInputType": "uri_folder"}
    assert {k: literals(job)[k] for k in ("n_estimators", "max_depth", "learning_rate", "model_name")} == {
        "n_estimators": "200", "max_depth": "6", "learning_rate": "0.05", "model_name": "credit-card-default"}
    assert job["settings"]["default_compute"] == f"{T1}/computes/cpu-cluster"

    t4 = dev.puts("retrain-nightly-finetune")
    assert [(r.path, r.api_version, r.status) for r in t4] == [
        (f"{T4}/schedules/retrain-nightly-finetune", SCHEDULES_API, 201)]
    nightly = properties(t4[0])
    assert nightly["trigger"] == {
        "triggerType": "Recurrence", "frequency": "day", "interval": 1, "schedule": {"hours": [1], "minutes": [30]},
        "startTime": "2025-01-01T00:00:00", "timeZone": "Eastern Standard Time",
    }
    assert nightly["isEnabled"] is True
    job = nightly["action"]["jobDefinition"]
    assert job["inputs"]["training_data"]["uri"] == f"{T4}/data/support-tickets-tenant4/versions/3"
    assert job["inputs"]["base_model"] == {
        "uri": f"azureml://registries/mlreg-dev/models/{BERT}/versions/1", "jobInputType": "mlflow_model"}
    assert (literals(job)["n_estimators"], literals(job)["learning_rate"]) == ("40", "0.02")
    assert job["settings"]["default_compute"] == f"{T4}/computes/cpu-cluster"


def test_a_schedule_waits_for_the_share_of_its_base_model_and_is_not_attempted_when_it_fails(dev: DevWorld) -> None:
    dev.fake.inject(Fault.forbidden("/registries/mlreg-dev/import", method="POST"))
    applied = dev.cli("apply")
    assert applied.exit_code == 1
    assert (f"failed schedule retrain-nightly-finetune in workspace tenant4/ws1: not attempted: needs share model "
            f"{BERT}:1 from tenant3/ws1 in registry mlreg-dev, which failed") in applied.output
    assert dev.puts("retrain-nightly-finetune") == []
    # Tenant1's schedule needs only the seeded components.
    assert [r.status for r in dev.puts("retrain-weekly-credit")] == [201]


def test_the_plan_lists_every_schedule_with_its_next_three_runs(dev: DevWorld) -> None:
    for args in (("plan",), ("plan", "--offline")):
        result = dev.cli(*args)
        assert result.exit_code == 0, result.output
        table = result.output[result.output.index("retraining schedules"):]
        weekly = next(line for line in table.splitlines() if "retrain-weekly-credit" in line)
        assert 'cron "0 2 * * 1"' in weekly and "W. Europe Standard Time" in weekly
        # Runs in the schedule's own zone: the first Monday after NOW is already summer time.
        assert "2025-03-31 02:00 CEST" in weekly
        assert "2025-04-07 02:00 CEST" in table and "2025-04-14 02:00 CEST" in table
        nightly = next(line for line in table.splitlines() if "retrain-nightly-finetune" in line)
        assert "every day at 01:30" in nightly and "Eastern Standard Time" in nightly
        assert "2025-03-29 01:30 EDT" in nightly
        assert "2025-03-30 01:30 EDT" in table and "2025-03-31 01:30 EDT" in table

    markdown = dev.cli("plan", "--offline", "--markdown")
    assert markdown.exit_code == 0
    lines = markdown.stdout.splitlines()
    assert lines[0] == "| target | kind | subject | action | reason |"
    assert "| workspace tenant1/ws1 | schedule | retrain-weekly-credit | create |" in markdown.stdout
    title = lines.index("**Retraining schedules** (next 3 runs, in each schedule's time zone)")
    assert lines[title - 1] == "" and lines[title + 2].startswith("| workspace | schedule | trigger | time zone |")
    assert (
        '| tenant1/ws1 | retrain-weekly-credit | cron "0 2 \\* \\* 1" | W. Europe Standard Time | 2025-03-31 02:00 CEST'
        "<br>2025-04-07 02:00 CEST<br>2025-04-14 02:00 CEST | yes | mlreg-dev/credit-card-default |"
    ) in lines


def test_schedules_markdown_is_empty_without_schedules_so_reports_can_leave_it_out() -> None:
    cfg = load_stack_file("test", Path(__file__).parent / "fixtures")
    assert schedules_markdown(schedule_previews(cfg, NOW, Path(__file__).parent / "fixtures")) == ""


def test_a_second_plan_skips_and_a_second_apply_sends_no_write(dev: DevWorld) -> None:
    assert dev.cli("apply").exit_code == 0
    dev.fake.clear_requests()
    planned = dev.cli("plan")
    assert planned.exit_code == 0
    for name in ("retrain-weekly-credit", "retrain-nightly-finetune"):
        assert planned_for(planned.output, name) == ("skip", "in the workspace as configured")
    # One read per schedule, nothing else in its workspace is asked for it.
    assert len(dev.fake.find("GET", "/schedules/")) == 2
    dev.fake.clear_requests()
    applied = dev.cli("apply")
    assert applied.exit_code == 0 and "0 done" in applied.output
    assert dev.fake.writes() == []


def test_a_changed_parameter_is_an_update_that_says_what_changed(dev: DevWorld) -> None:
    assert dev.cli("apply").exit_code == 0
    dev.write(lambda raw: at(raw, *TENANT1_JOB, "parameters").update(n_estimators=250))
    planned = dev.cli("plan")
    assert planned.exit_code == 0
    assert planned_for(planned.output, "retrain-weekly-credit") == (
        "update", "config changed: input n_estimators: 200 -> 250")
    assert planned_for(planned.output, "retrain-nightly-finetune")[0] == "skip"

    dev.fake.clear_requests()
    applied = dev.cli("apply")
    assert applied.exit_code == 0, applied.output
    (write,) = dev.fake.writes()
    assert (write.method, write.path, write.status) == ("PUT", f"{T1}/schedules/retrain-weekly-credit", 200)
    assert literals(properties(write)["action"]["jobDefinition"])["n_estimators"] == "250"
    assert planned_for(dev.cli("plan").output, "retrain-weekly-credit")[0] == "skip"


def test_a_new_trigger_and_a_disabled_job_are_named_in_the_update(dev: DevWorld) -> None:
    assert dev.cli("apply").exit_code == 0

    def change(raw: dict[str, Any]) -> None:
        at(raw, *TENANT1_JOB)["schedule"]["cron"] = "30 3 * * 1-5"
        at(raw, *TENANT1_JOB)["enabled"] = False

    dev.write(change)
    planned = dev.cli("plan")
    assert planned_for(planned.output, "retrain-weekly-credit") == (
        "update", "config changed: enabled: True -> False; trigger expression: 0 2 * * 1 -> 30 3 * * 1-5")
    dev.fake.clear_requests()
    assert dev.cli("apply").exit_code == 0
    (write,) = dev.fake.writes()
    assert properties(write)["isEnabled"] is False
    assert properties(write)["trigger"]["expression"] == "30 3 * * 1-5"


def test_a_schedule_of_the_same_name_not_made_from_config_is_updated_and_the_plan_says_so(dev: DevWorld) -> None:
    assert dev.cli("apply").exit_code == 0
    # Someone created their own schedule under the name config uses for tenant1's job.
    site = stack_context(load_stack_file("dev", dev.project), project_dir=dev.project).targets.workspace("tenant1/ws1")
    dev.fake.workspace(site.subscription_id, site.resource_group, site.name).children.pop(
        ("schedules", "retrain-weekly-credit"))
    client = MLClient(FakeCredential(), site.subscription_id, site.resource_group, site.name,
                      transport=dev.fake, retry_total=0)
    manual = JobSchedule(name="retrain-weekly-credit", trigger=CronTrigger(expression="0 9 * * *", time_zone="UTC"),
                         create_job=PipelineJob(jobs={}, settings={"default_compute": "cpu-cluster"}))
    client.schedules.begin_create_or_update(manual).result()
    planned = dev.cli("plan")
    assert planned_for(planned.output, "retrain-weekly-credit") == (
        "update", "exists without a config-fingerprint tag (not made from config); update it to match config")


def test_invalid_retraining_config_exits_2_with_every_path_before_any_request(dev: DevWorld) -> None:
    def break_it(raw: dict[str, Any]) -> None:
        at(raw, *TENANT1_JOB)["schedule"]["cron"] = "0 25 * * 1"
        at(raw, *TENANT1_JOB, "parameters")["n_estimatorz"] = 10

    dev.write(break_it)
    for args in (("plan",), ("apply",), ("plan", "--offline"), ("plan", "--markdown")):
        result = dev.cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "invalid retraining config: 2 problem(s)" in result.output
        assert "tenants[0].workspaces[0].retraining[0].schedule.cron: '0 25 * * 1' is not a valid cron" \
            in result.output
        assert "tenants[0].workspaces[0].retraining[0].parameters.n_estimatorz: unknown parameter " \
            "'n_estimatorz' (did you mean 'n_estimators'?)" in result.output
    assert dev.fake.requests == []


def without_the_base_model(raw: dict[str, Any]) -> None:
    """Nothing in the stack puts tenant4's base model into the registry any more."""
    sharing = at(raw, "sharing")
    sharing["share"] = [s for s in sharing["share"] if s["model"] != BERT]
    sharing["push"] = [p for p in sharing["push"] if p["model"] != BERT]
    sharing["pull"] = [p for p in sharing["pull"] if p.get("model") != BERT]


def test_offline_a_schedule_whose_base_model_nothing_provides_is_blocked() -> None:
    raw = dev_raw()
    without_the_base_model(raw)
    config = {key.removeprefix("ml-tenancy:"): value for key, value in raw["config"].items()}
    plan = offline_plan(parse_config(config, environment="dev"))
    schedules = {op.subject: op for op in plan.operations if op.kind.name == "schedule"}
    assert schedules["retrain-weekly-credit"].action is Action.CREATE
    blocked = schedules["retrain-nightly-finetune"]
    assert blocked.action is Action.BLOCKED
    assert blocked.reason == (
        f"its pipeline needs model {BERT}:1, which registry mlreg-dev does not have and nothing in this stack "
        "seeds or shares"
    )
    assert blocked.requires == (
        "registry:components/register_model/1", "registry:components/score_tabular/1",
        "registry:components/train_tabular/1", f"registry:models/{BERT}/1",
    )


def test_live_a_missing_base_model_blocks_the_schedule_and_apply_never_sends_it(dev: DevWorld) -> None:
    dev.write(without_the_base_model)
    planned = dev.cli("plan")
    assert planned.exit_code == 1
    assert planned_for(planned.output, "retrain-nightly-finetune") == (
        "blocked", f"its pipeline needs model {BERT}:1, which registry mlreg-dev does not have and nothing in this "
        "stack seeds or shares")
    applied = dev.cli("apply")
    assert applied.exit_code == 1
    assert "failed schedule retrain-nightly-finetune in workspace tenant4/ws1: blocked: its pipeline needs" \
        in applied.output
    assert dev.puts("retrain-nightly-finetune") == []
    assert len(dev.puts("retrain-weekly-credit")) == 1
