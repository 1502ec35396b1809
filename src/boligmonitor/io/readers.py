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

import csv
import difflib
import hashlib
import io
import posixpath
import re
import stat
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from boligmonitor.errors import PROBLEM_COLUMNS, DataValidationError, DataWarning
from boligmonitor.io.mapping import DEFAULT_UNIT, UNITS, Mapping, read_mapping
from boligmonitor.schemas import LAYOUTS, NUMERIC_KINDS, SHARE_COUNTS, TEXT_KINDS, Column
from boligmonitor.validation import SHARE_TOLERANCE, table_problems, table_warnings

SUFFIXES = {".csv": "csv", ".txt": "csv", ".xlsx": "excel", ".parquet": "parquet",
            ".pq": "parquet"}

#: An .xlsx file may unpack to at most this many bytes (all members of the zip together): a
#: small file that unpacks to far more is a zip bomb, or a table that belongs in CSV or Parquet.
MAX_XLSX_UNPACKED = 100 * 2**20
#: The used range of the sheet read (rows x columns up to the last cell that holds a value)
#: may hold at most this many cells. The declared dimension of a sheet is never trusted.
MAX_SHEET_CELLS = 10_000_000
#: The longest CSV field Python's csv module reads.
CSV_FIELD_LIMIT = csv.field_size_limit()

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class UnreadableCell:
    """A workbook cell whose value cannot be taken as it is (a formula never calculated, an
    error value); the parsers report it as a problem naming the cell."""

    ref: str
    text: str
    problem: str
    allowed: str

    def __str__(self) -> str:
        return self.text


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


def _format_of(path: Path, head: bytes, tail: bytes, encoding: str = "utf-8-sig") -> str:
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
    if fmt == "csv" and encoding != "utf-16":
        if head.startswith(_UTF16_BOMS):
            raise _fail(name, "the file is UTF-16 text (it begins with a UTF-16 byte order "
                        "mark), not UTF-8",
                        allowed='declare encoding = "utf-16" in a mapping, or save the file '
                        'as UTF-8 (in Excel: "CSV UTF-8")')
        if is_zip or head.startswith(b"PAR1") or b"\x00" in head:
            raise _fail(name, "not a text CSV file (binary content: NUL bytes)",
                        allowed="a text file; UTF-16 without a byte order mark is not read: "
                        "save it as UTF-8")
    return fmt


def _not_a_file(path: Path) -> str:
    """Say what ``path`` is, for a path that is not a regular file."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "file not found"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISLNK(st.st_mode):
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "a symbolic link that loops back on itself"
        except FileNotFoundError:
            return f"a symbolic link to {path.readlink()}, which does not exist"
        except OSError as exc:
            if exc.errno == 40:  # ELOOP
                return "a symbolic link that loops back on itself"
            return f"a symbolic link that cannot be followed: {exc.strerror or exc}"
        try:
            st = path.stat()
        except OSError as exc:
            return f"a symbolic link that cannot be followed: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        return "a directory, not a file"
    return "not a regular file (a pipe, socket or device)"


def _csv_field_too_long(text: str, sep: str) -> int | None:
    """Return the line on which a field exceeds the csv module's limit (None if none does)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        for _ in reader:
            pass
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            return reader.line_num
    return None


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
            if "field larger than field limit" in str(exc):
                line = _csv_field_too_long(text, m.separator)
                raise _fail(name, f"a field is longer than {CSV_FIELD_LIMIT:,} characters",
                            row=line if line is not None else pd.NA,
                            allowed="a quote character (\") that is never closed makes the "
                            "rest of the file one field: close it, or remove the quote"
                            ) from None
            raise _fail(name, f"not a valid CSV with separator {m.separator!r}: {exc}",
                        allowed="declare the file's separator in a mapping (separator = \";\")"
                        ) from None
        except pd.errors.EmptyDataError:
            raise _fail(name, "the file is empty") from None
        first_row = m.header_row
    elif fmt == "excel":
        raw = _read_xlsx(path, m.sheet, m.header_row)
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
    for h in raw.iloc[0].tolist():
        if isinstance(h, UnreadableCell):
            raise _fail(name, f"header cell {h.ref}: {h.problem}", value=h.text,
                        allowed=h.allowed)
    header = [("" if _is_blank(h) else str(h).strip()) for h in raw.iloc[0].tolist()]
    body = raw.iloc[1:].copy()
    body.columns = header
    rows = pd.Series(np.arange(len(body)) + first_row + 1, index=body.index)
    # Fully empty rows (trailing lines, spacer rows in Excel) carry no data.
    blank = body.apply(lambda col: col.map(_is_blank)).all(axis=1) if len(body) else None
    if blank is not None and blank.any():
        body, rows = body[~blank], rows[~blank]
    return body.reset_index(drop=True), rows.reset_index(drop=True)


