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

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.io.mapping import DEFAULT_UNIT, UNITS, Mapping, read_mapping
from boligmonitor.schemas import LAYOUTS, NUMERIC_KINDS, SHARE_COUNTS, TEXT_KINDS, Column
from boligmonitor.validation import SHARE_TOLERANCE, table_problems

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet",
            ".pq": "parquet"}


def _problem(file: str, problem: str, *, row=pd.NA, column="", value=pd.NA,
             allowed="") -> dict:
    return {"file": file, "row": row, "column": column, "value": value, "problem": problem,
            "allowed": allowed}


def _fail(file: str, problem: str, **kw) -> DataValidationError:
    return DataValidationError(pd.DataFrame([_problem(file, problem, **kw)]), source=file)


def sha256_of(path: str | Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _format_of(path: Path, head: bytes, tail: bytes) -> str:
    """Return the file's format from its suffix, after checking its bytes agree."""
    name = str(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise _fail(name, "unsupported file type", value=path.suffix,
                    allowed=", ".join(sorted(SUFFIXES)))
    is_zip = head.startswith(b"PK\x03\x04")
    is_parquet = head.startswith(b"PAR1") and tail.endswith(b"PAR1")
    if fmt == "excel" and not is_zip:
        raise _fail(name, "not an Excel .xlsx file (an .xlsx file is a zip archive)")
    if fmt == "parquet" and not is_parquet:
        raise _fail(name, "not a Parquet file (no PAR1 magic bytes)")
    if fmt == "csv" and (is_zip or head.startswith(b"PAR1") or b"\x00" in head):
        raise _fail(name, "not a text CSV file (binary content)")
    return fmt


def _read_raw(path: Path, fmt: str, m: Mapping) -> tuple[pd.DataFrame, pd.Series]:
    """Return the raw cells (header applied) and the source row number of each row."""
    name = str(path)
    if fmt == "csv":
        try:
            text = path.read_bytes().decode(m.encoding)
        except UnicodeDecodeError as exc:
            raise _fail(name, f"cannot be decoded as {m.encoding} at byte {exc.start}",
                        allowed="declare the file's encoding in a mapping (utf-8, cp1252)"
                        ) from None
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise _fail(name, "the file is empty")
        try:
            raw = pd.read_csv(io.StringIO(text), sep=m.separator, header=None, dtype=str,
                              keep_default_na=False, skip_blank_lines=False,
                              skiprows=m.header_row - 1, engine="python")
        except pd.errors.ParserError as exc:
            raise _fail(name, f"not a valid CSV with separator {m.separator!r}: {exc}",
                        allowed="declare the file's separator in a mapping (separator = \";\")"
                        ) from None
        except pd.errors.EmptyDataError:
            raise _fail(name, "the file is empty") from None
        first_row = m.header_row
    elif fmt == "excel":
        if m.sheet is None:
            sheets = _sheet_names(path)
            raise _fail(name, "the Excel sheet to read is not named",
                        allowed="name it with sheet= or in a mapping; sheets: "
                        + ", ".join(sheets))
        try:
            raw = pd.read_excel(path, sheet_name=m.sheet, header=None, dtype=object,
                                skiprows=m.header_row - 1, engine="openpyxl")
        except ValueError as exc:
            if "not found" in str(exc).lower() or "worksheet" in str(exc).lower():
                raise _fail(name, "no such sheet", value=m.sheet,
                            allowed=", ".join(_sheet_names(path))) from None
            raise _fail(name, f"cannot read the workbook: {exc}") from None
        except (zipfile.BadZipFile, KeyError, OSError) as exc:
            raise _fail(name, f"not a readable .xlsx workbook: {exc}") from None
        first_row = m.header_row
    else:
        import pyarrow.lib
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except (pyarrow.lib.ArrowException, OSError) as exc:
            raise _fail(name, f"not a readable Parquet file: {exc}") from None
        data = table.to_pandas()
        header = pd.DataFrame([list(data.columns)], columns=range(data.shape[1]))
        data.columns = range(data.shape[1])
        raw = pd.concat([header, data.astype(object)], ignore_index=True)
        first_row = 0  # Parquet has no header line: data rows are numbered from 1
    if raw.empty:
        raise _fail(name, "the file is empty")
    header = [("" if _is_blank(h) else str(h).strip()) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:].copy()
    body.columns = header
    rows = pd.Series(np.arange(len(body)) + first_row + 1, index=body.index)
    # Fully empty rows (trailing lines, spacer rows in Excel) carry no data.
    blank = body.apply(lambda col: col.map(_is_blank)).all(axis=1) if len(body) else None
    if blank is not None and blank.any():
        body, rows = body[~blank], rows[~blank]
    return body.reset_index(drop=True), rows.reset_index(drop=True)


def _sheet_names(path: Path) -> list[str]:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        try:
            return list(wb.sheetnames)
        finally:
            wb.close()
    except Exception:
        return []


def _is_blank(v: object) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and np.isnan(v):
        return True
    if v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, str) and v.strip() == ""


def detect_layout(headers: list[str]) -> str | None:
    """Return the one layout whose required columns are all in ``headers``, else None."""
    present = set(headers)
    hits = []
    for name, cols in LAYOUTS.items():
        need = set()
        for c in cols:
            if not c.required:
                continue
            if c.derivable_from and set(c.derivable_from) <= present:
                continue
            need.add(c.name)
        if need <= present:
            hits.append(name)
    return hits[0] if len(hits) == 1 else None


def _parse_numeric(raw: pd.Series, col: Column, m: Mapping, file: str,
                   rows: pd.Series) -> tuple[pd.Series, list[dict]]:
    """Parse one numeric column; return floats in the canonical unit and the problems."""
    unit = m.unit_of(col.name) or DEFAULT_UNIT[col.kind]
    factor = UNITS[col.kind][unit]
    na = set(m.na_values)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    problems: list[dict] = []
    is_text = raw.map(lambda v: isinstance(v, str))
    blank = raw.map(_is_blank) | (is_text & raw.map(lambda v: isinstance(v, str)
                                                    and v.strip() in na))
    numeric_cell = ~is_text & ~blank
    if numeric_cell.any():
        vals = raw[numeric_cell]
        ok = vals.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                      and not isinstance(v, bool))
        out[vals.index[ok]] = vals[ok].astype("float64")
        for idx in vals.index[~ok]:
            problems.append(_problem(file, "not a number", row=rows[idx], column=col.name,
                                     value=str(raw[idx])))
    text_cell = is_text & ~blank
    if text_cell.any():
        s = raw[text_cell].astype(str).str.strip().str.replace("\u00a0", "", regex=False)
        bad = pd.Series(False, index=s.index)
        if unit == "percent":
            s = s.str.replace(r"\s*%$", "", regex=True)
        else:
            bad |= s.str.contains("%", regex=False)
        if m.thousands:
            s = s.str.replace(m.thousands, "", regex=False)
        if m.decimal != ".":
            bad |= s.str.contains(".", regex=False)
            s = s.str.replace(m.decimal, ".", regex=False)
        parsed = pd.to_numeric(s.where(~bad), errors="coerce")
        bad |= parsed.isna()
        out[s.index[~bad]] = parsed[~bad].astype("float64")
        if bad.any():
            allowed = (f"a number with decimal mark {m.decimal!r}"
                       + (f" and thousands separator {m.thousands!r}" if m.thousands else "")
                       + ("" if unit == "percent" else
                          "; a percent column must be declared unit = \"percent\" in a mapping"))
            for idx in s.index[bad]:
                problems.append(_problem(file, "not a number", row=rows[idx], column=col.name,
                                         value=str(raw[idx]).strip(), allowed=allowed))
    return out * factor if factor != 1.0 else out, problems


