"""Pure scoring of areas against the criteria of a rule set: tables in, tables out.

:func:`assess` takes the validated input tables (indicators, layout a, or criterion values,
layout b; references, layout c; memberships, layout d) and returns an :class:`Assessment` with

* ``areas``: one row per area and list year (categories, listability, history, explanations);
* ``criteria``: one row per area, list year, classification and criterion (value, threshold,
  operator, is_met, margin, persons_to_threshold);
* ``history``: one row per area, list year, consecutive-years category and counted year, saying
  whether that year came from the published lists or was computed.

Everything is vectorised over areas: a list year is a handful of numpy operations per criterion,
whatever the number of areas. The law is read from the rule set (:mod:`boligmonitor.rules`); the
unsettled readings from :class:`~boligmonitor.options.Options`.

Nullable logic: a criterion whose value or threshold cannot be computed is unknown (``<NA>``),
never silently not met; a classification or category is decided only where its unknowns cannot
change it, otherwise it is ``<NA>`` (undetermined).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.errors import RuleSetError
from boligmonitor.options import Options
from boligmonitor.rules import (
    Category,
    Criterion,
    RuleSet,
    governing_rules,
    load_rules,
)
from boligmonitor.schemas import CATEGORY_IDS, SHARE_COUNTS

# Floating-point noise, not law: values that are equal in decimals (0.39 and 0.41 averaged
# against 0.40; 3 x 0.0073 against 0.0219) must compare as equal, so that "overstiger" and
# "mindst" differ exactly at the boundary as the law says.
_REL_TOL = 1e-9

# The columns of layout (b) that hold each criterion, by (indicator, reference). Layout (b)
# carries the crime and income criteria as ratios to their reference already.
LIST_VALUE_COLUMNS: dict[tuple[str, str], str] = {
    ("share_non_western", "absolute"): "share_non_western",
    ("share_outside_work_education_18_64", "absolute"): "share_outside_work_education_18_64",
    ("share_convicted_18plus", "national"): "convicted_ratio_to_national",
    ("share_basic_education_30_59", "absolute"): "share_basic_education_30_59",
    ("mean_gross_income_15_64", "regional"): "income_ratio_to_region",
}

# Display scale of each unit, used by the rounding option (percent for shares and ratios).
_UNIT_SCALE = {"share": 100.0, "ratio_to_national": 100.0, "ratio_to_region": 100.0, "dkk": 1.0}

HISTORY_PUBLISHED, HISTORY_COMPUTED = "published", "computed"


# --- nullable booleans as two masks ------------------------------------------------------------


@dataclass(frozen=True)
class _Tri:
    """A nullable boolean per area: ``yes`` where surely true, ``no`` where surely false."""

    yes: np.ndarray
    no: np.ndarray

    @staticmethod
    def of(value: np.ndarray, known: np.ndarray) -> _Tri:
        return _Tri(value & known, ~value & known)

    def __and__(self, other: _Tri) -> _Tri:
        return _Tri(self.yes & other.yes, self.no | other.no)

    def __or__(self, other: _Tri) -> _Tri:
        return _Tri(self.yes | other.yes, self.no & other.no)

    def to_pandas(self) -> pd.arrays.BooleanArray:
        return pd.arrays.BooleanArray(self.yes.copy(), ~(self.yes | self.no))

    @staticmethod
    def const(value: bool, n: int) -> _Tri:
        return _Tri(np.full(n, value), np.full(n, not value))

    @staticmethod
    def unknown(n: int) -> _Tri:
        return _Tri(np.zeros(n, bool), np.zeros(n, bool))


# --- the data sources --------------------------------------------------------------------------


def data_years(crit_timing: str, window: int, list_year: int, options: Options) -> np.ndarray:
    """Return the data years that feed a criterion of this timing and window in a list year."""
    lag = options.point_in_time_lag if crit_timing == "point_in_time" else options.annual_lag
    last = list_year - lag
    return np.arange(last - window + 1, last + 1)


def _span(years: Sequence[int]) -> str:
    years = [int(y) for y in years]
    if not years:
        return ""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}-{years[-1]}"
    return ",".join(map(str, years))


@dataclass
class _Evaluation:
    """One criterion evaluated for every area in one list year."""

    value: np.ndarray
    threshold: np.ndarray
    reference_value: np.ndarray
    scale: np.ndarray  # persons per unit of margin (NaN where no counts)
    unit: str
    data_years: str


class _Panel:
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


class _References:
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


class _IndicatorSource:
    """Layout (a): yearly indicators, averaged over each criterion's window."""

    kind = "indicators"

    def __init__(
        self,
        indicators: pd.DataFrame,
        references: pd.DataFrame | None,
        area_index: pd.Index,
        regions: np.ndarray,
    ) -> None:
        measures = [
            c
            for c in indicators.columns
            if c not in ("area_id", "area_name", "municipality", "region", "year")
        ]
        self.panel = _Panel(indicators, area_index, "year", measures)
        self.refs = _References(references, regions)

    def covers(self, list_year: int, options: Options) -> bool:
        y = list_year - options.point_in_time_lag
        return self.panel.m > 0 and self.panel.y0 <= y < self.panel.y0 + self.panel.m

    def residents(self, list_year: int, options: Options) -> np.ndarray:
        return self.panel.block("residents", data_years("point_in_time", 1, list_year, options))[
            :, 0
        ]

    def present(self, years: np.ndarray) -> np.ndarray:
        return self.panel.present(years)

    def evaluate(self, crit: Criterion, list_year: int, options: Options) -> _Evaluation:
        years = data_years(crit.timing, crit.window, list_year, options)
        # A missing year makes the average unknown: never average over fewer years than the law.
        value = self.panel.block(crit.indicator, years).mean(axis=1)
        n = self.panel.n
        if crit.reference == "absolute":
            reference = np.full(n, np.nan)
            threshold = np.full(n, crit.threshold)
        else:
            ref_years = years if options.reference_averaging == "like_criterion" else years[-1:]
            reference = self.refs.averaged(crit.indicator, crit.reference, ref_years)
            threshold = crit.threshold * reference
        if crit.indicator in SHARE_COUNTS:
            den = self.panel.block(SHARE_COUNTS[crit.indicator][1], years)
            with np.errstate(divide="ignore", invalid="ignore"):
                inv = np.where(den > 0, 1.0 / den, np.nan)
                scale = 1.0 / inv.mean(axis=1)
            unit = "share"
        else:
            scale = np.ones(n)
            unit = "dkk"
        return _Evaluation(value, threshold, reference, scale, unit, _span(years))