_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _xml(zf: zipfile.ZipFile, member: str) -> ElementTree.Element:
    with zf.open(member) as fh:
        return ElementTree.parse(fh).getroot()


def _workbook_sheets(zf: zipfile.ZipFile) -> dict[str, str]:
    """Return ``{sheet name: zip member of its XML}`` from the workbook's own parts."""
    names = set(zf.namelist())
    book = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _xml(zf, "_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                book = rel.get("Target", book).lstrip("/")
    folder = posixpath.dirname(book)
    rels_member = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
    targets = {}
    if rels_member in names:
        for rel in _xml(zf, rels_member):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                      else posixpath.normpath(posixpath.join(folder, target)))
    sheets = {}
    for el in _xml(zf, book).iter():
        if _local(el.tag) == "sheet":
            rid = el.get(f"{{{_REL_NS}}}id")
            if el.get("name") is not None and targets.get(rid) in names:
                sheets[el.get("name")] = targets[rid]
    return sheets


def _scan_sheet(zf: zipfile.ZipFile, member: str, file: str
                ) -> tuple[int, int, dict[tuple[int, int], UnreadableCell]]:
    """Measure a sheet's used range and find the cells whose value cannot be taken as it is.

    Returns (last row, last column) of the cells that hold a value, and the unreadable cells by
    (row, column). Raises as soon as the used range exceeds :data:`MAX_SHEET_CELLS`, before any
    value is read.
    """
    max_row = max_col = 0
    row_idx = col_idx = 0
    odd: dict[tuple[int, int], UnreadableCell] = {}
    with zf.open(member) as fh:
        for event, el in ElementTree.iterparse(fh, events=("start", "end")):
            tag = _local(el.tag)
            if event == "start":
                if tag == "row":
                    r = el.get("r")
                    row_idx = int(r) if r and r.isdigit() else row_idx + 1
                    col_idx = 0
                continue
            if tag == "row":
                el.clear()
                continue
            if tag != "c":
                continue
            ref = el.get("r")
            m = _CELL_REF.match(ref or "")
            if m:
                col_idx, row_idx = _column_number(m.group(1)), int(m.group(2))
            else:
                col_idx += 1
            formula = value = inline = None
            for child in el:
                t = _local(child.tag)
                if t == "f":
                    formula = child
                elif t == "v":
                    value = child
                elif t == "is":
                    inline = child
            has_value = value is not None or inline is not None or formula is not None
            if has_value:
                max_row, max_col = max(max_row, row_idx), max(max_col, col_idx)
                if max_row * max_col > MAX_SHEET_CELLS:
                    where = f"{_column_letters(col_idx)}{row_idx}"
                    raise _fail(
                        file, f"the sheet's cells reach {where}: its used range of "
                        f"{max_row:,} rows x {max_col:,} columns is more than the "
                        f"{MAX_SHEET_CELLS:,} cells read from a workbook",
                        allowed="clear the cells outside the table, or save the table as CSV "
                        "or Parquet")
            where = f"{_column_letters(col_idx)}{row_idx}"
            # A formula never calculated has no value, or an empty one that is not a cached
            # empty text (t="str"): that is how openpyxl and other scripts write formulas.
            uncalculated = formula is not None and (
                value is None or (not value.text and el.get("t") != "str"))
            if uncalculated:
                text = "=" + (formula.text or "") if formula.text else "(shared formula)"
                odd[(row_idx, col_idx)] = UnreadableCell(
                    where, text, f"cell {where} holds a formula that was never calculated "
                    "(no value is stored with it)",
                    "values: open and save the workbook in Excel or LibreOffice so the "
                    "formulas are calculated, or paste the values")
            elif el.get("t") == "e" and value is not None:
                odd[(row_idx, col_idx)] = UnreadableCell(
                    where, value.text or "", f"cell {where} holds the spreadsheet error "
                    f"{value.text}", "a value; or declare the error text in na_values")
            el.clear()
    return max_row, max_col, odd


