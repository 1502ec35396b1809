"""Content checks of a parsed table against its layout (see :mod:`boligmonitor.schemas`).

:func:`table_problems` returns every problem at once as a table (file, row, column, value,
problem, allowed); :func:`check_table` raises :class:`~boligmonitor.errors.DataValidationError`
carrying that table. The checks are vectorised, so they also serve large derived tables.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boligmonitor.errors import PROBLEM_COLUMNS, DataValidationError
from boligmonitor.schemas import (
    CATEGORY_IDS,
    KEYS,
    LAYOUTS,
    REFERENCE_INDICATORS,
    REGIONS,
    SHARE_COUNTS,
    YEAR_MAX,
    YEAR_MIN,
)

#: Default tolerance when a share and its counts are both given: half of 0.1 percentage point,
#: the rounding of shares published with one decimal in percent.
SHARE_TOLERANCE = 0.0005

_ALLOWED_TEXT = {
    "region": REGIONS,
    "category": CATEGORY_IDS,
    "scope": ("national", *REGIONS),
    "indicator": REFERENCE_INDICATORS,
}
_ATTRIBUTES = ("area_name", "municipality", "region")


def _rows(df: pd.DataFrame, mask: pd.Series | np.ndarray, rows: pd.Series, source: str,
          column: str, values: pd.Series, problem: str, allowed: str = "") -> pd.DataFrame:
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.DataFrame({
        "file": source,
        "row": rows[mask].to_numpy(),
        "column": column,
        "value": values[mask].to_numpy(dtype=object),
        "problem": problem,
        "allowed": allowed,
    })


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _fmt_cell(x: object) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def table_problems(
    df: pd.DataFrame,
    layout: str,
    *,
    source: str = "<table>",
    rows: pd.Series | None = None,
    share_tolerance: float = SHARE_TOLERANCE,
) -> pd.DataFrame:
    """Return every content problem of ``df`` (already parsed into ``layout``) as a table.

    ``rows`` gives the source row number of each row of ``df`` (defaults to 1-based position).
    An empty result means the table is valid.
    """
    if rows is None:
        rows = pd.Series(np.arange(1, len(df) + 1), index=df.index)
    rows = pd.Series(np.asarray(rows), index=df.index)
    out: list[pd.DataFrame] = []

    def add(mask, column, problem, allowed="", values=None):
        vals = df[column] if values is None else values
        out.append(_rows(df, mask, rows, source, column, vals, problem, allowed))

    for col in LAYOUTS[layout]:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        if not col.nullable:
            add(s.isna(), col.name, "empty cell in a column that must have a value")
        if col.kind in _ALLOWED_TEXT:
            allowed = _ALLOWED_TEXT[col.kind]
            add(s.notna() & ~s.isin(allowed), col.name, f"unknown {col.kind}", ", ".join(allowed))
        elif col.kind == "year":
            add(s.notna() & ((s < YEAR_MIN) | (s > YEAR_MAX)), col.name, "year out of range",
                f"{YEAR_MIN}-{YEAR_MAX}")
        elif col.kind == "share":
            add(s.notna() & ((s < 0) | (s > 1)), col.name, "share outside 0-1",
                "a fraction from 0 to 1 (declare unit = \"percent\" in a mapping for percent)")
        elif col.kind in {"count", "fte", "money", "ratio"} and col.name != "value":
            add(s.notna() & (s < 0), col.name, "negative value", ">= 0")
            if col.kind == "count":
                add(s.notna() & (s >= 0) & (s != np.floor(s)), col.name,
                    "a count of persons must be a whole number")

    if layout == "references" and {"indicator", "value"} <= set(df.columns):
        v, ind = df["value"], df["indicator"]
        # A reference is the base of a relative line: zero would make every ratio infinite.
        add(v.notna() & (ind == "share_convicted_18plus") & ((v <= 0) | (v > 1)), "value",
            "a reference share must be above 0 and at most 1", "a fraction in (0, 1]")
        add(v.notna() & (ind == "mean_gross_income_15_64") & (v <= 0), "value",
            "a reference income must be above 0", "> 0")

    if layout == "indicators":
        for share, (num, den) in SHARE_COUNTS.items():
            if num not in df.columns or den not in df.columns:
                continue
            n, d = df[num], df[den]
            add(n.notna() & d.notna() & (n > d), num, f"numerator above its denominator {den}",
                f"<= {den}")
            if share in df.columns:
                with np.errstate(divide="ignore", invalid="ignore"):
                    derived = n / d
                bad = (df[share].notna() & n.notna() & d.notna() & (d > 0)
                       & ((df[share] - derived).abs() > share_tolerance))
                text = df[share].map(_fmt) + " vs " + n.map(_fmt) + "/" + d.map(_fmt) + " = " \
                    + derived.map(_fmt)
                add(bad, share, "share disagrees with its counts",
                    f"within {share_tolerance} of {num}/{den}", values=text)

    key = [k for k in KEYS[layout] if k in df.columns]
    if len(key) == len(KEYS[layout]) and len(df):
        dup = df.duplicated(key, keep=False) & df[key].notna().all(axis=1)
        if dup.any():
            first = rows.groupby([df[k] for k in key], dropna=True).transform("min")
            keytext = df[key].map(_fmt_cell).agg(" / ".join, axis=1)
            add(dup & (rows != first), "+".join(key), "duplicate row",
                "one row per " + ", ".join(key), values=keytext + " (first at row "
                + first.astype("Int64").astype(str) + ")")

    if "area_id" in df.columns:
        for attr in _ATTRIBUTES:
            if attr not in df.columns or layout not in ("indicators", "criterion_values"):
                continue
            ok = df["area_id"].notna() & df[attr].notna()
            if attr == "region":  # an unknown region is reported once, as unknown
                ok &= df[attr].isin(REGIONS)
            n_distinct = df[ok].groupby("area_id")[attr].transform("nunique")
            changing = pd.Series(False, index=df.index)
            changing[ok] = n_distinct > 1
            if changing.any():
                firsts = df[ok].groupby("area_id")[attr].transform("first")
                add(changing & ok & (df[attr] != firsts.reindex(df.index)), attr,
                    f"{attr} changes between rows of the same area_id",
                    "one value per area_id")

    if not out:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    problems = pd.concat([o for o in out if len(o)], ignore_index=True) if any(
        len(o) for o in out) else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return problems.sort_values(["row", "column"], na_position="first", kind="stable",
                                ignore_index=True)


def check_table(df: pd.DataFrame, layout: str, *, source: str = "<table>",
                rows: pd.Series | None = None,
                share_tolerance: float = SHARE_TOLERANCE) -> pd.DataFrame:
    """Check ``df`` against ``layout``; return it unchanged or raise DataValidationError."""
    missing = [c.name for c in LAYOUTS[layout] if c.required and c.name not in df.columns]
    if missing:
        raise DataValidationError(pd.DataFrame([
            {"file": source, "row": pd.NA, "column": m, "value": pd.NA,
             "problem": "missing required column", "allowed": ""} for m in missing
        ]), source=source)
    problems = table_problems(df, layout, source=source, rows=rows,
                              share_tolerance=share_tolerance)
    if len(problems):
        raise DataValidationError(problems, source=source)
    return df