def _parse_text(raw: pd.Series, col: Column, m: Mapping) -> pd.Series:
    def clean(v: object) -> object:
        if _is_blank(v):
            return pd.NA
        if isinstance(v, float) and v.is_integer():
            v = int(v)  # an id typed as a number in Excel
        text = str(v).strip()
        return pd.NA if text in m.na_values else text

    s = raw.map(clean).astype("string")
    if col.name in m.values:
        s = s.replace(m.values[col.name])
    return s


def _parse_year(raw: pd.Series, col: Column, m: Mapping, file: str,
                rows: pd.Series) -> tuple[pd.Series, list[dict]]:
    nums, problems = _parse_numeric(raw, Column(col.name, "count"), Mapping(
        decimal=m.decimal, na_values=m.na_values), file, rows)
    whole = nums.isna() | (nums == np.floor(nums))
    for idx in nums.index[~whole]:
        problems.append(_problem(file, "a year must be a whole number", row=rows[idx],
                                 column=col.name, value=str(raw[idx])))
    return nums.where(whole), problems


def parse_table(
    raw: pd.DataFrame,
    rows: pd.Series,
    *,
    file: str,
    layout: str | None = None,
    mapping: Mapping | None = None,
    share_tolerance: float = SHARE_TOLERANCE,
) -> tuple[pd.DataFrame, str]:
    """Map, parse and validate raw cells; return the canonical table and its layout.

    Raises DataValidationError listing every problem of the table at once.
    """
    m = mapping or Mapping()
    problems: list[dict] = []
    headers = list(raw.columns)
    rename = m.rename()
    seen: dict[str, int] = {}
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
    for h, n in seen.items():
        if n > 1 and h != "":
            problems.append(_problem(file, f"column header appears {n} times", column=h))
    for src in rename:
        if src not in seen:
            problems.append(_problem(file, "mapped column not in the file", column=src,
                                     allowed=", ".join(headers)))
    canonical = [rename.get(h, h) for h in headers]
    layout = layout or m.layout or detect_layout(canonical + list(m.constants))
    if layout is None:
        problems.append(_problem(
            file, "cannot tell which layout the file has: its columns match none or several",
            value=", ".join(headers), allowed="name it with --layout/layout= or in a mapping: "
            + ", ".join(LAYOUTS)))
        raise DataValidationError(pd.DataFrame(problems), source=file)
    if layout not in LAYOUTS:
        raise _fail(file, "unknown layout", value=layout, allowed=", ".join(LAYOUTS))
    specs = {c.name: c for c in LAYOUTS[layout]}
    keep: dict[str, str] = {}
    for pos, (h, c) in enumerate(zip(headers, canonical, strict=True)):
        if h == "":
            if not raw.iloc[:, pos].map(_is_blank).all():
                problems.append(_problem(file, "a column without a header has values",
                                         column=f"(column {pos + 1}, no header)"))
            continue
        if h in m.ignore:
            continue
        if c not in specs:
            problems.append(_problem(
                file, "unknown column without a mapping", column=h,
                allowed="the columns of layout " + layout + ": " + ", ".join(specs)
                + "; or map/ignore it in a mapping file"))
            continue
        keep[c] = h
    for name in m.constants:
        keep.setdefault(name, "")
    present = set(keep)
    for c in LAYOUTS[layout]:
        if not c.required or c.name in present:
            continue
        if c.derivable_from and set(c.derivable_from) <= present:
            continue
        hint = (f" (or both {c.derivable_from[0]} and {c.derivable_from[1]})"
                if c.derivable_from else "")
        problems.append(_problem(file, "missing required column" + hint, column=c.name))
    if len(raw) == 0:
        problems.append(_problem(file, "the file has a header but no data rows"))
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=file)

    out = pd.DataFrame(index=raw.index)
    for c in LAYOUTS[layout]:
        if c.name in m.constants and keep.get(c.name) == "":
            cells = pd.Series([m.constants[c.name]] * len(raw), index=raw.index, dtype=object)
        elif c.name in keep:
            cells = raw[keep[c.name]]
        else:
            cells = None
        if c.kind in TEXT_KINDS:
            out[c.name] = (_parse_text(cells, c, m) if cells is not None
                           else pd.Series(pd.NA, index=raw.index, dtype="string"))
        elif c.kind == "year":
            vals, probs = _parse_year(cells, c, m, file, rows)
            problems += probs
            out[c.name] = vals
        elif c.kind in NUMERIC_KINDS:
            if cells is None:
                out[c.name] = np.nan
            else:
                vals, probs = _parse_numeric(cells, c, m, file, rows)
                problems += probs
                out[c.name] = vals
    for share, (num, den) in SHARE_COUNTS.items():
        if share in out.columns and share not in present and num in present and den in present:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[share] = (out[num] / out[den]).where(out[den] > 0)
    # Cells that failed to parse are NaN here, so the content checks report each cell once.
    content = table_problems(out, layout, source=file, rows=rows,
                             share_tolerance=share_tolerance)
    all_problems = pd.concat([pd.DataFrame(problems, columns=content.columns), content],
                             ignore_index=True) if problems else content
    if len(all_problems):
        all_problems = all_problems.sort_values(["row", "column"], na_position="first",
                                                kind="stable", ignore_index=True)
        raise DataValidationError(all_problems, source=file)
    for c in LAYOUTS[layout]:
        if c.kind == "year":
            out[c.name] = out[c.name].astype("int64")
    return out.reset_index(drop=True), layout


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
    if not path.is_file():
        raise _fail(name, "file not found")
    with open(path, "rb") as fh:
        head = fh.read(8)
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 4))
        tail = fh.read(4)
    if size == 0:
        raise _fail(name, "the file is empty")
    fmt = _format_of(path, head, tail)
    raw, rows = _read_raw(path, fmt, m)
    table, layout = parse_table(raw, rows, file=name, layout=layout, mapping=m,
                                share_tolerance=share_tolerance)
    table.attrs["boligmonitor"] = {
        "file": path.name,
        "path": name,
        "sha256": sha256_of(path),
        "layout": layout,
        "rows": len(table),
        "format": fmt,
        "mapping": m.path,
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
