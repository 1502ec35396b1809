"""Reading each layout in each format, Danish conventions and the column-mapping file."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

import boligmonitor as bm
from boligmonitor.schemas import columns
from conftest import write_as

CRITERION_VALUES = pd.DataFrame({
    "area_id": ["a1", "a2"],
    "area_name": ["Ellekonebakken", "Houlkærvænget"],
    "municipality": ["Viborg", "Viborg"],
    "region": ["Midtjylland", "Midtjylland"],
    "list_year": [2021, 2021],
    "residents": [1120, 1048],
    "share_non_western": [0.466, 0.249],
    "share_outside_work_education_18_64": [0.36, 0.412],
    "convicted_ratio_to_national": [1.89, 3.51],
    "share_basic_education_30_59": [0.43, 0.47],
    "income_ratio_to_region": [0.655, 0.604],
})


def _tables(example):
    return {
        "indicators": example.indicators,
        "references": example.references,
        "memberships": example.memberships,
        "criterion_values": bm.check_table(CRITERION_VALUES.astype({"list_year": "int64"}),
                                           "criterion_values"),
    }


@pytest.mark.parametrize("fmt", [".csv", ".xlsx", ".parquet"])
@pytest.mark.parametrize("layout", ["indicators", "criterion_values", "references",
                                    "memberships"])
def test_every_layout_reads_back_identically_from_every_format(example, tmp_path, layout, fmt):
    original = _tables(example)[layout]
    path = write_as(original, tmp_path / f"{layout}{fmt}")
    sheet = "Data" if fmt == ".xlsx" else None
    got = bm.read_table(path, layout, sheet=sheet)
    expected = original.copy()
    for col in columns(layout):  # optional columns the table leaves out read back as empty
        if col not in expected.columns:
            expected[col] = got[col]
    expected.attrs = {}
    got.attrs = {}
    pd.testing.assert_frame_equal(got[columns(layout)], expected[columns(layout)],
                                  check_dtype=False)
    assert got["year" if "year" in got else "list_year"].dtype == "int64"


@pytest.mark.parametrize("layout", ["indicators", "references", "memberships"])
def test_the_layout_is_detected_from_canonical_headers(example, tmp_path, layout):
    path = write_as(_tables(example)[layout], tmp_path / "x.csv")
    assert bm.read_table(path).attrs["boligmonitor"]["layout"] == layout


def test_read_table_records_name_sha256_and_rows(example, tmp_path):
    path = write_as(example.memberships, tmp_path / "m.csv")
    meta = bm.read_table(path).attrs["boligmonitor"]
    import hashlib

    assert meta["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["rows"] == len(example.memberships)
    assert meta["file"] == "m.csv"


def test_a_share_may_be_left_out_where_its_counts_are_given(example, tmp_path):
    df = example.indicators.drop(columns=["share_convicted_18plus"])
    got = bm.read_indicators(write_as(df, tmp_path / "i.csv"))
    expected = example.indicators["n_convicted_18plus"] / example.indicators["n_residents_18plus"]
    np.testing.assert_allclose(got["share_convicted_18plus"], expected)


def test_empty_indicator_cells_are_missing_not_zero(tmp_path):
    text = textwrap.dedent("""\
        area_id,area_name,municipality,region,year,residents,share_non_western,share_outside_work_education_18_64,share_convicted_18plus,share_basic_education_30_59,mean_gross_income_15_64
        a1,A,Viborg,Midtjylland,2020,1000,,0.3,0.01,0.4,250000
        """)
    path = tmp_path / "i.csv"
    path.write_text(text, encoding="utf-8")
    got = bm.read_indicators(path)
    assert np.isnan(got.loc[0, "share_non_western"])
    assert got.loc[0, "share_outside_work_education_18_64"] == 0.3


DANISH_EXPORT = textwrap.dedent("""\
    Beboerdata: kriterieværdier (eksport)
    Afdeling;Boligområde;Kommune;Region;År;Beboere;Andel ikke-vestlige;Andel uden for arbejdsmarkedet;Andel dømte;Andel kun grundskole;Gns. bruttoindkomst;Bemærkning
    VIB-12;Houlkærvænget;Viborg;Region Midtjylland;2020;1.055;24,8 %;40,5;2,45;46,6;235.300,50;
    VIB-12;Houlkærvænget;Viborg;Region Midtjylland;2021;1.048;-;37,0;2,40;46,4;243.000;nyt tal
    """)

DANISH_MAPPING = textwrap.dedent("""\
    layout = "indicators"
    encoding = "cp1252"
    separator = ";"
    decimal = ","
    thousands = "."
    header_row = 2
    na_values = ["-"]
    ignore = ["Bemærkning"]

    [columns]
    "Afdeling" = "area_id"
    "Boligområde" = "area_name"
    "Kommune" = "municipality"
    "Region" = "region"
    "År" = "year"
    "Beboere" = "residents"
    "Andel ikke-vestlige" = { column = "share_non_western", unit = "percent" }
    "Andel uden for arbejdsmarkedet" = { column = "share_outside_work_education_18_64", unit = "percent" }
    "Andel dømte" = { column = "share_convicted_18plus", unit = "percent" }
    "Andel kun grundskole" = { column = "share_basic_education_30_59", unit = "percent" }
    "Gns. bruttoindkomst" = "mean_gross_income_15_64"

    [values.region]
    "Region Midtjylland" = "Midtjylland"
    """)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
def test_a_danish_export_reads_as_it_is_through_a_mapping(tmp_path, encoding):
    src = tmp_path / "export.csv"
    src.write_bytes(DANISH_EXPORT.encode(encoding))
    mapping = tmp_path / "export.toml"
    enc = "utf-8-sig" if encoding != "cp1252" else "cp1252"
    mapping.write_text(DANISH_MAPPING.replace('"cp1252"', f'"{enc}"'), encoding="utf-8")
    before = src.read_bytes()
    got = bm.read_indicators(src, mapping)
    assert src.read_bytes() == before  # the raw file is never modified
    assert list(got["area_name"]) == ["Houlkærvænget", "Houlkærvænget"]
    assert list(got["region"]) == ["Midtjylland", "Midtjylland"]
    assert list(got["residents"]) == [1055, 1048]
    assert got.loc[0, "share_non_western"] == pytest.approx(0.248)
    assert np.isnan(got.loc[1, "share_non_western"])  # "-" declared as missing
    assert got.loc[0, "share_outside_work_education_18_64"] == pytest.approx(0.405)
    assert got.loc[0, "share_convicted_18plus"] == pytest.approx(0.0245)
    assert got.loc[0, "mean_gross_income_15_64"] == pytest.approx(235300.5)


def test_a_danish_export_without_a_mapping_is_rejected_naming_the_unknown_headers(tmp_path):
    src = tmp_path / "export.csv"
    src.write_bytes(DANISH_EXPORT.encode("utf-8"))
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_table(src, "indicators",
                      bm.Mapping(separator=";", decimal=",", thousands=".", header_row=2))
    problems = info.value.problems
    assert "Andel uden for arbejdsmarkedet" in set(problems["column"])
    assert (problems["problem"] == "unknown column without a mapping").any()


def test_a_decimal_comma_is_not_read_as_a_number_unless_declared(tmp_path):
    text = ("area_id,area_name,municipality,region,year,residents,share_non_western,"
            "share_outside_work_education_18_64,share_convicted_18plus,"
            "share_basic_education_30_59,mean_gross_income_15_64\n"
            'a1,A,Viborg,Midtjylland,2020,1000,"0,25",0.3,0.01,0.4,250000\n')
    path = tmp_path / "i.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_indicators(path)
    p = info.value.problems.iloc[0]
    assert (p["row"], p["column"], p["value"]) == (2, "share_non_western", "0,25")


def test_a_semicolon_file_read_as_commas_says_to_declare_the_separator(tmp_path):
    src = tmp_path / "export.csv"
    src.write_bytes(DANISH_EXPORT.encode("utf-8"))
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_table(src, "indicators", header_row=2)
    assert "separator" in info.value.problems.iloc[0]["allowed"]


def test_a_point_in_a_decimal_comma_file_is_rejected_rather_than_guessed(tmp_path):
    text = "year;scope;indicator;value;source\n2020;national;share_convicted_18plus;0.007;x\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    m = bm.Mapping(separator=";", decimal=",")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_references(path, m)
    assert info.value.problems.iloc[0]["value"] == "0.007"


def test_a_percent_sign_in_a_column_not_declared_percent_is_rejected(tmp_path):
    text = "year,scope,indicator,value,source\n2020,national,share_convicted_18plus,0.7%,x\n"
    path = tmp_path / "r.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_references(path)
    p = info.value.problems.iloc[0]
    assert p["value"] == "0.7%"
    assert "percent" in p["allowed"]


def test_excel_needs_its_sheet_named_and_the_error_lists_the_sheets(example, tmp_path):
    path = write_as(example.memberships, tmp_path / "m.xlsx", sheet="Lister")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_memberships(path)
    assert "Lister" in info.value.problems.iloc[0]["allowed"]
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_memberships(path, sheet="Nope")
    assert info.value.problems.iloc[0]["value"] == "Nope"


def test_excel_header_row_is_taken_as_declared_and_rows_are_numbered_as_in_the_sheet(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Ark1"
    ws.append(["Lister fra ministeriet"])
    ws.append([])
    ws.append(["area_id", "list_year", "category", "source"])
    ws.append(["a1", 2021, "parallelsamfund", "liste 2021"])
    ws.append(["a2", 2021, "ghetto", "liste 2021"])
    path = tmp_path / "m.xlsx"
    wb.save(path)
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_memberships(path, sheet="Ark1", header_row=3)
    p = info.value.problems.iloc[0]
    assert (p["row"], p["column"], p["value"]) == (5, "category", "ghetto")


def test_a_mapping_with_unknown_keys_units_and_columns_is_rejected_listing_each(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(textwrap.dedent("""\
        layout = "indicators"
        delimiter = ";"
        [columns]
        "A" = { column = "share_non_western", unit = "procent" }
        "B" = "no_such_column"
        """), encoding="utf-8")
    with pytest.raises(bm.DataValidationError) as info:
        bm.read_mapping(path)
    problems = info.value.problems
    assert set(problems["column"]) == {"delimiter", "columns.A.unit", "columns.B"}
    assert (problems["file"] == str(path)).all()


def test_ids_typed_as_numbers_in_excel_stay_text_without_a_decimal_point(tmp_path):
    df = pd.DataFrame({"area_id": [1201, 1202], "list_year": [2021, 2021],
                       "category": ["parallelsamfund"] * 2, "source": ["x", "x"]})
    path = write_as(df, tmp_path / "m.xlsx")
    got = bm.read_memberships(path, sheet="Data")
    assert list(got["area_id"]) == ["1201", "1202"]


def test_the_documented_danish_example_reads_with_its_mapping():
    from pathlib import Path

    docs = Path(__file__).resolve().parents[1] / "docs" / "examples"
    got = bm.read_indicators(docs / "danish_export.csv", docs / "danish_export.mapping.toml")
    assert list(got["year"]) == [2020, 2021]
    assert got.loc[0, "share_non_western"] == pytest.approx(0.248)
    assert got.loc[0, "residents"] == 1055
