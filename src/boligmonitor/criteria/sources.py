"""Where a criterion's value comes from: the data years of each list year and the two sources.

* :class:`IndicatorSource` (layout a): yearly indicators per area, averaged over each
  criterion's window of data years, with national and regional reference values (layout c).
* :class:`ListValueSource` (layout b): the values a published list prints, already averaged,
  scored as given.

Both return an :class:`Evaluation` per criterion and list year: value, threshold and reference
for every area, as numpy arrays. Which data years feed a list year is an option (the law does
not settle it), read by :func:`data_years`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from boligmonitor.criteria.stated import (
    FROM_LIST,
    FROM_PUBLISHED,
    FROM_REFERENCES,
    MISSING,
    StatedReferences,
    fill_from_stated,
)
from boligmonitor.formatting import year_span
from boligmonitor.options import Options
from boligmonitor.rules import Criterion, RuleSet
from boligmonitor.schemas import SHARE_COUNTS

IDENTITY_COLUMNS = ("area_id", "area_name", "municipality", "region")

# The columns of layout (b) that hold each criterion, by (indicator, reference). The crime
# criterion has its own reading (see ListValueSource): lists print the share, a ratio to the
# national average, or both.
LIST_VALUE_COLUMNS: dict[tuple[str, str], str] = {
    ("share_non_western", "absolute"): "share_non_western",
    ("share_outside_work_education_18_64", "absolute"): "share_outside_work_education_18_64",
    ("share_basic_education_30_59", "absolute"): "share_basic_education_30_59",
    ("mean_gross_income_15_64", "regional"): "income_ratio_to_region",
}
CONVICTED_COLUMNS = (
    "share_convicted_18plus",
    "convicted_ratio_to_national",
    "convicted_national_share",
    "convicted_threshold_share",
)


def data_years(crit_timing: str, window: int, list_year: int, options: Options) -> np.ndarray:
    """Return the data years that feed a criterion of this timing and window in a list year."""
    lag = options.point_in_time_lag if crit_timing == "point_in_time" else options.annual_lag
    last = list_year - lag
    return np.arange(last - window + 1, last + 1)


def span(years: Sequence[int]) -> str:
    """Years as a compact text: runs as ``2016-2019``, joined by commas.

    >>> span([2014, 2016, 2017, 2018])
    '2014,2016-2018'
    """
    return year_span(years)


def year_spans(mask: np.ndarray, years: list[int]) -> np.ndarray:
    """Per row of an (areas x years) mask: the years where it is set, as a compact text."""
    if mask.size == 0:
        return np.full(mask.shape[0], "", dtype=object)
    bits = mask.astype(np.int64) @ (1 << np.arange(mask.shape[1], dtype=np.int64))
    uniq, codes = np.unique(bits, return_inverse=True)
    texts = [span([y for j, y in enumerate(years) if b >> j & 1]) for b in uniq.tolist()]
    return np.asarray(texts, dtype=object)[codes]


@dataclass
class Evaluation:
    """One criterion evaluated for every area in one list year."""

    value: np.ndarray
    threshold: np.ndarray
    reference_value: np.ndarray
    scale: np.ndarray  # persons per unit of margin (NaN where no counts)
    unit: str
    data_years: str
    # Where a relative criterion's reference came from (see boligmonitor.criteria.stated);
    # empty for an absolute criterion.
    reference_source: str = ""


class Panel:
    """A table of areas x years as dense numpy arrays, one per measure column."""

    def __init__(
        self, df: pd.DataFrame, area_index: pd.Index, year_col: str, columns: Iterable[str]
    ) -> None:
        self.n = len(area_index)
        codes = area_index.get_indexer(df["area_id"])
        years = df[year_col].to_numpy(dtype=np.int64)
        self.y0 = int(years.min()) if len(years) else 0
        self.m = int(years.max()) - self.y0 + 1 if len(years) else 0
        yi = years - self.y0
        self.has_row = np.zeros((self.n, self.m), bool)
        self.has_row[codes, yi] = True
        self.arrays: dict[str, np.ndarray] = {}
        for col in columns:
            if col in df.columns:
                arr = np.full((self.n, self.m), np.nan)
                arr[codes, yi] = pd.to_numeric(df[col], errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
                self.arrays[col] = arr

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], first_year: int, has_row: np.ndarray | None = None
    ) -> Panel:
        """A panel from (areas x years) arrays that start in data year ``first_year``.

        For tables built in memory (simulated paths): no DataFrame, no copy. ``has_row`` says
        where an area has a row (default: everywhere); every array must have its shape.
        """
        shapes = {a.shape for a in arrays.values()} | (
            set() if has_row is None else {has_row.shape}
        )
        if len(shapes) != 1 or len(next(iter(shapes))) != 2:
            raise ValueError(f"the arrays of a panel must share one 2-d shape, got {shapes}")
        self = cls.__new__(cls)
        self.n, self.m = next(iter(shapes))
        self.y0 = int(first_year)
        self.has_row = np.ones((self.n, self.m), bool) if has_row is None else has_row
        self.arrays = dict(arrays)
        return self

    def years(self) -> np.ndarray:
        return np.arange(self.y0, self.y0 + self.m)

    def block(self, col: str, years: np.ndarray) -> np.ndarray:
        """Return the (areas x years) block of ``col``; NaN outside the panel or if absent."""
        out = np.full((self.n, len(years)), np.nan)
        arr = self.arrays.get(col)
        if arr is None:
            return out
        idx = np.asarray(years) - self.y0
        ok = (idx >= 0) & (idx < self.m)
        out[:, ok] = arr[:, idx[ok]]
        return out

    def present(self, years: np.ndarray) -> np.ndarray:
        idx = np.asarray(years) - self.y0
        idx = idx[(idx >= 0) & (idx < self.m)]
        return self.has_row[:, idx].any(axis=1) if len(idx) else np.zeros(self.n, bool)

    def latest(self, col: str) -> np.ndarray:
        """Each area's latest known value of ``col`` (NaN where none is known)."""
        arr = self.arrays.get(col)
        if arr is None:
            return np.full(self.n, np.nan)
        known = ~np.isnan(arr)
        last = arr.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
        out = arr[np.arange(arr.shape[0]), last]
        out[~known.any(axis=1)] = np.nan
        return out


