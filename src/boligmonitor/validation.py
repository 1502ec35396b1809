"""Content checks of a parsed table against its layout (see :mod:`boligmonitor.schemas`).

:func:`table_problems` returns every problem at once as a table (file, row, column, value,
problem, allowed); :func:`check_table` raises :class:`~boligmonitor.errors.DataValidationError`
carrying that table. :func:`table_warnings` returns the values that are possible but
implausible, in the same form. The checks are vectorised, so they also serve large derived
tables.
"""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

from boligmonitor.errors import PROBLEM_COLUMNS, DataValidationError
from boligmonitor.rules import governing_rules
from boligmonitor.schemas import (
    ALLOWED_TEXT,
    CATEGORY_IDS,
    COVERAGES,
    KEYS,
    LAYOUTS,
    MAX_INCOME_DKK,
    MAX_PERSONS,
    MEMBERSHIP_STATUSES,
    NO_LIST,
    NUMERIC_KINDS,
    REFERENCE_INDICATORS,
    REGIONS,
    SHARE_COUNTS,
    TEXT_KINDS,
    WARN_INCOME_BELOW_DKK,
    YEAR_MAX,
    YEAR_MIN,
    Column,
    escape_text,
    forbidden_characters,
)

#: Default tolerance when a share and its counts are both given: half of 0.1 percentage point,
#: the rounding of shares published with one decimal in percent.
SHARE_TOLERANCE = 0.0005
#: The problem of an empty cell in a column that must have a value.
EMPTY_REQUIRED = "empty cell in a column that must have a value"

_ALLOWED_TEXT = {
    "region": REGIONS,
    "category": (*CATEGORY_IDS, NO_LIST),
    "coverage": COVERAGES,
    "status": MEMBERSHIP_STATUSES,
    "scope": ("national", *REGIONS),
    "indicator": REFERENCE_INDICATORS,
}
_ATTRIBUTES = ("area_name", "municipality", "region")


def _rows(df: pd.DataFrame, mask: pd.Series | np.ndarray, rows: pd.Series, source: str,
          column: str, values: pd.Series, problem: str, allowed: str = "") -> pd.DataFrame:
    # Comparisons with a missing text give <NA>: a missing cell breaks no rule here.
    if isinstance(mask, pd.Series):
        mask = mask.fillna(False).to_numpy(dtype=bool)
    else:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            mask = pd.Series(mask).fillna(False).to_numpy(dtype=bool)
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


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"{escape_text(ch)} ({name.lower() if name else 'a control character'})"


def _text_problems(s: pd.Series, col: Column) -> tuple[pd.Series, pd.Series, dict[str, str]]:
    """Masks of the cells with forbidden characters and of the too long ones, and for each
    bad value a description of its forbidden characters."""
    values = s.dropna()
    bad_chars: dict[str, str] = {}
    for v in values.unique():
        chars = forbidden_characters(str(v))
        if chars:
            bad_chars[v] = ", ".join(_char_name(ch) for ch in chars)
    has_bad = s.isin(list(bad_chars)) & s.notna() if bad_chars else pd.Series(False, s.index)
    too_long = s.notna() & (s.astype("string").str.len() > col.max_length).fillna(False)
    return has_bad.astype(bool), too_long.astype(bool), bad_chars