class _ListValueSource:
    """Layout (b): criterion values per list year, already averaged; scored as given."""

    kind = "criterion_values"

    def __init__(self, values: pd.DataFrame, area_index: pd.Index) -> None:
        cols = ["residents", *LIST_VALUE_COLUMNS.values()]
        self.panel = _Panel(values, area_index, "list_year", cols)

    def covers(self, list_year: int, options: Options) -> bool:
        return bool(self.panel.present(np.array([list_year])).any())

    def residents(self, list_year: int, options: Options) -> np.ndarray:
        return self.panel.block("residents", np.array([list_year]))[:, 0]

    def present(self, years: np.ndarray) -> np.ndarray:
        return self.panel.present(years)

    def evaluate(self, crit: Criterion, list_year: int, options: Options) -> _Evaluation:
        n = self.panel.n
        column = LIST_VALUE_COLUMNS.get((crit.indicator, crit.reference))
        if column is None:
            # e.g. the absolute crime threshold of 2010/2013: layout (b) has only the ratio.
            value = np.full(n, np.nan)
        else:
            value = self.panel.block(column, np.array([list_year]))[:, 0]
        unit = {"national": "ratio_to_national", "regional": "ratio_to_region"}.get(
            crit.reference, "share"
        )
        return _Evaluation(
            value,
            np.full(n, crit.threshold),
            np.full(n, np.nan if crit.reference == "absolute" else 1.0),
            np.full(n, np.nan),
            unit,
            f"list values {list_year}",
        )


# --- comparing ---------------------------------------------------------------------------------


@dataclass
class _Scored:
    """A criterion compared with its threshold, for every area of one list year."""

    classification: str
    role: str
    criterion: Criterion
    ev: _Evaluation
    value: np.ndarray
    margin: np.ndarray
    met: _Tri

    @property
    def persons(self) -> np.ndarray:
        return self.margin * self.ev.scale


