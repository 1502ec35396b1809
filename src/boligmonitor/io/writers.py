"""Writing result tables to files: the format follows the file's suffix.

Writes are atomic: the table goes to a temporary file in the same directory, which then replaces
the target, so a reader never sees half a file and a failed write leaves the old file in place.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

from boligmonitor.errors import ReportError

FORMATS: tuple[str, ...] = (".csv", ".parquet", ".xlsx")


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as plain text, so every format stores the same values."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
    return out


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as CSV (UTF-8), Parquet or Excel, by the suffix; return the path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(
            f"cannot write {path}: unknown format {suffix!r} (allowed: {', '.join(FORMATS)})"
        )
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ReportError(f"cannot write {path}: directory {directory} does not exist")
    table = _plain(df)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=directory)
    os.close(fd)
    try:
        if suffix == ".csv":
            table.to_csv(tmp, index=False, encoding="utf-8")
        elif suffix == ".parquet":
            table.to_parquet(tmp, index=False)
        else:
            table.to_excel(tmp, index=False, engine="openpyxl")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
