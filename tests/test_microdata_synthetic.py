"""The synthetic register generator, and the engine checked against its direct computation."""

from __future__ import annotations

import pandas as pd
import pytest

from boligmonitor.microdata import AggregateOptions, aggregate, generate
from boligmonitor.microdata.synthetic import _plan

SMALL = {"n_areas": 12, "area_size": (200, 1500), "seed": 7}


def test_the_same_seed_gives_the_same_register():
    a = generate(5_000, [2022, 2023], **SMALL)
    b = generate(5_000, [2022, 2023], **SMALL)
    pd.testing.assert_frame_equal(a.persons, b.persons)
    pd.testing.assert_frame_equal(a.addresses, b.addresses)
    c = generate(5_000, [2022, 2023], **{**SMALL, "seed": 8})
    assert not a.persons["age"].equals(c.persons["age"])


def test_by_default_about_200_areas_of_500_to_6000_residents_sit_in_a_large_population():
    plan = _plan(2_000_000, [2023], seed=0, n_areas=200, area_size=(500, 6000),
                 area_share_max=0.5)
    sizes = plan.areas["size"]
    assert len(sizes) == 200
    assert sizes.between(500, 6000).all()
    assert sizes.sum() < 2_000_000 / 2


def test_in_a_small_population_the_areas_shrink_to_fit():
    plan = _plan(10_000, [2023], seed=0, n_areas=200, area_size=(500, 6000), area_share_max=0.5)
    assert plan.areas["size"].sum() <= 5_000


@pytest.mark.parametrize(
    "options",
    [
        AggregateOptions(),
        AggregateOptions(education_regime="2013"),
        AggregateOptions(unknown_education_is_basic=False, unknown_country_is_non_western=True),
    ],
    ids=["default", "2013", "strict"],
)
def test_the_engine_reproduces_the_generators_direct_computation_from_files(tmp_path, options):
    years = [2020, 2021, 2022, 2023]
    reg = generate(8_000, years, out_dir=tmp_path, chunk_size=3_000, options=options, **SMALL)
    assert [p.name for p in reg.persons] == [f"persons_{y}.parquet" for y in years]
    got = aggregate(reg.persons, reg.addresses_path, options)
    pd.testing.assert_frame_equal(got.indicators, reg.expected.indicators)
    pd.testing.assert_frame_equal(got.references, reg.expected.references)


def test_areas_change_over_the_years_in_the_generated_addresses():
    reg = generate(8_000, [2020, 2021, 2022, 2023], **SMALL)
    addr = reg.addresses
    assert addr["valid_to_year"].notna().any(), "some addresses leave their area"
    assert (addr["valid_from_year"] > 2020).any(), "some addresses join an area later"
    assert addr["area_id"].isna().any(), "some listed addresses are in no area"
    residents = reg.expected.indicators.pivot(index="area_id", columns="year", values="residents")
    assert (residents.nunique(axis=1) > 1).any()


def test_the_generated_areas_spread_across_the_criteria():
    reg = generate(60_000, [2023], n_areas=40, area_size=(500, 1500), seed=3)
    ind = reg.expected.indicators
    assert (ind["share_non_western"] > 0.5).any() and (ind["share_non_western"] < 0.3).any()
    assert (ind["share_outside_work_education_18_64"] > 0.4).any()
    assert (ind["share_basic_education_30_59"] > 0.6).any()
    region_mean = reg.expected.references.set_index("scope")["value"]
    ratio = ind["mean_gross_income_15_64"] / ind["region"].map(region_mean).astype(float)
    assert (ratio < 0.55).any() and (ratio > 0.9).any()
