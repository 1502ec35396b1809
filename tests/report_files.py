"""Test helpers shared by the report tests: the texts and values of the files a report writes.
Not a test module (no test_ prefix)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
from pptx import Presentation
from pypdf import PdfReader


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def pptx_texts(path: Path) -> list[str]:
    slides = []
    for slide in Presentation(path).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(c.text for row in shape.table.rows for c in row.cells)
        slides.append("\n".join(parts))
    return slides


def xlsx_values(path: Path) -> list:
    wb = openpyxl.load_workbook(path)
    return [c.value for ws in wb for row in ws.iter_rows() for c in row]


def sheet_frame(path: Path, name: str) -> pd.DataFrame:
    wb = openpyxl.load_workbook(path)
    rows = list(wb[name].iter_rows(values_only=True))
    return pd.DataFrame(rows[2:], columns=rows[1])
