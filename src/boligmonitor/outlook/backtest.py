"""Rolling-origin backtests: is the outlook honest on panels whose future is known?

From each origin year T the outlook sees only the data up to T, fits afresh and forecasts the
list years T+1 to T+horizon; the backtest then compares with what happened:

* **intervals**: how often the observed value of each indicator fell inside the 50 % and 80 %
  intervals, by horizon (target: within 5 points of nominal);
* **listing probabilities**: the Brier score of the probability of being on any list and of the
  whole category distribution, beside the naive rule of today's early warning (the latest
  values repeat, a forecast of 0 or 1), and a reliability table (of the areas given about p,
  did about p land on a list?).

The realised categories are scored by the engine on the full data, the naive ones on the data
up to T with each area's latest values repeated. :func:`calibration_record` turns a result into
the figures every outlook carries (``calibration.json``, written by
``benchmarks/bench_outlook_backtest.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.criteria import assess
from boligmonitor.options import Options
from boligmonitor.outlook.calibration import LEVELS, TOLERANCE
from boligmonitor.outlook.run import BASELINE, outlook
from boligmonitor.schemas import NO_LIST

BINS = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0000001)
MIN_BIN = 30  # a reliability bin with fewer forecasts is shown but not judged
UNDETERMINED = "undetermined"


@dataclass
class BacktestResult:
    """``intervals``: one row per origin, area, indicator and horizon with the interval hit;
    ``listing``: one row per origin, area and list year with the forecast probability of a
    list, the model's and the naive rule's Brier terms; ``coverage``, ``reliability`` and
    ``scores`` summarise them."""

    intervals: pd.DataFrame
    listing: pd.DataFrame
    coverage: pd.DataFrame
    reliability: pd.DataFrame
    scores: dict
    settings: dict


def repeat_latest(indicators: pd.DataFrame, references: pd.DataFrame | None, until: int
                  ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The naive forecast: each area's (and reference's) latest values repeated to ``until``."""
    def extend(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
        last = df.sort_values("year", kind="stable").groupby(key, sort=False).tail(1)
        extra = [last.assign(year=y) for y in range(int(df["year"].max()) + 1, until + 1)]
        return pd.concat([df, *extra], ignore_index=True) if extra else df

    ind = extend(indicators, ["area_id"])
    refs = None if references is None else extend(references, ["scope", "indicator"])
    return ind, refs


def _categories(areas: pd.DataFrame) -> pd.Series:
    return areas.set_index(["area_id", "list_year"])["category"].astype(str)


def backtest(indicators: pd.DataFrame, references: pd.DataFrame | None, *,
             origins: list[int], horizon: int = 5, draws: int = 500, seed: int = 0,
             options: Options | None = None) -> BacktestResult:
    """Run the outlook from each origin year and compare with what the data then show."""
    options = options or Options()
    inter, listing = [], []
    last_year = int(indicators["year"].max())
    for k, t in enumerate(origins):
        years = [y for y in range(t + 1, t + 1 + horizon) if y <= last_year]
        if not years:
            continue
        seen = indicators[indicators["year"] <= t]
        refs = None if references is None else references[references["year"] <= t]
        o = outlook(seen, refs, list_years=years, draws=draws, seed=seed + k, options=options,
                    validate=False)
        inter.append(_interval_hits(o.projections, indicators, t))
        truth = _categories(assess(indicators, references, list_years=years, options=options,
                                   explain=False, validate=False).areas)
        naive_ind, naive_refs = repeat_latest(seen, refs, max(years))
        naive = _categories(assess(naive_ind, naive_refs, list_years=years, options=options,
                                   explain=False, validate=False).areas)
        listing.append(_listing_rows(o.probabilities, truth, naive, t))
    intervals = pd.concat(inter, ignore_index=True)
    rows = pd.concat(listing, ignore_index=True)
    coverage = summarise_intervals(intervals)
    reliability = reliability_table(rows)
    scores = _scores(rows, coverage, reliability)
    settings = {"origins": list(origins), "horizon": horizon, "draws": draws, "seed": seed,
                "n_areas": int(indicators["area_id"].nunique())}
    return BacktestResult(intervals, rows, coverage, reliability, scores, settings)


def pool(results: list[BacktestResult]) -> BacktestResult:
    """Several backtests (say, panels of several seeds) as one: their forecasts together.

    One panel's forecasts are clustered (an area is forecast from several origins, at several
    horizons), so a single panel's reliability bins move more than their binomial error says;
    pooling independent panels is the honest way to a stable table."""
    intervals = pd.concat([r.intervals for r in results], ignore_index=True)
    listing = pd.concat([r.listing for r in results], ignore_index=True)
    coverage = summarise_intervals(intervals)
    reliability = reliability_table(listing)
    settings = dict(results[0].settings)
    settings["n_areas"] = sum(r.settings["n_areas"] for r in results)
    settings["panels"] = len(results)
    settings["seeds"] = [r.settings["seed"] for r in results]
    return BacktestResult(intervals, listing, coverage, reliability,
                          _scores(listing, coverage, reliability), settings)


def _interval_hits(projections: pd.DataFrame, indicators: pd.DataFrame, origin: int
                   ) -> pd.DataFrame:
    p = projections[(projections["scenario"] == BASELINE) & projections["is_projected"]]
    p = p[p["year"] > origin]
    long = indicators.melt(id_vars=["area_id", "year"], value_vars=list(p["indicator"].unique()),
                           var_name="indicator", value_name="actual")
    m = p.merge(long, on=["area_id", "year", "indicator"], how="inner").dropna(
        subset=["actual", "median"])
    return pd.DataFrame({
        "origin": origin, "area_id": m["area_id"].to_numpy(), "indicator": m["indicator"],
        "horizon": (m["year"] - origin).to_numpy(),
        "in_50": ((m["actual"] >= m["lower_50"]) & (m["actual"] <= m["upper_50"])).to_numpy(),
        "in_80": ((m["actual"] >= m["lower_80"]) & (m["actual"] <= m["upper_80"])).to_numpy(),
    })


def summarise_intervals(intervals: pd.DataFrame) -> pd.DataFrame:
    """Coverage by indicator and horizon, and pooled over horizons (horizon 0)."""
    by = intervals.groupby(["indicator", "horizon"])[["in_50", "in_80"]].agg(["mean", "size"])
    by.columns = ["coverage_50", "n", "coverage_80", "_n"]
    by = by.drop(columns="_n").reset_index()
    pooled = intervals.groupby("indicator")[["in_50", "in_80"]].agg(["mean", "size"])
    pooled.columns = ["coverage_50", "n", "coverage_80", "_n"]
    pooled = pooled.drop(columns="_n").reset_index().assign(horizon=0)
    return pd.concat([by, pooled], ignore_index=True)


def _listing_rows(probs: pd.DataFrame, truth: pd.Series, naive: pd.Series, origin: int
                  ) -> pd.DataFrame:
    p = probs[probs["scenario"] == BASELINE]
    wide = p.pivot_table(index=["area_id", "list_year"], columns="category",
                         values="probability", aggfunc="sum", fill_value=0.0)
    real = truth.reindex(wide.index)
    guess = naive.reindex(wide.index)
    keep = real.notna().to_numpy()
    wide, real, guess = wide[keep], real[keep].astype(str), guess[keep].astype(str)
    cats = sorted(set(wide.columns) | set(real) | set(guess))
    probs_m = wide.reindex(columns=cats, fill_value=0.0).to_numpy()
    onehot = np.stack([(real == c).to_numpy() for c in cats], axis=1).astype(float)
    naive_m = np.stack([(guess == c).to_numpy() for c in cats], axis=1).astype(float)
    listed_cols = [i for i, c in enumerate(cats) if c not in (NO_LIST, UNDETERMINED)]
    p_listed = probs_m[:, listed_cols].sum(axis=1)
    is_listed = onehot[:, listed_cols].sum(axis=1)
    naive_listed = naive_m[:, listed_cols].sum(axis=1)
    return pd.DataFrame({
        "origin": origin,
        "area_id": wide.index.get_level_values(0).astype(str),
        "list_year": wide.index.get_level_values(1).astype(int),
        "horizon": wide.index.get_level_values(1).astype(int) - origin,
        "category": real.to_numpy(), "naive_category": guess.to_numpy(),
        "probability_listed": p_listed, "is_listed": is_listed.astype(bool),
        "naive_listed": naive_listed.astype(bool),
        "brier": ((probs_m - onehot) ** 2).sum(axis=1),
        "brier_naive": ((naive_m - onehot) ** 2).sum(axis=1),
    })


def reliability_table(listing: pd.DataFrame) -> pd.DataFrame:
    """Forecasts of being on a list, binned: how many, the mean forecast, how many were."""
    bins = pd.cut(listing["probability_listed"], BINS, right=False, include_lowest=True)
    g = listing.groupby(bins, observed=False)
    out = pd.DataFrame({
        "n": g.size(), "mean_forecast": g["probability_listed"].mean(),
        "observed": g["is_listed"].mean(),
    }).reset_index(names="bin")
    out["bin"] = out["bin"].astype(str)
    se = np.sqrt(out["mean_forecast"] * (1 - out["mean_forecast"]) / out["n"].clip(lower=1))
    out["gap"] = out["observed"] - out["mean_forecast"]
    out["is_judged"] = out["n"] >= MIN_BIN
    # A bin is off when its gap exceeds both 5 points and twice its sampling error.
    out["is_off"] = out["is_judged"] & (out["gap"].abs() > np.maximum(TOLERANCE, 2 * se))
    return out


def _scores(listing: pd.DataFrame, coverage: pd.DataFrame, reliability: pd.DataFrame) -> dict:
    listed = listing["is_listed"].astype(float)
    pooled = coverage[coverage["horizon"] == 0]
    cov = {f"coverage_{int(lv * 100)}": float(
        coverage.loc[coverage["horizon"] > 0, f"coverage_{int(lv * 100)}"].mul(
            coverage.loc[coverage["horizon"] > 0, "n"]).sum()
        / coverage.loc[coverage["horizon"] > 0, "n"].sum()) for lv in LEVELS}
    coverage_ok = bool(all(
        (pooled[f"coverage_{int(lv * 100)}"] - lv).abs().le(TOLERANCE).all() for lv in LEVELS))
    return {
        "n_forecasts": len(listing),
        "n_listed": int(listing["is_listed"].sum()),
        "brier": float(((listing["probability_listed"] - listed) ** 2).mean()),
        "brier_naive": float(((listing["naive_listed"].astype(float) - listed) ** 2).mean()),
        "brier_categories": float(listing["brier"].mean()),
        "brier_categories_naive": float(listing["brier_naive"].mean()),
        "reliability_max_gap": float(reliability.loc[reliability["is_judged"], "gap"].abs()
                                     .max()) if reliability["is_judged"].any() else None,
        "reliability_is_off": bool(reliability["is_off"].any()),
        **cov,
        "coverage_ok": coverage_ok,
    }


def calibration_record(result: BacktestResult) -> dict:
    """The figures every outlook carries (``calibration.json``): the listing probabilities are
    called calibrated when no judged reliability bin is off and the Brier score beats the
    naive rule's; the intervals when every indicator's pooled coverage is within 5 points."""
    s = result.scores
    per_indicator = result.coverage[result.coverage["horizon"] == 0]
    return {
        "method": "rolling-origin backtest on synthetic trajectories "
                  "(boligmonitor.microdata.trajectories)",
        "settings": result.settings,
        "brier": round(s["brier"], 4),
        "brier_naive": round(s["brier_naive"], 4),
        "brier_categories": round(s["brier_categories"], 4),
        "brier_categories_naive": round(s["brier_categories_naive"], 4),
        "reliability_max_gap": None if s["reliability_max_gap"] is None
        else round(s["reliability_max_gap"], 4),
        "coverage_50": round(s["coverage_50"], 4),
        "coverage_80": round(s["coverage_80"], 4),
        "coverage_by_indicator": {
            r.indicator: {"coverage_50": round(float(r.coverage_50), 4),
                          "coverage_80": round(float(r.coverage_80), 4), "n": int(r.n)}
            for r in per_indicator.itertuples()},
        "reliability": [
            {"bin": r.bin, "n": int(r.n),
             "mean_forecast": None if pd.isna(r.mean_forecast) else round(r.mean_forecast, 4),
             "observed": None if pd.isna(r.observed) else round(r.observed, 4)}
            for r in result.reliability.itertuples()],
        "intervals_calibrated": s["coverage_ok"],
        "is_calibrated": bool(not s["reliability_is_off"] and s["brier"] < s["brier_naive"]),
    }


ETS_SERIES = ("share_outside_work_education_18_64", "share_convicted_18plus",
              "share_basic_education_30_59", "share_non_western")


def ets_coverage(indicators: pd.DataFrame, *, origins: list[int], horizon: int = 5,
                 n_areas: int = 60, seed: int = 0) -> pd.DataFrame:
    """The comparison a statistician would try first: a damped-trend exponential smoothing
    model (statsmodels' ``ETSModel``, additive error and damped additive trend, AAdN) fitted to
    each area's series alone, on the same logit scale, with its own prediction intervals.

    One row per indicator: the coverage of its 50 % and 80 % intervals over ``n_areas`` areas
    drawn at random, ``origins`` and horizons 1 to ``horizon``. Slow (a fit per series and
    origin): for the benchmark, not for everyday use.
    """
    import warnings

    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    rng = np.random.default_rng(seed)
    ids = rng.choice(indicators["area_id"].unique(), size=n_areas, replace=False)
    hits: dict[str, dict[float, list[bool]]] = {c: {0.5: [], 0.8: []} for c in ETS_SERIES}
    for aid in ids:
        rows = indicators[indicators["area_id"] == aid].set_index("year").sort_index()
        for col in ETS_SERIES:
            share = rows[col].clip(1e-4, 1 - 1e-4)
            z = np.log(share) - np.log1p(-share)
            for t in origins:
                past = z[z.index <= t].dropna().reset_index(drop=True)
                future = share[(share.index > t) & (share.index <= t + horizon)].dropna()
                if len(past) < 6 or future.empty:
                    continue
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fit = ETSModel(past, error="add", trend="add", damped_trend=True).fit(
                        disp=False)
                    for level in (0.5, 0.8):
                        frame = fit.get_prediction(start=len(past),
                                                   end=len(past) + horizon - 1
                                                   ).summary_frame(alpha=1 - level)
                        lo = 1 / (1 + np.exp(-frame["pi_lower"].to_numpy()))
                        hi = 1 / (1 + np.exp(-frame["pi_upper"].to_numpy()))
                        for year, actual in future.items():
                            h = int(year) - t - 1
                            hits[col][level].append(bool(lo[h] <= actual <= hi[h]))
    return pd.DataFrame([
        {"indicator": c, "coverage_50": np.mean(v[0.5]), "coverage_80": np.mean(v[0.8]),
         "n": len(v[0.5])} for c, v in hits.items()])