class ReferenceValues(Protocol):
    """What a source asks of its reference values (see :class:`References`)."""

    def averaged(self, indicator: str, reference: str, years: np.ndarray) -> np.ndarray:
        """The reference averaged over ``years`` for every area (NaN where any is missing)."""
        ...


class References:
    """National and regional reference values by indicator and year."""

    def __init__(self, references: pd.DataFrame | None, regions: np.ndarray) -> None:
        self.regions = regions
        self.table: dict[tuple[str, str], dict[int, float]] = {}
        if references is None or references.empty:
            return
        for (indicator, scope), grp in references.groupby(["indicator", "scope"], sort=False):
            self.table[(str(indicator), str(scope))] = dict(
                zip(grp["year"].astype(int), grp["value"].astype(float), strict=True)
            )

    def averaged(self, indicator: str, reference: str, years: np.ndarray) -> np.ndarray:
        """Return the reference averaged over ``years`` for every area; NaN where any is missing."""
        n = len(self.regions)
        if reference == "national":
            vals = self.table.get((indicator, "national"), {})
            mean = np.mean([vals.get(int(y), np.nan) for y in years])
            return np.full(n, mean)
        # Regional: one average per region, spread to areas by their region.
        out = np.full(n, np.nan)
        for region in pd.unique(self.regions):
            vals = self.table.get((indicator, str(region)), {})
            out[self.regions == region] = np.mean([vals.get(int(y), np.nan) for y in years])
        return out


def _reference_years(years: np.ndarray, options: Options) -> np.ndarray:
    return years if options.reference_averaging == "like_criterion" else years[-1:]


