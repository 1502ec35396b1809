"""The criteria engine on whole tables: output contracts, layout (b), the example data's known
Viborg history, options shown in outputs, the assess command and the writers."""

from __future__ import annotations

import pandas as pd
import pytest

import boligmonitor
from boligmonitor.cli import main
from boligmonitor.criteria import assess
from boligmonitor.errors import DataValidationError, ReportError, RuleSetError
from boligmonitor.io.writers import write_table
from boligmonitor.options import Options
from boligmonitor.schemas import CATEGORY_IDS
from scenarios import builder

AREA_COLUMNS = [
    "area_id",
    "area_name",
    "list_year",
    "rules",
    "is_listable",
    "n_criteria_met",
    "category",
    "category_certain",
    "category_possible",
    "category_if_listable",
    "published_category",
    "agrees_with_published",
    "history_missing_years",
    *[f"is_{c}" for c in CATEGORY_IDS],
    "explanation_da",
    "explanation_en",
    "options",
    "data_years",
]
CRITERIA_COLUMNS = [
    "area_id",
    "list_year",
    "classification",
    "criterion",
    "value",
    "threshold",
    "operator",
    "is_met",
    "margin",
    "persons_to_threshold",
]


@pytest.fixture(scope="module")
def example():
    return boligmonitor.example_data()


@pytest.fixture(scope="module")
def example_result(example):
    return assess(example.indicators, example.references, example.memberships)


def test_the_areas_table_has_the_documented_columns(example_result):
    assert set(AREA_COLUMNS) <= set(example_result.areas.columns)
    assert example_result.areas["is_listable"].dtype == "boolean"


def test_the_criteria_table_has_the_documented_columns(example_result):
    assert set(CRITERIA_COLUMNS) <= set(example_result.criteria.columns)
    assert example_result.criteria["is_met"].dtype == "boolean"


def test_one_row_per_area_and_list_year(example_result):
    assert not example_result.areas.duplicated(["area_id", "list_year"]).any()


def test_the_options_in_force_are_shown_in_every_row():
    frame = builder.indicators({})
    areas = assess(
        frame, builder.references(), list_years=[2022], options=Options(rounding=1)
    ).areas
    assert "rounding=1" in areas["options"].iloc[0]
    assert "history='published'" in areas["options"].iloc[0]


def test_the_data_years_that_fed_each_criterion_are_shown():
    areas = assess(builder.indicators({}), builder.references(), list_years=[2022]).areas
    text = areas["data_years"].iloc[0]
    assert "employment: 2020-2021" in text
    assert "education: 2021" in text
    assert "non_western: 2022" in text


def test_the_annual_lag_option_moves_the_windows():
    areas = assess(
        builder.indicators({}),
        builder.references(),
        list_years=[2022],
        options=Options(annual_lag=0),
    ).areas
    assert "employment: 2021-2022" in areas["data_years"].iloc[0]


def test_persons_to_threshold_counts_how_many_fewer_outside_work_would_unmeet_it():
    # 45 % of 1,000 residents 18-64 in both years; the line is 40 %: 50 persons above it.
    frame = builder.indicators({"share_outside_work_education_18_64": 0.45})
    crit = assess(frame, builder.references(), list_years=[2022]).criteria
    row = crit[(crit["classification"] == "udsat") & (crit["criterion"] == "employment")].iloc[0]
    assert row["margin"] == pytest.approx(0.05)
    assert row["persons_to_threshold"] == pytest.approx(50.0)


def test_for_income_persons_to_threshold_is_the_rise_in_mean_income_needed():
    frame = builder.indicators({"mean_gross_income_15_64": 150000})
    crit = assess(frame, builder.references(), list_years=[2022]).criteria
    row = crit[(crit["classification"] == "udsat") & (crit["criterion"] == "income")].iloc[0]
    assert row["persons_to_threshold"] == pytest.approx(15000.0)


def test_without_counts_persons_to_threshold_is_missing():
    frame = builder.indicators({"n_residents_18_64": "missing"})
    crit = assess(frame, builder.references(), list_years=[2022]).criteria
    row = crit[(crit["classification"] == "udsat") & (crit["criterion"] == "employment")].iloc[0]
    assert pd.isna(row["persons_to_threshold"])


def test_the_explanation_names_the_area_and_the_count_in_both_languages():
    frame = builder.indicators(
        {"share_outside_work_education_18_64": 0.45, "share_basic_education_30_59": 0.65}
    )
    area = assess(frame, builder.references(), list_years=[2022]).areas.iloc[0]
    assert area["explanation_da"].startswith("Område X opfylder 2 af 4 kriterier for udsat")
    assert area["explanation_en"].startswith("Område X meets 2 of 4 criteria")
    assert "Kategori: Udsat boligområde." in area["explanation_da"]


