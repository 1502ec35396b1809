"""Read the documented layouts from CSV, Excel (.xlsx) or Parquet into validated tables.

The readers parse every cell as declared (by the canonical conventions, or by a column-mapping
file, see :mod:`boligmonitor.io.mapping`), collect every problem of the file at once and raise
one :class:`~boligmonitor.errors.DataValidationError` carrying them as a table. Source files are
only ever opened for reading.

Canonical conventions, when no mapping is given: CSV separated by commas, UTF-8 (with or without
BOM), decimal point, no thousands separator, shares as fractions 0-1, money in DKK. Excel files
need their sheet named (``sheet=`` or the mapping); the header is row 1 unless declared.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from boligmonitor.errors import DataWarning
from boligmonitor.io.files import SUFFIXES, format_of, not_a_file, read_raw, sha256_of
from boligmonitor.io.mapping import Mapping, read_mapping
from boligmonitor.io.parse import detect_layout, implausible_values, parse_table
from boligmonitor.io.problems import file_error
from boligmonitor.io.workbook import MAX_SHEET_CELLS, MAX_XLSX_UNPACKED
from boligmonitor.validation import SHARE_TOLERANCE

__all__ = ["MAX_SHEET_CELLS", "MAX_XLSX_UNPACKED", "SUFFIXES", "detect_layout",
           "implausible_values", "parse_table", "read_criterion_values", "read_indicators",
           "read_memberships", "read_references", "read_table", "sha256_of"]


def read_table(
    path: str | Path,
    layout: str | None = None,
    mapping: str | Path | Mapping | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    share_tolerance: float = SHARE_TOLERANCE,
) -> pd.DataFrame:
    """Read, parse and validate one file of a documented layout.

    Parameters
    ----------
    path
        A ``.csv``, ``.xlsx`` or ``.parquet`` file.
    layout
        ``"indicators"``, ``"criterion_values"``, ``"references"`` or ``"memberships"``.
        Default: the mapping's layout, else the one layout whose required columns the file has.
    mapping
        A column-mapping file (or :class:`~boligmonitor.io.mapping.Mapping`) for files that are
        not in canonical form.
    sheet, header_row
        The Excel sheet and the 1-based header row; they override the mapping's.
    share_tolerance
        How far a given share may be from its counts' quotient.

    Returns
    -------
    pandas.DataFrame
        The canonical table; ``df.attrs["boligmonitor"]`` holds the file's name, sha256, layout
        and row count.

    Raises
    ------
    DataValidationError
        Listing every problem at once, each with file, row, column and value.

    Examples
    --------
    >>> import boligmonitor as bm
    >>> path = bm.example_files()["indicators"]
    >>> df = bm.read_table(path, "indicators")
    >>> sorted(df["area_name"].unique())[:2]
    ['Ellekonebakken', 'Houlkærvænget']
    """
    path = Path(path)
    name = str(path)
    m = mapping if isinstance(mapping, Mapping) or mapping is None else read_mapping(mapping)
    m = m or Mapping()
    if sheet is not None or header_row is not None:
        m = Mapping(**{**m.__dict__, "sheet": sheet if sheet is not None else m.sheet,
                       "header_row": header_row if header_row is not None else m.header_row})
    try:
        is_file = path.is_file()
    except OSError:  # a name too long, a loop: say what the path is below
        is_file = False
    if not is_file:
        raise file_error(name, not_a_file(path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 4))
            tail = fh.read(4)
    except OSError as exc:
        raise file_error(name, f"cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise file_error(name, "the file is empty")
    fmt = format_of(path, head, tail, m.encoding)
    try:
        raw, rows = read_raw(path, fmt, m)
    except OSError as exc:
        raise file_error(name, f"cannot be read: {exc.strerror or exc}") from None
    table, layout = parse_table(raw, rows, file=name, layout=layout, mapping=m,
                                share_tolerance=share_tolerance)
    doubts = implausible_values(table, layout, m, file=name, rows=rows)
    if len(doubts):
        warnings.warn(DataWarning(doubts, source=name), stacklevel=2)
    table.attrs["boligmonitor"] = {
        "file": path.name,
        "path": name,
        "sha256": sha256_of(path),
        "layout": layout,
        "rows": len(table),
        "format": fmt,
        "mapping": m.path,
        "warnings": doubts.to_dict("records"),
    }
    return table


def read_indicators(path: str | Path, mapping: str | Path | Mapping | None = None,
                    **kwargs) -> pd.DataFrame:
    """Read layout (a), annual indicators per area and data year. See :func:`read_table`."""
    return read_table(path, "indicators", mapping, **kwargs)


def read_criterion_values(path: str | Path, mapping: str | Path | Mapping | None = None,
                          **kwargs) -> pd.DataFrame:
    """Read layout (b), criterion values per area and list year. See :func:`read_table`."""
    return read_table(path, "criterion_values", mapping, **kwargs)


def read_references(path: str | Path, mapping: str | Path | Mapping | None = None,
                    **kwargs) -> pd.DataFrame:
    """Read layout (c), national and regional reference values. See :func:`read_table`."""
    return read_table(path, "references", mapping, **kwargs)


def read_memberships(path: str | Path, mapping: str | Path | Mapping | None = None,
                     **kwargs) -> pd.DataFrame:
    """Read layout (d), published list memberships. See :func:`read_table`."""
    return read_table(path, "memberships", mapping, **kwargs)