def _open_xlsx(path: Path) -> zipfile.ZipFile:
    name = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _fail(name, f"not a readable .xlsx workbook: {exc}") from None
    unpacked = sum(i.file_size for i in zf.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        zf.close()
        raise _fail(name, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the "
                    f"{MAX_XLSX_UNPACKED / 2**20:,.0f} MB read from a workbook",
                    allowed="save the table as CSV or Parquet")
    return zf


def _sheet_names(path: Path) -> list[str]:
    try:
        with _open_xlsx(path) as zf:
            return list(_workbook_sheets(zf))
    except Exception:
        return []


def _read_xlsx(path: Path, sheet: str | None, header_row: int) -> pd.DataFrame:
    """Read one sheet's cells from ``header_row`` on, bounded and checked first.

    Formula cells give their stored (calculated) value; a formula without one, or an error
    value, becomes an :class:`UnreadableCell` for the parsers to report.
    """
    name = str(path)
    with _open_xlsx(path) as zf:
        try:
            sheets = _workbook_sheets(zf)
        except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError,
                EOFError, ValueError) as exc:
            raise _fail(name, f"not a readable .xlsx workbook: {exc}") from None
        if sheet is None:
            raise _fail(name, "the Excel sheet to read is not named",
                        allowed="name it with sheet= or in a mapping; sheets: "
                        + ", ".join(sheets))
        if sheet not in sheets:
            raise _fail(name, "no such sheet", value=sheet, allowed=", ".join(sheets))
        try:
            max_row, max_col, odd = _scan_sheet(zf, sheets[sheet], name)
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError,
                ValueError) as exc:
            raise _fail(name, f"not a readable .xlsx workbook: {exc}") from None
    if max_row < header_row:
        return pd.DataFrame()
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[sheet]
            ws.reset_dimensions()  # the declared dimension is not trusted: the scan measured
            rows = list(ws.iter_rows(min_row=header_row, max_row=max_row, max_col=max_col,
                                     values_only=True))
        finally:
            wb.close()
    except DataValidationError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise _fail(name, f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}"
                    ) from None
    raw = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    for (r, c), cell in odd.items():
        if r >= header_row and len(raw) and c <= raw.shape[1]:
            raw.iat[r - header_row, c - 1] = cell
    return raw


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


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name.strip().lower(), candidates, n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}? " if close else ""