class IndicatorSource:
    """Layout (a): yearly indicators, averaged over each criterion's window."""

    kind = "indicators"
    # References stated per list year, used where the reference values give none.
    stated: StatedReferences | None = None
    regions: np.ndarray | None = None

    def __init__(
        self,
        indicators: pd.DataFrame,
        references: pd.DataFrame | None,
        area_index: pd.Index,
        regions: np.ndarray,
        stated: StatedReferences | None = None,
    ) -> None:
        measures = [c for c in indicators.columns if c not in (*IDENTITY_COLUMNS, "year")]
        self.panel = Panel(indicators, area_index, "year", measures)
        self.refs: ReferenceValues = References(references, regions)
        self.regions = regions
        self.stated = stated
        self._memo: dict[tuple, np.ndarray] = {}

    @classmethod
    def from_panel(cls, panel: Panel, references: ReferenceValues, *,
                   stated: StatedReferences | None = None,
                   regions: np.ndarray | None = None) -> IndicatorSource:
        """A source on a panel built in memory (:meth:`Panel.from_arrays`).

        ``references`` is anything with the ``averaged`` method of :class:`References`: for
        simulated paths, one national or regional reference value per area and year (each
        simulated draw has its own reference path). ``stated`` and ``regions`` (each row's
        region) fill a reference the paths lack, as :func:`assess` does.
        """
        self = cls.__new__(cls)
        self.panel = panel
        self.refs = references
        self.regions = regions
        self.stated = stated
        self._memo = {}
        return self

    def _memoised(self, key: tuple, make) -> np.ndarray:
        """A value the rule set asks for more than once in a list year (the employment share
        over the same two years for the udsat and the forebyggelse lists) is computed once."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def covers(self, list_year: int, options: Options) -> bool:
        y = list_year - options.point_in_time_lag
        return self.panel.m > 0 and self.panel.y0 <= y < self.panel.y0 + self.panel.m

    def residents(self, list_year: int, options: Options) -> np.ndarray:
        years = data_years("point_in_time", 1, list_year, options)
        return self.panel.block("residents", years)[:, 0]

    def present(self, years: np.ndarray) -> np.ndarray:
        return self.panel.present(years)

    def yearly(self, indicator: str, years: np.ndarray, options: Options) -> np.ndarray:
        """The (areas x years) block of an indicator, by the ``share_source`` option."""
        values = self.panel.block(indicator, years)
        if options.share_source == "counts" and indicator in SHARE_COUNTS:
            num, den = (self.panel.block(c, years) for c in SHARE_COUNTS[indicator])
            with np.errstate(divide="ignore", invalid="ignore"):
                from_counts = np.where(den > 0, num / den, np.nan)
            values = np.where(np.isnan(from_counts), values, from_counts)
        return values

    def windowed(self, indicator: str, years: np.ndarray, options: Options) -> np.ndarray:
        """The indicator over a window of data years, by the ``window_average`` option.

        A missing year makes the value unknown: never average over fewer years than the law.
        """
        if options.window_average == "pooled_counts" and indicator in SHARE_COUNTS:
            num, den = (self.panel.block(c, years) for c in SHARE_COUNTS[indicator])
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(den.sum(axis=1) > 0, num.sum(axis=1) / den.sum(axis=1), np.nan)
        return self.yearly(indicator, years, options).mean(axis=1)

    def evaluate(
        self, crit: Criterion, list_year: int, options: Options, rules: RuleSet | None = None
    ) -> Evaluation:
        years = data_years(crit.timing, crit.window, list_year, options)
        window = tuple(years.tolist())
        value = self._memoised(
            ("windowed", crit.indicator, window, options.share_source, options.window_average),
            lambda: self.windowed(crit.indicator, years, options))
        n = self.panel.n
        origin = ""
        if crit.reference == "absolute":
            reference = np.full(n, np.nan)
            threshold = np.full(n, crit.threshold)
        else:
            ref_years = _reference_years(years, options)
            reference = self.refs.averaged(crit.indicator, crit.reference, ref_years)
            reference, origin = fill_from_stated(reference, FROM_REFERENCES, self.stated,
                                                 crit.indicator, crit.reference, list_year,
                                                 self.regions)
            threshold = crit.threshold * reference
        if crit.indicator in SHARE_COUNTS:
            scale = self._memoised(("scale", SHARE_COUNTS[crit.indicator][1], window),
                                   lambda: self._scale(SHARE_COUNTS[crit.indicator][1], years))
            unit = "share"
        else:
            scale = np.ones(n)
            unit = "dkk"
        return Evaluation(value, threshold, reference, scale, unit, span(years), origin)

    def _scale(self, den_col: str, years: np.ndarray) -> np.ndarray:
        """Persons per unit of a share over ``years`` (the harmonic mean of its bases)."""
        if den_col not in self.panel.arrays:
            return np.full(self.panel.n, np.nan)
        den = self.panel.block(den_col, years)
        with np.errstate(divide="ignore", invalid="ignore"):
            inv = np.where(den > 0, 1.0 / den, np.nan)
            return 1.0 / inv.mean(axis=1)


class ListValueSource:
    """Layout (b): criterion values per list year as a list prints them; scored as given.

    The conviction criterion is read from what the list prints. Lists print the share of
    residents 18+ (and from 2018 the threshold it is held against); some sources give a ratio
    to the national average instead. The share is used wherever it is given; the national
    average comes from ``convicted_national_share``, else from ``convicted_threshold_share`` (the
    line of the main list's conviction criterion, e.g. "2,2 pct.") divided by that criterion's
    factor in the rule set (3 for an udsat boligområde), else from the reference values
    (layout c) over the criterion's data years, else from a value stated for the list year
    (``stated``, see :mod:`boligmonitor.criteria.stated`). Without a national average a
    relative criterion is scored on the ratio, and a share alone cannot be scored against it
    (unknown).
    """

    kind = "criterion_values"

    def __init__(
        self,
        values: pd.DataFrame,
        area_index: pd.Index,
        references: pd.DataFrame | None = None,
        regions: np.ndarray | None = None,
        stated: StatedReferences | None = None,
    ) -> None:
        cols = ["residents", *LIST_VALUE_COLUMNS.values(), *CONVICTED_COLUMNS]
        self.panel = Panel(values, area_index, "list_year", cols)
        self.refs = References(
            references, regions if regions is not None else np.full(len(area_index), "")
        )
        self.stated = stated

    def covers(self, list_year: int, options: Options) -> bool:
        return bool(self.panel.present(np.array([list_year])).any())

    def residents(self, list_year: int, options: Options) -> np.ndarray:
        return self.panel.block("residents", np.array([list_year]))[:, 0]

    def present(self, years: np.ndarray) -> np.ndarray:
        return self.panel.present(years)

    def _column(self, col: str, list_year: int) -> np.ndarray:
        return self.panel.block(col, np.array([list_year]))[:, 0]

    def _stated(self, col: str, list_year: int) -> float:
        """The one value a list states for all its areas (validated to be one per list year)."""
        vals = self._column(col, list_year)
        vals = vals[~np.isnan(vals)]
        return float(vals[0]) if len(vals) else np.nan

    def national_convicted(
        self, crit: Criterion, list_year: int, options: Options, rules: RuleSet | None
    ) -> tuple[float, str]:
        """The national conviction share behind the list's relative line, where known, and
        where it came from (``list``, ``references``, ``published`` or ``missing``)."""
        stated = self._stated("convicted_national_share", list_year)
        if not np.isnan(stated):
            return stated, FROM_LIST
        threshold = self._stated("convicted_threshold_share", list_year)
        factor = _primary_national_factor(rules)
        if not np.isnan(threshold) and factor is not None:
            return threshold / factor, FROM_LIST
        years = data_years(crit.timing, crit.window, list_year, options)
        ref = self.refs.averaged(crit.indicator, "national", _reference_years(years, options))
        if len(ref) and not np.isnan(ref[0]):
            return float(ref[0]), FROM_REFERENCES
        # A list that gives ratios to the national average is scored on them (see
        # _convicted); a value stated elsewhere only serves a list that gives shares alone.
        ratios = self._column("convicted_ratio_to_national", list_year)
        if self.stated and np.isnan(ratios).all():
            value = self.stated.for_areas(crit.indicator, "national", list_year, None, 1)[0]
            if not np.isnan(value):
                return float(value), FROM_PUBLISHED
        return np.nan, MISSING

    def evaluate(
        self, crit: Criterion, list_year: int, options: Options, rules: RuleSet | None = None
    ) -> Evaluation:
        n = self.panel.n
        label = f"list values {list_year}"
        if crit.indicator == "share_convicted_18plus":
            return self._convicted(crit, list_year, options, rules, label)
        column = LIST_VALUE_COLUMNS.get((crit.indicator, crit.reference))
        value = self._column(column, list_year) if column else np.full(n, np.nan)
        unit = "ratio_to_region" if crit.reference == "regional" else "share"
        return Evaluation(
            value,
            np.full(n, crit.threshold),
            np.full(n, np.nan if crit.reference == "absolute" else 1.0),
            np.full(n, np.nan),
            unit,
            label,
        )

    def _convicted(
        self, crit: Criterion, list_year: int, options: Options, rules: RuleSet | None,
        label: str,
    ) -> Evaluation:
        n = self.panel.n
        share = self._column("share_convicted_18plus", list_year)
        ratio = self._column("convicted_ratio_to_national", list_year)
        national, origin = self.national_convicted(crit, list_year, options, rules)
        if not np.isnan(national):
            share = np.where(np.isnan(share), ratio * national, share)
        if crit.reference == "absolute":
            threshold, reference, unit, value = crit.threshold, np.nan, "share", share
            origin = ""
        elif not np.isnan(national):
            threshold, reference, unit, value = crit.threshold * national, national, "share", share
        else:
            # Scored on the ratio to the national average: no reference value is needed, unless
            # the list gives only shares.
            threshold, reference, unit, value = crit.threshold, 1.0, "ratio_to_national", ratio
            if not np.isnan(ratio).all():
                origin = FROM_LIST
        return Evaluation(
            value, np.full(n, threshold), np.full(n, reference), np.full(n, np.nan), unit, label,
            origin if n else "",
        )


def _primary_national_factor(rules: RuleSet | None) -> float | None:
    """The factor of the main list's relative conviction criterion (3 for udsat), if any."""
    if rules is None:
        return None
    for crit in rules.classification(rules.primary_classification).criteria:
        if crit.indicator == "share_convicted_18plus" and crit.reference == "national":
            return crit.threshold
    return None
