"""The microdata aggregation on a small hand-made register, with every figure computed by hand."""

from __future__ import annotations

import json
import math

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from boligmonitor import schemas
from boligmonitor.errors import DataSourceError, DataValidationError, DataWarning
from boligmonitor.microdata import AggregateOptions, aggregate, aggregate_files
from boligmonitor.microdata.layout import western_countries
from boligmonitor.schemas import escape_text

PERSON_DEFAULTS = {
    "region": "Midtjylland",
    "origin": "danish",
    "country": "DK",
    "fte_outside_work_education": 0.0,
    "is_convicted": False,
    "highest_education": "vocational",
    "education_source": "danish",
    "gross_income": 300_000.0,
    "is_taxable": True,
    "is_student": False,
}


def persons_frame(rows: list[dict]) -> pd.DataFrame:
    """Persons in the input layout; each row gives what differs from PERSON_DEFAULTS."""
    full = [{**PERSON_DEFAULTS, **r} for r in rows]
    df = pd.DataFrame(full)
    return df.astype(
        {
            "person_id": "int64",
            "year": "int64",
            "address_id": "Int64",
            "age": "int64",
            "fte_outside_work_education": "float64",
            "gross_income": "float64",
            "is_convicted": "bool",
            "is_taxable": "bool",
            "is_student": "bool",
        }
    )


def addresses_frame(rows: list[tuple]) -> pd.DataFrame:
    cols = ["address_id", "area_id", "valid_from_year", "valid_to_year"]
    df = pd.DataFrame(rows, columns=cols)
    names = {"A1": ("Område Øst", "Viborg", "Midtjylland"),
             "A2": ("Område Vest", "Aarhus", "Midtjylland"),
             "A3": ("Tomt Område", "Viborg", "Midtjylland")}
    for i, col in enumerate(("area_name", "municipality", "region")):
        df[col] = [names[a][i] if isinstance(a, str) else None for a in df["area_id"]]
    return df.astype({"address_id": "int64", "area_id": "string", "area_name": "string",
                      "municipality": "string", "region": "string",
                      "valid_from_year": "int64", "valid_to_year": "Int64"})


# Address 1 is in A1 throughout; address 2 leaves A1 after 2022; address 3 is in no area until
# 2022 and in A2 from 2023; address 4 makes up A3, where nobody lives; address 9 is not listed.
ADDRESSES = addresses_frame(
    [
        (1, "A1", 2020, None),
        (2, "A1", 2020, 2022),
        (3, None, 2020, 2022),
        (3, "A2", 2023, None),
        (4, "A3", 2020, None),
    ]
)

PERSONS = persons_frame(
    [
        # 2023, area A1 (address 1)
        {"person_id": 1, "year": 2023, "address_id": 1, "age": 30, "origin": "immigrant",
         "country": "TR", "fte_outside_work_education": 0.5, "is_convicted": True,
         "highest_education": "basic", "gross_income": 100_000.0},
        {"person_id": 2, "year": 2023, "address_id": 1, "age": 45, "origin": "descendant",
         "country": "SE", "highest_education": "higher"},
        {"person_id": 3, "year": 2023, "address_id": 1, "age": 17, "is_convicted": True,
         "highest_education": "basic", "gross_income": 20_000.0, "is_student": True},
        {"person_id": 4, "year": 2023, "address_id": 1, "age": 70, "origin": "immigrant",
         "country": "IQ", "highest_education": None, "education_source": None,
         "gross_income": 150_000.0},
        # 2023, area A2 (address 3)
        {"person_id": 5, "year": 2023, "address_id": 3, "age": 35, "origin": "immigrant",
         "country": "SO", "fte_outside_work_education": 1.0,
         "highest_education": "upper_secondary", "education_source": "self_reported",
         "gross_income": 50_000.0},
        {"person_id": 6, "year": 2023, "address_id": 3, "age": 60,
         "fte_outside_work_education": 0.25, "is_convicted": True,
         "gross_income": 200_000.0, "is_taxable": False},
        # 2023, in no area: address 2 left A1; address 9 is unlisted; person 9 has no address.
        {"person_id": 7, "year": 2023, "address_id": 2, "age": 40, "origin": "immigrant",
         "country": "PK", "fte_outside_work_education": 1.0, "is_convicted": True,
         "highest_education": "basic", "gross_income": 80_000.0},
        {"person_id": 8, "year": 2023, "address_id": 9, "age": 25, "region": "Hovedstaden",
         "gross_income": 400_000.0},
        {"person_id": 9, "year": 2023, "address_id": None, "age": 50, "region": "Hovedstaden",
         "origin": "immigrant", "country": None, "gross_income": 250_000.0},
        # 2022: address 2 is still in A1, address 3 in no area (A2 does not exist yet).
        {"person_id": 7, "year": 2022, "address_id": 2, "age": 39, "origin": "immigrant",
         "country": "PK", "fte_outside_work_education": 0.75, "highest_education": "basic",
         "gross_income": 90_000.0},
        {"person_id": 5, "year": 2022, "address_id": 3, "age": 34, "origin": "immigrant",
         "country": "SO", "is_convicted": True, "gross_income": 60_000.0},
    ]
)


