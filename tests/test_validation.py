"""Every validation rule: one failing file per rule, each naming file, row, column and value."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import boligmonitor as bm

BASE_INDICATORS = pd.DataFrame({
    "area_id": ["a1", "a1", "a2"],
    "area_name": ["Houlkærvænget", "Houlkærvænget", "Vestervang"],
    "municipality": ["Viborg"] * 3,
    "region": ["Midtjylland"] * 3,
    "year": [2020, 2021, 2021],
    "residents": [1000, 1010, 1200],
    "share_non_western": [0.25, 0.25, 0.2],
    "share_outside_work_education_18_64": [0.4, 0.39, 0.38],
    "share_convicted_18plus": [0.025, 0.025, 0.015],
    "share_basic_education_30_59": [0.45, 0.45, 0.5],
    "mean_gross_income_15_64": [240000, 245000, 260000],
    "n_residents_18_64": [600, 610, 700],
    "n_outside_work_education_18_64": [240.0, 237.9, 266.0],
    "n_residents_18plus": [800, 800, 900],
    "n_convicted_18plus": [20, 20, 13.5 * 0 + 14],
    "n_non_western": [250, 252.5 * 0 + 253, 240],
})
BASE_INDICATORS["share_convicted_18plus"] = (
    BASE_INDICATORS["n_convicted_18plus"] / BASE_INDICATORS["n_residents_18plus"])
BASE_INDICATORS["share_non_western"] = BASE_INDICATORS["n_non_western"] / BASE_INDICATORS[
    "residents"]
BASE_INDICATORS["share_outside_work_education_18_64"] = (
    BASE_INDICATORS["n_outside_work_education_18_64"] / BASE_INDICATORS["n_residents_18_64"])

BASE_REFERENCES = pd.DataFrame({
    "year": [2020, 2020], "scope": ["national", "Midtjylland"],
    "indicator": ["share_convicted_18plus", "mean_gross_income_15_64"],
    "value": [0.007, 380000], "source": ["x", "y"],
})
BASE_MEMBERSHIPS = pd.DataFrame({
    "area_id": ["a1", "a2"], "list_year": [2021, 2021],
    "category": ["udsat_boligomraade", "parallelsamfund"], "source": ["liste", "liste"],
})
BASES = {"indicators": BASE_INDICATORS, "references": BASE_REFERENCES,
         "memberships": BASE_MEMBERSHIPS}


def _csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df.to_csv(buf, index=False)
    return buf.getvalue()


def _set(layout, row, column, value):
    def f():
        df = BASES[layout].astype(object).copy()
        df.loc[row, column] = value
        return _csv(df)
    return f


def _drop(layout, column):
    return lambda: _csv(BASES[layout].drop(columns=[column]))


def _add(layout, column):
    return lambda: _csv(BASES[layout].assign(**{column: 1}))


def _dup(layout):
    return lambda: _csv(pd.concat([BASES[layout], BASES[layout].iloc[[0]]], ignore_index=True))


# (id, layout, make CSV text, expected row (file line), column, value contained, problem)
CASES = [
    ("missing required column", "indicators", _drop("indicators", "region"),
     None, "region", None, "missing required column"),
    ("missing share without its counts", "indicators",
     _drop("indicators", "share_basic_education_30_59"),
     None, "share_basic_education_30_59", None, "missing required column"),
    ("unknown column", "indicators", _add("indicators", "bemaerkning"),
     None, "bemaerkning", None, "unknown column"),
    ("non-numeric cell", "indicators", _set("indicators", 1, "residents", "mange"),
     3, "residents", "mange", "not a number"),
    ("share above 1", "indicators", _set("indicators", 2, "share_basic_education_30_59", 1.5),
     4, "share_basic_education_30_59", "1.5", "share outside 0-1"),
    ("share below 0", "indicators", _set("indicators", 0, "share_basic_education_30_59", -0.1),
     2, "share_basic_education_30_59", "-0.1", "share outside 0-1"),
    ("negative count", "indicators", _set("indicators", 0, "n_residents_18_64", -600),
     2, "n_residents_18_64", "-600", "negative"),
    ("negative income", "indicators", _set("indicators", 1, "mean_gross_income_15_64", -5),
     3, "mean_gross_income_15_64", "-5", "negative"),
    ("fractional person count", "indicators", _set("indicators", 1, "n_convicted_18plus", 20.5),
     3, "n_convicted_18plus", "20.5", "whole number"),
    ("share disagrees with counts", "indicators",
     _set("indicators", 0, "share_convicted_18plus", 0.05),
     2, "share_convicted_18plus", "0.05", "disagrees with its counts"),
    ("numerator above denominator", "indicators",
     _set("indicators", 2, "n_outside_work_education_18_64", 800.0),
     4, "n_outside_work_education_18_64", "800", "numerator above"),
    ("duplicate area-year", "indicators", _dup("indicators"),
     5, "area_id+year", "a1 / 2020", "duplicate row"),
    ("unknown region", "indicators", _set("indicators", 2, "region", "Midtjyland"),
     4, "region", "Midtjyland", "unknown region"),
    ("year before 1990", "indicators", _set("indicators", 2, "year", 1989),
     4, "year", "1989", "year out of range"),
    ("year after 2100", "indicators", _set("indicators", 2, "year", 2101),
     4, "year", "2101", "year out of range"),
    ("area name changes", "indicators", _set("indicators", 1, "area_name", "Houlkaer"),
     3, "area_name", "Houlkaer", "changes between rows"),
    ("municipality changes", "indicators", _set("indicators", 1, "municipality", "Skive"),
     3, "municipality", "Skive", "changes between rows"),
    ("region changes", "indicators", _set("indicators", 1, "region", "Nordjylland"),
     3, "region", "Nordjylland", "changes between rows"),
    ("empty area_id", "indicators", _set("indicators", 1, "area_id", ""),
     3, "area_id", None, "must have a value"),
    ("unknown scope", "references", _set("references", 1, "scope", "Midtjylland kommune"),
     3, "scope", "Midtjylland kommune", "unknown scope"),
    ("unknown reference indicator", "references",
     _set("references", 0, "indicator", "share_convicted"),
     2, "indicator", "share_convicted", "unknown indicator"),
    ("reference share above 1", "references", _set("references", 0, "value", 7),
     2, "value", "7", "above 0 and at most 1"),
    ("reference share of zero", "references", _set("references", 0, "value", 0),
     2, "value", "0", "above 0 and at most 1"),
    ("reference income of zero", "references", _set("references", 1, "value", 0),
     3, "value", "0", "income must be above 0"),
    ("duplicate reference", "references", _dup("references"),
     4, "year+scope+indicator", "2020 / national", "duplicate row"),
    ("unknown category", "memberships", _set("memberships", 1, "category", "ghetto"),
     3, "category", "ghetto", "unknown category"),
    ("empty source", "memberships", _set("memberships", 0, "source", ""),
     2, "source", None, "must have a value"),
]


@pytest.mark.parametrize(("layout", "make", "row", "column", "value", "problem"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_rule_rejects_the_file_naming_row_column_and_value(
        tmp_path, layout, make, row, column, value, problem):
    path = tmp_path / f"{layout}.csv"
    path.write_text(make(), encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_table(path, layout)
    probs = info.value.problems
    hit = probs[(probs["column"] == column) & probs["problem"].str.contains(problem)]
    assert len(hit) == 1, probs.to_string()
    rec = hit.iloc[0]
    assert rec["file"] == str(path)
    if row is None:
        assert pd.isna(rec["row"])
    else:
        assert rec["row"] == row
        assert f"row {row}" in str(info.value)
    if value is not None:
        assert value in str(rec["value"])
        assert value in str(info.value)
    assert column in str(info.value)


def test_the_base_files_of_the_rule_tests_are_valid(tmp_path):
    for layout, df in BASES.items():
        path = tmp_path / f"{layout}.csv"
        path.write_text(_csv(df), encoding="utf-8")
        assert len(bm.read_table(path, layout)) == len(df)


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    df = BASE_INDICATORS.astype(object).copy()
    df.loc[0, "region"] = "Fyn"
    df.loc[1, "residents"] = "x"
    df.loc[2, "year"] = 1850
    path = tmp_path / "i.csv"
    path.write_text(_csv(df), encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_indicators(path)
    got = set(zip(info.value.problems["row"], info.value.problems["column"], strict=True))
    assert got == {(2, "region"), (3, "residents"), (4, "year")}


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("empty.csv", b"", "empty"),
    ("blank.csv", b"\n\n  \n", "empty"),
    ("header_only.csv", b"area_id,list_year,category,source\n", "no data rows"),
    ("parquet_in_disguise.csv", b"PAR1\x00\x00binary", "not a text CSV"),
    ("text.xlsx", b"area_id,list_year\n", "not an Excel"),
    ("text.parquet", b"area_id,list_year\n", "not a Parquet"),
    ("data.json", b"{}", "unsupported file type"),
])
def test_files_that_are_empty_or_not_what_their_suffix_says_are_rejected(
        tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_table(path, "memberships")
    assert problem in info.value.problems.iloc[0]["problem"]
    assert info.value.problems.iloc[0]["file"] == str(path)


def test_a_cp1252_file_read_as_utf8_says_to_declare_the_encoding(tmp_path):
    path = tmp_path / "m.csv"
    path.write_bytes("area_id,list_year,category,source\nx,2021,parallelsamfund,Ø\n"
                     .encode("cp1252"))
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_memberships(path)
    assert "encoding" in info.value.problems.iloc[0]["allowed"]


def test_check_table_validates_an_in_memory_table_too():
    df = BASE_REFERENCES.copy()
    df.loc[0, "value"] = 3.0
    with pytest.raises(bm.DataValidationError) as info:
        bm.check_table(df, "references")
    assert info.value.problems.iloc[0]["row"] == 1


def test_validation_errors_are_boligmonitor_errors():
    assert issubclass(bm.DataValidationError, bm.BoligmonitorError)


def test_a_long_value_is_cut_in_the_message_but_kept_in_the_problems_table():
    from scenarios import builder

    ind = builder.indicators({})
    ind["area_name"] = "R" * 5000
    with pytest.raises(bm.DataValidationError) as exc:
        bm.assess(ind, builder.references())
    message = str(exc.value)
    assert "… (5,000 characters)" in message
    assert max(len(line) for line in message.splitlines()) < 300
    assert (exc.value.problems["value"].str.len() == 5000).any()
