"""A plan's own targets beside the law: progress of each area towards the goals a boligsocial
helhedsplan sets (e.g. the share of 18-64-year-olds outside work or education below 35 % by
2025).

Targets are the board's, not the law's: they are held against the yearly indicator values
(layout a, by data year; layout b, by list year, where there are no yearly values) and never
mixed with the list criteria, their averaging windows or their thresholds. A target is reached
where the latest value is at or beyond it; on track where the latest value is at least as good
as the straight path from the plan's baseline (the year before the plan starts, else its first
year) to the target; missed where the target year has passed without it; not reached where no
baseline allows a judgement of the path. Pure tables in, tables out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The indicators a target can be set for: the yearly measures of the criteria.
TARGET_INDICATORS = (
    "share_outside_work_education_18_64",
    "share_convicted_18plus",
    "share_basic_education_30_59",
    "mean_gross_income_15_64",
    "share_non_western",
)
DIRECTIONS = ("below", "above")
REACHED, ON_TRACK, BEHIND = "reached", "on_track", "behind"
MISSED, NOT_REACHED, NO_DATA = "missed", "not_reached", "no_data"
STATUSES = (REACHED, ON_TRACK, BEHIND, MISSED, NOT_REACHED, NO_DATA)

PROGRESS_COLUMNS = [
    "area_id", "area_name", "indicator", "direction", "target_value", "target_year", "note",
    "baseline_year", "baseline_value", "latest_year", "latest_value", "path_value", "gap",
    "is_reached", "status", "year_kind",
]


def default_direction(indicator: str) -> str:
    """``above`` for an income, ``below`` for a share (what a plan usually wants)."""
    return "above" if indicator == "mean_gross_income_15_64" else "below"


def _series(indicators: pd.DataFrame | None, criterion_values: pd.DataFrame | None
            ) -> tuple[pd.DataFrame | None, str]:
    if indicators is not None and len(indicators):
        return indicators.rename(columns={}), "year"
    if criterion_values is not None and len(criterion_values):
        return criterion_values.rename(columns={"list_year": "year"}), "list_year"
    return None, "year"


def target_progress(targets: pd.DataFrame, indicators: pd.DataFrame | None = None,
                    criterion_values: pd.DataFrame | None = None,
                    plan_period: tuple[int, int] | None = None) -> pd.DataFrame:
    """One row per target: the baseline, the latest value, the straight path's value for the
    latest year, the gap still to go and the status (``reached``, ``on_track``, ``behind``,
    ``no_data``).

    ``targets`` has the columns area_id, indicator, value, year, direction (note optional).
    ``gap`` is in the indicator's unit, positive while the target is not reached (a share of
    0.38 against a target below 0.35 has a gap of 0.03). ``year_kind`` says whether the years
    are data years (``year``) or list years (``list_year``, from published criterion values).

    Examples
    --------
    >>> ind = pd.DataFrame({"area_id": ["A"] * 3, "area_name": ["Aby"] * 3,
    ...                     "year": [2020, 2021, 2022],
    ...                     "share_outside_work_education_18_64": [0.42, 0.40, 0.37]})
    >>> t = pd.DataFrame({"area_id": ["A"], "indicator": ["share_outside_work_education_18_64"],
    ...                   "value": [0.35], "year": [2025], "direction": ["below"]})
    >>> row = target_progress(t, ind, plan_period=(2021, 2025)).iloc[0]
    >>> row.status, round(float(row.gap), 2), int(row.baseline_year)
    ('on_track', 0.02, 2020)
    """
    series, kind = _series(indicators, criterion_values)
    rows = []
    for t in targets.itertuples(index=False):
        aid, ind = str(t.area_id), str(t.indicator)
        rec = {"area_id": aid, "area_name": aid, "indicator": ind, "direction": t.direction,
               "target_value": float(t.value), "target_year": int(t.year),
               "note": getattr(t, "note", "") or "", "baseline_year": pd.NA,
               "baseline_value": np.nan, "latest_year": pd.NA, "latest_value": np.nan,
               "path_value": np.nan, "gap": np.nan, "is_reached": pd.NA, "status": NO_DATA,
               "year_kind": kind}
        if series is not None and ind in series.columns:
            mine = series[series["area_id"].astype(str) == aid]
            if len(mine):
                rec["area_name"] = str(mine["area_name"].iloc[-1])
            values = (mine[["year", ind]].dropna().astype({"year": int})
                      .sort_values("year").set_index("year")[ind].astype(float))
            if len(values):
                _progress(rec, values, plan_period)
        rows.append(rec)
    out = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    for col in ("baseline_year", "latest_year", "target_year"):
        out[col] = out[col].astype("Int64")
    out["is_reached"] = out["is_reached"].astype("boolean")
    return out


def _progress(rec: dict, values: pd.Series, plan_period: tuple[int, int] | None) -> None:
    sign = 1.0 if rec["direction"] == "below" else -1.0
    latest_year = int(values.index[-1])
    latest = float(values.iloc[-1])
    rec["latest_year"], rec["latest_value"] = latest_year, latest
    rec["gap"] = sign * (latest - rec["target_value"])
    rec["is_reached"] = bool(rec["gap"] <= 0)
    if plan_period is not None:
        for year in (plan_period[0] - 1, plan_period[0]):
            if year in values.index:
                rec["baseline_year"], rec["baseline_value"] = year, float(values[year])
                break
    if rec["is_reached"]:
        rec["status"] = REACHED
        return
    by, bv, ty = rec["baseline_year"], rec["baseline_value"], rec["target_year"]
    if latest_year >= ty:
        rec["status"] = MISSED
        return
    if by is pd.NA or latest_year <= by or ty <= by:
        rec["status"] = NOT_REACHED
        return
    rec["path_value"] = bv + (latest_year - by) / (ty - by) * (rec["target_value"] - bv)
    rec["status"] = ON_TRACK if sign * (latest - rec["path_value"]) <= 0 else BEHIND
