"""A small, deterministic credit-card-default style data set (shape of the UCI "default of credit
card clients" table) so the training components can be run and tested without downloading data.

    python catalog/data/credit_default.py --rows 2000 --seed 7 --out data/credit/

The label follows a fixed logistic model of the features, so a trained model has real signal to
find; the seed makes every run byte-identical, and different seeds give different tenants' data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

TARGET = "default"
FEATURES = (
    "limit_bal", "sex", "education", "marriage", "age",
    "pay_status_1", "pay_status_2", "pay_status_3",
    "bill_amt_1", "bill_amt_2", "bill_amt_3",
    "pay_amt_1", "pay_amt_2", "pay_amt_3",
)


def generate(rows: int = 1000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    limit_bal = rng.choice(np.arange(10_000, 500_001, 10_000), size=rows)
    sex = rng.integers(1, 3, size=rows)
    education = rng.choice([1, 2, 3, 4], size=rows, p=[0.35, 0.45, 0.15, 0.05])
    marriage = rng.choice([1, 2, 3], size=rows, p=[0.45, 0.5, 0.05])
    age = rng.integers(21, 75, size=rows)
    # Repayment status: -1 paid duly, 1..8 months of delay; a latent "risk" makes delays persist.
    risk = rng.normal(0.0, 1.0, size=rows)
    pay_status = np.clip(np.round(risk[:, None] + rng.normal(0.0, 0.8, size=(rows, 3))), -1, 8).astype(int)
    utilisation = np.clip(rng.beta(2, 3, size=rows) + 0.15 * risk, 0.0, 1.2)
    bill = np.round(limit_bal[:, None] * utilisation[:, None] * rng.uniform(0.85, 1.0, size=(rows, 3)))
    paid_share = np.clip(rng.beta(2, 5, size=(rows, 3)) - 0.05 * risk[:, None], 0.0, 1.0)
    pay_amt = np.round(bill * paid_share)

    logit = (
        -1.0
        + 0.9 * pay_status[:, 0]
        + 0.35 * pay_status[:, 1]
        + 1.2 * (utilisation - 0.4)
        - 2.5 * paid_share.mean(axis=1)
        - 0.000002 * limit_bal
        + 0.15 * (education == 3)
        - 0.004 * (age - 40)
    )
    label = (rng.uniform(size=rows) < 1.0 / (1.0 + np.exp(-logit))).astype(int)

    columns = {
        "limit_bal": limit_bal, "sex": sex, "education": education, "marriage": marriage, "age": age,
        **{f"pay_status_{i + 1}": pay_status[:, i] for i in range(3)},
        **{f"bill_amt_{i + 1}": bill[:, i].astype(int) for i in range(3)},
        **{f"pay_amt_{i + 1}": pay_amt[:, i].astype(int) for i in range(3)},
        TARGET: label,
    }
    return pd.DataFrame(columns)


def write(out: Path, rows: int = 1000, seed: int = 7, files: int = 1) -> list[Path]:
    """Write the data set as one or more CSV files in a folder (the shape of a uri_folder asset)."""
    out.mkdir(parents=True, exist_ok=True)
    frame = generate(rows, seed)
    paths = []
    for i, part in enumerate(np.array_split(np.arange(len(frame)), files)):
        path = out / f"part-{i:03d}.csv"
        frame.iloc[part].to_csv(path, index=False)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--files", type=int, default=1, help="split the rows over this many CSV files")
    parser.add_argument("--out", type=Path, required=True, help="folder to write the CSV files into")
    args = parser.parse_args(argv)
    for path in write(args.out, args.rows, args.seed, args.files):
        print(path)


if __name__ == "__main__":
    main()
