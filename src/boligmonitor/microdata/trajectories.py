"""Seeded synthetic area trajectories: many areas over 15+ years with trends, shocks and the noise
of small areas, with the truth known. For backtesting the outlook (docs/outlook.md).

Each area has a latent propensity per indicator and year (the chance that a resident is outside
work or education, convicted, ...) on the logit scale (log for the income relative to the
region), made of:

* a level set by the area's deprivation (as in :mod:`.synthetic`: the criteria cluster);
* a national drift shared by all areas (employment improving, convictions falling, ...);
* the area's own trend, which itself drifts (an AR(1) slope);
* a deprivation shock shared by the area's indicators (an AR(1) process with loadings: a bad
  year for employment is a bad year for income too);
* rare breaks (about one area-year in 30): a renovation, a demolition or a change of letting
  that moves every indicator and the residents at once;
* idiosyncratic year-to-year noise.

The observed indicators are then drawn as a register would count them: bases by age group
(binomial in the residents), counts binomial in their bases (full-time persons outside work:
most of them all year, some for one to four quarters), the mean income with the sampling noise
of a mean of a few hundred incomes. The residents follow their own trend and breaks.
References: a national conviction share and five regional mean incomes, each a trend with
noise.

:func:`synthetic_trajectories` returns the layout (a) and (c) tables and the latent truth;
:func:`latent_offsets` the year-by-year offsets alone, which :func:`.synthetic.generate` applies
to its persons' propensities when asked (``trajectories=True``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.schemas import REGIONS

# Offsets on the logit scale (log for income), per indicator: the national drift a year, the
# loading of the shared deprivation shock.
DRIFT = {"non_western": 0.02, "outside": -0.02, "convicted": -0.03, "basic": -0.02,
         "income": 0.0}
LOADING = {"non_western": 0.3, "outside": 1.0, "convicted": 1.5, "basic": 0.5, "income": -0.3}
KEYS = tuple(DRIFT)


def latent_offsets(n_areas: int, n_years: int, rng: np.random.Generator
                   ) -> dict[str, np.ndarray]:
    """Per indicator (and ``residents``, a log multiplier): (areas x years) offsets from the
    area's level in its first year."""
    def ar1(rho: float, sd: float, start_sd: float) -> np.ndarray:
        out = np.empty((n_areas, n_years))
        x = rng.normal(0, start_sd, n_areas)
        for t in range(n_years):
            out[:, t] = x
            x = rho * x + rng.normal(0, sd, n_areas)
        return out

    shock = ar1(0.5, 0.06, 0.06)
    breaks = rng.random((n_areas, n_years)) < 1 / 30
    jump = np.cumsum(np.where(breaks, rng.normal(-0.2, 0.2, (n_areas, n_years)), 0.0), axis=1)
    t = np.arange(n_years)[None, :]
    out = {}
    for key in KEYS:
        slope = np.cumsum(ar1(0.8, 0.01, 0.03), axis=1)  # the area's own drifting trend
        noise = rng.normal(0, 0.03 if key != "income" else 0.01, (n_areas, n_years))
        scale = 1.0 if key != "income" else 0.25
        out[key] = (DRIFT[key] * t + scale * (slope + LOADING[key] * (shock + jump))
                    + noise)
    res_jump = np.cumsum(np.where(breaks, rng.normal(0.0, 0.15, (n_areas, n_years)), 0.0),
                         axis=1)
    res_trend = rng.normal(0, 0.01, n_areas)[:, None] * t
    out["residents"] = res_trend + res_jump + np.cumsum(
        rng.normal(0, 0.01, (n_areas, n_years)), axis=1)
    return out


@dataclass
class SyntheticPanel:
    """Layout (a) indicators and (c) references drawn from known trajectories; ``truth`` holds
    the latent propensities (one row per area and year)."""

    indicators: pd.DataFrame
    references: pd.DataFrame
    truth: pd.DataFrame


