"""Reading one sheet of an .xlsx workbook, bounded before anything is read.

A workbook is a zip of XML files: its unpacked size and the used range of the sheet are measured
first (the sheet's declared dimension is never trusted), so a small file that unpacks to far more,
or one cell at the far corner of a sheet, fails fast with a clear message instead of exhausting
memory. Formula cells give their stored value; a formula never calculated, or an error value,
becomes an :class:`UnreadableCell` that the parsers report naming the cell.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from boligmonitor.errors import DataValidationError
from boligmonitor.io.problems import file_error

#: An .xlsx file may unpack to at most this many bytes (all members of the zip together): a
#: small file that unpacks to far more is a zip bomb, or a table that belongs in CSV or Parquet.
MAX_XLSX_UNPACKED = 100 * 2**20
#: The used range of the sheet read (rows x columns up to the last cell that holds a value)
#: may hold at most this many cells. The declared dimension of a sheet is never trusted.
MAX_SHEET_CELLS = 10_000_000


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
                    raise file_error(
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


def open_xlsx(path: Path) -> zipfile.ZipFile:
    name = str(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise file_error(name, f"not a readable .xlsx workbook: {exc}") from None
    unpacked = sum(i.file_size for i in zf.infolist())
    if unpacked > MAX_XLSX_UNPACKED:
        zf.close()
        raise file_error(name, f"the workbook unpacks to {unpacked / 2**20:,.0f} MB, more than the "
                    f"{MAX_XLSX_UNPACKED / 2**20:,.0f} MB read from a workbook",
                    allowed="save the table as CSV or Parquet")
    return zf



def read_xlsx(path: Path, sheet: str | None, header_row: int) -> pd.DataFrame:
    """Read one sheet's cells from ``header_row`` on, bounded and checked first.

    Formula cells give their stored (calculated) value; a formula without one, or an error
    value, becomes an :class:`UnreadableCell` for the parsers to report.
    """
    name = str(path)
    with open_xlsx(path) as zf:
        try:
            sheets = _workbook_sheets(zf)
        except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError,
                EOFError, ValueError) as exc:
            raise file_error(name, f"not a readable .xlsx workbook: {exc}") from None
        if sheet is None:
            raise file_error(name, "the Excel sheet to read is not named",
                        allowed="name it with sheet= or in a mapping; sheets: "
                        + ", ".join(sheets))
        if sheet not in sheets:
            raise file_error(name, "no such sheet", value=sheet, allowed=", ".join(sheets))
        try:
            max_row, max_col, odd = _scan_sheet(zf, sheets[sheet], name)
        except (ElementTree.ParseError, zipfile.BadZipFile, OSError, EOFError,
                ValueError) as exc:
            raise file_error(name, f"not a readable .xlsx workbook: {exc}") from None
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
        raise file_error(name, f"not a readable .xlsx workbook: {type(exc).__name__}: {exc}"
                    ) from None
    raw = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
    for (r, c), cell in odd.items():
        if r >= header_row and len(raw) and c <= raw.shape[1]:
            raw.iat[r - header_row, c - 1] = cell
    return raw
