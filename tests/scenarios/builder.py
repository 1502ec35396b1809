"""Turn a scenario (a TOML table) into input tables for :func:`boligmonitor.criteria.assess`.

An area starts "neutral" (meets no criterion of any regime) in every data year of ``YEARS``;
a scenario overrides indicators for all years (a number) or for some years (a table
``{ "2017" = 0.39 }``; a column the neutral area lacks, such as a count, is then missing in the
other years); the string ``"missing"`` stands for a missing value. References
default to a national convicted share of 0.73 % and a regional mean income of 300,000 kr.
in every year; a scenario may replace or drop them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
YEARS = range(2000, 2027)
REGIONS = ("Hovedstaden", "Sjælland", "Syddanmark", "Midtjylland", "Nordjylland")

NEUTRAL: dict[str, float] = {
    "residents": 1500.0,
    "share_non_western": 0.10,
    "share_outside_work_education_18_64": 0.10,
    "share_convicted_18plus": 0.001,
    "share_basic_education_30_59": 0.20,
    "mean_gross_income_15_64": 300000.0,
    "n_residents_18_64": 1000.0,
    "n_residents_18plus": 1200.0,
    "n_residents_30_59": 600.0,
}
NATIONAL_CONVICTED = 0.0073
REGIONAL_INCOME = 300000.0


def _value(v: Any) -> float:
    return np.nan if v == "missing" else float(v)


def indicators(
    overrides: dict[str, Any], area_id: str = "X", region: str = "Midtjylland", years: range = YEARS
) -> pd.DataFrame:
    """One area's indicator rows for ``years``, neutral except for ``overrides``."""
    data: dict[str, Any] = {
        "area_id": area_id,
        "area_name": f"Område {area_id}",
        "municipality": "Viborg",
        "region": region,
        "year": np.array(list(years), dtype=np.int64),
    }
    for col, neutral in NEUTRAL.items():
        data[col] = np.full(len(years), neutral)
    for col, v in overrides.items():
        if isinstance(v, dict):
            # A column the neutral area lacks (a count) is missing in the years not given.
            data.setdefault(col, np.full(len(years), np.nan))
            for year, yv in v.items():
                data[col][int(year) - years.start] = _value(yv)
        else:
            data[col] = np.full(len(years), _value(v))
    df = pd.DataFrame(data)
    for col in ("area_id", "area_name", "municipality", "region"):
        df[col] = df[col].astype("string")
    return df


def criterion_values(values: dict[str, Any], list_year: int, area_id: str = "X",
                     region: str = "Sjælland") -> pd.DataFrame:
    """One area's row of layout (b): what a published list prints for it in ``list_year``."""
    row: dict[str, Any] = {"area_id": area_id, "area_name": f"Område {area_id}",
                           "municipality": "Slagelse", "region": region, "list_year": list_year,
                           "residents": 1500.0}
    row.update({k: _value(v) for k, v in values.items()})
    df = pd.DataFrame([row])
    for col in ("area_id", "area_name", "municipality", "region"):
        df[col] = df[col].astype("string")
    return df


def references(
    replace: list[dict[str, Any]] | None = None, drop: list[str] | None = None, years: range = YEARS
) -> pd.DataFrame:
    """National convicted shares and regional mean incomes for every year."""
    rows = [
        {
            "year": y,
            "scope": "national",
            "indicator": "share_convicted_18plus",
            "value": NATIONAL_CONVICTED,
            "source": "scenario",
        }
        for y in years
    ] + [
        {
            "year": y,
            "scope": r,
            "indicator": "mean_gross_income_15_64",
            "value": REGIONAL_INCOME,
            "source": "scenario",
        }
        for y in years
        for r in REGIONS
    ]
    df = pd.DataFrame(rows)
    for r in replace or []:
        hit = (
            (df["year"] == r["year"])
            & (df["scope"] == r["scope"])
            & (df["indicator"] == r["indicator"])
        )
        if r.get("value") == "missing":
            df = df[~hit]
        else:
            df.loc[hit, "value"] = float(r["value"])
    if drop:
        df = df[~df["indicator"].isin(drop)]
    return df.reset_index(drop=True)


def memberships(rows: list[dict[str, Any]] | None) -> pd.DataFrame | None:
    """Published list rows ``{ list_year, category, areas = [...] }`` as layout (d).

    A row may also say ``coverage`` ("whole", the default, "list" or "partial") and ``status``
    ("listed", the default, or "not_listed").
    """
    if not rows:
        return None
    out = []
    for r in rows:
        extra = {k: r[k] for k in ("coverage", "status") if k in r}
        # A published list with nobody from these data on it still covers the year.
        for a in r.get("areas") or ["__other__"]:
            out.append(
                {
                    "area_id": a,
                    "list_year": int(r["list_year"]),
                    "category": r["category"],
                    "source": "scenario",
                    **extra,
                }
            )
    return pd.DataFrame(out)


def load(name: str) -> dict[str, Any]:
    """Read the scenario file ``name`` from this folder."""
    return tomllib.loads((HERE / name).read_text("utf-8"))


def files() -> list[str]:
    return sorted(p.name for p in HERE.glob("*.toml"))
