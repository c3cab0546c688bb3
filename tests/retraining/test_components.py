"""The catalog components run for real: train, evaluate and register on generated credit data."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import mlflow.pyfunc
import mlflow.sklearn
import pandas as pd
import pytest
from mlflow import MlflowClient

from tests.retraining.component_runner import COMPONENTS, call_component, render_command, run_component

DATA_GENERATOR = COMPONENTS.parent / "data" / "credit_default.py"


def _generator():
    spec = importlib.util.spec_from_file_location("credit_default", DATA_GENERATOR)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("credit_default", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def credit():
    return _generator()


@pytest.fixture(scope="module")
def pipeline_run(tmp_path_factory, credit):
    """train -> evaluate -> register, each from its component YAML's command line, as one run would.

    The train step runs in a fresh interpreter from the code folder, as on a compute node; the
    other two run in this process to keep the suite fast.
    """
    root = tmp_path_factory.mktemp("run")
    data = root / "data"
    credit.write(data, rows=1200, seed=11, files=3)
    tracking = {"MLFLOW_TRACKING_URI": (root / "mlruns").as_uri(), "MLFLOW_ALLOW_FILE_STORE": "true"}
    out = {name: root / name for name in ("model", "holdout", "predictions", "metrics", "registration")}
    for folder in out.values():
        folder.mkdir()  # Azure ML creates output folders before the step starts
    run_component(
        "train.yml",
        {"training_data": data, "n_estimators": 60, "max_depth": 3, "learning_rate": 0.1},
        {"model": out["model"], "holdout": out["holdout"]},
    )
    call_component(
        "score.yml",
        {"model": out["model"], "data": out["holdout"]},
        {"predictions": out["predictions"], "metrics": out["metrics"]},
    )
    with pytest.MonkeyPatch.context() as env:
        for key, value in tracking.items():
            env.setenv(key, value)
        call_component(
            "register.yml",
            {
                "model": out["model"], "metrics": out["metrics"], "model_name": "credit-card-default",
                "source_tenant": "tenant1", "source_workspace": "ws1", "retraining_job": "weekly-credit",
                "training_data_asset": "credit-default-tenant1:1",
            },
            {"registration": out["registration"]},
        )
    return {"root": root, "data": data, "tracking": tracking, **out}


def test_generator_is_deterministic_and_has_signal(credit):
    first, again, other = credit.generate(500, seed=3), credit.generate(500, seed=3), credit.generate(500, seed=4)
    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)
    assert list(first.columns) == [*credit.FEATURES, credit.TARGET]
    assert 0.1 < first[credit.TARGET].mean() < 0.35


def test_training_writes_an_mlflow_model_that_predicts(pipeline_run, credit):
    assert (pipeline_run["model"] / "MLmodel").is_file()
    rows = credit.generate(50, seed=99).drop(columns=[credit.TARGET])
    predictions = mlflow.pyfunc.load_model(str(pipeline_run["model"])).predict(rows)
    assert len(predictions) == 50
    assert set(pd.Series(predictions).unique()) <= {0, 1}
    classifier = mlflow.sklearn.load_model(str(pipeline_run["model"]))
    assert classifier.n_estimators == 60 and classifier.max_depth == 3
    assert list(classifier.feature_names_in_) == list(credit.FEATURES)


def test_evaluation_scores_the_holdout_better_than_chance(pipeline_run):
    metrics = json.loads((pipeline_run["metrics"] / "metrics.json").read_text())
    # 20% of 1200 rows are held out by the train step; the evaluate step scores exactly those.
    assert metrics["scored_rows"] == 240
    assert metrics["auc"] > 0.7
    predictions = pd.read_csv(pipeline_run["predictions"] / "predictions.csv")
    assert len(predictions) == 240
    assert predictions["probability"].between(0, 1).all()


def test_register_records_lineage_on_the_model_version(pipeline_run, monkeypatch):
    for key, value in pipeline_run["tracking"].items():
        monkeypatch.setenv(key, value)
    registration = json.loads((pipeline_run["registration"] / "registration.json").read_text())
    assert (registration["name"], registration["version"]) == ("credit-card-default", "1")
    client = MlflowClient(tracking_uri=pipeline_run["tracking"]["MLFLOW_TRACKING_URI"])
    version = client.get_model_version("credit-card-default", "1")
    assert version.tags["source_tenant"] == "tenant1"
    assert version.tags["source_workspace"] == "ws1"
    assert version.tags["retraining_job"] == "weekly-credit"
    assert version.tags["training_data"] == "credit-default-tenant1:1"
    assert version.tags["source_model"] == "credit-card-default:1"
    assert version.tags["source_run_id"] == registration["run_id"] == version.run_id
    assert float(version.tags["metric_auc"]) > 0.7
    assert "base_model_name" not in version.tags
    # The registered copy is a loadable model too.
    model = mlflow.pyfunc.load_model("models:/credit-card-default/1")
    assert len(model.predict(pd.read_csv(pipeline_run["holdout"] / "holdout.csv").drop(columns=["default"]))) == 240


def test_fine_tuning_continues_from_the_base_model(pipeline_run, tmp_path, credit):
    tenant_data = tmp_path / "tenant4"
    credit.write(tenant_data, rows=600, seed=21)
    model, holdout = tmp_path / "model", tmp_path / "holdout"
    call_component(
        "train.yml",
        {"training_data": tenant_data, "base_model": pipeline_run["model"], "n_estimators": 15, "learning_rate": 0.05},
        {"model": model, "holdout": holdout},
    )
    base = mlflow.sklearn.load_model(str(pipeline_run["model"]))
    tuned = mlflow.sklearn.load_model(str(model))
    assert tuned.n_estimators == 60 + 15
    # The base model's trees are kept as they were: fine-tuning adds trees, it does not refit.
    assert (tuned.estimators_[0][0].tree_.threshold == base.estimators_[0][0].tree_.threshold).all()
    rows = credit.generate(10, seed=5).drop(columns=["default"])
    assert len(mlflow.pyfunc.load_model(str(model)).predict(rows)) == 10


def test_training_rejects_data_without_the_target_column(tmp_path, credit):
    data = tmp_path / "data"
    data.mkdir()
    credit.generate(100, seed=1).drop(columns=[credit.TARGET]).to_csv(data / "x.csv", index=False)
    with pytest.raises(SystemExit, match="target column 'default' is not in the data"):
        call_component("train.yml", {"training_data": data}, {"model": tmp_path / "m", "holdout": tmp_path / "h"})


def test_optional_groups_are_dropped_when_their_input_is_not_given():
    spec = {"command": "python t.py --a ${{inputs.a}} $[[--b ${{inputs.b}}]] --o ${{outputs.o}}",
            "inputs": {"a": {"type": "integer", "default": 1}, "b": {"type": "string", "optional": True}}}
    assert render_command(spec, {}, {"o": Path("/out")}) == ["python", "t.py", "--a", "1", "--o", "/out"]
    assert render_command(spec, {"b": "x y"}, {"o": Path("/o")}) == [
        "python", "t.py", "--a", "1", "--b", "x y", "--o", "/o"
    ]
