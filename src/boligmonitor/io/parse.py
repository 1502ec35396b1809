"""From raw cells to a canonical, validated table of a layout.

:func:`parse_table` maps headers (through a column-mapping file, see
:mod:`boligmonitor.io.mapping`), tells the layout, parses every cell as declared, derives shares
from their counts and checks the content (:mod:`boligmonitor.validation`), collecting every
problem of the table at once. :func:`implausible_values` finds the possible but doubtful values
the readers warn about.
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from boligmonitor.errors import PROBLEM_COLUMNS, DataValidationError
from boligmonitor.io.files import is_blank
from boligmonitor.io.mapping import DEFAULT_UNIT, UNITS, Mapping
from boligmonitor.io.problems import file_error, problem_row
from boligmonitor.io.workbook import UnreadableCell
from boligmonitor.schemas import LAYOUTS, NUMERIC_KINDS, SHARE_COUNTS, TEXT_KINDS, Column
from boligmonitor.validation import (
    EMPTY_REQUIRED,
    SHARE_TOLERANCE,
    table_problems,
    table_warnings,
)


def detect_layout(headers: list[str]) -> str | None:
    """Return the one layout whose required columns are all in ``headers``, else None."""
    present = set(headers)
    hits = []
    for name, cols in LAYOUTS.items():
        need = set()
        for c in cols:
            if not c.required:
                continue
            if c.derivable_from and set(c.derivable_from) <= present:
                continue
            need.add(c.name)
        if need <= present:
            hits.append(name)
    return hits[0] if len(hits) == 1 else None


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name.strip().lower(), candidates, n=1, cutoff=0.75)
    return f"did you mean {close[0]!r}? " if close else ""


def _layout_problems(file: str, headers: list[str], present: list[str],
                     m: Mapping) -> list[dict]:
    """Explain why no one layout matches: the nearest layout, its unknown and missing columns."""
    known = {name: {c.name for c in cols} for name, cols in LAYOUTS.items()}
    overlap = {name: len(set(present) & cols) for name, cols in known.items()}
    best = max(overlap.values())
    nearest = [name for name, n in overlap.items() if n == best]
    choose = ("name it with --layout/layout= or in a mapping: " + ", ".join(LAYOUTS))
    if best == 0 or len(nearest) > 1:
        return [problem_row(file, "cannot tell which layout the file has: its columns match "
                         + ("none" if best == 0 else "several (" + ", ".join(nearest) + ")"),
                         value=", ".join(headers), allowed=choose)]
    layout = nearest[0]
    out = [problem_row(file, f"cannot tell which layout the file has; its columns come closest to "
                    f"{layout}, but do not match it", value=", ".join(headers), allowed=choose)]
    missing = [c.name for c in LAYOUTS[layout] if c.required and c.name not in present
               and not (c.derivable_from and set(c.derivable_from) <= set(present))]
    for h, c in zip(headers, present, strict=False):
        if h and c not in known[layout] and h not in m.ignore:
            out.append(problem_row(file, f"unknown column for layout {layout}", column=h,
                                allowed=_did_you_mean(c, missing) + "map or ignore it in a "
                                "mapping file"))
    for name in missing:
        out.append(problem_row(file, f"missing required column of layout {layout}", column=name))
    return out


def _parse_numeric(raw: pd.Series, col: Column, m: Mapping, file: str,
                   rows: pd.Series) -> tuple[pd.Series, list[dict]]:
    """Parse one numeric column; return floats in the canonical unit and the problems."""
    unit = m.unit_of(col.name) or DEFAULT_UNIT[col.kind]
    factor = UNITS[col.kind][unit]
    na = set(m.na_values)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    problems: list[dict] = []
    is_text = raw.map(lambda v: isinstance(v, str))
    blank = raw.map(is_blank) | (is_text & raw.map(lambda v: isinstance(v, str)
                                                    and v.strip() in na))
    unreadable = raw.map(lambda v: isinstance(v, UnreadableCell) and v.text not in na)
    blank |= raw.map(lambda v: isinstance(v, UnreadableCell) and v.text in na)
    problems += _unreadable_problems(raw[unreadable], col, file, rows)
    numeric_cell = ~is_text & ~blank & ~unreadable
    if numeric_cell.any():
        vals = raw[numeric_cell]
        ok = vals.map(lambda v: isinstance(v, (int, float, np.integer, np.floating))
                      and not isinstance(v, bool))
        out[vals.index[ok]] = vals[ok].astype("float64")
        for idx in vals.index[~ok]:
            problems.append(problem_row(file, "not a number", row=rows[idx], column=col.name,
                                     value=str(raw[idx])))
    text_cell = is_text & ~blank
    if text_cell.any():
        s = raw[text_cell].astype(str).str.strip().str.replace("\u00a0", "", regex=False)
        bad = pd.Series(False, index=s.index)
        if unit == "percent":
            s = s.str.replace(r"\s*%$", "", regex=True)
        else:
            bad |= s.str.contains("%", regex=False)
        if m.thousands:
            s = s.str.replace(m.thousands, "", regex=False)
        if m.decimal != ".":
            bad |= s.str.contains(".", regex=False)
            s = s.str.replace(m.decimal, ".", regex=False)
        parsed = pd.to_numeric(s.where(~bad), errors="coerce")
        bad |= parsed.isna()
        out[s.index[~bad]] = parsed[~bad].astype("float64")
        if bad.any():
            allowed = (f"a number with decimal mark {m.decimal!r}"
                       + (f" and thousands separator {m.thousands!r}" if m.thousands else "")
                       + ("" if unit == "percent" else
                          "; a percent column must be declared unit = \"percent\" in a mapping"))
            for idx in s.index[bad]:
                problems.append(problem_row(file, "not a number", row=rows[idx], column=col.name,
                                         value=str(raw[idx]).strip(), allowed=allowed))
    # inf, Infinity, 1e999: numbers to Python, never a count, share or amount.
    infinite = out.notna() & ~np.isfinite(out)
    for idx in out.index[infinite]:
        problems.append(problem_row(file, "not a finite number", row=rows[idx], column=col.name,
                                 value=str(raw[idx]).strip(), allowed="a finite number"))
    out[infinite] = np.nan
    return out * factor if factor != 1.0 else out, problems


def _unreadable_problems(cells: pd.Series, col: Column, file: str,
                         rows: pd.Series) -> list[dict]:
    return [problem_row(file, cell.problem, row=rows[idx], column=col.name, value=cell.text,
                     allowed=cell.allowed) for idx, cell in cells.items()]


def _parse_text(raw: pd.Series, col: Column, m: Mapping) -> pd.Series:
    def clean(v: object) -> object:
        if is_blank(v) or isinstance(v, UnreadableCell):  # reported by parse_table
            return pd.NA
        if isinstance(v, float) and v.is_integer():
            v = int(v)  # an id typed as a number in Excel
        text = str(v).strip()
        return pd.NA if text in m.na_values else text

    s = raw.map(clean).astype("string")
    if col.name in m.values:
        s = s.replace(m.values[col.name])
    return s


def _parse_year(raw: pd.Series, col: Column, m: Mapping, file: str,
                rows: pd.Series) -> tuple[pd.Series, list[dict]]:
    nums, problems = _parse_numeric(raw, Column(col.name, "count"), Mapping(
        decimal=m.decimal, na_values=m.na_values), file, rows)
    for p in problems:  # a year is no percent: the numbers' advice about units does not apply
        if p["problem"] == "not a number":
            p["allowed"] = "a whole year, such as 2021"
    whole = nums.isna() | (nums == np.floor(nums))
    for idx in nums.index[~whole]:
        problems.append(problem_row(file, "a year must be a whole number", row=rows[idx],
                                 column=col.name, value=str(raw[idx])))
    return nums.where(whole), problems


def parse_table(
    raw: pd.DataFrame,
    rows: pd.Series,
    *,
    file: str,
    layout: str | None = None,
    mapping: Mapping | None = None,
    share_tolerance: float = SHARE_TOLERANCE,
) -> tuple[pd.DataFrame, str]:
    """Map, parse and validate raw cells; return the canonical table and its layout.

    Raises DataValidationError listing every problem of the table at once.
    """
    m = mapping or Mapping()
    problems: list[dict] = []
    headers = list(raw.columns)
    rename = m.rename()
    seen: dict[str, int] = {}
    for h in headers:
        seen[h] = seen.get(h, 0) + 1
    for h, n in seen.items():
        if n > 1 and h != "":
            problems.append(problem_row(file, f"column header appears {n} times", column=h))
    for src in rename:
        if src not in seen:
            problems.append(problem_row(file, "mapped column not in the file", column=src,
                                     allowed=", ".join(headers)))
    canonical = [rename.get(h, h) for h in headers]
    layout = layout or m.layout or detect_layout(canonical + list(m.constants))
    if layout is None:
        problems += _layout_problems(file, headers, canonical + list(m.constants), m)
        raise DataValidationError(pd.DataFrame(problems), source=file)
    if layout not in LAYOUTS:
        raise file_error(file, "unknown layout", value=layout, allowed=", ".join(LAYOUTS))
    specs = {c.name: c for c in LAYOUTS[layout]}
    keep: dict[str, str] = {}
    for pos, (h, c) in enumerate(zip(headers, canonical, strict=True)):
        if h == "":
            if not raw.iloc[:, pos].map(is_blank).all():
                problems.append(problem_row(file, "a column without a header has values",
                                         column=f"(column {pos + 1}, no header)"))
            continue
        if h in m.ignore:
            continue
        if c not in specs:
            problems.append(problem_row(
                file, "unknown column without a mapping", column=h,
                allowed=_did_you_mean(c, [n for n in specs if n not in canonical])
                + "the columns of layout " + layout + ": " + ", ".join(specs)
                + "; or map/ignore it in a mapping file"))
            continue
        keep[c] = h
    for name in m.constants:
        keep.setdefault(name, "")
    present = set(keep)
    for c in LAYOUTS[layout]:
        if not c.required or c.name in present:
            continue
        if c.derivable_from and set(c.derivable_from) <= present:
            continue
        hint = (f" (or both {c.derivable_from[0]} and {c.derivable_from[1]})"
                if c.derivable_from else "")
        problems.append(problem_row(file, "missing required column" + hint, column=c.name))
    if len(raw) == 0:
        problems.append(problem_row(file, "the file has a header but no data rows"))
    if problems:
        raise DataValidationError(pd.DataFrame(problems), source=file)

    out = pd.DataFrame(index=raw.index)
    for c in LAYOUTS[layout]:
        if c.name in m.constants and keep.get(c.name) == "":
            cells = pd.Series([m.constants[c.name]] * len(raw), index=raw.index, dtype=object)
        elif c.name in keep:
            cells = raw[keep[c.name]]
        else:
            cells = None
        if c.kind in TEXT_KINDS:
            out[c.name] = (_parse_text(cells, c, m) if cells is not None
                           else pd.Series(pd.NA, index=raw.index, dtype="string"))
            if cells is not None:
                odd = cells.map(lambda v: isinstance(v, UnreadableCell)
                                and v.text not in m.na_values)
                problems += _unreadable_problems(cells[odd], c, file, rows)
        elif c.kind == "year":
            vals, probs = _parse_year(cells, c, m, file, rows)
            problems += probs
            out[c.name] = vals
        elif c.kind in NUMERIC_KINDS:
            if cells is None:
                out[c.name] = np.nan
            else:
                vals, probs = _parse_numeric(cells, c, m, file, rows)
                problems += probs
                out[c.name] = vals
    for share, (num, den) in SHARE_COUNTS.items():
        if share in out.columns and share not in present and num in present and den in present:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[share] = (out[num] / out[den]).where(out[den] > 0)
    # Cells that failed to parse are NaN here, so the content checks report each cell once;
    # in a column that must have a value, such a cell is reported as what it holds ('20x1',
    # 'inf', a formula never calculated), not again as an empty cell.
    content = table_problems(out, layout, source=file, rows=rows,
                             share_tolerance=share_tolerance)
    if problems and len(content):
        failed = {(p["row"], p["column"]) for p in problems if not pd.isna(p["row"])}
        again = content["problem"].eq(EMPTY_REQUIRED) & pd.Series(
            [(r, c) in failed for r, c in zip(content["row"], content["column"], strict=True)],
            index=content.index)
        content = content[~again]
    all_problems = pd.concat([pd.DataFrame(problems, columns=content.columns), content],
                             ignore_index=True) if problems else content
    if len(all_problems):
        all_problems = all_problems.sort_values(["row", "column"], na_position="first",
                                                kind="stable", ignore_index=True)
        raise DataValidationError(all_problems, source=file)
    for c in LAYOUTS[layout]:
        if c.kind == "year":
            out[c.name] = out[c.name].astype("int64")
    return out.reset_index(drop=True), layout


def implausible_values(table: pd.DataFrame, layout: str, mapping: Mapping | None = None, *,
                       file: str = "<table>", rows: pd.Series | None = None) -> pd.DataFrame:
    """Return the possible but implausible values of a parsed table, as a problems table.

    Besides :func:`~boligmonitor.validation.table_warnings`: a share column declared
    ``unit = "percent"`` whose values are all at most 1 % holds fractions, most likely (except
    for shares that are normally a few percent, such as the conviction share).
    """
    m = mapping or Mapping()
    found = [table_warnings(table, layout, source=file, rows=rows)]
    for col in LAYOUTS[layout]:
        if col.kind != "share" or col.is_small_share or col.name not in table.columns:
            continue
        if m.unit_of(col.name) != "percent":
            continue
        vals = table[col.name].dropna()
        if len(vals) and vals.max() > 0 and vals.max() <= 0.01:
            found.append(pd.DataFrame([problem_row(
                file, "every value of this percent column is at most 1 %: it looks like "
                "fractions", column=col.name, value=f"largest {vals.max() * 100:g} %",
                allowed="percent from 0 to 100; if the column holds fractions (0-1), leave "
                "out unit = \"percent\"")]))
    found = [f for f in found if len(f)]
    if not found:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return pd.concat(found, ignore_index=True)
