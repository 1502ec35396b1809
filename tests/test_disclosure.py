"""Disclosure control: small counts, shares on small bases, complements and derived values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boligmonitor.disclosure import (
    suppress_criteria,
    suppress_indicators,
    suppress_list_values,
    suppress_warning,
)


def _row(**kw):
    base = {"area_id": "a", "year": 2020, "residents": 1000.0, "share_non_western": 0.2,
            "n_non_western": 200.0, "n_residents_18plus": 800.0, "n_convicted_18plus": 20.0,
            "share_convicted_18plus": 20 / 800, "n_residents_18_64": 600.0,
            "mean_gross_income_15_64": 250000.0}
    base.update(kw)
    return pd.DataFrame([base])


@pytest.mark.parametrize("n", [0, 1, 4])
def test_a_count_below_the_minimum_is_suppressed_with_its_share(n):
    s = suppress_indicators(_row(n_convicted_18plus=float(n), share_convicted_18plus=n / 800))
    assert s.mask.loc[0, "n_convicted_18plus"] and s.mask.loc[0, "share_convicted_18plus"]
    assert np.isnan(s.values.loc[0, "share_convicted_18plus"])
    assert not s.mask.loc[0, "n_residents_18plus"]


def test_a_count_exactly_at_the_minimum_is_shown():
    s = suppress_indicators(_row(n_convicted_18plus=5.0, share_convicted_18plus=5 / 800))
    assert not s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus"]].any()


def test_a_share_on_a_small_denominator_is_suppressed():
    s = suppress_indicators(_row(n_residents_18plus=4.0, n_convicted_18plus=0.0,
                                 share_convicted_18plus=0.0))
    assert s.mask.loc[0, ["share_convicted_18plus", "n_residents_18plus"]].all()


def test_a_share_whose_complement_is_small_is_suppressed():
    s = suppress_indicators(_row(n_residents_18plus=40.0, n_convicted_18plus=37.0,
                                 share_convicted_18plus=37 / 40))
    assert s.mask.loc[0, "share_convicted_18plus"] and s.mask.loc[0, "n_convicted_18plus"]


def test_the_minimum_is_configurable():
    df = _row(n_convicted_18plus=4.0, share_convicted_18plus=4 / 800)
    assert not suppress_indicators(df, min_cell=3).mask.loc[0, "n_convicted_18plus"]
    assert suppress_indicators(df, min_cell=5).mask.loc[0, "n_convicted_18plus"]


def test_missing_is_not_marked_as_suppressed():
    s = suppress_indicators(_row(n_convicted_18plus=np.nan, share_convicted_18plus=np.nan))
    assert not s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus"]].any()


def test_an_average_over_a_suppressed_year_is_suppressed_with_margin_and_persons():
    ind = pd.concat([_row(year=2019, n_convicted_18plus=3.0, share_convicted_18plus=3 / 800),
                     _row(year=2020)], ignore_index=True)
    s = suppress_indicators(ind)
    criteria = pd.DataFrame({
        "area_id": ["a", "a", "a"], "indicator": ["share_convicted_18plus"] * 2
        + ["share_non_western"], "data_years": ["2019-2020", "2020", "2020"],
        "value": [0.014, 0.025, 0.2], "margin": [0.1, 0.2, 0.3],
        "persons_to_threshold": [3.0, 4.0, np.nan], "is_met": [True, True, False],
    })
    out = suppress_criteria(criteria, s, ind["area_id"])
    assert out.mask["value"].tolist() == [True, False, False]
    assert out.mask.loc[0, ["margin", "persons_to_threshold"]].all()
    assert np.isnan(out.values.loc[0, "value"]) and out.values.loc[0, "is_met"]
    assert out.values.loc[1, "value"] == 0.025


# --- the early warning -------------------------------------------------------------------------


def _warning_inputs(convicted_by_year):
    ind = pd.concat([_row(year=y, n_convicted_18plus=float(n), share_convicted_18plus=n / 800)
                     for y, n in convicted_by_year.items()], ignore_index=True)
    boundaries = pd.DataFrame({
        "area_id": ["a", "a", "b"],
        "indicator": ["share_convicted_18plus", "share_non_western", "share_convicted_18plus"],
        "known_years": ["2019,2020", "", "2019,2020"],
        "next_year": [2021, 2021, 2021],
        "boundary": [0.04, 0.5, 0.04], "latest_value": [0.025, 0.2, 0.025],
        "headroom": [0.015, 0.3, 0.015],
    })
    return ind, boundaries


def test_a_boundary_fed_by_a_suppressed_known_year_is_suppressed_whole():
    ind, b = _warning_inputs({2019: 3, 2020: 20})
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert out.mask.loc[0].tolist() == [True, True, True]
    assert out.values.loc[0, ["boundary", "latest_value", "headroom"]].isna().all()
    # Another indicator of the area, and another area, are not touched.
    assert not out.mask.loc[1:].to_numpy().any()
    assert out.values.loc[2, "boundary"] == 0.04 and out.values.loc[0, "next_year"] == 2021


def test_a_boundary_whose_latest_value_is_suppressed_is_suppressed():
    ind, b = _warning_inputs({2020: 20, 2021: 2})
    b["known_years"] = ["2020", "", "2020"]
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert out.mask.loc[0].all()


def test_a_suppressed_year_that_feeds_no_boundary_leaves_it_shown():
    ind, b = _warning_inputs({2017: 3, 2019: 20, 2020: 20})
    out = suppress_warning(b, suppress_indicators(ind), ind["area_id"])
    assert not out.mask.to_numpy().any()
    assert out.values.loc[0, "boundary"] == 0.04


def test_the_early_warning_of_small_counts_shows_no_number():
    import boligmonitor as bm

    ex = bm.example_data()
    ind = ex.indicators.copy()
    ring = ind["area_id"] == "viborg-ringparken"
    ind.loc[ring, "n_convicted_18plus"] = 2.0
    ind.loc[ring, "share_convicted_18plus"] = 2.0 / ind.loc[ring, "n_residents_18plus"]
    ew = bm.early_warning(ind, ex.references, ex.memberships, list_year=2025)
    out = suppress_warning(ew.boundaries, suppress_indicators(ind), ind["area_id"])
    hit = ((ew.boundaries["area_id"] == "viborg-ringparken")
           & (ew.boundaries["indicator"] == "share_convicted_18plus"))
    assert hit.any() and ew.boundaries.loc[hit, "boundary"].notna().all()
    assert out.values.loc[hit, ["boundary", "latest_value", "headroom"]].isna().all().all()
    # Every other row is as suppressed as on the unchanged example data.
    ew0 = bm.early_warning(ex.indicators, ex.references, ex.memberships, list_year=2025)
    before = suppress_warning(ew0.boundaries, suppress_indicators(ex.indicators),
                              ex.indicators["area_id"])
    assert out.mask.loc[~hit].equals(before.mask.loc[~hit])


# --- layout (b): criterion values per list year ------------------------------------------------


def _list_rows():
    cv = pd.DataFrame({"area_id": ["a", "a", "b"], "list_year": [2024, 2025, 2025],
                       "residents": [3.0, 1200.0, 5.0]})
    crit = pd.DataFrame({"area_id": ["a", "a", "a", "b"],
                         "list_year": [2024, 2024, 2025, 2025],
                         "value": [0.5, 0.3, 0.5, 0.4], "margin": [0.1, -0.1, 0.1, 0.0],
                         "persons_to_threshold": [1.0, np.nan, 2.0, 0.0],
                         "is_met": [True, False, True, True]})
    return cv, crit


def test_layout_b_values_of_an_area_year_under_the_minimum_residents_are_suppressed():
    cv, crit = _list_rows()
    out = suppress_list_values(crit, cv)
    assert out.mask["value"].tolist() == [True, True, False, False]
    assert out.mask["persons_to_threshold"].tolist() == [True, False, False, False]  # NaN stays
    assert out.values.loc[:1, ["value", "margin"]].isna().all().all()
    assert out.values["is_met"].tolist() == [True, False, True, True]


def test_layout_b_minimum_is_configurable_and_the_input_is_left_alone():
    cv, crit = _list_rows()
    assert suppress_list_values(crit, cv, min_cell=6).mask["value"].tolist() == [
        True, True, False, True]
    assert not suppress_list_values(crit, cv, min_cell=3).mask.to_numpy().any()
    assert crit["value"].notna().all()
    assert not suppress_list_values(crit, None).mask.to_numpy().any()
