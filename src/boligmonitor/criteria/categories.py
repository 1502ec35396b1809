"""From criteria to categories: classifications, the area requirement, consecutive years.

For one list year under one rule set, :func:`score_year` compares every criterion, counts the
criteria met per classification and decides each category twice:

* ``conditions``: the category's conditions in the law, whatever the area's size (what the area
  would be with at least 1,000 residents: useful monitoring for a small area);
* ``categories``: the conditions *and* the area requirement (at least 1,000 residents on
  1 January). Every category of every regime is defined only for such areas.

A consecutive-years category (hårdt ghettoområde, omdannelsesområde) is decided afterwards by
:func:`consecutive`, from the base category in the list year and each earlier year's published
list (where it covers the area) or computed category.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boligmonitor.criteria.compare import Scored, compare, score_criterion
from boligmonitor.criteria.logic import Tri
from boligmonitor.criteria.published import PublishedLists
from boligmonitor.criteria.sources import data_years
from boligmonitor.options import Options
from boligmonitor.rules import Category, Criterion, RuleSet

HISTORY_PUBLISHED, HISTORY_COMPUTED = "published", "computed"
UNDETERMINED, NO_CATEGORY = "undetermined", "none"


@dataclass
class Year:
    """Everything decided for one list year under one rule set."""

    list_year: int
    rules: RuleSet
    source_kind: str
    present: np.ndarray
    residents: np.ndarray
    listable: Tri
    scored: list[Scored]
    n_met: dict[str, np.ndarray]
    n_unknown: dict[str, np.ndarray]
    classes: dict[str, Tri]
    conditions: dict[str, Tri] = field(default_factory=dict)
    categories: dict[str, Tri] = field(default_factory=dict)
    kombineret: Tri | None = None
    runs: dict[str, Run] = field(default_factory=dict)

    def set_category(self, cat_id: str, conditions: Tri) -> None:
        self.conditions[cat_id] = conditions
        self.categories[cat_id] = conditions & self.listable

    def take(self, rows: np.ndarray) -> Year:
        """This year's decisions for the areas ``rows`` (indices, repeats allowed), without the
        criteria (``scored`` is empty): what an earlier year gives a consecutive-years count.

        For scoring many copies of few areas (simulated draws): the earlier years, which the
        copies share, are scored once and taken to the copies.
        """
        return Year(
            self.list_year, self.rules, self.source_kind, self.present[rows],
            self.residents[rows], self.listable.take(rows), [],
            {k: v[rows] for k, v in self.n_met.items()},
            {k: v[rows] for k, v in self.n_unknown.items()},
            {k: v.take(rows) for k, v in self.classes.items()},
            {k: v.take(rows) for k, v in self.conditions.items()},
            {k: v.take(rows) for k, v in self.categories.items()},
            None if self.kombineret is None else self.kombineret.take(rows),
        )


def score_year(source, rules: RuleSet, list_year: int, options: Options) -> Year:
    """Score every criterion and every non-consecutive category of one list year."""
    scored: list[Scored] = []
    n_met: dict[str, np.ndarray] = {}
    n_unknown: dict[str, np.ndarray] = {}
    classes: dict[str, Tri] = {}
    fed: list[np.ndarray] = []
    for cl in rules.classifications:
        parts = [
            score_criterion(source, rules, cl.id, cl.role, c, list_year, options)
            for c in cl.criteria
        ]
        scored.extend(parts)
        met = np.sum([p.met.yes for p in parts], axis=0)
        unknown = np.sum([~p.met.known for p in parts], axis=0)
        n_met[cl.id], n_unknown[cl.id] = met, unknown
        classes[cl.id] = Tri(met >= cl.min_met, met + unknown < cl.min_met)
        fed.extend(data_years(c.timing, c.window, list_year, options) for c in cl.criteria)
    present = source.present(
        np.unique(np.concatenate(fed)) if source.kind == "indicators" else np.array([list_year])
    )
    residents = source.residents(list_year, options)
    _, _, is_listable = compare(
        residents,
        np.full_like(residents, rules.min_residents),
        rules.min_residents_operator,
        unit="dkk",
        tolerance=0.0,
    )
    listable = Tri.from_float(is_listable)
    if rules.min_residents <= 0:  # a rule set without an area requirement: every area counts
        listable = Tri.const(True, len(residents))
    year = Year(
        list_year, rules, source.kind, present, residents, listable, scored, n_met, n_unknown,
        classes,
    )
    for cat in rules.categories:
        if cat.consecutive is None:
            year.set_category(cat.id, all_of(cat, classes, len(residents)))
    if rules.kombineret_udlejning is not None:
        year.kombineret = kombineret(source, rules, list_year, options, residents, year.listable)
    return year


def all_of(cat: Category, classes: dict[str, Tri], n: int) -> Tri:
    out = Tri.const(True, n)
    for cid in cat.all_of:
        out = out & classes[cid]
    return out


def kombineret(
    source, rules: RuleSet, list_year: int, options: Options, residents: np.ndarray, listable: Tri
) -> Tri:
    """The kombineret-udlejning condition: the share outside the labour market by size tier."""
    k = rules.kombineret_udlejning
    assert k is not None
    out = Tri.const(False, len(residents))
    for tier in k.tiers:
        crit = Criterion(
            "employment", k.indicator, tier.operator, tier.threshold, "absolute", k.timing,
            k.window, k.citation,
        )
        ev = source.evaluate(crit, list_year, options, rules)
        _, _, met = compare(
            ev.value, ev.threshold, tier.operator, rounding=options.rounding,
            tolerance=options.equality_tolerance,
        )
        _, _, big = compare(
            residents, np.full_like(residents, tier.min_residents), "mindst", unit="dkk",
            tolerance=0.0,
        )
        out = out | (Tri.from_float(met) & Tri.from_float(big))
    return out & listable


# --- consecutive years -------------------------------------------------------------------------


@dataclass
class Run:
    """A consecutive-years category decided in one list year, with the years it counted.

    ``years`` runs from the list year backwards; ``status`` and ``published`` are (areas x years):
    whether the area held the base category that year, and whether that came from a published
    list (else it was computed).
    """

    category: str
    base: str
    years_required: int
    years: list[int]
    status: list[Tri]
    published: np.ndarray
    conditions: Tri
    run: np.ndarray

    def missing(self) -> np.ndarray:
        """(areas x years): the years whose status is unknown."""
        return np.column_stack([~t.known for t in self.status])


PastYear = Callable[[int], "Year | None"]


def consecutive(
    cat: Category, yr: Year, published: PublishedLists, past: PastYear, options: Options
) -> Run:
    """Decide a consecutive-years category in ``yr``: the base category's conditions in the list
    year and, in each of the years before that the rule counts, the published list (where it
    covers the area and ``options.history`` is "published") or the computed category."""
    rule = cat.consecutive
    assert rule is not None
    k = rule.years_for(yr.list_year)
    n = len(yr.residents)
    years = list(range(yr.list_year, yr.list_year - k, -1))
    statuses = [yr.conditions[rule.category]]
    from_list = [np.zeros(n, bool)]
    for year in years[1:]:
        computed = _computed_status(rule.counts_as, past(year), n, options)
        if options.history == HISTORY_PUBLISHED:
            pub = published.on_any(rule.counts_as, year)
            statuses.append(pub.where(pub.known, computed))
            from_list.append(pub.known)
        else:
            statuses.append(computed)
            from_list.append(np.zeros(n, bool))
    held = Tri.const(True, n)
    run = np.zeros(n, int)
    going = np.ones(n, bool)
    for t in statuses:
        held = held & t
        going &= t.yes
        run += going
    return Run(cat.id, rule.category, k, years, statuses, np.column_stack(from_list), held, run)


def _computed_status(counts_as: tuple[str, ...], p: Year | None, n: int, options: Options) -> Tri:
    """Whether an earlier year's computed categories count for a consecutive rule."""
    if p is None:
        return Tri.unknown(n)
    held = p.categories if options.below_minimum_breaks_run else p.conditions
    found = [held[c.id] for c in p.rules.categories if c.id in counts_as and c.consecutive is None]
    if not found:
        return Tri.unknown(n)
    out = Tri.const(False, n)
    for t in found:
        out = out | t
    return out