def _upper_bound(col: Column) -> tuple[float, str] | None:
    """The largest possible value of a measure column, and why."""
    if col.max_value is not None:
        return col.max_value, f"at most {col.max_value:g}; a ratio written in percent must be " \
            "declared unit = \"percent\" in a mapping"
    if col.kind in {"count", "fte"}:
        return MAX_PERSONS, f"at most {MAX_PERSONS:,} persons (more than live in Denmark)"
    if col.kind == "money" and col.name != "value":
        return MAX_INCOME_DKK, f"at most {MAX_INCOME_DKK:,} DKK"
    return None


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

    # A value that is not finite is reported once, here; every later check sees it as missing
    # (and the check of required columns does not call it empty).
    non_finite: dict[str, pd.Series] = {}
    for col in LAYOUTS[layout]:
        is_measure = col.kind in NUMERIC_KINDS or col.kind == "year"
        if col.name in df.columns and is_measure and pd.api.types.is_numeric_dtype(df[col.name]):
            infinite = df[col.name].notna() & ~np.isfinite(df[col.name].astype("float64"))
            if infinite.any():
                add(infinite, col.name, "not a finite number", "a finite number")
                non_finite[col.name] = infinite
                df = df.copy()
                df[col.name] = df[col.name].where(~infinite)

    for col in LAYOUTS[layout]:
        if col.name not in df.columns:
            continue
        s = df[col.name]
        if not col.nullable:
            empty = s.isna()
            if col.name in non_finite:
                empty &= ~non_finite[col.name]
            add(empty, col.name, EMPTY_REQUIRED)
        is_measure = col.kind in NUMERIC_KINDS or col.kind == "year"
        if is_measure and pd.api.types.is_numeric_dtype(s):
            bound = _upper_bound(col)
            if bound is not None:
                add(s.notna() & (s > bound[0]), col.name, "value too large to be real",
                    bound[1])
        if col.kind == "text":
            has_bad, too_long, bad_chars = _text_problems(s, col)
            if has_bad.any():
                desc = s[has_bad].map(bad_chars)
                for d in desc.unique():
                    add(has_bad & (s.map(bad_chars) == d), col.name,
                        f"text holds characters a text cell may not hold: {d}", ALLOWED_TEXT)
            add(too_long & ~has_bad, col.name, "text too long",
                f"at most {col.max_length} characters")
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
        add(v.notna() & (ind == "mean_gross_income_15_64") & (v > MAX_INCOME_DKK), "value",
            "value too large to be real", f"at most {MAX_INCOME_DKK:,} DKK")

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
                if bad.any():  # the texts only for the rows that need them
                    text = (df[share][bad].map(_fmt) + " vs " + n[bad].map(_fmt) + "/"
                            + d[bad].map(_fmt) + " = " + derived[bad].map(_fmt))
                    add(bad, share, "share disagrees with its counts",
                        f"within {share_tolerance} of {num}/{den}",
                        values=text.reindex(df.index))

    if layout == "memberships":
        out.extend(_membership_problems(df, rows, source))
    if layout == "criterion_values":
        for col in ("convicted_national_share", "convicted_threshold_share"):
            if col in df.columns and "list_year" in df.columns:
                n_distinct = df.groupby("list_year")[col].transform("nunique")
                add(n_distinct > 1, col, "more than one value in the same list year",
                    "one value per list year (what the list states for all its areas)")

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


def _membership_problems(df: pd.DataFrame, rows: pd.Series, source: str) -> list[pd.DataFrame]:
    """A published category must exist on that year's lists; ``none`` stands alone; one
    coverage per list year."""
    out: list[pd.DataFrame] = []
    if not {"list_year", "category"} <= set(df.columns):
        return out
    years, cats = df["list_year"], df["category"]
    for year in pd.unique(years.dropna()):
        rules = governing_rules(int(year))
        if rules is None:
            continue
        allowed = (*rules.category_ids, NO_LIST)
        bad = (years == year) & cats.notna() & cats.isin(CATEGORY_IDS) & ~cats.isin(allowed)
        out.append(_rows(df, bad, rows, source, "category",
                         cats, f"not a category of the lists of {int(year)}",
                         ", ".join(allowed)))
    if "area_id" in df.columns:
        per_area = df.groupby(["area_id", "list_year"])["category"]
        n_cats = per_area.transform("nunique")
        out.append(_rows(df, (cats == NO_LIST) & (n_cats > 1), rows, source, "category", cats,
                         "'none' (on no list) together with a category for the same area and "
                         "list year", "either 'none' or the area's categories"))
    if "status" in df.columns:
        out.append(_rows(df, (cats == NO_LIST) & (df["status"] == "not_listed"), rows, source,
                         "status", df["status"], "'none' cannot be 'not_listed'",
                         "empty or 'listed' for 'none' (on no list that year)"))
    if "coverage" in df.columns:
        cov = df["coverage"].fillna("whole")
        whole = (cov == "whole").groupby(df["list_year"]).transform("any")
        out.append(_rows(df, whole & (cov != "whole"), rows, source, "coverage", df["coverage"],
                         "'whole' and other coverages in the same list year",
                         "'whole' for every row of a list year, or 'list'/'partial'"))
        per_list = cov.groupby([df["list_year"], cats]).transform("nunique")
        out.append(_rows(df, per_list > 1, rows, source, "coverage", df["coverage"],
                         "more than one coverage for the same list year and category",
                         "one coverage per list year and category"))
    return out


