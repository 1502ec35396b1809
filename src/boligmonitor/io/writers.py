"""Writing result tables to files: the format follows the file's suffix.

Writes are atomic (:func:`boligmonitor.io.atomic.write_atomic`): the table goes to a temporary
file in the same directory, which then replaces the target, so a reader never sees half a file
and a failed write leaves the old file in place.

Everything the package writes into a spreadsheet or a CSV file is data, never a formula
(OWASP, "CSV injection"). The one rule, :func:`looks_like_formula`, and the one cleaner,
:func:`spreadsheet_text`, serve every writer:

- in a workbook (.xlsx), text is written by :func:`set_text_cell` as a string cell with the
  quote-prefix flag where it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return:
  the cell shows the text as it is and no spreadsheet evaluates it;
- in a CSV file, such text gets a leading apostrophe (:func:`csv_text`), as OWASP advises, since
  a CSV cell has no type; lines end in CRLF (RFC 4180), so that a cell holding a line break is
  quoted and cannot start a row;
- numbers stay numbers (a negative number is a number, not text) and are never prefixed;
- control characters that a workbook cannot hold (all below U+0020 except tab, line feed and
  carriage return) are replaced by U+FFFD in both.

Parquet files are typed data, not spreadsheets, and are written as they are.

The same table gives the same bytes in every format: a workbook's dates (the zip entries' and
its core properties') are pinned (:func:`~boligmonitor.io.zipfix.pin_zip`), not the clock's.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.errors import ReportError
from boligmonitor.io.atomic import write_atomic
from boligmonitor.io.zipfix import TABLE_DATE, pin_zip

FORMATS: tuple[str, ...] = (".csv", ".parquet", ".xlsx")

#: What a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
# The characters openpyxl refuses (IllegalCharacterError): XML 1.0 cannot hold them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def looks_like_formula(text: str) -> bool:
    """Return True if a spreadsheet would read ``text`` as a formula (or a DDE payload)."""
    return text.startswith(FORMULA_START)


def spreadsheet_text(text: str) -> str:
    """Return ``text`` with the characters a workbook cannot hold replaced by U+FFFD."""
    return _ILLEGAL.sub(REPLACEMENT, text)


def set_text_cell(cell, text: str) -> None:
    """Write ``text`` into the openpyxl ``cell`` as inert text: never a formula, whatever it
    begins with, and never a character the file cannot hold."""
    text = spreadsheet_text(str(text))
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True


def csv_text(text: str) -> str:
    """Return ``text`` as a CSV cell that no spreadsheet evaluates (a leading apostrophe where
    it would read a formula)."""
    text = spreadsheet_text(str(text))
    return "'" + text if looks_like_formula(text) else text


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as plain text, so every format stores the same values."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype("string")
    return out


def _is_text_column(s: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(s.dtype) or s.dtype == object


def _csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell (and header) made inert; numbers untouched."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if _is_text_column(s):
            out[col] = s.map(lambda v: csv_text(v) if isinstance(v, str) else v)
    out.columns = [csv_text(str(c)) for c in out.columns]
    return out


def _xlsx_value(ws, v: object):
    """One value as openpyxl should write it: numbers as numbers, text as inert text."""
    from openpyxl.cell import WriteOnlyCell

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, bool | np.bool_):
        return bool(v)
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        f = float(v)
        if math.isnan(f):
            return None
        if math.isfinite(f):
            return f
        v = "inf" if f > 0 else "-inf"  # a workbook cannot hold an infinite number
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    cell = WriteOnlyCell(ws)
    set_text_cell(cell, str(v))
    return cell


def _write_xlsx(df: pd.DataFrame, path: Path) -> None:
    """The workbook with its dates pinned (:func:`~boligmonitor.io.zipfix.pin_zip`): the same
    table gives the same bytes, whenever it is written."""
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append([_xlsx_value(ws, str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        ws.append([_xlsx_value(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    Path(path).write_bytes(pin_zip(buf.getvalue(), TABLE_DATE))


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write ``df`` to ``path`` as CSV (UTF-8), Parquet or Excel, by the suffix; return the path.

    Text in CSV and Excel is written inert (see the module's docstring).
    """
    path = Path(path)
    check_table_path(path)
    table = _plain(df)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe = _csv_safe(table)
        # CRLF line ends (RFC 4180): a field holding a carriage return or a line feed is then
        # quoted, so no text can start a new row in a spreadsheet.
        write_atomic(path, lambda tmp: safe.to_csv(tmp, index=False, encoding="utf-8",
                                                   lineterminator="\r\n"), fsync=False)
    elif suffix == ".parquet":
        write_atomic(path, lambda tmp: table.to_parquet(tmp, index=False), fsync=False)
    else:
        write_atomic(path, lambda tmp: _write_xlsx(table, tmp), fsync=False)
    return path


def check_table_path(path: str | Path) -> Path:
    """Check that a table can be written to ``path`` (a known suffix, an existing directory)
    before any work is done; return it as a Path. Raises ReportError."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReportError(
            f"cannot write {path}: unknown format {suffix!r} (allowed: {', '.join(FORMATS)})"
        )
    directory = path.parent if str(path.parent) else Path(".")
    if directory.exists() and not directory.is_dir():
        raise ReportError(f"cannot write {path}: {directory} is a file, not a directory")
    if not directory.is_dir():
        raise ReportError(f"cannot write {path}: directory {directory} does not exist")
    if path.is_dir():
        raise ReportError(f"cannot write {path}: it is a directory")
    return path
