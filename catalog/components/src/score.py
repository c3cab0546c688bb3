"""Batch-score tabular CSV data with an MLflow model; with labels present, also measure the model."""

from __future__ import annotations

import argparse
from pathlib import Path

import mlflow
import mlflow.pyfunc
import pandas as pd
from sklearn.metrics import accuracy_score, roc_auc_score
from tabular import read_csv_input, tracking_enabled, write_json


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="folder of an MLflow model")
    parser.add_argument("--data", required=True, help="a CSV file or a folder of CSV files")
    parser.add_argument("--target-column", default="default", help="label column, used for metrics if present")
    parser.add_argument("--predictions", required=True, help="output folder for predictions.csv")
    parser.add_argument("--metrics", required=True, help="output folder for metrics.json")
    return parser.parse_args(argv)


def probabilities(model_dir: str, features: pd.DataFrame) -> pd.Series | None:
    """Class-1 probabilities when the model is a scikit-learn classifier; the pyfunc flavour only
    returns labels."""
    flavors = mlflow.models.Model.load(model_dir).flavors
    if "sklearn" not in flavors:
        return None
    estimator = mlflow.sklearn.load_model(model_dir)
    if not hasattr(estimator, "predict_proba"):
        return None
    return pd.Series(estimator.predict_proba(features)[:, 1], index=features.index)


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    frame = read_csv_input(args.data)
    labels = frame.pop(args.target_column) if args.target_column in frame.columns else None

    model = mlflow.pyfunc.load_model(args.model)
    predictions = pd.DataFrame({"prediction": pd.Series(model.predict(frame), index=frame.index)})
    proba = probabilities(args.model, frame)
    if proba is not None:
        predictions["probability"] = proba

    out = Path(args.predictions)
    out.mkdir(parents=True, exist_ok=True)
    predictions.to_csv(out / "predictions.csv", index_label="row")

    metrics: dict[str, float] = {"scored_rows": float(len(frame))}
    if labels is not None:
        metrics["accuracy"] = float(accuracy_score(labels, predictions["prediction"]))
        if proba is not None and labels.nunique() == 2:
            metrics["auc"] = float(roc_auc_score(labels, proba))
    write_json(Path(args.metrics) / "metrics.json", metrics)
    if tracking_enabled():
        mlflow.log_metrics(metrics)
    print(metrics)
    return metrics


if __name__ == "__main__":
    main()
