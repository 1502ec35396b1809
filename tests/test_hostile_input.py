"""Readers and validation under hostile input: formulas never calculated, workbooks that
unpack to far more than they weigh, names with control characters, numbers that are not
finite or not plausible, files that are not what they seem."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

import boligmonitor as bm
from boligmonitor.cli import main
from conftest import write_as

MEMBERSHIPS = "area_id,list_year,category,source\n"


def _problems(path, *args, **kwargs) -> pd.DataFrame:
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_table(path, *args, **kwargs)
    return info.value.problems


def _snapshot(d: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(d.iterdir()) if p.is_file()}


# --- item 3: formulas without calculated values --------------------------------------------


def _indicator_workbook(example, path: Path, formulas: dict[str, str]) -> Path:
    ind = example.indicators[example.indicators["year"] == 2025].reset_index(drop=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(list(ind.columns))
    for row in ind.itertuples(index=False):
        ws.append([None if isinstance(v, float) and np.isnan(v) else v for v in row])
    for ref, formula in formulas.items():
        ws[ref] = formula  # written by a script: openpyxl stores no calculated value
    wb.save(path)
    return path


def test_formulas_that_were_never_calculated_are_rejected_naming_the_cells(example, tmp_path):
    cols = list(example.indicators.columns)
    res = chr(ord("A") + cols.index("residents"))
    inc = chr(ord("A") + cols.index("mean_gross_income_15_64"))
    path = _indicator_workbook(example, tmp_path / "scripted.xlsx",
                               {f"{res}2": "=1000+120", f"{inc}4": "=SUM(B1:B3)"})
    problems = _problems(path, sheet="Data")
    assert len(problems) == 2
    by_col = problems.set_index("column")
    assert by_col.loc["residents", "row"] == 2
    assert f"cell {res}2" in by_col.loc["residents", "problem"]
    assert "never calculated" in by_col.loc["residents", "problem"]
    assert by_col.loc["residents", "value"] == "=1000+120"
    assert f"cell {inc}4" in by_col.loc["mean_gross_income_15_64", "problem"]


def test_a_scripted_workbook_cannot_replace_good_stored_rows(example, tmp_path):
    store = tmp_path / "p"
    bm.ingest(bm.example_files()["indicators"], store)
    before = _snapshot(store)
    cols = list(example.indicators.columns)
    res = chr(ord("A") + cols.index("residents"))
    path = _indicator_workbook(example, tmp_path / "scripted.xlsx", {f"{res}3": "=B2*2"})
    mapping = tmp_path / "m.toml"
    mapping.write_text('sheet = "Data"\n', encoding="utf-8")
    assert main(["ingest", str(path), "--mapping", str(mapping), "--processed", str(store)]) == 2
    assert _snapshot(store) == before


def test_a_formula_with_its_calculated_value_is_read_as_that_value(example, tmp_path):
    path = _indicator_workbook(example, tmp_path / "calc.xlsx", {})
    # Give one cell a formula *with* a stored value, as Excel saves it.
    cols = list(example.indicators.columns)
    res = chr(ord("A") + cols.index("residents"))
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index(f'<c r="{res}2"')
    end = xml.index("</c>", start) + 4
    n = int(example.indicators.query("year == 2025")["residents"].iloc[0])
    xml = xml[:start] + f'<c r="{res}2" t="n"><f>{n - 100}+100</f><v>{n}</v></c>' + xml[end:]
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    table = bm.read_table(path, sheet="Data")
    assert table.loc[0, "residents"] == n


def test_an_error_value_is_rejected_unless_declared_missing(example, tmp_path):
    path = _indicator_workbook(example, tmp_path / "err.xlsx", {})
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    cols = list(example.indicators.columns)
    inc = chr(ord("A") + cols.index("mean_gross_income_15_64"))
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index(f'<c r="{inc}3"')
    end = xml.index("</c>", start) + 4
    xml = xml[:start] + f'<c r="{inc}3" t="e"><f>1/0</f><v>#DIV/0!</v></c>' + xml[end:]
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    problems = _problems(path, sheet="Data")
    assert list(problems["value"]) == ["#DIV/0!"] and f"cell {inc}3" in problems.loc[0, "problem"]
    mapping = tmp_path / "m.toml"
    mapping.write_text('sheet = "Data"\nna_values = ["#DIV/0!"]\n', encoding="utf-8")
    table = bm.read_table(path, mapping=mapping)
    assert np.isnan(table.loc[1, "mean_gross_income_15_64"])


# --- item 15: a bad value in a column that must have one is reported once, as what it holds --


@pytest.mark.parametrize("text, problem", [
    ("Infinity", "not a finite number"), ("1e999", "not a finite number"),
    ("0,0084", "not a number"), ("=A1", "not a number"),
])
def test_a_bad_value_in_a_required_column_is_one_problem_not_also_an_empty_cell(
        tmp_path, text, problem):
    path = tmp_path / "refs.csv"
    path.write_text("year,scope,indicator,value,source\n"
                    f'2021,national,share_convicted_18plus,"{text}",s\n', encoding="utf-8")
    problems = _problems(path)
    assert list(problems["problem"]) == [problem]
    assert problems.loc[0, "value"] == text and problems.loc[0, "column"] == "value"


def test_a_year_that_is_not_a_number_is_one_problem_with_a_years_advice(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(MEMBERSHIPS + "x,20x1,udsat_boligomraade,s\ny,2021.5,udsat_boligomraade,s\n"
                    "z,,udsat_boligomraade,s\n", encoding="utf-8")
    problems = _problems(path)
    assert list(zip(problems["row"], problems["problem"], strict=True)) == [
        (2, "not a number"), (3, "a year must be a whole number"),
        (4, "empty cell in a column that must have a value")]
    assert problems.loc[0, "allowed"] == "a whole year, such as 2021"  # no advice on percent


def test_check_table_reports_an_infinite_required_value_once(example):
    refs = example.references.copy()
    refs.attrs = {}
    refs.loc[0, "value"] = np.inf
    with pytest.raises(bm.DataValidationError) as info:
        bm.check_table(refs, "references")
    assert list(info.value.problems["problem"]) == ["not a finite number"]


# --- item 12: workbooks bounded before they are read ----------------------------------------


def test_a_tiny_workbook_with_a_cell_at_the_far_corner_fails_fast(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["area_id", "list_year", "category", "source"])
    ws.append(["x", 2021, "udsat_boligomraade", "s"])
    ws["XFD1048576"] = 1
    path = tmp_path / "corner.xlsx"
    wb.save(path)
    assert path.stat().st_size < 10_000
    problems = _problems(path, sheet="Data")
    assert len(problems) == 1
    assert "XFD1048576" in problems.loc[0, "problem"]
    assert "CSV or Parquet" in problems.loc[0, "allowed"]


def test_a_declared_dimension_is_not_trusted(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["area_id", "list_year", "category", "source"])
    ws.append(["x", 2021, "udsat_boligomraade", "s"])
    path = tmp_path / "dim.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    start = xml.index("<dimension")
    end = xml.index("/>", start) + 2
    parts["xl/worksheets/sheet1.xml"] = (xml[:start] + '<dimension ref="A1:XFD1048576"/>'
                                         + xml[end:]).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in parts.items():
            zf.writestr(n, data)
    assert len(bm.read_table(path, sheet="Data")) == 1


def test_a_workbook_that_unpacks_to_more_than_the_limit_is_refused_before_reading(tmp_path):
    from boligmonitor.io.readers import MAX_XLSX_UNPACKED

    wb = Workbook()
    wb.active.title = "Data"
    wb.active.append(["area_id", "list_year", "category", "source"])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "bomb.xlsx"
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for n in src.namelist():
            if n != sheet:
                zf.writestr(n, src.read(n))
        head, rest = src.read(sheet).split(b"</row>", 1)
        tail = rest[rest.index(b"</sheetData>"):]
        # Rows of the same few cells, a million of them: they compress a thousandfold.
        cells = b'<c t="inlineStr"><is><t>x</t></is></c><c><v>2021</v></c>' * 2
        with zf.open(sheet, "w") as fh:
            fh.write(head + b"</row>")
            written, row = len(head), 2
            while written <= MAX_XLSX_UNPACKED:
                chunk = b"".join(b'<row r="%d">%s</row>' % (r, cells)
                                 for r in range(row, row + 10_000))
                fh.write(chunk)
                written, row = written + len(chunk), row + 10_000
            fh.write(tail)
    assert path.stat().st_size < MAX_XLSX_UNPACKED / 20
    problems = _problems(path, sheet="Data")
    assert len(problems) == 1 and "unpacks to" in problems.loc[0, "problem"]


# --- item 15: files that are not what they seem ---------------------------------------------


def test_a_utf16_file_is_called_utf16_and_reads_once_declared(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes((MEMBERSHIPS + "x,2021,udsat_boligomraade,s\n").encode("utf-16"))
    problems = _problems(path)
    assert "UTF-16" in problems.loc[0, "problem"]
    assert 'encoding = "utf-16"' in problems.loc[0, "allowed"]
    mapping = tmp_path / "m.toml"
    mapping.write_text('encoding = "utf-16"\n', encoding="utf-8")
    assert len(bm.read_table(path, mapping=mapping)) == 1


def test_a_directory_or_a_looping_link_is_named_for_what_it_is(tmp_path):
    assert "a directory" in _problems(tmp_path).loc[0, "problem"]
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    assert "loops" in _problems(loop).loc[0, "problem"]
    dangling = tmp_path / "gone.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    assert "does not exist" in _problems(dangling).loc[0, "problem"]
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # never opened: reading it would wait for a writer forever
    assert "not a regular file" in _problems(fifo).loc[0, "problem"]


def test_a_field_longer_than_the_csv_limit_says_so_and_where(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text(MEMBERSHIPS + "x,2021,udsat_boligomraade,s\n" + 'y,2021,"' + "z" * 140_000
                    + "\n", encoding="utf-8")
    p = _problems(path).iloc[0]
    assert "longer than 131,072 characters" in p["problem"]
    assert "quote" in p["allowed"] and "separator" not in p["allowed"]
    assert p["row"] == 3


def test_a_misspelt_column_is_named_with_the_closest_expected_one(example, tmp_path):
    df = example.indicators.rename(columns={"residents": "residnets"})
    problems = _problems(write_as(df, tmp_path / "typo.csv"))
    typo = problems[problems["column"] == "residnets"]
    assert len(typo) == 1 and "did you mean 'residents'" in typo.iloc[0]["allowed"]
    assert "closest to indicators" in problems.iloc[0]["problem"]


# --- item 7: what a text cell may hold ------------------------------------------------------


@pytest.mark.parametrize("bad", ["\x1b[31m", "\x07", "\x00", "\u202e", "\u2066", "\u200b",
                                 "\t", "\u2028", "\ue000"])
@pytest.mark.parametrize("column", ["area_name", "municipality", "area_id"])
def test_a_name_with_a_control_or_bidi_character_is_rejected_escaped(
        example, tmp_path, column, bad):
    df = example.indicators.copy()
    df[column] = df[column].astype(object)
    df.loc[2, column] = "Ring" + bad + "parken"
    path = write_as(df, tmp_path / "x.parquet")
    problems = _problems(path)
    hit = problems[(problems["column"] == column)
                   & problems["problem"].str.contains("may not hold")]
    assert len(hit) == 1
    row = hit.iloc[0]
    assert row["row"] == 3 and row["file"] == str(path)
    assert bad not in row["value"] and "\\" in row["value"]  # shown escaped
    assert "no control characters" in row["allowed"]


def test_danish_letters_and_ordinary_punctuation_are_allowed(example, tmp_path):
    df = example.indicators.copy()
    df["area_name"] = df["area_name"].astype(object)
    df.loc[df["area_id"] == df["area_id"].iloc[0], "area_name"] = \
        "Æblehaven-Ørstedsvej/Åløkke (afd. 12) – “Syd” & Co.\u00a0§ 61 a"
    assert len(bm.read_table(write_as(df, tmp_path / "ok.csv"))) == len(df)


def test_a_name_longer_than_200_characters_is_rejected(example, tmp_path):
    df = example.indicators.copy()
    df["area_name"] = df["area_name"].astype(object)
    df.loc[df["area_id"] == df["area_id"].iloc[0], "area_name"] = "x" * 201
    problems = _problems(write_as(df, tmp_path / "long.csv"))
    assert (problems["problem"] == "text too long").any()
    assert "at most 200 characters" in problems["allowed"].iloc[0]


# --- item 10: numbers that are not finite, or not plausible ---------------------------------


@pytest.mark.parametrize("text", ["inf", "Infinity", "-inf", "1e999"])
@pytest.mark.parametrize("column", ["residents", "mean_gross_income_15_64", "share_non_western"])
def test_a_non_finite_number_is_rejected(example, tmp_path, text, column):
    df = example.indicators.copy()
    df[column] = df[column].astype(object)
    df.loc[0, column] = text
    problems = _problems(write_as(df, tmp_path / "inf.csv"))
    assert list(problems["problem"]) == ["not a finite number"]
    assert problems.loc[0, "value"] == text and problems.loc[0, "column"] == column


def test_infinity_in_a_parquet_file_is_rejected_too(example, tmp_path):
    df = example.indicators.copy()
    df.loc[0, "residents"] = np.inf
    problems = _problems(write_as(df, tmp_path / "inf.parquet"))
    assert list(problems["problem"]) == ["not a finite number"]


@pytest.mark.parametrize("column, value", [
    ("residents", 1e308), ("mean_gross_income_15_64", 29112081513828.0),
    ("n_residents_18plus", 2e7),
])
def test_an_impossibly_large_value_is_rejected(example, tmp_path, column, value):
    df = example.indicators.copy()
    if column not in df:
        df[column] = np.nan
    df.loc[0, column] = value
    problems = _problems(write_as(df, tmp_path / "big.csv"))
    hit = problems[problems["column"] == column]
    assert list(hit["problem"]) == ["value too large to be real"]


def test_a_ratio_in_percent_without_its_unit_is_rejected(tmp_path):
    path = tmp_path / "cv.csv"
    path.write_text(
        "area_id,area_name,municipality,region,list_year,residents,share_non_western,"
        "share_outside_work_education_18_64,convicted_ratio_to_national,"
        "share_basic_education_30_59,income_ratio_to_region\n"
        "a,A,Viborg,Midtjylland,2021,1000,0.4,0.4,189,0.5,65.5\n", encoding="utf-8")
    problems = _problems(path)
    assert set(problems["column"]) == {"convicted_ratio_to_national", "income_ratio_to_region"}
    assert problems["allowed"].str.contains("percent").all()


def test_a_conviction_share_of_095_is_read_with_a_warning_naming_the_cell(example, tmp_path):
    df = example.indicators.copy()
    df.loc[4, "share_convicted_18plus"] = 0.95
    df.loc[4, ["n_convicted_18plus", "n_residents_18plus"]] = np.nan
    path = write_as(df, tmp_path / "conv.csv")
    with pytest.warns(bm.DataWarning) as record:
        table = bm.read_table(path)
    w = record[0].message
    assert w.problems.loc[0, "row"] == 6 and w.problems.loc[0, "column"] == \
        "share_convicted_18plus"
    assert "percent typed as a fraction" in w.problems.loc[0, "allowed"]
    assert table.attrs["boligmonitor"]["warnings"][0]["row"] == 6


def test_a_percent_column_holding_fractions_gets_a_warning(tmp_path):
    path = tmp_path / "pct.csv"
    path.write_text(
        "id;navn;kommune;region;aar;beboere;ikkevestlige;udenforarbejde;domte;grundskole;indkomst\n"
        "a;A;Viborg;Midtjylland;2021;1000;0,53;0,41;0,02;0,45;210000\n"
        "b;B;Viborg;Midtjylland;2021;1200;0,32;0,38;0,01;0,41;230000\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        'separator = ";"\ndecimal = ","\n[columns]\nid = "area_id"\nnavn = "area_name"\n'
        'kommune = "municipality"\nregion = "region"\naar = "year"\nbeboere = "residents"\n'
        'ikkevestlige = { column = "share_non_western", unit = "percent" }\n'
        'udenforarbejde = "share_outside_work_education_18_64"\n'
        'domte = "share_convicted_18plus"\ngrundskole = "share_basic_education_30_59"\n'
        'indkomst = "mean_gross_income_15_64"\n', encoding="utf-8")
    with pytest.warns(bm.DataWarning) as record:
        bm.read_table(path, mapping=mapping)
    p = record[0].message.problems
    assert list(p["column"]) == ["share_non_western"]
    assert "looks like fractions" in p.loc[0, "problem"]


def test_the_cli_prints_warnings_and_still_succeeds(example, tmp_path, capsys):
    df = example.indicators.copy()
    df.loc[4, "share_convicted_18plus"] = 0.95
    df.loc[4, ["n_convicted_18plus", "n_residents_18plus"]] = np.nan
    path = write_as(df, tmp_path / "conv.csv")
    assert main(["ingest", str(path), "--processed", str(tmp_path / "p")]) == 0
    cap = capsys.readouterr()
    assert "rækker indlæst, årlige indikatorer" in cap.out
    assert "warning: 1 implausible value" in cap.err and "row 6" in cap.err
    manifest = json.loads((tmp_path / "p" / "manifest.json").read_text())
    assert manifest["sources"][0]["rows"] == len(df)


def test_check_table_rejects_what_the_readers_reject(example):
    df = example.indicators.copy()
    df["area_name"] = df["area_name"].astype("string")
    df.loc[0, "area_name"] = "A\x1bB"
    df.loc[1, "residents"] = np.inf
    with pytest.raises(bm.DataValidationError) as info:
        bm.check_table(df, "indicators")
    assert set(info.value.problems["column"]) == {"area_name", "residents"}


def test_many_implausible_values_are_shown_up_to_a_limit_and_counted(example, tmp_path, capsys):
    from boligmonitor.cli import WARNING_LINES

    df = example.indicators.copy()
    df["share_convicted_18plus"] = 0.95
    df[["n_convicted_18plus", "n_residents_18plus"]] = np.nan
    path = write_as(df, tmp_path / "conv.csv")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"warning: {len(df)} implausible values in {path}"
    assert len(err) == 1 + WARNING_LINES + 1
    assert err[-1] == f"  ... and {len(df) - WARNING_LINES} more"
