"""The reverse question: how much must an indicator improve for a category's probability to fall
below a chosen level (say 10 %) by a given list year?

For each area and indicator the same draws are tried with a range of improvements at once (each
improvement a block of copies of the draws, scored in one pass of the engine): persons fewer in
the count behind a share (as a scenario's ``persons``), or a higher mean income (as a
scenario's ``relative``), from the first drawn data year on. With the same draws for every
improvement, the probability falls step by step as the improvement grows; a coarse pass finds
the step, a fine pass between its neighbours the amount. The category counts with the more
severe ones (``udsat_boligomraade`` means udsat or worse); ``any`` means any list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.errors import BoligmonitorError
from boligmonitor.options import Options
from boligmonitor.outlook.calibration import assess_calibration
from boligmonitor.outlook.paths import AreaDraws, active_areas, draw_areas, draw_references
from boligmonitor.outlook.probabilities import score_draws, tally
from boligmonitor.outlook.run import DEFAULT_DRAWS, check_seed, prepare, rules_for
from boligmonitor.outlook.series import INCOME, SHARES
from boligmonitor.rules import RuleSet

ANY = "any"
STEPS = 17  # improvements tried per pass (two passes: the amount to 1/256 of the range)
IMPROVABLE = (*SHARES, INCOME)
# Tried unless asked otherwise: what a plan acts on (employment, crime, education, income). The
# non-western share is a criterion too, and can be asked for, but moving residents by their
# origin is not an intervention of a plan.
DEFAULT_TRIED = tuple(i for i in IMPROVABLE if i != "share_non_western")
MAX_INCOME_RISE = 1.0  # up to twice the mean income


def required_change(
    indicators: pd.DataFrame,
    references: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    list_year: int,
    category: str = ANY,
    target: float = 0.10,
    areas: Iterable[str] | None = None,
    indicators_to_try: Iterable[str] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    rules: RuleSet | str | Path | None = None,
    options: Options | None = None,
    validate: bool = True,
) -> pd.DataFrame:
    """One row per area and indicator: the smallest improvement (from the first drawn data year
    on) that brings the probability of ``category`` (or a more severe one; ``any``: any list)
    in ``list_year`` to ``target`` or below.

    Columns: area_id, area_name, indicator, list_year, category, target, from_year,
    baseline_probability, change (persons fewer, or the income's relative rise), unit
    (``persons`` or ``relative``), change_per_base (the change as a share of the base in
    ``from_year``, for shares), probability (at the change found), is_reachable (False where
    even the largest change tried does not get there: all the persons counted, or twice the
    income), is_calibrated.
    """
    if not 0 <= target <= 1:
        raise BoligmonitorError(f"target {target!r}: allowed: a probability from 0 to 1")
    seed = check_seed(seed)
    tried = tuple(indicators_to_try or DEFAULT_TRIED)
    for ind in tried:
        if ind not in IMPROVABLE:
            raise BoligmonitorError(f"indicator {ind!r}: allowed: {', '.join(IMPROVABLE)}")
    prep = prepare(indicators, references, memberships, list_years=None, draws=draws,
                   rules=rules, options=options, validate=validate)
    first_year = min(prep.years)
    if list_year < first_year:
        raise BoligmonitorError(f"list year {list_year}: allowed: a coming list year, from "
                                f"{first_year}")
    rules_then = rules_for(prep.rules, list_year)
    if rules_then is None:
        raise BoligmonitorError(f"no rule set governs list year {list_year}")
    if category != ANY and category not in rules_then.category_ids:
        raise BoligmonitorError(f"category {category!r}: allowed: {ANY}, "
                                f"{', '.join(rules_then.category_ids)}")
    prep = replace(prep, years=list(range(first_year, list_year + 1)))
    fitted = prep.fitted
    ids = fitted.area_index.to_numpy()
    active = np.flatnonzero(active_areas(fitted))
    if areas is not None:
        wanted = set(areas)
        unknown = wanted - set(map(str, ids))
        if unknown:
            raise BoligmonitorError(f"area {sorted(unknown)[0]!r}: no such area in the data")
        active = np.array([i for i in active if str(ids[i]) in wanted], dtype=np.int64)
    counted = _counted(rules_then, category)
    refs = draw_references(fitted, draws, np.random.default_rng([seed, 0]))
    calibrated = assess_calibration(fitted).is_calibrated
    from_year = prep.last_data_year + 1
    years = fitted.years[prep.first:]
    rows = []
    for k, area in enumerate(active):
        base = draw_areas(fitted, np.array([area]), draws, refs,
                          np.random.default_rng([seed, 2, k]), start=prep.first)
        p0 = _probabilities(prep, base, refs, np.zeros(1), None, years, from_year, list_year,
                            counted)[0]
        for ind in tried:
            if ind not in base.values:
                continue
            unit = "relative" if ind == INCOME else "persons"
            top = MAX_INCOME_RISE if ind == INCOME else _persons(base, ind, years, from_year)
            row = {"area_id": str(ids[area]),
                   "area_name": fitted.identity["area_name"].to_numpy()[area],
                   "indicator": ind, "list_year": list_year, "category": category,
                   "target": target, "from_year": from_year, "baseline_probability": p0,
                   "unit": unit}
            amount, prob = _search(prep, base, refs, ind, top, years, from_year, list_year,
                                   counted, target, p0)
            row.update(change=amount, probability=prob,
                       change_per_base=np.nan if ind == INCOME else amount / _first_base(
                           base, ind, years, from_year),
                       is_reachable=bool(prob <= target), is_calibrated=calibrated)
            rows.append(row)
    return pd.DataFrame(rows, columns=[
        "area_id", "area_name", "indicator", "list_year", "category", "target", "from_year",
        "baseline_probability", "change", "unit", "change_per_base", "probability",
        "is_reachable", "is_calibrated"])


def _counted(rules: RuleSet, category: str) -> list[str]:
    """The categories that count: ``category`` and the more severe; every list for ``any``."""
    if category == ANY:
        return list(rules.category_ids)
    severity = {c.id: c.severity for c in rules.categories}
    return [c for c in rules.category_ids if severity[c] >= severity[category]]


def _first_base(base: AreaDraws, ind: str, years: np.ndarray, from_year: int) -> float:
    col = int(np.searchsorted(years, from_year))
    return float(np.nanmedian(base.bases[ind][:, col])) if ind in base.bases else np.nan


def _persons(base: AreaDraws, ind: str, years: np.ndarray, from_year: int) -> float:
    """The most persons there are to take away: the median count in the first drawn year."""
    col = int(np.searchsorted(years, from_year))
    count = base.values[ind][:, col] * base.bases[ind][:, col] if ind in base.bases else np.nan
    value = float(np.nanmedian(count)) if np.size(count) else np.nan
    return value if np.isfinite(value) and value > 0 else 1.0


def _search(prep, base, refs, ind, top, years, from_year, list_year, counted, target, p0):
    if p0 <= target:
        return 0.0, p0
    lo, hi = 0.0, float(top)
    best = (hi, np.nan)
    for _ in range(2):
        grid = np.linspace(lo, hi, STEPS)
        probs = _probabilities(prep, base, refs, grid, ind, years, from_year, list_year,
                               counted)
        ok = np.flatnonzero(probs <= target)
        if not len(ok):
            return float(grid[-1]), float(probs[-1])
        j = int(ok[0])
        best = (float(grid[j]), float(probs[j]))
        if j == 0:
            break
        lo, hi = float(grid[j - 1]), float(grid[j])
    return best


def _probabilities(prep, base: AreaDraws, refs, amounts: np.ndarray, ind: str | None,
                   years: np.ndarray, from_year: int, list_year: int, counted: list[str]
                   ) -> np.ndarray:
    """The probability of the counted categories in ``list_year`` for each amount: the draws
    copied once per amount, changed, and scored together."""
    k, d = len(amounts), base.draws
    big = AreaDraws(np.repeat(base.rows, k), d, base.start,
                    {c: np.tile(v.T, k).T for c, v in base.values.items()},
                    {c: np.tile(v.T, k).T for c, v in base.bases.items()},
                    {c: np.tile(v, (k, 1)) for c, v in base.is_drawn.items()},
                    np.tile(base.has_row, (k, 1)))
    if ind is not None:
        future = (years >= from_year)[None, :]
        step = np.repeat(amounts, d)[:, None]
        values = big.values[ind]
        if ind == INCOME:
            values *= np.where(future, 1.0 + step, 1.0)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                values -= np.where(future, step / big.bases[ind], 0.0)
            np.clip(values, 0.0, 1.0, out=values)
    scored = score_draws(big, prep.fitted, refs, 0, prep.years, prep.published, prep.history,
                         prep.rules, prep.options, prep.stated)
    t = tally(scored, big.rows, d)
    total = np.zeros(k)
    for cat in counted:
        total += t.categories.get((list_year, cat), np.zeros(k))
    return total / d
