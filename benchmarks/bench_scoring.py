"""Benchmark (not a timed test): score a synthetic panel of 20,000 areas x 15 data years.

Run: .venv/bin/python benchmarks/bench_scoring.py [--areas N] [--years N]
Prints the time to score every list year the panel feeds, with and without explanations (best
of three runs each; the explanations' own time is the difference of the bests), and the time of
the criteria alone for one list year.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from boligmonitor.criteria import assess
from boligmonitor.schemas import REGIONS


def synthetic_panel(n_areas: int, n_years: int, first_year: int = 2010, seed: int = 0):
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, first_year + n_years)
    area = np.repeat(np.arange(n_areas), n_years)
    year = np.tile(years, n_areas)
    n = len(area)
    ids = np.array([f"A{i:05d}" for i in range(n_areas)], dtype=object)
    regions = np.array(REGIONS, dtype=object)[rng.integers(0, len(REGIONS), n_areas)]
    indicators = pd.DataFrame(
        {
            "area_id": ids[area],
            "area_name": ids[area],
            "municipality": "Kommune",
            "region": regions[area],
            "year": year.astype(np.int64),
            "residents": rng.integers(500, 6000, n).astype(float),
            "share_non_western": rng.uniform(0, 0.8, n),
            "share_outside_work_education_18_64": rng.uniform(0.1, 0.6, n),
            "share_convicted_18plus": rng.uniform(0, 0.04, n),
            "share_basic_education_30_59": rng.uniform(0.2, 0.8, n),
            "mean_gross_income_15_64": rng.uniform(120000, 400000, n),
            "n_residents_18_64": rng.integers(300, 4000, n).astype(float),
            "n_residents_18plus": rng.integers(400, 5000, n).astype(float),
            "n_residents_30_59": rng.integers(200, 3000, n).astype(float),
        }
    )
    # Some missing values, as real data has.
    mask = rng.random(n) < 0.01
    indicators.loc[mask, "share_convicted_18plus"] = np.nan
    refs = pd.DataFrame(
        [
            {
                "year": int(y),
                "scope": "national",
                "indicator": "share_convicted_18plus",
                "value": 0.0073,
                "source": "synthetic",
            }
            for y in years
        ]
        + [
            {
                "year": int(y),
                "scope": r,
                "indicator": "mean_gross_income_15_64",
                "value": 300000.0,
                "source": "synthetic",
            }
            for y in years
            for r in REGIONS
        ]
    )
    return indicators, refs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=15)
    args = parser.parse_args()
    indicators, refs = synthetic_panel(args.areas, args.years)
    print(f"panel: {args.areas:,} areas x {args.years} years = {len(indicators):,} area-years")
    assess(indicators.head(1000), refs, explain=True)  # warm-up (imports, caches)
    best = {}
    for explain in (False, True):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            result = assess(indicators, refs, explain=explain)
            times.append(time.perf_counter() - t0)
        best[explain] = min(times)
        print(
            f"assess (explain={explain}): best {min(times):.2f} s, first {times[0]:.2f} s, "
            f"for {len(result.areas):,} area-list-years, {len(result.criteria):,} criterion "
            f"rows, {len(result.history):,} history rows"
        )
    print(
        f"scoring alone {best[False]:.2f} s, explanations alone {best[True] - best[False]:.2f} s "
        f"(difference of the bests), total {best[True]:.2f} s"
    )
    last = int(indicators["year"].max())
    t0 = time.perf_counter()
    result = assess(indicators, refs, list_years=[last], explain=False)
    print(
        f"assess one list year ({last}): {time.perf_counter() - t0:.2f} s "
        f"for {len(result.areas):,} areas"
    )


if __name__ == "__main__":
    main()
