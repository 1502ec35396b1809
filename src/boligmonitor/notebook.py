"""What the notebooks start from: the data they work on.

The notebooks in ``notebooks/`` call :func:`notebook_dataset` in their first cell, so that they
run on the bundled example data without edits and on the user's own data when pointed at it.
This is an entry point (like the command line), above the presentation modules.
"""

from __future__ import annotations

import os
from pathlib import Path

from boligmonitor.datasets import Dataset, example_data, read_processed

PROCESSED_ENV = "BOLIGMONITOR_PROCESSED"


def notebook_dataset(processed: str | Path | None = None) -> Dataset:
    """The data a notebook works on: the processed store at ``processed`` or named by the
    environment variable ``BOLIGMONITOR_PROCESSED``, else the bundled example data."""
    where = processed if processed is not None else os.environ.get(PROCESSED_ENV) or None
    if where is None:
        return example_data()
    return read_processed(where)