def _full_time(base: np.ndarray, p: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Full-time persons outside work or education: most of them are outside all year, some
    for one to four quarters (mean p of the base; steps of a quarter)."""
    n = base.astype(np.int64)
    whole = rng.binomial(n, 0.8 * p)
    part = rng.binomial(n - whole, np.clip(0.4 * p / (1 - 0.8 * p), 0, 1))
    return whole + (part + rng.binomial(3 * part, 1 / 3)) / 4


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p) - np.log1p(-p)


def _expit(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def synthetic_trajectories(n_areas: int = 300, years: range | list[int] = range(2008, 2036), *,
                           seed: int = 0, area_size: tuple[int, int] = (600, 6000)
                           ) -> SyntheticPanel:
    """Draw ``n_areas`` areas over ``years`` (seeded: the same seed gives the same panel)."""
    rng = np.random.default_rng([seed, 12])
    years = np.asarray(list(years), dtype=np.int64)
    m = len(years)
    z = rng.beta(1.2, 2.5, n_areas)  # deprivation
    base = {
        "non_western": np.clip(0.04 + 0.7 * z + rng.normal(0, 0.15, n_areas), 0.01, 0.95),
        "outside": np.clip(0.08 + 0.55 * z + rng.normal(0, 0.05, n_areas), 0.01, 0.9),
        "convicted": np.clip(0.004 + 0.045 * z**2 + rng.normal(0, 0.002, n_areas), 5e-4, 0.2),
        "basic": np.clip(0.2 + 0.6 * z + rng.normal(0, 0.06, n_areas), 0.02, 0.95),
        "income": np.clip(1.05 - 0.75 * z + rng.normal(0, 0.06, n_areas), 0.2, 1.5),
    }
    off = latent_offsets(n_areas, m, rng)
    p = {k: _expit(_logit(base[k])[:, None] + off[k]) for k in KEYS if k != "income"}
    ratio = base["income"][:, None] * np.exp(off["income"])
    lo, hi = area_size
    size0 = np.exp(rng.uniform(np.log(lo), np.log(hi), n_areas))
    residents = np.maximum(np.round(size0[:, None] * np.exp(off["residents"])), 50)
    region = rng.integers(0, len(REGIONS), n_areas)

    t = np.arange(m)
    region_level = rng.normal(1.0, 0.05, len(REGIONS))
    region_income = 320_000 * region_level[:, None] * np.exp(
        0.025 * t[None, :] + np.cumsum(rng.normal(0, 0.006, (len(REGIONS), m)), axis=1))
    national = 0.009 * np.exp(-0.03 * t + np.cumsum(rng.normal(0, 0.02, m)))

    frac = {"n_residents_18_64": 0.62, "n_residents_18plus": 0.76, "n_residents_30_59": 0.38}
    bases = {k: rng.binomial(residents.astype(np.int64),
                             np.clip(f * rng.normal(1, 0.04, n_areas), 0.05, 0.95)[:, None])
             .astype(float) for k, f in frac.items()}
    counts = {
        "n_non_western": rng.binomial(residents.astype(np.int64), p["non_western"]),
        "n_outside_work_education_18_64": _full_time(bases["n_residents_18_64"], p["outside"],
                                                     rng),
        "n_convicted_18plus": rng.binomial(bases["n_residents_18plus"].astype(np.int64),
                                           p["convicted"]),
        "n_basic_education_30_59": rng.binomial(bases["n_residents_30_59"].astype(np.int64),
                                                p["basic"]),
    }
    n_income = np.maximum(0.65 * residents, 1.0)
    income = np.round(ratio * region_income[region] * (
        1 + rng.normal(0, 1, (n_areas, m)) * 0.5 / np.sqrt(n_income)))

    ids = np.array([f"S{i + 1:04d}" for i in range(n_areas)], dtype=object)
    area = np.repeat(np.arange(n_areas), m)
    flat = lambda a: np.asarray(a, dtype=float).ravel()  # noqa: E731
    ind = pd.DataFrame({
        "area_id": ids[area], "area_name": [f"Syntetisk forløb {i + 1}" for i in area],
        "municipality": "Syntetisk", "region": np.asarray(REGIONS, dtype=object)[region[area]],
        "year": np.tile(years, n_areas), "residents": flat(residents),
        "mean_gross_income_15_64": flat(income),
        **{k: flat(v) for k, v in bases.items()}, **{k: flat(v) for k, v in counts.items()},
    })
    ind["share_non_western"] = ind["n_non_western"] / ind["residents"]
    for share, num, den in (
        ("share_outside_work_education_18_64", "n_outside_work_education_18_64",
         "n_residents_18_64"),
        ("share_convicted_18plus", "n_convicted_18plus", "n_residents_18plus"),
        ("share_basic_education_30_59", "n_basic_education_30_59", "n_residents_30_59"),
    ):
        ind[share] = np.where(ind[den] > 0, ind[num] / ind[den].where(ind[den] > 0), np.nan)
    refs = pd.concat([
        pd.DataFrame({"year": years, "scope": "national", "indicator": "share_convicted_18plus",
                      "value": national}),
        *[pd.DataFrame({"year": years, "scope": r, "indicator": "mean_gross_income_15_64",
                        "value": np.round(region_income[i])}) for i, r in enumerate(REGIONS)],
    ], ignore_index=True)
    refs["source"] = f"synthetic trajectories (seed {seed})"
    truth = pd.DataFrame({"area_id": ids[area], "year": np.tile(years, n_areas),
                          **{f"p_{k}": flat(v) for k, v in p.items()},
                          "income_ratio": flat(ratio)})
    return SyntheticPanel(ind, refs, truth)
