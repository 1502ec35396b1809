"""The bundled table of published reference values: only what a source prints, each row with
its source, the national averages derived from the lines and marked so, and consistent with the
rule sets (the factor of each line is the factor of that list's criterion)."""

from __future__ import annotations

import pandas as pd
import pytest

from boligmonitor.io.published_references import (
    DISPUTED_LINE,
    INTERIM_LINE,
    LINE,
    NATIONAL_AVERAGE,
    published_references,
    stated_national_averages,
)
from boligmonitor.rules import governing_rules


@pytest.fixture(scope="module")
def refs() -> pd.DataFrame:
    return published_references()


def test_every_row_names_its_source_and_what_it_is(refs):
    assert len(refs) > 0
    assert refs["source"].str.len().gt(20).all()
    assert set(refs["kind"]) == {LINE, INTERIM_LINE, DISPUTED_LINE, NATIONAL_AVERAGE}
    assert refs["value"].between(0, 0.05, inclusive="neither").all()


def test_only_lines_are_read_and_every_national_average_is_marked_derived_from_one(refs):
    read, derived = refs[~refs["is_derived"]], refs[refs["is_derived"]]
    assert read["kind"].isin([LINE, INTERIM_LINE, DISPUTED_LINE]).all()
    assert (derived["kind"] == NATIONAL_AVERAGE).all()
    lines = read.set_index(["list_year", "scope", "indicator"])
    for r in derived.itertuples():
        line = lines.loc[(r.list_year, r.scope, r.indicator)]
        assert r.value == pytest.approx(line["value"] / line["factor"], rel=1e-12)
        assert "Derived" in r.note


def test_the_known_published_lines_are_the_ones_in_the_research_notes(refs):
    lines = refs[refs["kind"] == LINE].set_index("list_year")["value"].to_dict()
    assert lines == {2022: 0.0145}
    # The May 2018 review's line is on record, but it is not the 1 December 2018 list's line
    # (its data years may differ): it gives the engine no national average for 2018.
    interim = refs[refs["kind"] == INTERIM_LINE]
    assert interim["list_year"].tolist() == [2018] and interim["value"].tolist() == [0.022]
    assert 2018 not in set(refs.loc[refs["kind"] == NATIONAL_AVERAGE, "list_year"])


def test_a_line_the_sources_disagree_on_is_on_record_and_never_used(refs):
    """The list of 1 December 2019: 1,98 % (sn.dk, August 2020) against 2,03 % (sn.dk,
    2 December 2019; dklf.dk). A Ringparken-like area at 2,00 % would be classified by a guess."""
    disputed = refs[refs["kind"] == DISPUTED_LINE]
    assert sorted(disputed["value"]) == [0.0198, 0.0203]
    assert set(disputed["list_year"]) == {2019}
    assert disputed["source"].str.contains("sn.dk|Sjællandske").all()
    assert 2019 not in set(stated_national_averages()["list_year"])


def test_no_regional_income_is_claimed_as_published(refs):
    assert set(refs["scope"]) == {"national"}
    assert set(refs["indicator"]) == {"share_convicted_18plus"}


def test_each_lines_factor_is_the_factor_of_that_lists_criterion_in_the_rule_set(refs):
    for r in refs[refs["kind"] == LINE].itertuples():
        rules = governing_rules(int(r.list_year))
        crit = {c.id: c for c in rules.classification(r.classification).criteria}["crime"]
        assert crit.reference == "national"
        assert crit.threshold == r.factor


def test_the_engine_gets_one_national_average_per_list_year():
    avg = stated_national_averages()
    assert not avg.duplicated(["list_year", "scope", "indicator"]).any()
    assert avg["is_derived"].all()


# --- shown as such: the method section and the command line ---------------------------------------


@pytest.fixture(scope="module")
def without_references():
    """The example's indicators and lists, without its reference values (layout c)."""
    import boligmonitor as bm
    from boligmonitor.datasets import Dataset

    ex = bm.example_data()
    return Dataset(indicators=ex.indicators, memberships=ex.memberships, sources=ex.sources,
                   is_example=True, metadata=ex.metadata)


def test_the_method_section_shows_the_published_values_used_and_the_missing_ones(
        without_references):
    from boligmonitor.report import build_report

    content = build_report(without_references, list_year=2022, lang="da")
    rows = [[cell.text for cell in row] for row in content.method.references.rows]
    line = next(r for r in rows if r[3] == "1,45 pct.")
    assert line[0] == "listeår 2022" and "dklf.dk" in line[4]
    derived = next(r for r in rows if r[3] == "0,725 pct.")
    assert "afledt" in derived[4] and "1,45 pct. / 2" in derived[4]
    missing = [r for r in rows if r[4].startswith("Mangler")]
    assert [(r[1], r[2]) for r in missing] == [
        ("Midtjylland", "Gennemsnitlig bruttoindkomst (15-64 år), kr.")]
    assert "dataår 2021" in missing[0][4] and "layout c" in missing[0][4]


def test_the_method_section_names_a_disagreement_of_the_sources(without_references):
    from boligmonitor.report import build_report

    content = build_report(without_references, list_year=2019, lang="da")
    rows = [[cell.text for cell in row] for row in content.method.references.rows]
    crime = [r for r in rows if r[4].startswith("Mangler") and r[1] == "national"]
    assert len(crime) == 1
    assert "uenige" in crime[0][4] and "1,98 pct., 2,03 pct." in crime[0][4]
    # One sentence: the disagreement continues it, after no full stop of its own.
    assert ".;" not in crime[0][4] and crime[0][4].endswith("så ingen af dem bruges.")


def test_a_user_reference_leaves_the_published_ones_out_of_the_method_section():
    import boligmonitor as bm
    from boligmonitor.report import build_report

    content = build_report(bm.example_data(), list_year=2019, lang="en")
    texts = " ".join(c.text for row in content.method.references.rows for c in row)
    assert "Published line" not in texts and "Missing" not in texts


def test_the_command_line_names_the_missing_reference_its_list_years_and_what_to_give(
        tmp_path, capsys):
    import boligmonitor as bm
    from boligmonitor.cli import main

    path = tmp_path / "indicators.csv"
    bm.example_data().indicators.to_csv(path, index=False)
    assert main(["assess", "--data", str(path), "--list-years", "2020-2022", "--lang", "en"]) == 0
    err = capsys.readouterr().err.splitlines()
    crime = [x for x in err if "convicted" in x]
    assert len(crime) == 1
    assert "list years 2020-2021 (data years 2018-2020)" in crime[0]  # 2022 is published
    assert "scope = national, indicator = share_convicted_18plus" in crime[0]
    assert "disagree" not in crime[0]
    income = [x for x in err if "income" in x]
    assert len(income) == 1 and "region Midtjylland in list years 2020-2022" in income[0]
    assert main(["assess", "--data", str(path), "--list-years", "2019-2019", "--lang", "en"]) == 0
    crime = [x for x in capsys.readouterr().err.splitlines() if "convicted" in x]
    assert "disagree on the line of the list of 2019 (1.98%, 2.03%), so none is used" in crime[0]