def _layout_problems(file: str, headers: list[str], present: list[str],
                     m: Mapping) -> list[dict]:
    """Explain why no one layout matches: the nearest layout, its unknown and missing columns."""
    known = {name: {c.name for c in cols} for name, cols in LAYOUTS.items()}
    overlap = {name: len(set(present) & cols) for name, cols in known.items()}
    best = max(overlap.values())
    nearest = [name for name, n in overlap.items() if n == best]
    choose = ("name it with --layout/layout= or in a mapping: " + ", ".join(LAYOUTS))
    if best == 0 or len(nearest) > 1:
        return [_problem(file, "cannot tell which layout the file has: its columns match "
                         + ("none" if best == 0 else "several (" + ", ".join(nearest) + ")"),
                         value=", ".join(headers), allowed=choose)]
    layout = nearest[0]
    out = [_problem(file, f"cannot tell which layout the file has; its columns come closest to "
                    f"{layout}, but do not match it", value=", ".join(headers), allowed=choose)]
    missing = [c.name for c in LAYOUTS[layout] if c.required and c.name not in present
               and not (c.derivable_from and set(c.derivable_from) <= set(present))]
    for h, c in zip(headers, present, strict=False):
        if h and c not in known[layout] and h not in m.ignore:
            out.append(_problem(file, f"unknown column for layout {layout}", column=h,
                                allowed=_did_you_mean(c, missing) + "map or ignore it in a "
                                "mapping file"))
    for name in missing:
        out.append(_problem(file, f"missing required column of layout {layout}", column=name))
    return out


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
    unreadable = raw.map(lambda v: isinstance(v, UnreadableCell) and v.text not in na)
    blank |= raw.map(lambda v: isinstance(v, UnreadableCell) and v.text in na)
    problems += _unreadable_problems(raw[unreadable], col, file, rows)
    numeric_cell = ~is_text & ~blank & ~unreadable
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
    # inf, Infinity, 1e999: numbers to Python, never a count, share or amount.
    infinite = out.notna() & ~np.isfinite(out)
    for idx in out.index[infinite]:
        problems.append(_problem(file, "not a finite number", row=rows[idx], column=col.name,
                                 value=str(raw[idx]).strip(), allowed="a finite number"))
    out[infinite] = np.nan
    return out * factor if factor != 1.0 else out, problems


def _unreadable_problems(cells: pd.Series, col: Column, file: str,
                         rows: pd.Series) -> list[dict]:
    return [_problem(file, cell.problem, row=rows[idx], column=col.name, value=cell.text,
                     allowed=cell.allowed) for idx, cell in cells.items()]


def _parse_text(raw: pd.Series, col: Column, m: Mapping) -> pd.Series:
    def clean(v: object) -> object:
        if _is_blank(v) or isinstance(v, UnreadableCell):  # reported by parse_table
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
        problems += _layout_problems(file, headers, canonical + list(m.constants), m)
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
                allowed=_did_you_mean(c, [n for n in specs if n not in canonical])
                + "the columns of layout " + layout + ": " + ", ".join(specs)
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
            if cells is not None:
                odd = cells.map(lambda v: isinstance(v, UnreadableCell)
                                and v.text not in m.na_values)
                problems += _unreadable_problems(cells[odd], c, file, rows)
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


def implausible_values(table: pd.DataFrame, layout: str, mapping: Mapping | None = None, *,
                       file: str = "<table>", rows: pd.Series | None = None) -> pd.DataFrame:
    """Return the possible but implausible values of a parsed table, as a problems table.

    Besides :func:`~boligmonitor.validation.table_warnings`: a share column declared
    ``unit = "percent"`` whose values are all at most 1 % holds fractions, most likely (except
    for shares that are normally a few percent, such as the conviction share).
    """
    m = mapping or Mapping()
    found = [table_warnings(table, layout, source=file, rows=rows)]
    for col in LAYOUTS[layout]:
        if col.kind != "share" or col.is_small_share or col.name not in table.columns:
            continue
        if m.unit_of(col.name) != "percent":
            continue
        vals = table[col.name].dropna()
        if len(vals) and vals.max() > 0 and vals.max() <= 0.01:
            found.append(pd.DataFrame([_problem(
                file, "every value of this percent column is at most 1 %: it looks like "
                "fractions", column=col.name, value=f"largest {vals.max() * 100:g} %",
                allowed="percent from 0 to 100; if the column holds fractions (0-1), leave "
                "out unit = \"percent\"")]))
    found = [f for f in found if len(f)]
    if not found:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.concat(found, ignore_index=True)


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
        raise _fail(name, _not_a_file(path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
            fh.seek(0, 2)
            size = fh.tell()
            fh.seek(max(0, size - 4))
            tail = fh.read(4)
    except OSError as exc:
        raise _fail(name, f"cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise _fail(name, "the file is empty")
    fmt = _format_of(path, head, tail, m.encoding)
    try:
        raw, rows = _read_raw(path, fmt, m)
    except OSError as exc:
        raise _fail(name, f"cannot be read: {exc.strerror or exc}") from None
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