@pytest.fixture(scope="module")
def result():
    return aggregate(PERSONS, ADDRESSES)


def row(indicators: pd.DataFrame, area_id: str, year: int) -> pd.Series:
    hit = indicators[(indicators["area_id"] == area_id) & (indicators["year"] == year)]
    assert len(hit) == 1, f"expected one row for {area_id} {year}, got {len(hit)}"
    return hit.iloc[0]


def test_the_indicators_have_every_column_of_the_layout_with_its_dtype(result):
    ind = result.indicators
    assert list(ind.columns) == schemas.columns("indicators")
    for col in schemas.INDICATORS:
        if col.kind == "year":
            assert ind[col.name].dtype == "int64"
        elif col.kind in schemas.TEXT_KINDS:
            assert isinstance(ind[col.name].dtype, pd.StringDtype), col.name
        else:
            assert ind[col.name].dtype == "float64", col.name
    assert list(result.references.columns) == schemas.columns("references")


def test_one_row_per_area_and_year_where_the_area_has_addresses(result):
    keys = list(zip(result.indicators["area_id"], result.indicators["year"], strict=True))
    assert keys == [("A1", 2022), ("A1", 2023), ("A2", 2023), ("A3", 2022), ("A3", 2023)]


def test_area_a1_in_2023_by_hand(result):
    r = row(result.indicators, "A1", 2023)
    assert (r.area_name, r.municipality, r.region) == ("Område Øst", "Viborg", "Midtjylland")
    assert r.residents == 4
    # Persons 1 (TR) and 4 (IQ); person 2 is a descendant from Sweden, which is western.
    assert r.n_non_western == 2 and r.share_non_western == 2 / 4
    # 18-64: persons 1 and 2; person 1 is outside half the year.
    assert r.n_residents_18_64 == 2 and r.n_outside_work_education_18_64 == 0.5
    assert r.share_outside_work_education_18_64 == 0.25
    # 18+: persons 1, 2, 4; person 3 was convicted but is 17.
    assert r.n_residents_18plus == 3 and r.n_convicted_18plus == 1
    assert r.share_convicted_18plus == 1 / 3
    # 30-59: persons 1 (basic) and 2 (higher).
    assert r.n_residents_30_59 == 2 and r.n_basic_education_30_59 == 1
    assert r.share_basic_education_30_59 == 0.5
    # Taxable 15-64 not students: persons 1 and 2 (3 is a student, 4 is 70).
    assert r.mean_gross_income_15_64 == (100_000 + 300_000) / 2


