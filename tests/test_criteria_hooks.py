"""The engine's public hooks for scoring in memory (used by the outlook's simulated draws):
a panel from arrays, a source on it, the published lists and earlier years taken to copies of
areas, and :func:`score_list_years`, the core of :func:`assess` without tables. Copies of an
area must get exactly what :func:`assess` gives the area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boligmonitor.criteria import (
    IndicatorSource,
    Panel,
    PublishedLists,
    assess,
    identity_table,
    most_severe,
    score_list_years,
)
from boligmonitor.criteria.sources import References

LIST_YEARS = list(range(2016, 2026))


@pytest.fixture(scope="module")
def engine(example):
    identity = identity_table([example.indicators])
    area_index = pd.Index(identity["area_id"].to_numpy())
    regions = identity["region"].astype(str).to_numpy()
    source = IndicatorSource(example.indicators, example.references, area_index, regions)
    published = PublishedLists(example.memberships, area_index)
    result = assess(example.indicators, example.references, example.memberships,
                    list_years=LIST_YEARS, explain=False)
    expected = {
        y: result.areas.loc[result.areas["list_year"] == y]
        .set_index("area_id")["category"].astype(str).reindex(area_index).to_numpy()
        for y in LIST_YEARS
    }
    return source, published, regions, expected


def _copies(source, regions, rows):
    panel = Panel.from_arrays({k: v[rows] for k, v in source.panel.arrays.items()},
                              source.panel.y0, source.panel.has_row[rows])
    refs = References(source_refs_table(source), regions[rows])
    return IndicatorSource.from_panel(panel, refs)


def source_refs_table(source):
    t = source.refs.table
    return pd.DataFrame([
        {"indicator": ind, "scope": scope, "year": y, "value": v, "source": "test"}
        for (ind, scope), vals in t.items() for y, v in vals.items()
    ])


def test_copies_scored_from_arrays_get_the_categories_assess_gives_the_areas(engine):
    source, published, regions, expected = engine
    rows = np.repeat(np.arange(len(regions)), 3)
    copies = _copies(source, regions, rows)
    scored = score_list_years([copies], LIST_YEARS, published.take(rows))
    seen = set()
    for y, yr in scored.items():
        category = most_severe(yr, yr.categories, np.ones(len(rows), bool))[0]
        assert category.tolist() == expected[y][rows].tolist(), y
        seen.update(category.tolist())
    assert {"udsat_boligomraade", "none"} <= seen  # the comparison is not vacuous


def test_earlier_years_scored_once_and_taken_to_copies_decide_as_if_scored_on_them(engine):
    source, published, regions, expected = engine
    rows = np.array([1, 1, 0, 4, 2, 2, 3])
    history = score_list_years([source], range(2016, 2021), published)
    taken = {y: yr.take(rows) for y, yr in history.items()}
    assert all(yr.scored == [] for yr in taken.values())
    copies = _copies(source, regions, rows)
    scored = score_list_years([copies], range(2021, 2026), published.take(rows), history=taken)
    for y, yr in scored.items():
        category = most_severe(yr, yr.categories, np.ones(len(rows), bool))[0]
        assert category.tolist() == expected[y][rows].tolist(), y
        run = yr.runs["omdannelsesomraade"]
        fresh = score_list_years([copies], [y], published.take(rows)).get(y).runs[
            "omdannelsesomraade"]
        assert np.array_equal(run.run, fresh.run)


def test_the_published_lists_taken_to_copies_say_of_each_copy_what_they_say_of_its_area(engine):
    _, published, _, _ = engine
    rows = np.array([4, 0, 0, 2])
    taken = published.take(rows)
    for year in published.years():
        for cat in ("ghettoomraade", "udsat_boligomraade", "parallelsamfund"):
            want, got = published.on(year, cat), taken.on(year, cat)
            assert np.array_equal(got.yes, want.yes[rows])
            assert np.array_equal(got.no, want.no[rows])
    assert taken.category(2018).tolist() == published.category(2018)[rows].tolist()


def test_a_panel_from_arrays_of_different_shapes_is_refused():
    with pytest.raises(ValueError, match="one 2-d shape"):
        Panel.from_arrays({"a": np.zeros((2, 3)), "b": np.zeros((3, 3))}, 2020)
