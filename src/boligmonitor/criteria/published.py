"""The published lists (layout d), read as the ministry publishes them.

Each row says that an area was on one list (``category``) of 1 December ``list_year``. How much a
table says about the areas it does *not* name is its ``coverage``, one per list year and
category:

* ``whole`` (the default): the table holds every list of that year in full. An area absent from
  them was on none of that year's lists.
* ``list``: the table holds this category's list of that year in full (an area absent from it
  was not on that list), but not necessarily the year's other lists.
* ``partial``: only the rows present count; of any other area nothing is known.

Two kinds of rows record what was checked without a listing: category ``none`` (the area was on
no list that year) and ``status = "not_listed"`` (the area was not on that category's list).

Categories that do not exist in a list year's rule set (a parallelsamfund in 2015) were held by
nobody. Every status is a :class:`~boligmonitor.criteria.logic.Tri` per area: known true, known
false or unknown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boligmonitor.criteria.logic import Tri
from boligmonitor.rules import RuleSet, governing_rules
from boligmonitor.schemas import CATEGORY_IDS, NO_LIST

WHOLE, LIST, PARTIAL = "whole", "list", "partial"
LISTED, NOT_LISTED = "listed", "not_listed"


def _column(df: pd.DataFrame, name: str, default: str) -> np.ndarray:
    if name not in df.columns:
        return np.full(len(df), default, dtype=object)
    return df[name].astype(object).where(df[name].notna(), default).astype(str).to_numpy()


class PublishedLists:
    """Who was (and was not) on which published list, as far as the table says."""

    def __init__(self, memberships: pd.DataFrame | None, area_index: pd.Index) -> None:
        self.n = len(area_index)
        self._whole_years: set[int] = set()
        self._whole_lists: set[tuple[int, str]] = set()
        self._on: dict[tuple[int, str], np.ndarray] = {}
        self._off: dict[tuple[int, str], np.ndarray] = {}
        self._none: dict[int, np.ndarray] = {}
        if memberships is None or memberships.empty:
            return
        codes = area_index.get_indexer(memberships["area_id"])
        years = memberships["list_year"].astype(int).to_numpy()
        cats = memberships["category"].astype(str).to_numpy()
        coverage = _column(memberships, "coverage", WHOLE)
        status = _column(memberships, "status", LISTED)
        for year, cat, cov in set(zip(years.tolist(), cats.tolist(), coverage.tolist(),
                                      strict=True)):
            if cov == WHOLE:
                self._whole_years.add(year)
            elif cov == LIST and cat != NO_LIST:
                self._whole_lists.add((year, cat))
        ours = codes >= 0
        for (year, cat, st), grp in pd.DataFrame(
            {"year": years[ours], "cat": cats[ours], "st": status[ours], "code": codes[ours]}
        ).groupby(["year", "cat", "st"]):
            mask = np.zeros(self.n, bool)
            mask[grp["code"].to_numpy()] = True
            if cat == NO_LIST:
                self._none[int(year)] = mask
            elif st == NOT_LISTED:
                self._off[(int(year), str(cat))] = mask
            else:
                self._on[(int(year), str(cat))] = mask

    def take(self, rows: np.ndarray) -> PublishedLists:
        """The published lists of the areas ``rows`` (indices into this table's areas, repeats
        allowed): each simulated copy of an area sees the area's published history."""
        out = PublishedLists(None, pd.Index([]))
        out.n = len(rows)
        out._whole_years = set(self._whole_years)
        out._whole_lists = set(self._whole_lists)
        out._on = {k: v[rows] for k, v in self._on.items()}
        out._off = {k: v[rows] for k, v in self._off.items()}
        out._none = {k: v[rows] for k, v in self._none.items()}
        return out

    def years(self) -> list[int]:
        """The list years of which the table says anything."""
        keys = {y for y, _ in self._on} | {y for y, _ in self._off} | set(self._none)
        return sorted(keys | self._whole_years | {y for y, _ in self._whole_lists})

    def on(self, year: int, category: str) -> Tri:
        """Per area: on ``category``'s list of ``year`` (known true, known false or unknown)."""
        zeros = np.zeros(self.n, bool)
        rules = governing_rules(year)
        if rules is not None and category not in rules.category_ids:
            return Tri.const(False, self.n)  # a list that did not exist had nobody on it
        yes = self._on.get((year, category), zeros)
        whole = year in self._whole_years or (year, category) in self._whole_lists
        no = (
            ~yes if whole else zeros
        ) | self._off.get((year, category), zeros) | self._none.get(year, zeros)
        base = _consecutive_base(rules, category)
        if base is not None:  # an omdannelsesområde is a parallelsamfund in the year too
            no = no | self.on(year, base).no
        return Tri(yes, no & ~yes)

    def on_any(self, categories: tuple[str, ...] | list[str], year: int) -> Tri:
        """Per area: on one of ``categories``' lists in ``year``."""
        out = Tri.const(False, self.n)
        for cat in categories:
            out = out | self.on(year, cat)
        return out

    def category(self, year: int, rules: RuleSet | None = None) -> np.ndarray:
        """Per area: the most severe category it is known to hold on the lists of ``year``;
        ``none`` where it is known to be on none of them; ``""`` where nothing is known."""
        order = severity_order(year, rules)
        out = np.full(self.n, "", dtype=object)
        off_all = np.ones(self.n, bool)
        for cat in order:  # least severe first: the most severe wins
            t = self.on(year, cat)
            out[t.yes] = cat
            off_all &= t.no
        out[off_all] = NO_LIST
        return out

    def agrees(self, year: int, category: np.ndarray, rules: RuleSet | None = None,
               certain: np.ndarray | None = None, possible: np.ndarray | None = None) -> Tri:
        """Per area: whether the published lists of ``year`` put the area exactly in
        ``category`` (on its list and on none more severe; ``none``: on no list).

        Where ``category`` is undetermined, ``certain`` and ``possible`` (the most severe
        category surely held and the most severe possibly held) bound it: the area disagrees
        with the published lists where they put it on a list more severe than ``possible``, or
        on none as severe as ``certain``; otherwise whether it agrees stays unknown.
        """
        order = severity_order(year, rules)
        out = Tri.unknown(self.n)
        for i, cat in enumerate([NO_LIST, *order]):
            rows = category == cat
            if not rows.any():
                continue
            held = Tri.const(True, self.n) if cat == NO_LIST else self.on(year, cat)
            for worse in order[i:]:
                t = self.on(year, worse)
                held = held & Tri(t.no, t.yes)
            out = held.where(rows, out)
        if certain is None or possible is None:
            return out
        ranks = pd.Index([NO_LIST, *order])  # a category's rank: its position here
        undecided = ranks.get_indexer(category) < 0
        if not undecided.any():
            return out
        low = ranks.get_indexer(certain)
        low[low < 0] = 0
        high = ranks.get_indexer(possible)
        high[high < 0] = len(order)
        differs = np.zeros(self.n, bool)
        below = np.ones(self.n, bool)  # on none of the lists as severe as ``certain``
        for rank in range(len(order), 0, -1):
            t = self.on(year, order[rank - 1])
            differs |= t.yes & (rank > high)
            below &= t.no | (rank < low)
        differs |= below & (low > 0)
        return Tri(out.yes, out.no | (undecided & differs))


def _consecutive_base(rules: RuleSet | None, category: str) -> str | None:
    """The base category of a consecutive-years category (haardt_ghettoomraade: ghettoomraade)."""
    if rules is None:
        return None
    for cat in rules.categories:
        if cat.id == category and cat.consecutive is not None:
            return cat.consecutive.category
    return None


def severity_order(list_year: int, rules: RuleSet | None = None) -> list[str]:
    """The categories of ``list_year``'s lists, least severe first."""
    rules = rules or governing_rules(list_year)
    if rules is None:
        return list(CATEGORY_IDS)
    return list(rules.category_ids)
