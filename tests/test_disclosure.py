"""Disclosure control: small counts, shares on small bases, complements and derived values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boligmonitor.disclosure import suppress_criteria, suppress_indicators


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