def test_area_a2_in_2023_by_hand(result):
    r = row(result.indicators, "A2", 2023)
    assert r.residents == 2 and r.n_non_western == 1
    assert r.n_residents_18_64 == 2 and r.n_outside_work_education_18_64 == 1.25
    assert r.n_residents_18plus == 2 and r.n_convicted_18plus == 1
    # Person 5's education is self-reported: under the 2018 regime it is unknown, and unknown
    # counts as basic by default. Person 6 is 60, outside the 30-59 band.
    assert r.n_residents_30_59 == 1 and r.n_basic_education_30_59 == 1
    # Person 6 is not taxable.
    assert r.mean_gross_income_15_64 == 50_000


def test_address_windows_decide_the_area_of_each_year(result):
    a1 = row(result.indicators, "A1", 2022)
    assert a1.residents == 1 and a1.n_outside_work_education_18_64 == 0.75
    assert a1.mean_gross_income_15_64 == 90_000


def test_an_area_with_no_residents_has_zero_counts_and_missing_shares(result):
    r = row(result.indicators, "A3", 2023)
    assert r.residents == 0 and r.n_residents_18plus == 0
    for share in [*schemas.SHARE_COUNTS, "mean_gross_income_15_64"]:
        assert math.isnan(r[share]), share


def test_references_by_hand_count_everyone_also_outside_areas(result):
    ref = result.references.set_index(["year", "scope", "indicator"])["value"]
    # 2023, 18+: persons 1, 2, 4, 5, 6, 7, 8, 9; convicted 18+: 1, 6, 7.
    assert ref[(2023, "national", "share_convicted_18plus")] == 3 / 8
    # Midtjylland, taxable 15-64 not students: persons 1, 2, 5, 7.
    assert ref[(2023, "Midtjylland", "mean_gross_income_15_64")] == (
        100_000 + 300_000 + 50_000 + 80_000
    ) / 4
    assert ref[(2023, "Hovedstaden", "mean_gross_income_15_64")] == (400_000 + 250_000) / 2
    assert ref[(2022, "national", "share_convicted_18plus")] == 1 / 2
    # A region with nobody in it has no reference row.
    assert (2023, "Nordjylland", "mean_gross_income_15_64") not in ref.index
    assert set(result.references["source"]) == {
        "boligmonitor aggregate of in-memory persons table"
    }


# The five ways a person 30-59 can have registered education, and whether each counts as basic
# under (2013), (2018, unknown is basic: the default) and (2018, unknown is not basic).
EDUCATION_CASES = [
    ("basic", "danish", (True, True, True)),
    ("upper_secondary", "self_reported", (False, True, False)),
    ("basic", "imputed", (True, True, False)),
    (None, None, (True, True, False)),
    ("higher", "approved", (False, False, False)),
    ("basic", "approved", (True, True, True)),
    ("unknown", "danish", (True, True, False)),
]
REGIME_OPTIONS = [
    AggregateOptions(education_regime="2013"),
    AggregateOptions(education_regime="2018"),
    AggregateOptions(education_regime="2018", unknown_education_is_basic=False),
]


@pytest.mark.parametrize("k", range(len(REGIME_OPTIONS)), ids=["2013", "2018", "2018-strict"])
@pytest.mark.parametrize(("education", "source", "expected"), EDUCATION_CASES)
def test_basic_education_follows_the_regime_and_the_unknown_option(education, source, expected, k):
    persons = persons_frame(
        [{"person_id": 1, "year": 2023, "address_id": 1, "age": 40,
          "highest_education": education, "education_source": source}]
    )
    r = aggregate(persons, ADDRESSES, REGIME_OPTIONS[k]).indicators
    assert row(r, "A1", 2023).n_basic_education_30_59 == float(expected[k])


def test_the_2013_regime_counts_unknown_as_basic_even_with_the_2018_option_off():
    persons = persons_frame(
        [{"person_id": 1, "year": 2023, "address_id": 1, "age": 40,
          "highest_education": "unknown", "education_source": None}]
    )
    options = AggregateOptions(education_regime="2013", unknown_education_is_basic=False)
    assert row(aggregate(persons, ADDRESSES, options).indicators, "A1", 2023)[
        "n_basic_education_30_59"
    ] == 1