def compare(
    value: np.ndarray,
    threshold: np.ndarray,
    operator: str,
    *,
    rounding: int | None = None,
    unit: str = "share",
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compare ``value`` with ``threshold`` under the law's ``operator``.

    Returns ``(value_used, margin, is_met)`` where ``is_met`` is a float array (1.0, 0.0, NaN
    for unknown). The margin is signed, positive when the criterion is met and exactly zero
    at the threshold.
    """
    if rounding is not None:
        f = _UNIT_SCALE[unit]
        value = np.round(value * f, rounding) / f
    sign = -1.0 if operator == "mindre end" else 1.0
    margin = sign * (value - threshold)
    tol = _REL_TOL * np.maximum(np.abs(threshold), np.abs(value))
    with np.errstate(invalid="ignore"):
        margin = np.where(np.abs(margin) <= tol, 0.0, margin)
        met = margin >= 0 if operator == "mindst" else margin > 0
    known = ~np.isnan(margin)
    return value, margin, np.where(known, met.astype(float), np.nan)


def _score_criterion(
    source, cl_id: str, role: str, crit: Criterion, list_year: int, options: Options
) -> _Scored:
    ev = source.evaluate(crit, list_year, options)
    value, margin, met = compare(
        ev.value, ev.threshold, crit.operator, rounding=options.rounding, unit=ev.unit
    )
    known = ~np.isnan(met)
    return _Scored(cl_id, role, crit, ev, value, margin, _Tri.of(met == 1.0, known))


@dataclass
class _Year:
    """Everything decided for one list year under one rule set (before consecutive rules)."""

    list_year: int
    rules: RuleSet
    source_kind: str
    present: np.ndarray
    residents: np.ndarray
    listable: _Tri
    scored: list[_Scored]
    n_met: dict[str, np.ndarray]
    n_unknown: dict[str, np.ndarray]
    classes: dict[str, _Tri]
    categories: dict[str, _Tri] = field(default_factory=dict)
    kombineret: _Tri | None = None


def _score_year(source, rules: RuleSet, list_year: int, options: Options) -> _Year:
    scored: list[_Scored] = []
    n_met: dict[str, np.ndarray] = {}
    n_unknown: dict[str, np.ndarray] = {}
    classes: dict[str, _Tri] = {}
    fed: list[np.ndarray] = []
    for cl in rules.classifications:
        parts = [
            _score_criterion(source, cl.id, cl.role, c, list_year, options) for c in cl.criteria
        ]
        scored.extend(parts)
        met = np.sum([p.met.yes for p in parts], axis=0)
        unknown = np.sum([~(p.met.yes | p.met.no) for p in parts], axis=0)
        n_met[cl.id], n_unknown[cl.id] = met, unknown
        classes[cl.id] = _Tri(met >= cl.min_met, met + unknown < cl.min_met)
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
    )
    year = _Year(
        list_year,
        rules,
        source.kind,
        present,
        residents,
        _Tri.of(is_listable == 1.0, ~np.isnan(is_listable)),
        scored,
        n_met,
        n_unknown,
        classes,
    )
    for cat in rules.categories:
        if cat.consecutive is None:
            year.categories[cat.id] = _all_of(cat, classes, len(residents))
    if rules.kombineret_udlejning is not None:
        year.kombineret = _kombineret(source, rules, list_year, options, residents, year.listable)
    return year


def _all_of(cat: Category, classes: dict[str, _Tri], n: int) -> _Tri:
    out = _Tri.const(True, n)
    for cid in cat.all_of:
        out = out & classes[cid]
    return out


def _kombineret(
    source, rules: RuleSet, list_year: int, options: Options, residents: np.ndarray, listable: _Tri
) -> _Tri:
    k = rules.kombineret_udlejning
    assert k is not None
    out = _Tri.const(False, len(residents))
    for tier in k.tiers:
        crit = Criterion(
            "employment",
            k.indicator,
            tier.operator,
            tier.threshold,
            "absolute",
            k.timing,
            k.window,
            k.citation,
        )
        ev = source.evaluate(crit, list_year, options)
        _, _, met = compare(ev.value, ev.threshold, tier.operator, rounding=options.rounding)
        _, _, big = compare(
            residents, np.full_like(residents, tier.min_residents), "mindst", unit="dkk"
        )
        out = out | (_Tri.of(met == 1.0, ~np.isnan(met)) & _Tri.of(big == 1.0, ~np.isnan(big)))
    return out & listable


# --- published memberships ---------------------------------------------------------------------


class _Published:
    """Published list memberships: which years a set of categories covers, and who was on them."""

    def __init__(self, memberships: pd.DataFrame | None, area_index: pd.Index) -> None:
        self.area_index = area_index
        if memberships is None or memberships.empty:
            self.df = pd.DataFrame(
                {
                    "code": pd.Series(dtype=int),
                    "list_year": pd.Series(dtype=int),
                    "category": pd.Series(dtype=str),
                }
            )
        else:
            self.df = pd.DataFrame(
                {
                    "code": area_index.get_indexer(memberships["area_id"]),
                    "list_year": memberships["list_year"].astype(int).to_numpy(),
                    "category": memberships["category"].astype(str).to_numpy(),
                }
            )

    def on_list(self, categories: Sequence[str], year: int) -> tuple[bool, np.ndarray]:
        """Return (whether the lists of ``year`` cover any of ``categories``, who was on one)."""
        rows = self.df[(self.df["list_year"] == year) & self.df["category"].isin(categories)]
        member = np.zeros(len(self.area_index), bool)
        if rows.empty:
            return False, member
        codes = rows["code"].to_numpy()
        member[codes[codes >= 0]] = True
        return True, member


# --- the public result -------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`.

    ``areas``: one row per area and list year; ``criteria``: one row per area, list year,
    classification and criterion; ``history``: one row per area, list year, consecutive-years
    category and counted year (``source`` is ``"published"`` or ``"computed"``).
    """

    areas: pd.DataFrame
    criteria: pd.DataFrame
    history: pd.DataFrame
    options: Options
    rules: tuple[str, ...]

    def _repr_html_(self) -> str:
        """Jupyter: categories and met criteria as coloured tables (:mod:`boligmonitor.display`)."""
        from boligmonitor.display import assessment_html

        return assessment_html(self)


AREA_KEY = ["area_id", "list_year"]


def _resolve_rules(rules: RuleSet | str | Path | None) -> RuleSet | None:
    if rules is None or isinstance(rules, RuleSet):
        return rules
    return load_rules(rules)


def assess(
    indicators: pd.DataFrame | None = None,
    references: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    criterion_values: pd.DataFrame | None = None,
    list_years: Iterable[int] | None = None,
    rules: RuleSet | str | Path | None = None,
    options: Options | None = None,
    explain: bool = True,
) -> Assessment:
    """Score every area in every list year under the law of that year.

    Parameters
    ----------
    indicators:
        Layout (a): yearly indicators per area. Averaged over each criterion's window.
    references:
        Layout (c): national and regional reference values (convicted share, mean income) with
        their source. Needed for the relative thresholds of 2013 (income) and 2018+ (crime,
        income); without them those criteria are unknown.
    memberships:
        Layout (d): the published lists, used for the consecutive-years rules where they cover
        a year (option ``history``).
    criterion_values:
        Layout (b): criterion values per list year, already averaged; scored without averaging.
        For a list year it covers it is used instead of ``indicators``.
    list_years:
        The list years to score. Default: every list year the data can feed that a rule set
        governs.
    rules:
        A :class:`~boligmonitor.rules.RuleSet`, a bundled id (``"2018"``) or a path to a rule
        file. Default: the bundled rule set governing each list year. An explicit rule set is
        applied to every requested list year; earlier years counted by a consecutive-years rule
        use it where it governs them and the bundled rule set otherwise.
    options:
        The readings of the unsettled points (:class:`~boligmonitor.options.Options`).
    explain:
        Whether to add the Danish and English explanations to ``areas``.
    """
    options = options or Options()
    explicit = _resolve_rules(rules)
    if indicators is None and criterion_values is None:
        raise RuleSetError("nothing to score: give indicators (layout a) or criterion_values (b)")
    frames = [f for f in (indicators, criterion_values) if f is not None]
    identity = _identity(frames)
    area_index = pd.Index(identity["area_id"].to_numpy())
    regions = identity["region"].astype(str).to_numpy()
    sources = []
    if criterion_values is not None:
        sources.append(_ListValueSource(criterion_values, area_index))
    if indicators is not None:
        sources.append(_IndicatorSource(indicators, references, area_index, regions))

    def source_for(year: int):
        for s in sources:
            if s.covers(year, options):
                return s
        return sources[-1]

    def rules_for(year: int, requested: bool) -> RuleSet | None:
        if explicit is not None and (requested or year in explicit.list_years):
            return explicit
        return governing_rules(year)

    if list_years is None:
        span = set()
        for s in sources:
            for y in range(s.panel.y0, s.panel.y0 + s.panel.m + options.annual_lag + 1):
                if s.covers(y, options) and rules_for(y, True) is not None:
                    span.add(y)
        years = sorted(span)
    else:
        years = sorted({int(y) for y in list_years})
    for y in years:
        if rules_for(y, True) is None:
            raise RuleSetError(f"no rule set governs list year {y}; give one with rules=")

    scored = {y: _score_year(source_for(y), rules_for(y, True), y, options) for y in years}
    published = _Published(memberships, area_index)
    history_cache: dict[int, _Year | None] = {}

    def past(year: int) -> _Year | None:
        if year in scored:
            return scored[year]
        if year not in history_cache:
            r = rules_for(year, False)
            history_cache[year] = (
                None if r is None else _score_year(source_for(year), r, year, options)
            )
        return history_cache[year]

    history_rows = []
    consecutive_info: dict[int, tuple[str, list[int], list[int], np.ndarray]] = {}
    for y, yr in scored.items():
        for cat in yr.rules.categories:
            if cat.consecutive is None:
                continue
            tri, rows, pub, comp, run = _consecutive(cat, yr, published, past, options)
            yr.categories[cat.id] = tri
            history_rows.append(rows)
            consecutive_info[y] = (cat.id, pub, comp, run)

    areas = _areas_table(scored, identity, options, consecutive_info, explain)
    criteria = _criteria_table(scored, identity)
    history = _empty_history()
    if history_rows:
        history = pd.concat(history_rows, ignore_index=True)
        history.insert(
            0,
            "area_id",
            pd.Categorical.from_codes(
                history["area_idx"].to_numpy(), pd.Index(identity["area_id"].to_numpy())
            ),
        )
        history = history.drop(columns="area_idx")
    return Assessment(
        areas,
        criteria,
        history,
        options,
        tuple(dict.fromkeys(yr.rules.id for yr in scored.values())),
    )


def _identity(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One row per area: the latest name, municipality and region it is known under."""
    parts = []
    for f in frames:
        t = "year" if "year" in f.columns else "list_year"
        parts.append(
            f[["area_id", "area_name", "municipality", "region", t]].rename(columns={t: "_t"})
        )
    ident = pd.concat(parts, ignore_index=True).sort_values(["area_id", "_t"], kind="stable")
    ident = ident.drop_duplicates("area_id", keep="last").drop(columns="_t")
    return ident.reset_index(drop=True)


def _consecutive(cat: Category, yr: _Year, published: _Published, past, options: Options):
    """Decide a consecutive-years category in ``yr``: the base category in the list year and
    membership (published or computed) in each of the years before that the rule counts."""
    rule = cat.consecutive
    assert rule is not None
    k = rule.years_for(yr.list_year)
    n = len(yr.residents)
    statuses: list[tuple[int, _Tri, str]] = [
        (yr.list_year, yr.categories[rule.category], HISTORY_COMPUTED)
    ]
    for year in range(yr.list_year - 1, yr.list_year - k, -1):
        covered, member = (
            published.on_list(rule.counts_as, year)
            if options.history == HISTORY_PUBLISHED
            else (False, None)
        )
        if covered:
            statuses.append((year, _Tri.of(member, np.ones(n, bool)), HISTORY_PUBLISHED))
            continue
        p = past(year)
        if p is None:
            statuses.append((year, _Tri.unknown(n), HISTORY_COMPUTED))
            continue
        held = _Tri.const(False, n)
        found = False
        for c in p.rules.categories:
            if c.id in rule.counts_as and c.consecutive is None:
                held = held | p.categories[c.id]
                found = True
        if not found:
            held = _Tri.unknown(n)
        statuses.append((year, held, HISTORY_COMPUTED))
    tri = _Tri.const(True, n)
    run = np.zeros(n, int)
    going = np.ones(n, bool)
    for _, t, _ in statuses:
        tri = tri & t
        going &= t.yes
        run += going
    k_years = len(statuses)
    sources = [s[2] for s in statuses]
    yes = np.concatenate([s[1].yes for s in statuses])
    unknown = np.concatenate([~(s[1].yes | s[1].no) for s in statuses])
    rows = pd.DataFrame(
        {
            "area_idx": np.tile(np.arange(n), k_years),
            "list_year": np.full(n * k_years, yr.list_year, dtype=np.int64),
            "category": pd.Categorical.from_codes(np.zeros(n * k_years, int), [cat.id]),
            "counts_as": pd.Categorical.from_codes(
                np.zeros(n * k_years, int), [",".join(rule.counts_as)]
            ),
            "year": np.repeat([s[0] for s in statuses], n).astype(np.int64),
            "is_member": pd.arrays.BooleanArray(yes, unknown),
            "source": pd.Categorical.from_codes(
                np.repeat([[HISTORY_PUBLISHED, HISTORY_COMPUTED].index(x) for x in sources], n),
                [HISTORY_PUBLISHED, HISTORY_COMPUTED],
            ),
        }
    )
    rows = rows[np.tile(yr.present, len(statuses))]
    pub = sorted(s[0] for s in statuses if s[2] == HISTORY_PUBLISHED)
    comp = sorted(s[0] for s in statuses if s[2] == HISTORY_COMPUTED)
    return tri, rows, pub, comp, run


def _empty_history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": pd.Series(dtype=str),
            "list_year": pd.Series(dtype="int64"),
            "category": pd.Series(dtype=str),
            "counts_as": pd.Series(dtype=str),
            "year": pd.Series(dtype="int64"),
            "is_member": pd.Series(dtype="boolean"),
            "source": pd.Series(dtype=str),
        }
    )


def _most_severe(yr: _Year, rows: np.ndarray) -> np.ndarray:
    """The most severe category held; 'undetermined' where a more severe one might be held."""
    out = np.full(rows.sum(), "none", dtype=object)
    decided = np.zeros(rows.sum(), bool)
    for cat in sorted(yr.rules.categories, key=lambda c: -c.severity):
        t = yr.categories[cat.id]
        yes, no = t.yes[rows], t.no[rows]
        out[~decided & yes] = cat.id
        out[~decided & ~yes & ~no] = "undetermined"
        decided |= ~no
    return out


class _Columns:
    """Column parts gathered per list year and joined once: text that is constant within a list
    year becomes a categorical, booleans and counts become nullable arrays."""

    def __init__(self) -> None:
        self.parts: dict[str, list[tuple]] = {}

    def const(self, name: str, value: str, n: int) -> None:
        self.parts.setdefault(name, []).append(("const", value, n))

    def array(self, name: str, values: np.ndarray) -> None:
        self.parts.setdefault(name, []).append(("array", values))

    def tri(self, name: str, tri: _Tri | None, rows: np.ndarray) -> None:
        n = int(rows.sum())
        if tri is None:  # the regime has no such condition: unknown, not false
            yes, no = np.zeros(n, bool), np.zeros(n, bool)
        else:
            yes, no = tri.yes[rows], tri.no[rows]
        self.parts.setdefault(name, []).append(("tri", yes, no))

    def ints(self, name: str, values: np.ndarray | None, n: int) -> None:
        if values is None:
            values, mask = np.zeros(n, np.int64), np.ones(n, bool)
        else:
            mask = np.zeros(n, bool)
        self.parts.setdefault(name, []).append(("ints", values.astype(np.int64), mask))

    def build(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, parts in self.parts.items():
            kind = parts[0][0]
            if kind == "const":
                cats = list(dict.fromkeys(p[1] for p in parts))
                codes = np.repeat([cats.index(p[1]) for p in parts], [p[2] for p in parts])
                out[name] = pd.Categorical.from_codes(codes, categories=cats)
            elif kind == "array":
                out[name] = np.concatenate([p[1] for p in parts])
            elif kind == "tri":
                yes = np.concatenate([p[1] for p in parts])
                no = np.concatenate([p[2] for p in parts])
                out[name] = pd.arrays.BooleanArray(yes, ~(yes | no))
            else:
                out[name] = pd.arrays.IntegerArray(
                    np.concatenate([p[1] for p in parts]), np.concatenate([p[2] for p in parts])
                )
        return out


def _areas_table(
    scored: dict[int, _Year],
    identity: pd.DataFrame,
    options: Options,
    consecutive_info,
    explain: bool,
) -> pd.DataFrame:
    class_ids = list(
        dict.fromkeys(
            c.id for yr in scored.values() for c in yr.rules.classifications if c.role == "criteria"
        )
    )
    cols = _Columns()
    area_idx = []
    explanations: dict[str, list] = {}
    for y, yr in scored.items():
        rows = yr.present
        idx = np.flatnonzero(rows)
        n = len(idx)
        area_idx.append(idx)
        primary = yr.rules.classification(yr.rules.primary_classification)
        cols.array("list_year", np.full(n, y, dtype=np.int64))
        cols.const("rules", yr.rules.id, n)
        cols.const("source", yr.source_kind, n)
        cols.array("residents", yr.residents[rows])
        cols.tri("is_listable", yr.listable, rows)
        cols.array("n_criteria_met", yr.n_met[primary.id][rows].astype(np.int64))
        cols.array("n_criteria_unknown", yr.n_unknown[primary.id][rows].astype(np.int64))
        cols.array("n_criteria", np.full(n, len(primary.criteria), dtype=np.int64))
        cols.array("min_criteria_met", np.full(n, primary.min_met, dtype=np.int64))
        for cat in CATEGORY_IDS:
            tri = yr.categories.get(cat)
            # A category the regime does not have is not held (an area cannot be on a list
            # that did not exist), which is false rather than undetermined.
            cols.tri(f"is_{cat}", tri if tri is not None else _Tri.const(False, len(rows)), rows)
        category = _most_severe(yr, rows)
        cols.array("category", category)
        for cid in class_ids:
            vals = yr.n_met.get(cid)
            cols.ints(f"n_met_{cid}", None if vals is None else vals[rows], n)
        cols.tri("is_kombineret_udlejning", yr.kombineret, rows)
        info = consecutive_info.get(y)
        cols.const("consecutive_category", info[0] if info else "", n)
        cols.ints("n_consecutive_years", info[3][rows] if info else None, n)
        cols.const("history_published_years", _span(info[1]) if info else "", n)
        cols.const("history_computed_years", _span(info[2]) if info else "", n)
        cols.const(
            "data_years",
            "; ".join(dict.fromkeys(f"{s.criterion.id}: {s.ev.data_years}" for s in yr.scored)),
            n,
        )
        cols.const("options", options.describe(), n)
        if explain:
            from boligmonitor.explain import explain_year

            names = identity["area_name"].to_numpy(dtype=object)[idx]
            for lang in ("da", "en"):
                explanations.setdefault(f"explanation_{lang}", []).append(
                    explain_year(yr, rows, names, category, lang)
                )
    idx_all = np.concatenate(area_idx) if area_idx else np.zeros(0, np.int64)
    out: dict[str, object] = {}
    for col in ("area_id", "area_name", "municipality", "region"):
        codes, uniques = pd.factorize(identity[col].to_numpy(dtype=object))
        out[col] = pd.Categorical.from_codes(codes[idx_all], categories=pd.Index(uniques))
    built = cols.build()
    if "category" in built:
        built["category"] = pd.Categorical(built["category"])
    out.update(built)
    if explanations:
        from boligmonitor.explain import text_column

        # Arrow text, joined without a detour through Python strings.
        out.update({name: text_column(parts) for name, parts in explanations.items()})
    return pd.DataFrame(out)


def _sub(tri: _Tri, rows: np.ndarray) -> pd.arrays.BooleanArray:
    yes, no = tri.yes[rows], tri.no[rows]
    return pd.arrays.BooleanArray(yes.copy(), ~(yes | no))


# The criteria table's columns, in order. ``_CRITERION_ARRAYS`` vary per area; the others are
# one value per list year and criterion, stored as categoricals.
CRITERIA_COLUMNS = (
    "area_id", "area_name", "list_year", "rules", "classification", "role", "criterion",
    "indicator", "value", "threshold", "operator", "operator_symbol", "is_met", "margin",
    "persons_to_threshold", "reference", "reference_value", "unit", "data_years", "citation",
)
_CRITERION_ARRAYS = ("value", "threshold", "reference_value", "margin", "persons_to_threshold")


def _criterion_arrays(s: _Scored, idx: np.ndarray) -> dict[str, np.ndarray]:
    return {
        "value": s.value[idx],
        "threshold": s.ev.threshold[idx],
        "reference_value": s.ev.reference_value[idx],
        "margin": s.margin[idx],
        "persons_to_threshold": s.persons[idx],
    }


def _criterion_constants(yr: _Year, s: _Scored) -> dict[str, object]:
    c = s.criterion
    return {
        "rules": yr.rules.id, "classification": s.classification, "role": s.role,
        "criterion": c.id, "indicator": c.indicator, "operator": c.operator,
        "operator_symbol": c.symbol, "reference": c.reference, "unit": s.ev.unit,
        "data_years": s.ev.data_years, "citation": c.citation,
    }


def _criteria_table(scored: dict[int, _Year], identity: pd.DataFrame) -> pd.DataFrame:
    area_idx: list[np.ndarray] = []
    years: list[np.ndarray] = []
    yes: list[np.ndarray] = []
    no: list[np.ndarray] = []
    arrays: dict[str, list[np.ndarray]] = {name: [] for name in _CRITERION_ARRAYS}
    constants: dict[str, list[object]] = {}
    block_sizes: list[int] = []
    for y, yr in scored.items():
        idx = np.flatnonzero(yr.present)
        for s in yr.scored:
            area_idx.append(idx)
            years.append(np.full(len(idx), y, dtype=np.int64))
            yes.append(s.met.yes[idx])
            no.append(s.met.no[idx])
            for name, values in _criterion_arrays(s, idx).items():
                arrays[name].append(values)
            for name, value in _criterion_constants(yr, s).items():
                constants.setdefault(name, []).append(value)
            block_sizes.append(len(idx))
    if not area_idx:
        return pd.DataFrame(columns=["area_id", "list_year", "classification", "criterion"])
    all_idx = np.concatenate(area_idx)
    y_all, n_all = np.concatenate(yes), np.concatenate(no)
    out: dict[str, object] = {
        "area_id": pd.Categorical.from_codes(
            all_idx, categories=pd.Index(identity["area_id"].to_numpy())),
        "area_name": pd.Categorical.from_codes(
            *_codes(identity["area_name"].to_numpy(), all_idx)),
        "list_year": np.concatenate(years),
        "is_met": pd.arrays.BooleanArray(y_all, ~(y_all | n_all)),
    }
    out.update({name: np.concatenate(parts) for name, parts in arrays.items()})
    for name, labels in constants.items():
        cats = list(dict.fromkeys(labels))
        codes = np.repeat([cats.index(v) for v in labels], block_sizes)
        out[name] = pd.Categorical.from_codes(codes, categories=cats)
    return pd.DataFrame(out)[list(CRITERIA_COLUMNS)]


def _codes(values: np.ndarray, idx: np.ndarray) -> tuple[np.ndarray, pd.Index]:
    codes, uniques = pd.factorize(values)
    return codes[idx], pd.Index(uniques)


def summary_lines(result: Assessment, *, is_example: bool = False, lang: str = "da") -> list[str]:
    """Return a short text summary of ``result``: categories counted per list year."""
    from boligmonitor.labels import label

    lines = []
    if is_example:
        lines.append(label("text.example_data_note", lang))
    areas = result.areas
    lines.append(
        f"{len(areas)} {'område-år' if lang == 'da' else 'area-years'}; "
        f"rules {', '.join(result.rules)}; options {result.options.describe()}"
    )
    counts = areas.groupby(["list_year", "category"], observed=True).size()
    for year in sorted(areas["list_year"].unique()):
        parts = [f"{label(f'category.{c}', lang)}: {n}" for c, n in counts.loc[year].items()]
        lines.append(f"{year}: " + ", ".join(parts))
    # Per area: the category of each list year, then the latest year's explanation.
    lines.append("")
    text_col = f"explanation_{lang}"
    for _, rows in areas.sort_values(["area_name", "list_year"]).groupby(
        "area_id", sort=False, observed=True
    ):
        latest = rows.iloc[-1]
        listable = latest["is_listable"]
        flag = (f" ({label('text.cannot_be_listed', lang)})"
                if pd.notna(listable) and not listable else "")
        lines.append(f"{latest['area_name']}{flag}")
        history = ", ".join(
            f"{int(r.list_year)}: {label(f'category.{r.category}', lang)}"
            for r in rows.itertuples()
        )
        lines.append(f"  {history}")
        if text_col in rows.columns:
            lines.append(f"  {latest[text_col]}")
    return lines
