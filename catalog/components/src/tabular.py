"""Helpers the component scripts share: reading tabular inputs and describing the model's environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd


def read_csv_input(path: str | os.PathLike[str]) -> pd.DataFrame:
    """A uri_file input is one CSV; a uri_folder input is every CSV under it, in name order so a run
    on the same data always sees the same rows in the same order."""
    root = Path(path)
    if root.is_file():
        return pd.read_csv(root)
    files = sorted(p for p in root.rglob("*.csv") if p.is_file())
    if not files:
        raise SystemExit(f"no CSV files found in {root}")
    return pd.concat([pd.read_csv(f) for f in files], ignore_index=True)


def split_features(frame: pd.DataFrame, target_column: str) -> tuple[pd.DataFrame, pd.Series]:
    if target_column not in frame.columns:
        raise SystemExit(
            f"target column '{target_column}' is not in the data; columns: {', '.join(map(str, frame.columns))}"
        )
    return frame.drop(columns=[target_column]), frame[target_column]


def pip_requirements() -> list[str]:
    """Pin what the model was trained with; listing them also spares MLflow inferring requirements,
    which imports the model in a subprocess and takes seconds."""
    import mlflow
    import sklearn

    return [
        f"mlflow-skinny=={mlflow.__version__}",
        f"scikit-learn=={sklearn.__version__}",
        f"pandas=={pd.__version__}",
    ]


def tracking_enabled() -> bool:
    """Azure ML sets the tracking URI inside jobs; a local run without one should not litter ./mlruns."""
    return bool(os.environ.get("MLFLOW_TRACKING_URI"))


def write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
