"""The bundled table of reference values read in public sources, each with its source.

``src/boligmonitor/data/published_references.csv`` holds only what a source prints: the line of
a relative criterion for a list year (the conviction share that is a stated multiple of the
national average), with the publication and the quoted words. No table of the national
conviction share or of the regions' mean incomes has been found published; no regional income
is in the file. The national average behind each line is *derived* (line / factor) by
:func:`published_references` and marked so (``is_derived``). Each value belongs to a LIST year:
it is that list's own reference, already averaged over its data years.

The research behind the file, with every source: tests/data/published/RESEARCH.md, section
"c. Reference values"; the precedence of these values under the user's own:
:mod:`boligmonitor.criteria.stated` and docs/formats.md.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

COLUMNS = ["list_year", "scope", "indicator", "kind", "classification", "factor", "value",
           "is_derived", "source", "note"]
LINE = "line"
# A line printed outside a list of 1 December (the ministry's interim review of May 2018): kept
# as a record of what was published, never used as a list year's reference.
INTERIM_LINE = "interim_line"
# A line on which the public sources disagree (the list of 1 December 2019: 1,98 % in one,
# 2,03 % in two others): every value is kept with its source, none is used as a reference, and
# a missing reference of that list year names the disagreement (:func:`disputed_lines`).
DISPUTED_LINE = "disputed_line"
NATIONAL_AVERAGE = "national_average"


@cache
def _read() -> pd.DataFrame:
    path = resources.files("boligmonitor").joinpath("data", "published_references.csv")
    with path.open("r", encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype={"scope": str, "indicator": str, "kind": str,
                                       "classification": str, "source": str, "note": str},
                            keep_default_na=False, na_values={"factor": [""], "value": [""]})
    return table


def published_references() -> pd.DataFrame:
    """Return the published reference values: the lines as read, and the national averages
    derived from them (``is_derived`` True; ``value`` = line / ``factor``).

    Columns: list_year, scope, indicator, kind (``line``, ``interim_line``,
    ``disputed_line`` or ``national_average``; only a ``line`` gives a national average),
    classification (whose criterion the line is), factor (the line's multiple of the national
    average), value (a share, 0-1), is_derived, source, note.

    Examples
    --------
    >>> refs = published_references()
    >>> row = refs[(refs.list_year == 2022) & (refs.kind == "national_average")].iloc[0]
    >>> round(float(row.value), 5), bool(row.is_derived)
    (0.00725, True)
    """
    read = _read().copy()
    read["is_derived"] = False
    derived = read[read["kind"] == LINE].copy()
    derived["value"] = derived["value"] / derived["factor"]
    derived["kind"] = NATIONAL_AVERAGE
    derived["is_derived"] = True
    derived["note"] = [f"Derived: the line {line} / {factor:g}."
                       for line, factor in zip(read.loc[derived.index, "value"],
                                               derived["factor"], strict=True)]
    out = pd.concat([read, derived], ignore_index=True)
    out = out.sort_values(["list_year", "scope", "indicator", "is_derived"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


def stated_national_averages() -> pd.DataFrame:
    """The reference values the engine may use per list year: one national average per list
    year and indicator (``list_year``, ``scope``, ``indicator``, ``value``, ``source``)."""
    refs = published_references()
    avg = refs[refs["kind"] == NATIONAL_AVERAGE]
    return avg[["list_year", "scope", "indicator", "value", "source", "is_derived"]].reset_index(
        drop=True)


def disputed_lines(list_year: int, indicator: str) -> list[float]:
    """The values public sources give for a list year's line where they disagree (sorted;
    empty where they do not): recorded, never used as a reference."""
    read = _read()
    rows = read[(read["kind"] == DISPUTED_LINE) & (read["list_year"] == list_year)
                & (read["indicator"] == indicator)]
    return sorted(float(v) for v in rows["value"])
