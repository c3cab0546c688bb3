"""The pipeline templates load with the SDK, use only seeded registry components, and bind them correctly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from postdeploy.retraining.pipeline import PLATFORM_INPUTS, PipelineLoadError, load_pipeline, pipeline_spec
from postdeploy.retraining.schedules import validate_retraining
from stacks.load import PROJECT_DIR
from tests.retraining.conftest import TENANT1

PIPELINES = ("catalog/pipelines/retrain.yml", "catalog/pipelines/finetune.yml")
JOB1 = "tenants[0].workspaces[0].retraining[0]"


@pytest.mark.parametrize("registry", ["mlreg-dev", "mlreg-prod"])
@pytest.mark.parametrize("rel", PIPELINES)
def test_templates_load_for_any_registry(rel, registry):
    job = load_pipeline(PROJECT_DIR / rel, registry)
    components = {name: node.component for name, node in job.jobs.items()}
    assert components == {
        "train": f"azureml://registries/{registry}/components/train_tabular/versions/1",
        "evaluate": f"azureml://registries/{registry}/components/score_tabular/versions/1",
        "register": f"azureml://registries/{registry}/components/register_model/versions/1",
    }


def test_parameters_are_the_literal_inputs_the_platform_does_not_bind():
    spec = pipeline_spec(PROJECT_DIR / PIPELINES[1], "mlreg-dev", PIPELINES[1])
    assert spec.parameters("training_data") == (
        "learning_rate", "max_depth", "n_estimators", "random_state", "target_column", "test_size"
    )
    assert set(PLATFORM_INPUTS) <= set(spec.inputs)
    assert spec.inputs["base_model"].is_model and spec.inputs["training_data"].is_data
    train = next(s for s in spec.steps if s.name == "train")
    assert train.bindings["n_estimators"] == "n_estimators"
    assert spec.bound_to("target_column") == (
        (train, "target_column"), (next(s for s in spec.steps if s.name == "evaluate"), "target_column")
    )


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the project's catalog, to try broken pipeline templates against."""
    shutil.copytree(PROJECT_DIR / "catalog", tmp_path / "catalog", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def rewrite(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_a_component_from_another_registry_is_rejected(project, dev_cfg):
    rewrite(project, PIPELINES[0], "registries/${registry}/components/score_tabular",
            "registries/mlreg-prod/components/score_tabular")
    (problem,) = [p for p in validate_retraining(dev_cfg, project) if p.path == f"{JOB1}.pipeline"]
    assert "step 'evaluate'" in problem.message
    assert "uses registry 'mlreg-prod', not this stack's registry 'mlreg-dev'" in problem.message


def test_a_component_the_catalog_does_not_seed_is_rejected(project, dev_cfg):
    rewrite(project, PIPELINES[0], "train_tabular/versions/1", "train_tabular/versions/2")
    (problem,) = [p for p in validate_retraining(dev_cfg, project) if p.path == f"{JOB1}.pipeline"]
    assert problem.message == (
        "step 'train' of 'catalog/pipelines/retrain.yml' uses component train_tabular:2, which catalog.components "
        "does not seed into the registry; seeded: register_model:1, score_tabular:1, train_tabular:1"
    )


def test_step_inputs_must_match_the_component(project, dev_cfg):
    rewrite(project, PIPELINES[0], "      max_depth: ${{parent.inputs.max_depth}}\n",
            "      depth: ${{parent.inputs.max_depth}}\n")
    rewrite(project, PIPELINES[0], "      model_name: ${{parent.inputs.model_name}}\n", "")
    messages = [p.message for p in validate_retraining(dev_cfg, project) if p.path == f"{JOB1}.pipeline"]
    assert any("binds 'depth', which component train_tabular:1 does not declare" in m for m in messages)
    assert any("leaves required input 'model_name' of component register_model:1 unbound" in m for m in messages)


def test_steps_may_bind_only_declared_pipeline_inputs(project, dev_cfg):
    rewrite(project, PIPELINES[0], "${{parent.inputs.n_estimators}}", "${{parent.inputs.n_estimatorz}}")
    (problem,) = [p for p in validate_retraining(dev_cfg, project) if p.path == f"{JOB1}.pipeline"]
    assert "binds 'n_estimators' to parent input 'n_estimatorz', which the pipeline does not declare" in problem.message


def test_a_template_the_sdk_rejects_is_reported_at_the_pipeline_key(project, dev_cfg):
    rewrite(project, PIPELINES[0], "type: pipeline", "type: pipelin")
    (problem,) = [p for p in validate_retraining(dev_cfg, project) if p.path == f"{JOB1}.pipeline"]
    assert problem.message.startswith("'catalog/pipelines/retrain.yml' ")
    with pytest.raises(PipelineLoadError):
        load_pipeline(project / PIPELINES[0], "mlreg-dev")


def test_a_pipeline_without_a_register_step_cannot_share_back(project, dev_with):
    path = project / PIPELINES[0]
    text = path.read_text()
    path.write_text(text[: text.index("  register:")].replace('  model_name: ""\n', ""))
    cfg = dev_with(TENANT1)
    problems = [p for p in validate_retraining(cfg, project) if p.path == f"{JOB1}.shareBack"]
    assert problems and "registers no model" in problems[0].message