def table_warnings(
    df: pd.DataFrame,
    layout: str,
    *,
    source: str = "<table>",
    rows: pd.Series | None = None,
) -> pd.DataFrame:
    """Return the values of ``df`` that are possible but implausible, as a problems table.

    A share above its column's ``warn_above`` (a conviction share of 0.95 is 0.95 % typed as
    a fraction); a mean income below :data:`~boligmonitor.schemas.WARN_INCOME_BELOW_DKK` kroner
    (probably written in thousands).
    """
    if rows is None:
        rows = pd.Series(np.arange(1, len(df) + 1), index=df.index)
    rows = pd.Series(np.asarray(rows), index=df.index)
    out: list[pd.DataFrame] = []
    income = "mean_gross_income_15_64"
    for col in LAYOUTS[layout]:
        if col.name not in df.columns or not pd.api.types.is_numeric_dtype(df[col.name]):
            continue
        s = df[col.name]
        if col.warn_above is not None:
            out.append(_rows(df, s.notna() & (s > col.warn_above), rows, source, col.name, s,
                             f"unusually high: above {col.warn_above:g}",
                             "a fraction from 0 to 1: is it a percent typed as a fraction? "
                             "(declare unit = \"percent\" in a mapping)"))
        if col.name == income:
            out.append(_rows(df, s.notna() & (s > 0) & (s < WARN_INCOME_BELOW_DKK), rows,
                             source, col.name, s,
                             f"unusually low for a mean yearly income: below "
                             f"{WARN_INCOME_BELOW_DKK:,} DKK",
                             "kroner: is it in thousands? (declare unit = \"thousand_dkk\")"))
    if layout == "references" and {"indicator", "value"} <= set(df.columns):
        v, ind = df["value"], df["indicator"]
        conv = next(c for c in LAYOUTS["indicators"] if c.name == "share_convicted_18plus")
        out.append(_rows(df, v.notna() & (ind == conv.name) & (v > conv.warn_above), rows,
                         source, "value", v, f"unusually high: above {conv.warn_above:g}",
                         "a fraction from 0 to 1: is it a percent typed as a fraction?"))
        out.append(_rows(df, v.notna() & (ind == income) & (v > 0)
                         & (v < WARN_INCOME_BELOW_DKK), rows, source, "value", v,
                         f"unusually low for a mean yearly income: below "
                         f"{WARN_INCOME_BELOW_DKK:,} DKK", "kroner: is it in thousands?"))
    found = [o for o in out if len(o)]
    if not found:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.concat(found, ignore_index=True).sort_values(
        ["row", "column"], kind="stable", ignore_index=True)


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


def canonical_frame(df: pd.DataFrame, layout: str, *, source: str) -> pd.DataFrame:
    """Return ``df`` in the canonical dtypes of ``layout``, or raise listing every problem.

    The Python entry point's counterpart of the file readers: a DataFrame handed to the engine
    meets the same rules with the same error report (file column: ``source``; row: 1-based
    position). Unknown columns, missing required ones, cells that are not numbers or years and
    every content rule of :func:`table_problems` are reported at once.
    """
    specs = {c.name: c for c in LAYOUTS[layout]}
    problems: list[dict] = []

    def problem(text: str, *, row=pd.NA, column="", value=pd.NA, allowed="") -> None:
        problems.append({"file": source, "row": row, "column": column, "value": value,
                         "problem": text, "allowed": allowed})

    present = set(map(str, df.columns))
    for col in df.columns:
        if str(col) not in specs:
            problem("unknown column", column=str(col),
                    allowed=f"the columns of layout {layout}: " + ", ".join(specs))
    for c in LAYOUTS[layout]:
        if c.required and c.name not in present and not (
            c.derivable_from and set(c.derivable_from) <= present
        ):
            problem("missing required column", column=c.name)
    rows = pd.Series(np.arange(1, len(df) + 1), index=df.index)
    out = pd.DataFrame(index=df.index)
    for c in LAYOUTS[layout]:
        if c.name not in present:
            if c.kind in NUMERIC_KINDS:
                out[c.name] = np.nan
            elif c.kind in TEXT_KINDS:
                out[c.name] = pd.Series(pd.NA, index=df.index, dtype="string")
            continue
        s = df[c.name]
        if c.kind in TEXT_KINDS:
            out[c.name] = s.astype("string")
            continue
        num = pd.to_numeric(s, errors="coerce")
        bad = s.notna() & num.isna()
        if c.kind == "year":
            bad |= num.notna() & (num != np.floor(num))
        for i in np.flatnonzero(bad.to_numpy()):
            problem("not a whole number" if c.kind == "year" else "not a number",
                    row=int(rows.iloc[i]), column=c.name, value=s.iloc[i])
        out[c.name] = num.astype(float)
    for share, (num_col, den_col) in SHARE_COUNTS.items():
        if share in specs and share not in present and {num_col, den_col} <= present:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[share] = (out[num_col] / out[den_col]).where(out[den_col] > 0)
    content = table_problems(out, layout, source=source, rows=rows)
    if problems or len(content):
        found = pd.concat([pd.DataFrame(problems, columns=PROBLEM_COLUMNS), content],
                          ignore_index=True)
        found = found.sort_values(["row", "column"], na_position="first", kind="stable",
                                  ignore_index=True)
        raise DataValidationError(found, source=source)
    for c in LAYOUTS[layout]:
        if c.kind == "year":
            out[c.name] = out[c.name].astype("int64")
    out.attrs = dict(df.attrs)
    return out.reset_index(drop=True)


def validated_frames(**tables: pd.DataFrame | None) -> tuple[pd.DataFrame | None, ...]:
    """:func:`canonical_frame` for each table given by layout name, in the order given."""
    return tuple(
        None if df is None else canonical_frame(df, layout, source=f"<{layout} table>")
        for layout, df in tables.items()
    )
