"""Is the outlook honest? The coverage of its intervals on the data given, and the calibration
of its listing probabilities measured on synthetic panels with known truth.

Two checks, both carried by every outlook:

* **Intervals on these data** (:func:`coverage_check`): from every year of each series' own
  history (with at least :data:`MIN_HISTORY` observations behind it) the model forecasts the
  following years, and the check counts how often the observed value fell inside the 50 % and
  80 % intervals. This uses the hyperparameters fitted on all the data (one set per indicator,
  pooled over the areas, so little is learnt from any one year), and forecasts from the state the
  filter had then. Target: within :data:`TOLERANCE` of nominal.
* **Listing probabilities** (:func:`listing_record`): the rolling-origin backtest of
  :mod:`.backtest` on seeded synthetic panels, run by ``benchmarks/bench_outlook_backtest.py``,
  which writes its figures to ``calibration.json`` next to this module: the Brier score of the
  probabilities against the naive rule of the early warning ("the latest values repeat") and the
  largest gap of the reliability table.

Where either check fails, or could not be made, the outputs say so: ``is_calibrated`` is False
and the note says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from boligmonitor.formatting import number, percent
from boligmonitor.labels import label
from boligmonitor.outlook.models import forecast
from boligmonitor.outlook.series import FittedPanel

LEVELS = (0.5, 0.8)
Z = {0.5: 0.6744897501960817, 0.8: 1.2815515655446004}  # standard normal quantiles
TOLERANCE = 0.05  # the target: within 5 points of nominal
MIN_HISTORY = 5
MIN_INTERVALS = 100
HORIZON = 5
CALIBRATED, NOT_CALIBRATED, NOT_CHECKED = "calibrated", "not_calibrated", "not_checked"


def coverage_check(fitted: FittedPanel, horizon: int = HORIZON) -> pd.DataFrame:
    """One row per area series, horizon (1..``horizon``) and level: the share of observed
    values inside the interval forecast from each earlier year, and how many there were."""
    rows = []
    for name, f in fitted.areas.items():
        flt, model = f.filtered, f.model
        m = model.shape[1]
        inside = {(h, lv): [0, 0] for h in range(1, horizon + 1) for lv in LEVELS}
        for t in range(m - 1):
            ok = flt.n_seen[:, t] >= MIN_HISTORY
            if not ok.any():
                continue
            series = np.flatnonzero(ok)
            h_max = min(horizon, m - 1 - t)
            mean, var = forecast(flt, f.params, np.full(len(series), t), h_max, series)
            for h in range(1, h_max + 1):
                y = model[series, t + h]
                total = (var[:, h - 1] + h * f.break_rate * f.break_var
                         + f.sampling[series, t + h] + f.params.irregular_var)
                seen = ~np.isnan(y)
                err = np.abs(y - mean[:, h - 1])[seen] / np.sqrt(total[seen])
                for lv in LEVELS:
                    inside[(h, lv)][0] += int((err <= Z[lv]).sum())
                    inside[(h, lv)][1] += int(seen.sum())
        for (h, lv), (k, total) in inside.items():
            rows.append({"series": name, "horizon": h, "level": lv, "n": total,
                         "coverage": k / total if total else np.nan})
    return pd.DataFrame(rows, columns=["series", "horizon", "level", "n", "coverage"])


def coverage_status(coverage: pd.DataFrame) -> pd.DataFrame:
    """Per series and level, pooled over the horizons: coverage, n and the status."""
    if coverage.empty:
        return pd.DataFrame(columns=["series", "level", "n", "coverage", "status"])
    pooled = coverage.assign(k=coverage["coverage"].fillna(0) * coverage["n"]).groupby(
        ["series", "level"], sort=False)[["k", "n"]].sum().reset_index()
    pooled["coverage"] = np.where(pooled["n"] > 0, pooled["k"] / pooled["n"].clip(lower=1),
                                  np.nan)
    off = (pooled["coverage"] - pooled["level"]).abs() > TOLERANCE
    pooled["status"] = np.where(pooled["n"] < MIN_INTERVALS, NOT_CHECKED,
                                np.where(off, NOT_CALIBRATED, CALIBRATED))
    return pooled.drop(columns="k")


@cache
def listing_record() -> dict:
    """The figures of the last synthetic backtest (``calibration.json``); empty if none."""
    path = resources.files("boligmonitor.outlook").joinpath("calibration.json")
    if not path.is_file():
        return {}
    return json.loads(path.read_text("utf-8"))


@dataclass(frozen=True)
class Calibration:
    """The verdict carried by an outlook.

    ``status`` (calibrated, not_calibrated or not_checked) is the verdict on the listing
    probabilities: the backtest's reliability and Brier score, and the intervals of every
    indicator on the data given (the probabilities rest on all of them). ``intervals`` has one
    row per indicator and level: the coverage on the data given and in the backtest, and
    whether both are within :data:`TOLERANCE` (``is_calibrated``). ``reasons`` are label keys
    with their values, for the notes (:meth:`notes`).
    """

    status: str
    coverage: pd.DataFrame
    coverage_by_series: pd.DataFrame
    listing: dict
    intervals: pd.DataFrame
    reasons: tuple[tuple[str, dict], ...] = field(default_factory=tuple)

    @property
    def is_calibrated(self) -> bool:
        return self.status == CALIBRATED

    def series_is_calibrated(self, series: str) -> bool:
        """Whether both intervals (50 % and 80 %) of ``series`` are calibrated."""
        rows = self.intervals[self.intervals["series"] == series]
        return bool(len(rows)) and bool(rows["is_calibrated"].all())

    def notes(self, lang: str = "da") -> list[str]:
        """The verdict and each reason, as sentences in ``lang``."""
        head = label(f"outlook.calibration_{self.status}", lang)
        return [head, *(_reason(key, values, lang) for key, values in self.reasons)]


def _reason(key: str, values: dict, lang: str) -> str:
    shown = dict(values)
    for k in ("coverage", "coverage_backtest", "coverage_50", "coverage_80"):
        if k in shown:
            shown[k] = percent(shown[k], 0, lang)
    if "level" in shown:
        shown["level"] = percent(shown["level"], 0, lang)
    if "series" in shown:
        shown["series"] = label(f"column.{shown['series']}", lang)
    for k in ("brier", "brier_naive", "max_gap"):
        if k in shown:
            shown[k] = number(shown[k], 3, lang)
    if "n" in shown:
        shown["n"] = number(shown["n"], 0, lang)
    if "direction" in shown:
        plural = "_plural" if key == "outlook.reason_coverage" else ""
        if key == "outlook.reason_coverage_one":
            shown["direction"] = label(f"outlook.too_{shown['direction']}", lang)
            return label(key, lang).format(**shown)
        shown["direction"] = label(f"outlook.too_{shown['direction']}{plural}", lang)
    return label(key, lang).format(**shown)


def _interval_table(by_series: pd.DataFrame, listing: dict) -> pd.DataFrame:
    record = listing.get("coverage_by_indicator", {})
    rows = []
    for r in by_series.itertuples(index=False):
        bt = record.get(r.series, {}).get(f"coverage_{int(r.level * 100)}")
        bt_ok = bt is not None and abs(bt - r.level) <= TOLERANCE
        rows.append({"series": r.series, "level": r.level, "coverage": r.coverage,
                     "n": int(r.n), "status": r.status,
                     "coverage_backtest": np.nan if bt is None else bt,
                     "is_calibrated": bool(r.status == CALIBRATED and bt_ok)})
    return pd.DataFrame(rows, columns=["series", "level", "coverage", "n", "status",
                                       "coverage_backtest", "is_calibrated"])


def assess_calibration(fitted: FittedPanel, horizon: int = HORIZON) -> Calibration:
    """Both checks, and the verdict."""
    coverage = coverage_check(fitted, horizon)
    by_series = coverage_status(coverage)
    listing = listing_record()
    intervals = _interval_table(by_series, listing)
    reasons: list[tuple[str, dict]] = []
    status = CALIBRATED
    for series, rows in by_series.groupby("series", sort=False):
        if (rows["status"] == NOT_CALIBRATED).any():
            status = NOT_CALIBRATED
            cov = dict(zip(rows["level"], rows["coverage"], strict=True))
            off = rows.loc[rows["status"] == NOT_CALIBRATED, "level"].tolist()
            wide = sum(cov[lv] - lv for lv in off) > 0
            values = {"series": series, "coverage_50": cov.get(0.5, np.nan),
                      "coverage_80": cov.get(0.8, np.nan), "n": int(rows["n"].iloc[0]),
                      "direction": "wide" if wide else "narrow"}
            if len(off) == 1:  # say which interval misses, not "the intervals"
                values["level"] = off[0]
                reasons.append(("outlook.reason_coverage_one", values))
            else:
                reasons.append(("outlook.reason_coverage", values))
    if by_series.empty or (by_series["status"] == NOT_CHECKED).all():
        if status == CALIBRATED:
            status = NOT_CHECKED
        reasons.append(("outlook.reason_too_few", {"n": MIN_INTERVALS}))
    if not listing:
        if status == CALIBRATED:
            status = NOT_CHECKED
        reasons.append(("outlook.reason_no_backtest", {}))
    else:
        if not listing.get("is_calibrated", False):
            status = NOT_CALIBRATED
            reasons.append(("outlook.reason_listing", {
                "brier": listing.get("brier"), "brier_naive": listing.get("brier_naive"),
                "max_gap": listing.get("reliability_max_gap")}))
        # The backtest's intervals: said where they missed, even when the listing
        # probabilities were calibrated (they do not rest on one interval alone).
        for r in intervals.itertuples(index=False):
            if pd.notna(r.coverage_backtest) and abs(r.coverage_backtest - r.level) > TOLERANCE:
                reasons.append(("outlook.reason_backtest_coverage", {
                    "series": r.series, "level": r.level,
                    "coverage_backtest": r.coverage_backtest,
                    "direction": "wide" if r.coverage_backtest > r.level else "narrow"}))
    return Calibration(status, coverage, by_series, listing, intervals, tuple(reasons))
