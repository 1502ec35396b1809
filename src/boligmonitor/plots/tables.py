"""Reading the charts' inputs: the tables of an Assessment or EarlyWarning, the rows a chart
draws, areas by id or name, the example flag. Tables in, tables (or lists) out; nothing drawn."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

PLAN_PERIOD: tuple[int, int] = (2021, 2025)
CRITERION_ORDER: tuple[str, ...] = ("employment", "crime", "education", "income", "non_western")


def table_of(data: Any, name: str) -> pd.DataFrame:
    """Return the table ``name`` of an Assessment/EarlyWarning, or ``data`` if a DataFrame."""
    if isinstance(data, pd.DataFrame):
        return data
    table = getattr(data, name, None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a DataFrame or an object with a .{name} table, got "
                        f"{type(data).__name__}")
    return table


def example_flag(is_example: bool | None, *tables: Any) -> bool:
    if is_example is not None:
        return bool(is_example)
    for t in tables:
        if t is None:
            continue
        flag = getattr(t, "is_example", None)
        if isinstance(flag, bool):
            return flag
        attrs = getattr(t, "attrs", None)
        if isinstance(attrs, dict) and "is_example" in attrs:
            return bool(attrs["is_example"])
    return False


def select_rows(criteria: pd.DataFrame, classification: str | None) -> pd.DataFrame:
    """One row per area, list year and criterion: the given classification, or by default the
    first classification of each year's rule set with the criterion (the list's criteria before
    the gates), in rule-file order."""
    df = criteria
    if classification is not None:
        df = df[df["classification"].astype(str) == classification]
    role = df["role"].astype(str) if "role" in df.columns else pd.Series("criteria", df.index)
    order = np.where(role.to_numpy() == "criteria", 0, 1)
    df = df.assign(_order=order, _pos=np.arange(len(df)))
    df = df.sort_values(["_order", "_pos"], kind="stable")
    df = df.drop_duplicates(["area_id", "list_year", "criterion"], keep="first")
    out = df.sort_values("_pos", kind="stable").drop(columns=["_order", "_pos"])
    for col in ("area_id", "area_name", "criterion", "classification", "rules", "unit"):
        if col in out.columns:
            out[col] = out[col].astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out["threshold"] = pd.to_numeric(out["threshold"], errors="coerce").astype(float)
    if "margin" in out.columns:
        out["margin"] = pd.to_numeric(out["margin"], errors="coerce").astype(float)
    return out.reset_index(drop=True)


def resolve_areas(df: pd.DataFrame, areas: str | Iterable[str] | None) -> list[str]:
    """Area ids for ``areas`` given as ids or names (default: every area, in table order)."""
    ids = list(dict.fromkeys(df["area_id"].astype(str)))
    if areas is None:
        return ids
    if isinstance(areas, str):
        areas = [areas]
    names = dict(zip(df["area_name"].astype(str), df["area_id"].astype(str), strict=False))
    out = []
    for a in areas:
        if a in ids:
            out.append(a)
        elif a in names:
            out.append(names[a])
        else:
            raise KeyError(f"no area {a!r} in the results; allowed: ids {', '.join(ids)} or "
                           f"names {', '.join(names)}")
    return out


def area_name_of(df: pd.DataFrame, area_id: str) -> str:
    hit = df.loc[df["area_id"].astype(str) == area_id, "area_name"]
    return str(hit.iloc[-1]) if len(hit) else area_id

def unit_of_indicator(indicator: str) -> str:
    return "dkk" if indicator == "mean_gross_income_15_64" else "share"

def ordered_criteria(criteria: pd.Series) -> list[str]:
    """The criteria present, in the board's order (CRITERION_ORDER), others after them."""
    present = list(dict.fromkeys(criteria.astype(str)))
    return [c for c in CRITERION_ORDER if c in present] + [
        c for c in present if c not in CRITERION_ORDER]

def latest_list_year(df: pd.DataFrame, list_year: int | None) -> int:
    if list_year is not None:
        return int(list_year)
    return int(df["list_year"].max())

