"""The backtest: its machinery on a small panel (fast), the record every outlook carries, and
the backtest itself with its figures printed (slow: `pytest -m slow`)."""

from __future__ import annotations

import pytest

from boligmonitor.microdata.trajectories import synthetic_trajectories
from boligmonitor.outlook.backtest import (
    BINS,
    backtest,
    calibration_record,
    repeat_latest,
)
from boligmonitor.outlook.calibration import listing_record


@pytest.fixture(scope="module")
def small():
    panel = synthetic_trajectories(40, range(2010, 2030), seed=5)
    return panel, backtest(panel.indicators, panel.references, origins=[2022], horizon=3,
                           draws=60, seed=1)


def test_the_backtest_compares_every_forecast_with_what_happened(small):
    _panel, r = small
    assert set(r.listing["horizon"]) == {1, 2, 3}
    assert len(r.listing) == 40 * 3
    assert r.listing["probability_listed"].between(0, 1).all()
    assert set(r.intervals["indicator"]) >= {"share_outside_work_education_18_64", "residents"}
    assert r.intervals["horizon"].between(1, 3).all()
    assert r.reliability["n"].sum() == len(r.listing)
    assert len(r.reliability) == len(BINS) - 1
    # the naive rule forecasts 0 or 1 and is scored on the same outcomes
    assert set(r.listing["naive_listed"].unique()) <= {True, False}
    record = calibration_record(r)
    assert {"brier", "brier_naive", "coverage_50", "coverage_80", "reliability",
            "is_calibrated", "coverage_by_indicator"} <= set(record)


def test_the_naive_rule_repeats_each_areas_latest_values(small):
    panel, _ = small
    seen = panel.indicators[panel.indicators["year"] <= 2022]
    ind, refs = repeat_latest(seen, panel.references[panel.references["year"] <= 2022], 2025)
    later = ind[ind["year"] == 2025].set_index("area_id")["share_convicted_18plus"]
    latest = seen[seen["year"] == 2022].set_index("area_id")["share_convicted_18plus"]
    assert later.sort_index().equals(latest.sort_index())
    assert refs["year"].max() == 2025


def test_every_outlook_carries_the_recorded_backtest():
    record = listing_record()
    assert record["settings"]["n_areas"] >= 300
    assert record["brier"] < record["brier_naive"]
    assert isinstance(record["is_calibrated"], bool)
    assert set(record["coverage_by_indicator"]) == {
        "residents", "share_non_western", "share_outside_work_education_18_64",
        "share_convicted_18plus", "share_basic_education_30_59", "mean_gross_income_15_64"}


@pytest.mark.slow
def test_the_backtest_on_200_synthetic_areas(capsys):
    panel = synthetic_trajectories(200, range(2008, 2036), seed=11)
    r = backtest(panel.indicators, panel.references, origins=[2020, 2024, 2028], draws=400,
                 seed=11)
    pooled = r.coverage[r.coverage["horizon"] == 0].set_index("indicator")
    with capsys.disabled():
        print("\ncoverage (50 %, 80 %):")
        print(pooled[["coverage_50", "coverage_80", "n"]].round(3).to_string())
        print(r.reliability.round(3).to_string(index=False))
        print({k: round(v, 4) if isinstance(v, float) else v for k, v in r.scores.items()})
    assert r.scores["brier"] < 0.8 * r.scores["brier_naive"]
    # Calibration in the large: as many listings as forecast (one panel's bins are clustered
    # by area and move more than their binomial error; the pooled record judges the bins).
    listing = r.listing
    assert abs(listing["probability_listed"].mean() - listing["is_listed"].mean()) < 0.02
    for ind, row in pooled.iterrows():
        if ind == "residents":  # breaks make its Gaussian 50 % interval wide (docs/outlook.md)
            continue
        assert abs(row["coverage_50"] - 0.5) <= 0.05, ind
        assert abs(row["coverage_80"] - 0.8) <= 0.05, ind
