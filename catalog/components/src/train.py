"""Train (or fine-tune) a gradient-boosted classifier on tabular CSV data and save it as an MLflow model.

Fine-tuning: given --base-model (an MLflow scikit-learn model of the same features), the base
model's trees are kept and --n-estimators more are fitted on the new data (warm start), so a
tenant adapts a shared model to its own data without starting over.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import mlflow
import mlflow.sklearn
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.metrics import accuracy_score, roc_auc_score
from sklearn.model_selection import train_test_split
from tabular import pip_requirements, read_csv_input, split_features, tracking_enabled, write_json


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--training-data", required=True, help="a CSV file or a folder of CSV files")
    parser.add_argument("--base-model", help="MLflow scikit-learn model to continue training from")
    parser.add_argument("--target-column", default="default")
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--max-depth", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--test-size", type=float, default=0.2)
    parser.add_argument("--random-state", type=int, default=42)
    parser.add_argument("--model", required=True, help="output folder for the MLflow model")
    parser.add_argument("--holdout", required=True, help="output folder for the held-out rows (CSV)")
    return parser.parse_args(argv)


def build_model(args: argparse.Namespace, columns: list[str]) -> GradientBoostingClassifier:
    if not args.base_model:
        return GradientBoostingClassifier(
            n_estimators=args.n_estimators,
            max_depth=args.max_depth,
            learning_rate=args.learning_rate,
            random_state=args.random_state,
        )
    base = mlflow.sklearn.load_model(args.base_model)
    if not isinstance(base, GradientBoostingClassifier):
        raise SystemExit(f"base model is a {type(base).__name__}; only GradientBoostingClassifier can be fine-tuned")
    known = list(getattr(base, "feature_names_in_", []))
    if known and known != columns:
        raise SystemExit(f"the data's features {columns} differ from the base model's {known}")
    base.set_params(
        warm_start=True,
        n_estimators=base.n_estimators + args.n_estimators,
        max_depth=args.max_depth,
        learning_rate=args.learning_rate,
    )
    return base


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    features, labels = split_features(read_csv_input(args.training_data), args.target_column)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=args.test_size, random_state=args.random_state, stratify=labels
    )
    model = build_model(args, list(features.columns))
    model.fit(x_train, y_train)

    metrics = {
        "train_rows": float(len(x_train)),
        "holdout_accuracy": float(accuracy_score(y_test, model.predict(x_test))),
        "holdout_auc": float(roc_auc_score(y_test, model.predict_proba(x_test)[:, 1])),
        "n_estimators_total": float(model.n_estimators),
    }

    # Azure ML creates the output folder before the step starts, and MLflow refuses to save into
    # an existing folder: save to a scratch folder and copy the files in.
    model_dir = Path(args.model)
    with tempfile.TemporaryDirectory() as scratch:
        saved = Path(scratch) / "model"
        mlflow.sklearn.save_model(
            model,
            saved,
            serialization_format="cloudpickle",
            pip_requirements=pip_requirements(),
            input_example=x_train.head(3),
        )
        shutil.copytree(saved, model_dir, dirs_exist_ok=True)

    holdout = Path(args.holdout)
    holdout.mkdir(parents=True, exist_ok=True)
    x_test.assign(**{args.target_column: y_test}).to_csv(holdout / "holdout.csv", index=False)
    write_json(holdout / "train_metrics.json", metrics)

    if tracking_enabled():
        mlflow.log_params(
            {"n_estimators": args.n_estimators, "max_depth": args.max_depth,
             "learning_rate": args.learning_rate, "fine_tuned": bool(args.base_model)}
        )
        mlflow.log_metrics(metrics)
    print(metrics)
    return metrics


if __name__ == "__main__":
    main()
