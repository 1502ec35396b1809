"""The bundled table of published reference values: only what a source prints, each row with
its source, the national averages derived from the lines and marked so, and consistent with the
rule sets (the factor of each line is the factor of that list's criterion)."""

from __future__ import annotations

import pandas as pd
import pytest

from boligmonitor.io.published_references import (
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
    assert set(refs["kind"]) == {LINE, NATIONAL_AVERAGE}
    assert refs["value"].between(0, 0.05, inclusive="neither").all()


def test_only_lines_are_read_and_every_national_average_is_marked_derived_from_one(refs):
    read, derived = refs[~refs["is_derived"]], refs[refs["is_derived"]]
    assert (read["kind"] == LINE).all() and (derived["kind"] == NATIONAL_AVERAGE).all()
    lines = read.set_index(["list_year", "scope", "indicator"])
    for r in derived.itertuples():
        line = lines.loc[(r.list_year, r.scope, r.indicator)]
        assert r.value == pytest.approx(line["value"] / line["factor"], rel=1e-12)
        assert "Derived" in r.note


def test_the_known_published_lines_are_the_ones_in_the_research_notes(refs):
    lines = refs[refs["kind"] == LINE].set_index("list_year")["value"].to_dict()
    assert lines == {2018: 0.022, 2019: 0.0198, 2022: 0.0145}


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