def run_history(run: Run, list_year: int, rows: np.ndarray) -> pd.DataFrame:
    """One row per area of ``rows`` and counted year: membership and where it came from."""
    idx = np.flatnonzero(rows)
    k, n = len(run.years), len(idx)
    yes = np.concatenate([t.yes[idx] for t in run.status])
    unknown = np.concatenate([~t.known[idx] for t in run.status])
    from_list = run.published[idx].T.reshape(-1)
    return pd.DataFrame(
        {
            "area_idx": np.tile(idx, k),
            "list_year": np.full(n * k, list_year, dtype=np.int64),
            "category": pd.Categorical.from_codes(np.zeros(n * k, int), [run.category]),
            "year": np.repeat(run.years, n).astype(np.int64),
            "is_member": pd.arrays.BooleanArray(yes, unknown),
            "source": pd.Categorical.from_codes(
                np.where(from_list, 0, 1), [HISTORY_PUBLISHED, HISTORY_COMPUTED]
            ),
        }
    )


# --- the category column -----------------------------------------------------------------------


def most_severe(yr: Year, held: dict[str, Tri], rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per area: the category, the most severe surely held, the most severe possibly held.

    ``category`` is the most severe category held, ``undetermined`` where a more severe one
    might still be held (its unknowns could decide it), ``none`` where none is held.
    """
    codes, names = most_severe_codes(yr, held, rows)
    table = np.asarray(names, dtype=object)
    return tuple(table[c] for c in codes)


def most_severe_codes(yr: Year, held: dict[str, Tri], rows: np.ndarray | None = None
                      ) -> tuple[tuple[np.ndarray, ...], list[str]]:
    """:func:`most_severe` as integer codes into ``names`` (``none``, ``undetermined``, then
    the categories, least severe first), for callers that count many areas (``rows=None``:
    every area)."""
    names = [NO_CATEGORY, UNDETERMINED, *yr.rules.category_ids]
    rows = slice(None) if rows is None else rows
    m = len(yr.residents[rows])
    certain = np.zeros(m, dtype=np.int8)
    possible = np.zeros(m, dtype=np.int8)
    has_certain = np.zeros(m, bool)
    has_possible = np.zeros(m, bool)
    for cat in sorted(yr.rules.categories, key=lambda c: -c.severity):
        t = held[cat.id]
        code = names.index(cat.id)
        yes, maybe = t.yes[rows], ~t.no[rows]
        certain[~has_certain & yes] = code
        has_certain |= yes
        possible[~has_possible & maybe] = code
        has_possible |= maybe
    category = np.where(certain == possible, certain, np.int8(1))
    return (category, certain, possible), names