def test_a_list_year_without_a_rule_set_is_an_error():
    with pytest.raises(RuleSetError, match="no rule set governs list year 2005"):
        assess(builder.indicators({}), list_years=[2005])


def test_no_input_is_an_error():
    with pytest.raises(RuleSetError, match="nothing to score"):
        assess()


# --- layout (b): criterion values, scored without averaging -----------------------------------


def _values(**over):
    row = {
        "area_id": "B1",
        "area_name": "Område B1",
        "municipality": "Viborg",
        "region": "Midtjylland",
        "list_year": 2022,
        "residents": 1200.0,
        "share_non_western": 0.2,
        "share_outside_work_education_18_64": 0.45,
        "convicted_ratio_to_national": 3.0,
        "share_basic_education_30_59": 0.5,
        "income_ratio_to_region": 0.55,
    }
    row.update(over)
    return pd.DataFrame([row])


def test_criterion_values_are_scored_as_given_with_ratios_against_the_multiplier():
    result = assess(criterion_values=_values())
    crit = result.criteria.set_index(["classification", "criterion"])
    assert crit.loc[("udsat", "crime"), "threshold"] == 3.0
    assert crit.loc[("udsat", "crime"), "is_met"]  # mindst 3 x: exactly 3.0 meets it
    assert not crit.loc[("udsat", "income"), "is_met"]  # mindre end 55 %: 55 % does not
    assert crit.loc[("udsat", "employment"), "data_years"] == "list values 2022"
    assert result.areas["category"].iloc[0] == "udsat_boligomraade"


def test_the_absolute_crime_line_of_2013_is_unknown_from_ratio_values():
    result = assess(criterion_values=_values(list_year=2015))
    crit = result.criteria.set_index(["classification", "criterion"])
    assert pd.isna(crit.loc[("ghetto", "crime"), "is_met"])


# --- the example data: Viborg's five areas ------------------------------------------------------


def test_scoring_the_example_data_reproduces_the_known_viborg_history(example, example_result):
    """Houlkærvænget a ghetto area in 2010 and 2011, off in 2012, udsat 2018 and 2021, off in
    2022; Ellekonebakken a ghetto area in 2018 only, udsat in 2019; no listing for the others."""
    cat = example_result.areas.set_index(["area_name", "list_year"])["category"]
    assert cat[("Houlkærvænget", 2010)] == "ghettoomraade"
    assert cat[("Houlkærvænget", 2011)] == "ghettoomraade"
    assert cat[("Houlkærvænget", 2012)] == "none"
    assert cat[("Houlkærvænget", 2018)] == "udsat_boligomraade"
    assert cat[("Houlkærvænget", 2021)] == "udsat_boligomraade"
    assert cat[("Houlkærvænget", 2022)] == "none"
    assert cat[("Ellekonebakken", 2018)] == "ghettoomraade"
    assert cat[("Ellekonebakken", 2019)] == "udsat_boligomraade"
    for name in ("Klostervænget", "Vestervang", "Ringparken"):
        assert not cat[name].isin(CATEGORY_IDS).any(), name


def test_the_example_data_feeds_every_list_year_since_2010(example_result):
    years = sorted(example_result.areas["list_year"].unique())
    assert years[0] == 2010 and years == list(range(2010, years[-1] + 1))
    assert example_result.areas["category"].ne("undetermined").all()


def test_the_example_data_agrees_with_every_published_status_it_records(example_result):
    """Published beside computed: wherever the example's memberships say what an area was on
    a list, the illustrative indicators give the same category."""
    areas = example_result.areas
    known = areas[areas["published_category"].notna()]
    assert len(known) >= 30
    assert known["agrees_with_published"].fillna(False).all(), known[
        ["area_name", "list_year", "category", "published_category"]]
    # Years the memberships say nothing of stay unknown: no published fact is made up.
    houlk = areas.set_index(["area_name", "list_year"])
    assert pd.isna(houlk.loc[("Houlkærvænget", 2013), "published_category"])
    assert pd.isna(houlk.loc[("Houlkærvænget", 2020), "published_category"])
    assert pd.isna(houlk.loc[("Houlkærvænget", 2022), "agrees_with_published"])


# --- the command line and the writers -----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_assess_writes_both_tables_in_the_format_of_the_suffix(tmp_path, suffix, capsys):
    out, crit = tmp_path / f"areas{suffix}", tmp_path / f"criteria{suffix}"
    code = main(
        ["assess", "--list-years", "2018-2019", "--out", str(out), "--criteria-out", str(crit)]
    )
    assert code == 0
    read = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}[suffix]
    areas = read(out)
    assert set(AREA_COLUMNS) <= set(areas.columns)
    assert sorted(areas["list_year"].unique()) == [2018, 2019]
    assert areas["is_example"].all()
    assert set(CRITERIA_COLUMNS) <= set(read(crit).columns)
    assert "Eksempeldata" in capsys.readouterr().out