@pytest.mark.parametrize(("flag", "expected"), [(False, 0), (True, 1)])
def test_unknown_country_of_origin_is_non_western_only_when_asked(flag, expected):
    persons = persons_frame(
        [{"person_id": 1, "year": 2023, "address_id": 1, "age": 40, "origin": "immigrant",
          "country": None},
         {"person_id": 2, "year": 2023, "address_id": 1, "age": 40, "country": None}]
    )
    options = AggregateOptions(unknown_country_is_non_western=flag)
    r = row(aggregate(persons, ADDRESSES, options).indicators, "A1", 2023)
    assert r.n_non_western == expected  # a person of Danish origin is never non-western


def test_the_western_list_is_the_laws():
    west = western_countries()
    assert len(west) == 27 + 13  # EU 27 (incl. Denmark) and the 13 countries the law names
    assert {"DK", "SE", "GB", "US", "VA", "SM", "HR"} <= west
    assert not {"TR", "IQ", "SO", "RU", "UA", "BA", "JP"} & west


# ------------------------------------------------------------------------------------------
# Files, validation and errors


def test_files_are_written_atomically_and_validate_with_the_readers(tmp_path):
    read_table = pytest.importorskip("boligmonitor.io.readers").read_table
    persons = tmp_path / "persons.parquet"
    PERSONS.to_parquet(persons, index=False)
    addresses = tmp_path / "addresses.csv"
    ADDRESSES.to_csv(addresses, index=False)
    out = tmp_path / "out"
    options = AggregateOptions(education_regime="2013")
    ind, ref = aggregate_files([persons], addresses, out, options)
    assert sorted(p.name for p in out.iterdir()) == [
        "boligmonitor-aggregate.json", "indicators.parquet", "references.parquet"]
    # The hand-made register has a few persons per area: a third of them convicted is a real
    # value here, and the readers rightly call it implausible.
    with pytest.warns(DataWarning, match="unusually high"):
        indicators = read_table(ind, "indicators")
    with pytest.warns(DataWarning, match="unusually high"):
        references = read_table(ref, "references")
    assert len(indicators) == 5 and len(references) == 5
    assert set(references["source"]) == {"boligmonitor aggregate of persons.parquet"}
    meta = pq.read_schema(ind).metadata
    assert json.loads(meta[b"boligmonitor.aggregate_options"])["education_regime"] == "2013"
    # Written twice from the same inputs, the files are byte for byte the same.
    first = ind.read_bytes()
    aggregate_files([persons], addresses, out, options)
    assert ind.read_bytes() == first


def test_directories_and_glob_patterns_expand_to_their_parquet_files(tmp_path):
    for year, part in PERSONS.groupby("year"):
        part.to_parquet(tmp_path / f"persons_{year}.parquet", index=False)
    by_dir = aggregate(tmp_path, ADDRESSES)
    by_glob = aggregate(str(tmp_path / "persons_*.parquet"), ADDRESSES)
    pd.testing.assert_frame_equal(by_dir.indicators, aggregate(PERSONS, ADDRESSES).indicators)
    pd.testing.assert_frame_equal(by_glob.indicators, by_dir.indicators)
    assert by_dir.references["source"].iloc[0] == (
        "boligmonitor aggregate of persons_2022.parquet, persons_2023.parquet"
    )


def test_a_missing_file_is_a_data_source_error_naming_it(tmp_path):
    with pytest.raises(DataSourceError, match=r"nope\.parquet: no such file"):
        aggregate(tmp_path / "nope.parquet", ADDRESSES)


def test_missing_columns_are_all_reported_at_once():
    with pytest.raises(DataValidationError) as exc:
        aggregate(PERSONS.drop(columns=["age", "is_student"]), ADDRESSES)
    problems = exc.value.problems
    assert set(problems["column"]) == {"age", "is_student"}
    assert set(problems["problem"]) == {"required column is missing"}


