"""Synthetic trajectories for backtesting: seeded, valid tables over 15+ years whose indicators
move with trends and shocks beyond the noise of a small area; the person-level generator follows
them when asked, and the SQL engine still reproduces its direct computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from boligmonitor.microdata import aggregate, generate
from boligmonitor.microdata.trajectories import synthetic_trajectories
from boligmonitor.validation import validated_frames


@pytest.fixture(scope="module")
def panel():
    return synthetic_trajectories(60, range(2008, 2028), seed=4)


def test_the_same_seed_gives_the_same_trajectories(panel):
    again = synthetic_trajectories(60, range(2008, 2028), seed=4)
    pd.testing.assert_frame_equal(panel.indicators, again.indicators)
    other = synthetic_trajectories(60, range(2008, 2028), seed=5)
    assert not panel.indicators["residents"].equals(other.indicators["residents"])


def test_the_trajectories_are_valid_layout_a_and_c_tables_over_20_years(panel):
    ind, _, refs, _ = validated_frames(indicators=panel.indicators, criterion_values=None,
                                       references=panel.references, memberships=None)
    assert ind.groupby("area_id")["year"].nunique().eq(20).all()
    assert set(refs["scope"]) == {"national", "Hovedstaden", "Sjælland", "Syddanmark",
                                  "Midtjylland", "Nordjylland"}
    assert len(panel.truth) == len(ind)


def test_indicators_move_beyond_the_binomial_noise_of_their_bases(panel):
    ind = panel.indicators.sort_values(["area_id", "year"])
    share = ind["share_outside_work_education_18_64"].to_numpy().reshape(60, 20)
    base = ind["n_residents_18_64"].to_numpy().reshape(60, 20)
    noise = np.sqrt(share * (1 - share) / base).mean()
    drift = np.abs(share[:, -5:].mean(axis=1) - share[:, :5].mean(axis=1)).mean()
    assert drift > 3 * noise
    # the counts behind the shares are the register's: whole persons, quarters for full-time
    assert (ind["n_convicted_18plus"] % 1 == 0).all()
    assert ((ind["n_outside_work_education_18_64"] * 4) % 1 == 0).all()


def test_the_person_level_generator_follows_trajectories_and_the_engine_agrees(tmp_path):
    years = list(range(2010, 2026))
    kw = {"n_areas": 8, "area_size": (400, 900), "seed": 3}
    moving = generate(12_000, years, out_dir=tmp_path, chunk_size=6_000, trajectories=True,
                      **kw)
    still = generate(12_000, years, **kw)

    def drift(reg):
        e = reg.expected.indicators.pivot(index="area_id", columns="year",
                                          values="share_outside_work_education_18_64")
        return (e.iloc[:, -3:].mean(axis=1) - e.iloc[:, :3].mean(axis=1)).abs().mean()

    assert drift(moving) > 3 * drift(still)
    got = aggregate(moving.persons, moving.addresses_path, moving.options)
    pd.testing.assert_frame_equal(got.indicators, moving.expected.indicators)
