"""Shared fixtures: the example tables, and writers of them in every supported format."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import boligmonitor as bm

# Under pytest-xdist each core already runs a test process: charts are drawn in that process,
# not in worker processes of their own (the tests that are about the workers ask for them).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("BOLIGMONITOR_WORKERS", "1")


@pytest.fixture(scope="session")
def example():
    return bm.example_data()


def write_as(df: pd.DataFrame, path: Path, sheet: str = "Data") -> Path:
    """Write ``df`` as CSV, .xlsx or Parquet by the suffix of ``path``."""
    df = df.copy()
    df.attrs = {}
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    elif path.suffix == ".xlsx":
        df.to_excel(path, index=False, sheet_name=sheet)
    elif path.suffix == ".parquet":
        df.to_parquet(path, index=False)
    else:  # pragma: no cover - test misuse
        raise ValueError(path.suffix)
    return path