def test_bad_values_are_reported_with_file_row_column_and_value(tmp_path):
    bad = PERSONS.copy()
    bad.loc[2, "origin"] = "martian"
    bad.loc[4, "fte_outside_work_education"] = 1.5
    bad.loc[5, "country"] = "dk"
    path = tmp_path / "persons.parquet"
    bad.to_parquet(path, index=False)
    with pytest.raises(DataValidationError) as exc:
        aggregate(path, ADDRESSES)
    p = exc.value.problems.set_index("column")
    assert p.loc["origin", "value"] == "martian" and p.loc["origin", "row"] == 3
    assert p.loc["fte_outside_work_education", "row"] == 5
    assert "0 to 1" in p.loc["fte_outside_work_education", "allowed"]
    assert p.loc["country", "value"] == "dk" and p.loc["country", "file"] == "persons.parquet"


def test_a_person_twice_in_a_year_is_an_error():
    doubled = pd.concat([PERSONS, PERSONS.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataValidationError, match="appears 2 times"):
        aggregate(doubled, ADDRESSES)
    # ... unless the check is turned off, when the person counts twice.
    r = aggregate(doubled, ADDRESSES, AggregateOptions(check_unique=False)).indicators
    assert row(r, "A1", 2023).residents == 5


def _doubled(persons: pd.DataFrame, index: int) -> pd.DataFrame:
    return pd.concat([persons, persons.iloc[[index]]], ignore_index=True)


def test_a_person_twice_in_a_year_is_an_error_with_text_ids_too():
    persons = PERSONS.assign(person_id=[f"P{i:04d}" for i in PERSONS["person_id"]])
    aggregate(persons, ADDRESSES)  # persons 5 and 7 appear in two years: that is allowed
    with pytest.raises(DataValidationError, match="'P0007 in 2022': the person appears 2 times"):
        aggregate(_doubled(persons, 9), ADDRESSES)


def test_a_person_twice_in_a_year_is_an_error_with_ids_too_far_apart_for_a_bitmap():
    persons = PERSONS.copy()
    persons.loc[0, "person_id"] = 10**15
    aggregate(persons, ADDRESSES)
    with pytest.raises(DataValidationError, match="'1000000000000000 in 2023': the person appears 2 times"):
        aggregate(_doubled(persons, 0), ADDRESSES)


def test_a_person_twice_in_a_year_is_found_when_each_year_needs_its_own_bitmap():
    # 300 million possible ids: one year's bitmap fits the limit, two years' do not.
    persons = PERSONS.copy()
    persons.loc[3, "person_id"] = 300_000_000
    aggregate(persons, ADDRESSES)
    with pytest.raises(DataValidationError) as exc:
        aggregate(_doubled(persons, 10), ADDRESSES)
    assert list(exc.value.problems["value"]) == ["5 in 2022"]


def test_ids_outside_the_range_the_statistics_give_fall_back_to_the_hash_check(monkeypatch):
    from boligmonitor.microdata import unique

    monkeypatch.setattr(unique, "_id_range", lambda con, rel: (1, 3))  # the ids go up to 9
    aggregate(PERSONS, ADDRESSES)
    with pytest.raises(DataValidationError) as exc:
        aggregate(_doubled(PERSONS, 7), ADDRESSES)
    assert list(exc.value.problems["value"]) == ["8 in 2023"]


def test_a_file_given_twice_is_an_error(tmp_path):
    path = tmp_path / "persons.parquet"
    PERSONS.to_parquet(path, index=False)
    with pytest.raises(DataValidationError) as exc:
        aggregate([path, path], ADDRESSES)
    assert len(exc.value.problems) == len(PERSONS)


def test_an_address_in_two_areas_at_once_is_an_error():
    overlapping = addresses_frame([(1, "A1", 2020, None), (1, "A2", 2023, None)])
    with pytest.raises(DataValidationError, match="in two areas"):
        aggregate(PERSONS, overlapping)


def test_an_address_in_two_areas_is_an_error_also_across_two_address_files(tmp_path):
    # Row 1 of each file: the same row number must not hide the overlap.
    first, second = tmp_path / "addresses_a.parquet", tmp_path / "addresses_b.parquet"
    addresses_frame([(1, "A1", 2020, None)]).to_parquet(first, index=False)
    addresses_frame([(1, "A2", 2023, None)]).to_parquet(second, index=False)
    with pytest.raises(DataValidationError, match="in two areas"):
        aggregate(PERSONS, [first, second])


def test_an_area_needs_one_name_municipality_and_region():
    addr = ADDRESSES.copy()
    addr.loc[1, "municipality"] = "Skive"
    with pytest.raises(DataValidationError, match="more than one municipality"):
        aggregate(PERSONS, addr)


def test_a_window_that_ends_before_it_starts_is_an_error():
    addr = addresses_frame([(1, "A1", 2023, 2021)])
    with pytest.raises(DataValidationError, match="ends before it starts"):
        aggregate(PERSONS, addr)


def test_unknown_options_are_refused():
    with pytest.raises(ValueError, match="education_regime"):
        AggregateOptions(education_regime="2010")  # type: ignore[arg-type]


def test_the_command_line_writes_both_tables(tmp_path, capsys):
    from boligmonitor.cli import main

    persons = tmp_path / "persons.parquet"
    PERSONS.to_parquet(persons, index=False)
    addresses = tmp_path / "addresses.parquet"
    ADDRESSES.to_parquet(addresses, index=False)
    out = tmp_path / "out"
    code = main(["aggregate", str(persons), "--addresses", str(addresses), "--out", str(out)])
    assert code == 0
    assert "indicators.parquet" in capsys.readouterr().out
    assert pd.read_parquet(out / "indicators.parquet").shape == (5, len(schemas.INDICATORS))


def test_the_command_line_turns_bad_input_into_exit_code_2(tmp_path, capsys):
    from boligmonitor.cli import main

    persons = tmp_path / "persons.parquet"
    PERSONS.drop(columns="age").to_parquet(persons, index=False)
    addresses = tmp_path / "addresses.parquet"
    ADDRESSES.to_parquet(addresses, index=False)
    code = main(["aggregate", str(persons), "--addresses", str(addresses), "--out",
                 str(tmp_path / "out")])
    assert code == 2
    assert "required column is missing" in capsys.readouterr().err
    assert not (tmp_path / "out" / "indicators.parquet").exists()


@pytest.mark.parametrize("name, content, says", [
    ("persons.parquet", b"PAR1 not a parquet file PAR1", "cannot read persons"),
    ("persons.csv", b"person_id,year\n1,2023\n\xff\xfe\x00,\x81\n", "not utf-8 encoded"),
])
def test_a_file_duckdb_cannot_read_is_one_line_and_exit_2(tmp_path, capsys, name, content,
                                                          says):
    from boligmonitor.cli import main

    persons = tmp_path / name
    persons.write_bytes(content)
    addresses = tmp_path / "addresses.parquet"
    ADDRESSES.to_parquet(addresses, index=False)
    code = main(["aggregate", str(persons), "--addresses", str(addresses), "--out",
                 str(tmp_path / "out")])
    assert code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err  # not DuckDB's SQL and sniffer settings
    assert err.startswith(f"error: {persons}: cannot read persons") and says in err
    assert not (tmp_path / "out").exists()


def test_an_area_region_that_is_not_one_of_the_five_is_an_error():
    addr = ADDRESSES.copy()
    addr["region"] = addr["region"].replace("Midtjylland", "Jylland")
    with pytest.raises(DataValidationError) as exc:
        aggregate(PERSONS, addr)
    p = exc.value.problems
    assert set(p["column"]) == {"region"} and set(p["value"]) == {"Jylland"}
    assert "Hovedstaden" in p["allowed"].iloc[0]


# ------------------------------------------------------------------------------------------
# Values no register holds: non-finite numbers, blank ids, unknown country codes


def _write_persons(frame: pd.DataFrame, path) -> None:
    """Write persons to Parquet keeping NaN as NaN (pandas would write it as empty)."""
    arrays = {
        c: pa.array(frame[c].to_numpy(), from_pandas=False) if frame[c].dtype == "float64"
        else pa.Array.from_pandas(frame[c])
        for c in frame.columns
    }
    pq.write_table(pa.table(arrays), path)


def _problem(exc: pytest.ExceptionInfo, column: str) -> pd.Series:
    p = exc.value.problems
    hits = p[p["column"] == column]
    assert len(hits) >= 1, f"no problem reported in {column}: {p.to_dict('records')}"
    return hits.iloc[0]


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_a_non_finite_income_is_an_error_naming_file_row_person_and_value(tmp_path, value):
    bad = PERSONS.copy()
    bad.loc[4, "gross_income"] = value  # person 5, row 5 of the file
    path = tmp_path / "persons.parquet"
    _write_persons(bad, path)
    with pytest.raises(DataValidationError) as exc:
        aggregate(path, ADDRESSES)
    p = _problem(exc, "gross_income")
    assert (p["file"], p["row"], p["value"]) == ("persons.parquet", 5, str(value))
    assert "person_id 5" in p["problem"] and "finite" in p["allowed"]
    assert "persons.parquet, row 5, column 'gross_income'" in str(exc.value)


def test_an_infinite_income_in_a_csv_file_is_an_error_too(tmp_path):
    bad = PERSONS.copy()
    bad.loc[0, "gross_income"] = math.inf
    path = tmp_path / "persons.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataValidationError) as exc:
        aggregate(path, ADDRESSES)
    p = _problem(exc, "gross_income")
    assert p["row"] == 2 and p["value"] == "inf"  # line 2: the header is line 1


def test_an_infinite_income_in_a_data_frame_is_an_error():
    bad = PERSONS.copy()
    bad.loc[0, "gross_income"] = -math.inf
    with pytest.raises(DataValidationError) as exc:
        aggregate(bad, ADDRESSES)
    p = _problem(exc, "gross_income")
    assert p["row"] == 1 and p["value"] == "-inf" and "person_id 1" in p["problem"]


def test_an_empty_income_in_a_data_frame_is_left_out_not_an_error():
    # In pandas NaN is how a float column says empty; the layout allows an empty income.
    persons = PERSONS.copy()
    persons.loc[0, "gross_income"] = math.nan
    r = row(aggregate(persons, ADDRESSES).indicators, "A1", 2023)
    assert r.mean_gross_income_15_64 == 300_000  # person 2 alone


def test_an_income_beyond_any_real_one_is_an_error():
    # Two such incomes would sum to inf: the bound keeps every mean finite.
    bad = PERSONS.copy()
    bad.loc[[0, 1], "gross_income"] = 1e308
    with pytest.raises(DataValidationError) as exc:
        aggregate(bad, ADDRESSES)
    p = _problem(exc, "gross_income")
    assert p["row"] == 1 and p["value"] == "1e+308"
    assert "-1e+13 to 1e+13" in p["allowed"]


def test_without_validation_a_non_finite_aggregate_is_still_an_error():
    bad = PERSONS.copy()
    bad.loc[0, "gross_income"] = math.inf
    with pytest.raises(DataValidationError) as exc:
        aggregate(bad, ADDRESSES, AggregateOptions(validate=False))
    problems = exc.value.problems
    assert set(problems["problem"]) >= {
        "the aggregate is not a finite number", "the reference is not a finite number"
    }
    assert "inf for area A1 in 2023" in set(problems["value"])
    assert "inf for Midtjylland in 2023" in set(problems["value"])


@pytest.mark.parametrize("blank", ["", "  ", "\t"])
def test_a_blank_person_id_is_an_error(blank):
    persons = PERSONS.astype({"person_id": "string"})
    persons.loc[3, "person_id"] = blank
    with pytest.raises(DataValidationError) as exc:
        aggregate(persons, ADDRESSES)
    p = _problem(exc, "person_id")
    # Problems show text escaped (a tab reads \x09): nothing from a file reaches a terminal raw.
    assert p["row"] == 4 and p["value"] == escape_text(blank) and "not blank" in p["allowed"]


def test_a_blank_address_id_is_an_error_not_a_person_without_address():
    persons = PERSONS.astype({"address_id": "string"})
    persons.loc[2, "address_id"] = ""
    addresses = ADDRESSES.astype({"address_id": "string"})
    with pytest.raises(DataValidationError) as exc:
        aggregate(persons, addresses)
    assert _problem(exc, "address_id")["row"] == 3


@pytest.mark.parametrize("column", ["address_id", "area_id", "area_name", "municipality"])
def test_blank_text_in_the_addresses_is_an_error(column):
    addresses = ADDRESSES.astype({"address_id": "string"})
    addresses.loc[0, column] = " "
    with pytest.raises(DataValidationError) as exc:
        aggregate(PERSONS.astype({"address_id": "string"}), addresses)
    p = _problem(exc, column)
    assert p["row"] == 1 and p["value"] == " "


@pytest.mark.parametrize("code", ["XX", "YU", "SU", "ZZ", "", "D K"])
def test_a_country_that_is_not_an_iso_3166_code_is_an_error(code):
    persons = PERSONS.copy()
    persons.loc[1, "country"] = code
    with pytest.raises(DataValidationError) as exc:
        aggregate(persons, ADDRESSES)
    p = _problem(exc, "country")
    assert p["row"] == 2 and p["value"] == code and "person_id 2" in p["problem"]
    assert "ISO 3166-1 alpha-2" in p["allowed"]


def test_every_assigned_iso_3166_code_is_a_country_of_origin():
    persons = PERSONS.copy()
    persons.loc[0, "country"] = "SS"  # South Sudan, assigned 2011
    persons.loc[1, "country"] = "GB"
    r = row(aggregate(persons, ADDRESSES).indicators, "A1", 2023)
    assert r.n_non_western == 2  # person 1 (SS) and person 4 (IQ); GB is western


def test_kosovo_under_its_user_assigned_code_xk_is_non_western():
    persons = PERSONS.copy()
    persons.loc[0, "country"] = "XK"
    persons.loc[1, "country"] = "GB"
    r = row(aggregate(persons, ADDRESSES).indicators, "A1", 2023)
    assert r.n_non_western == 2  # person 1 (XK) and person 4 (IQ)


def test_the_western_countries_are_iso_3166_codes():
    from boligmonitor.microdata.layout import COUNTRY_CODES

    assert western_countries() <= set(COUNTRY_CODES)
    assert len(COUNTRY_CODES) >= 249


# Each value breaks one rule of the layout. The fast check (summaries in the aggregation's own
# scan) and the row-level one that finds the rows must agree on every one of them.
BAD_VALUES = [
    ("age", -1), ("age", 131), ("year", 1989), ("year", 2101),
    ("fte_outside_work_education", -0.25), ("fte_outside_work_education", math.nan),
    ("fte_outside_work_education", math.inf), ("origin", "Danish"), ("origin", None),
    ("region", "Jylland"), ("region", ""), ("highest_education", "phd"),
    ("education_source", "abroad"), ("is_taxable", None), ("is_convicted", None),
    ("gross_income", -1e14), ("country", "dk"), ("person_id", None),
]


@pytest.mark.parametrize(("column", "value"), BAD_VALUES)
def test_every_kind_of_bad_value_is_found_with_its_row(tmp_path, column, value):
    bad = PERSONS.astype({"is_taxable": "object", "is_convicted": "object",
                          "person_id": "Int64", "year": "Int64", "age": "Int64"})
    bad.loc[6, column] = value
    path = tmp_path / "persons.parquet"
    _write_persons(bad, path)
    with pytest.raises(DataValidationError) as exc:
        aggregate(path, ADDRESSES)
    p = exc.value.problems
    assert list(zip(p["column"], p["row"], strict=True)) == [(column, 7)]
