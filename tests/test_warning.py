"""Early warning for list year N+1."""

from __future__ import annotations

import pytest

import boligmonitor
from boligmonitor.warning import early_warning
from scenarios import builder


def _frame(**over):
    return builder.indicators(over, years=range(2015, 2022))


def test_the_boundary_is_what_the_next_year_may_reach_before_the_average_exceeds_the_line():
    # List 2022 averages 2020-2021; 2020 is known at 38 %: the 2-year mean exceeds 40 % once
    # 2021 exceeds 42 %.
    frame = _frame(share_outside_work_education_18_64={"2020": 0.38, "2021": "missing"})
    w = early_warning(frame, builder.references(), list_year=2021)
    row = w.boundaries[
        (w.boundaries["classification"] == "udsat") & (w.boundaries["criterion"] == "employment")
    ].iloc[0]
    assert w.list_year == 2022
    assert row["known_years"] == "2020" and row["next_year"] == 2021
    assert row["boundary"] == pytest.approx(0.42)
    assert row["operator"] == "overstiger"


def test_for_income_the_boundary_is_the_lowest_income_before_the_criterion_is_met():
    frame = _frame(mean_gross_income_15_64=200000)
    w = early_warning(frame, builder.references(), list_year=2021)
    row = w.boundaries[
        (w.boundaries["classification"] == "udsat") & (w.boundaries["criterion"] == "income")
    ].iloc[0]
    assert row["boundary"] == pytest.approx(165000)
    assert row["headroom"] == pytest.approx(35000)


def test_the_projection_repeats_the_latest_values():
    frame = _frame(share_outside_work_education_18_64=0.45, share_basic_education_30_59=0.65)
    w = early_warning(frame, builder.references(), list_year=2021)
    area = w.projection.areas.iloc[0]
    assert area["list_year"] == 2022
    assert area["category"] == "udsat_boligomraade"
    assert area["repeated_years"] == "2022"


def test_unknown_reference_years_are_assumed_to_repeat_and_say_so():
    frame = _frame(share_convicted_18plus=0.03)
    refs = builder.references(years=range(2015, 2021))
    w = early_warning(frame, refs, list_year=2021)
    crime = w.boundaries[w.boundaries["criterion"] == "crime"]
    assert crime["reference_assumed"].all()
    assert not w.boundaries.loc[w.boundaries["criterion"] == "education", "reference_assumed"].any()


def test_early_warning_runs_on_the_example_data():
    ds = boligmonitor.example_data()
    last = int(ds.indicators["year"].max())
    w = early_warning(ds.indicators, ds.references, ds.memberships, list_year=last)
    assert len(w.projection.areas) == ds.indicators["area_id"].nunique()
    assert w.boundaries["boundary"].notna().any()
