"""The draws through the criteria engine itself, and what share of them lands in each category.

Each draw of an area is scored as an area of its own by the engine's core
(:func:`~boligmonitor.criteria.score_list_years`): the same windows, relative thresholds
(against the draw's own reference paths), gates, 1,000-resident rule and consecutive-years rules
as :func:`~boligmonitor.criteria.assess`, with the area's published history
(:meth:`~boligmonitor.criteria.PublishedLists.take`) and its earlier years scored once on the
observed data (:meth:`~boligmonitor.criteria.Year.take`). Nothing of the law is repeated here.

The probability of a category in a list year is the share of an area's draws that get it; the
probability of a criterion, the share of draws where it is met.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boligmonitor.criteria import (
    IndicatorSource,
    Panel,
    PublishedLists,
    Year,
    most_severe_codes,
    score_list_years,
)
from boligmonitor.criteria.stated import StatedReferences
from boligmonitor.options import Options
from boligmonitor.outlook.paths import AreaDraws, DrawReferences, ReferencePaths
from boligmonitor.outlook.series import FittedPanel
from boligmonitor.rules import RuleSet
from boligmonitor.schemas import SHARE_COUNTS


def needs_counts(options: Options) -> bool:
    """Whether the options in force read the count columns (not only the shares)."""
    return options.window_average == "pooled_counts" or options.share_source == "counts"


def draw_source(draws: AreaDraws, fitted: FittedPanel, refs: ReferencePaths, first: int,
                options: Options, stated: StatedReferences | None = None) -> IndicatorSource:
    """The engine's source on the draws, from index ``first`` of the draws' years (the first
    data year any list year asks for) on."""
    arrays = {c: v[:, first:] for c, v in draws.values.items()}
    if needs_counts(options):
        for share, base in draws.bases.items():
            num, den = SHARE_COUNTS[share]
            if den != "residents":
                arrays[den] = base[:, first:]
            arrays[num] = arrays[share] * base[:, first:]
    panel = Panel.from_arrays(arrays, fitted.first_year + draws.start + first,
                              draws.has_row[:, first:])
    references = DrawReferences(refs, draws.draw, fitted.region_code[draws.area])
    regions = fitted.identity["region"].astype(str).to_numpy()[draws.area] if stated else None
    return IndicatorSource.from_panel(panel, references, stated=stated, regions=regions)


def score_draws(draws: AreaDraws, fitted: FittedPanel, refs: ReferencePaths, first: int,
                list_years: list[int], published: PublishedLists, history: dict[int, Year],
                rules: RuleSet | None, options: Options,
                stated: StatedReferences | None = None) -> dict[int, Year]:
    """Score every draw in every list year, as the engine scores areas (a reference the drawn
    paths lack is taken from ``stated``, as :func:`~boligmonitor.criteria.assess` does)."""
    source = draw_source(draws, fitted, refs, first, options, stated)
    area = draws.area
    taken = {y: yr.take(area) for y, yr in history.items()}
    return score_list_years([source], list_years, published.take(area), rules=rules,
                            options=options, history=taken)


@dataclass
class Tally:
    """Counts over draws, per area of a chunk: categories and criteria met, by list year."""

    rows: np.ndarray
    draws: int
    categories: dict[tuple[int, str], np.ndarray] = field(default_factory=dict)
    criteria: dict[tuple[int, str, str, str], tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict)
    rules: dict[int, str] = field(default_factory=dict)


def tally(scored: dict[int, Year], rows: np.ndarray, draws: int) -> Tally:
    """How many draws of each area got each category, and met each criterion."""
    out = Tally(rows, draws)
    shape = (len(rows), draws)
    for y, yr in scored.items():
        out.rules[y] = yr.rules.id
        (codes, _, _), names = most_severe_codes(yr, yr.categories)
        per_area = codes.reshape(shape)
        for k in np.unique(codes).tolist():
            out.categories[(y, names[k])] = (per_area == k).sum(axis=1)
        for s in yr.scored:
            met = s.met.yes.reshape(shape).sum(axis=1)
            unknown = (~s.met.known).reshape(shape).sum(axis=1)
            out.criteria[(y, s.classification, s.role, s.criterion.id)] = (met, unknown)
    return out


def probability_table(tallies: list[Tally], fitted: FittedPanel, scenario: str,
                      categories: dict[int, list[str]]) -> pd.DataFrame:
    """One row per area, list year and category (every category of the year's rule set, and
    ``none``; ``undetermined`` where draws could not be decided): the share of draws."""
    parts = []
    for t in tallies:
        ids = fitted.area_index.to_numpy()[t.rows]
        names = fitted.identity["area_name"].to_numpy()[t.rows]
        for y, cats in categories.items():
            seen = [c for (yy, c) in t.categories if yy == y]
            for cat in [*cats, *[c for c in seen if c not in cats]]:
                count = t.categories.get((y, cat), np.zeros(len(t.rows), dtype=np.int64))
                parts.append(pd.DataFrame({
                    "area_id": ids, "area_name": names, "list_year": y, "scenario": scenario,
                    "category": cat, "probability": count / t.draws, "n_draws": t.draws,
                    "rules": t.rules.get(y, ""),
                }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def criteria_table(tallies: list[Tally], fitted: FittedPanel, scenario: str) -> pd.DataFrame:
    """One row per area, list year, classification and criterion: the share of draws where the
    criterion is met, and where it could not be decided."""
    parts = []
    for t in tallies:
        ids = fitted.area_index.to_numpy()[t.rows]
        names = fitted.identity["area_name"].to_numpy()[t.rows]
        for (y, cl, role, crit), (met, unknown) in t.criteria.items():
            parts.append(pd.DataFrame({
                "area_id": ids, "area_name": names, "list_year": y, "scenario": scenario,
                "classification": cl, "role": role, "criterion": crit,
                "probability_met": met / t.draws, "probability_unknown": unknown / t.draws,
            }))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
