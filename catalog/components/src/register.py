"""Register an MLflow model in the workspace the job runs in, with lineage tags.

Inside an Azure ML job the MLflow tracking URI points at the workspace, so the MLflow model
registry *is* the workspace's model registry and the step needs no credentials of its own. The
lineage tags (tenant, workspace, retraining job, run ids, training data, base model) travel with
the version, and the share-back to the central registry reads them from there.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from tabular import tracking_enabled, write_json


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="folder of the MLflow model to register")
    parser.add_argument("--model-name", required=True)
    parser.add_argument("--metrics", help="folder holding metrics.json from the evaluation step")
    parser.add_argument("--source-tenant", required=True)
    parser.add_argument("--source-workspace", required=True)
    parser.add_argument("--retraining-job", required=True)
    parser.add_argument("--training-data-asset", required=True, help="the data asset the model was trained on")
    parser.add_argument("--base-model-name")
    parser.add_argument("--base-model-version")
    parser.add_argument("--registration", required=True, help="output folder for registration.json")
    return parser.parse_args(argv)


def lineage_tags(args: argparse.Namespace, run_id: str, metrics: dict[str, float]) -> dict[str, str]:
    tags = {
        "source_tenant": args.source_tenant,
        "source_workspace": args.source_workspace,
        "retraining_job": args.retraining_job,
        "source_run_id": run_id,
        "training_data": args.training_data_asset,
    }
    # The pipeline run that owns this step: what a person opens in the studio to see the whole run.
    pipeline_run = os.environ.get("AZUREML_ROOT_RUN_ID")
    if pipeline_run:
        tags["pipeline_run_id"] = pipeline_run
    if args.base_model_name:
        tags["base_model_name"] = args.base_model_name
        tags["base_model_version"] = args.base_model_version or ""
    tags.update({f"metric_{k}": f"{v:.4f}" for k, v in sorted(metrics.items())})
    return tags


def main(argv: list[str] | None = None) -> dict[str, object]:
    args = parse_args(argv)
    if not tracking_enabled():
        raise SystemExit("MLFLOW_TRACKING_URI is not set: there is no model registry to register into")
    metrics: dict[str, float] = {}
    if args.metrics and (Path(args.metrics) / "metrics.json").is_file():
        metrics = json.loads((Path(args.metrics) / "metrics.json").read_text())

    # Inside Azure ML, MLFLOW_RUN_ID makes start_run resume the step's own run; locally it starts one.
    with mlflow.start_run() as run:
        run_id = run.info.run_id
        mlflow.log_artifacts(args.model, "model")
        tags = lineage_tags(args, run_id, metrics)
        version = mlflow.register_model(f"runs:/{run_id}/model", args.model_name, tags=tags)
        # The version number exists only now; share-back recognises a shared copy by this tag.
        tags["source_model"] = f"{version.name}:{version.version}"
        MlflowClient().set_model_version_tag(version.name, str(version.version), "source_model", tags["source_model"])

    registration = {"name": version.name, "version": str(version.version), "run_id": run_id, "tags": tags}
    write_json(Path(args.registration) / "registration.json", registration)
    print(registration)
    return registration


if __name__ == "__main__":
    main()
