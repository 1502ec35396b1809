"""The report's tables as a workbook (tables.xlsx): the scores, the criteria with margins, the
data used, the reference values, the input files and the readings in force.

One sheet per table of :attr:`ReportContent.sheets`, Danish headers, the header row frozen.
Numbers are written as numbers with a display format; suppressed cells are the word for
suppressed in their own style (never a number, never empty), missing cells the word for missing.
Every text is written as a string that no spreadsheet evaluates: text from the input beginning
with ``=``, ``+``, ``-`` or ``@`` stays text (string type and the quote-prefix flag). Characters
a worksheet cannot hold (control characters) or should not (bidi overrides) are made visible
first (:func:`~boligmonitor.report.safe_text.visible`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from boligmonitor.io.writers import set_text_cell
from boligmonitor.io.zipfix import pin_zip
from boligmonitor.report.build import MISSING, SUPPRESSED, VALUE, ReportContent, Shown, Table
from boligmonitor.report.safe_text import visible

NUMBER_FORMATS = {
    "dkk": '#,##0 "kr."',
    "ratio": "0.00",
    "persons": "+0.0;-0.0;0.0",
    "int": "#,##0",
    "year": "0",
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
_SUPPRESSED_FONT = Font(italic=True, color="6A3D9A")
_SUPPRESSED_FILL = PatternFill("solid", fgColor="F4EFFA")
_MISSING_FONT = Font(color="777777")
_FINDING_FONT = Font(bold=True, color="B00020")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF3CD")
_SHEET_NAME_BAD = str.maketrans({c: " " for c in "[]:*?/\\"})


def set_text(cell, text: str) -> None:
    """Write ``text`` into ``cell`` as inert text: never a formula, whatever it begins with
    (the package's one rule, :func:`boligmonitor.io.writers.set_text_cell`)."""
    set_text_cell(cell, text)


def number_format(kind: str) -> str | None:
    """The spreadsheet's display format of a :class:`Shown` kind: a percentage (``pct2``) or a
    difference in points (``pp1``) with the decimals the report shows, or a fixed format."""
    for prefix in ("pct", "pp"):
        if kind.startswith(prefix) and kind[len(prefix):].isdigit():
            d = int(kind[len(prefix):])
            pct = "0" + ("." + "0" * d if d else "") + "%"
            return pct if prefix == "pct" else f"+{pct};-{pct};{pct}"
    return NUMBER_FORMATS.get(kind)


def _write(cell, s: Shown) -> None:
    text = visible(s.text)
    if text is not s.text:
        s = dataclasses.replace(s, text=text)
    if s.state == SUPPRESSED:
        set_text(cell, s.text)
        cell.font, cell.fill = _SUPPRESSED_FONT, _SUPPRESSED_FILL
        cell.alignment = Alignment(horizontal="right")
    elif s.kind == "finding":  # a disagreement with a published list
        set_text(cell, s.text)
        cell.font = _FINDING_FONT
    elif s.state == MISSING:
        set_text(cell, s.text)
        cell.font = _MISSING_FONT
        cell.alignment = Alignment(horizontal="right")
    elif (s.state == VALUE and isinstance(s.raw, int | float)
          and number_format(s.kind) is not None):
        cell.value = s.raw
        cell.number_format = number_format(s.kind)
    else:
        set_text(cell, s.text)


def _sheet_name(title: str, used: set[str]) -> str:
    name = visible(title).translate(_SHEET_NAME_BAD)[:31].strip() or "Ark"
    base, i = name, 2
    while name in used:
        name = f"{base[:28]} {i}"
        i += 1
    used.add(name)
    return name


def _fill_sheet(ws, table: Table, content: ReportContent) -> None:
    top = f"{content.title} · {content.date}"
    if content.is_example:
        top = f"{content.example_mark}: {content.example_note}  ·  {top}"
    top = visible(top)
    set_text(ws.cell(1, 1), top)
    ws.cell(1, 1).font = Font(bold=True)
    if content.is_example:
        ws.cell(1, 1).fill = _EXAMPLE_FILL
        ws.oddHeader.center.text = content.example_mark
        ws.oddFooter.center.text = content.example_mark
    for j, head in enumerate(map(visible, table.columns), start=1):
        cell = ws.cell(2, j)
        set_text(cell, head)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for i, row in enumerate(table.rows, start=3):
        for j, s in enumerate(row, start=1):
            _write(ws.cell(i, j), s)
    ws.freeze_panes = "A3"
    for j, head in enumerate(table.columns, start=1):
        longest = max([len(head) // 2 + 2] + [len(r[j - 1].text) for r in table.rows[:200]])
        ws.column_dimensions[get_column_letter(j)].width = min(max(8, longest + 2), 60)
    if table.rows:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(table.columns))}{len(table.rows) + 2}"


def render_xlsx(content: ReportContent) -> bytes:
    """Return the workbook as bytes, byte for byte the same for the same content."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in content.sheets:
        short = content.text.get(f"sheet_{table.key}", table.title)
        ws = wb.create_sheet(_sheet_name(short, used))
        _fill_sheet(ws, table, content)
    day = dt.datetime.fromisoformat(content.date)
    wb.properties.creator = "boligmonitor"
    wb.properties.title = visible(content.title)
    wb.properties.created = day
    wb.properties.modified = day
    wb.properties.lastModifiedBy = "boligmonitor"
    buf = io.BytesIO()
    wb.save(buf)
    return pin_zip(buf.getvalue(), content.date)