def test_assess_with_a_rule_file_path_and_a_data_file(tmp_path, capsys):
    data = tmp_path / "indicators.csv"
    builder.indicators(
        {"share_outside_work_education_18_64": 0.45, "share_basic_education_30_59": 0.65}
    ).to_csv(data, index=False)
    refs = tmp_path / "references.csv"
    builder.references().to_csv(refs, index=False)
    out = tmp_path / "areas.csv"
    rules = boligmonitor.rules.bundled_rule_paths()["2021"]
    code = main(
        [
            "assess",
            "--data",
            str(data),
            "--references",
            str(refs),
            "--list-year",
            "2022",
            "--rules",
            str(rules),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    areas = pd.read_csv(out)
    assert areas["category"].tolist() == ["udsat_boligomraade"]
    assert not areas["is_example"].any()


def test_assess_rejects_a_bad_list_year_range(capsys):
    assert main(["assess", "--list-years", "2018"]) == 2
    assert "A-B" in capsys.readouterr().err


def test_write_table_rejects_an_unknown_suffix(tmp_path):
    with pytest.raises(ReportError, match=r"\.csv, \.parquet, \.xlsx"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.json")


def test_write_table_leaves_no_temporary_file(tmp_path):
    write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


# --- the Python entry point validates its tables as the readers do -------------------------------


def _problems(exc: pytest.ExceptionInfo) -> pd.DataFrame:
    return exc.value.problems


def test_assess_rejects_an_area_whose_region_changes_between_years():
    ind = builder.indicators({})
    ind.loc[ind["year"] == 2015, "region"] = "Syddanmark"
    with pytest.raises(DataValidationError) as exc:
        assess(ind, builder.references())
    p = _problems(exc)
    assert (p["column"] == "region").any() and (p["value"] == "Syddanmark").any()
    assert p.loc[p["column"] == "region", "row"].tolist() == [16]  # 2015 is the 16th row
    assert "<indicators table>" in str(exc.value)


def test_assess_reports_every_problem_of_a_table_at_once():
    ind = builder.indicators({"share_outside_work_education_18_64": {"2010": 1.4}})
    ind["year"] = ind["year"].astype(object)
    ind.loc[0, "year"] = "2000a"
    ind["notes"] = "x"
    with pytest.raises(DataValidationError) as exc:
        assess(ind, builder.references())
    problems = set(_problems(exc)["problem"])
    assert "unknown column" in problems
    assert "not a whole number" in problems
    assert "share outside 0-1" in problems


def test_assess_accepts_plain_python_types_and_returns_the_canonical_result():
    ind = builder.indicators({"share_outside_work_education_18_64": 0.45,
                              "share_basic_education_30_59": 0.65})
    plain = ind.astype({"area_id": object, "area_name": object, "municipality": object,
                        "region": object, "year": "int32"})
    a = assess(plain, builder.references(), list_years=[2022]).areas
    b = assess(ind, builder.references(), list_years=[2022]).areas
    pd.testing.assert_frame_equal(a, b)


def test_a_published_category_that_did_not_exist_that_year_is_rejected():
    bad = builder.memberships([{"list_year": 2015, "category": "parallelsamfund",
                                "areas": ["X"]}])
    with pytest.raises(DataValidationError) as exc:
        assess(builder.indicators({}), builder.references(), bad)
    p = _problems(exc)
    assert p["problem"].str.contains("not a category of the lists of 2015").any()
    assert "ghettoomraade" in p["allowed"].iloc[0]


def test_none_and_a_category_for_the_same_area_and_year_are_rejected():
    bad = builder.memberships([
        {"list_year": 2019, "category": "none", "areas": ["X"], "coverage": "partial"},
        {"list_year": 2019, "category": "udsat_boligomraade", "areas": ["X"],
         "coverage": "partial"},
    ])
    with pytest.raises(DataValidationError, match="'none'"):
        assess(builder.indicators({}), builder.references(), bad)


def test_whole_and_partial_rows_in_one_list_year_are_rejected():
    bad = builder.memberships([
        {"list_year": 2019, "category": "ghettoomraade", "areas": ["X"]},
        {"list_year": 2019, "category": "udsat_boligomraade", "areas": ["Y"],
         "coverage": "partial"},
    ])
    with pytest.raises(DataValidationError, match="'whole' and other coverages"):
        assess(builder.indicators({}), builder.references(), bad)
