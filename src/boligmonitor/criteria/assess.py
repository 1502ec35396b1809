"""The entry point of the engine: :func:`assess` and its result, :class:`Assessment`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from boligmonitor.criteria.categories import Year, consecutive, run_history, score_year
from boligmonitor.criteria.published import PublishedLists
from boligmonitor.criteria.sources import IndicatorSource, ListValueSource
from boligmonitor.criteria.stated import StatedReferences
from boligmonitor.criteria.tables import areas_table, criteria_table, empty_history
from boligmonitor.errors import RuleSetError
from boligmonitor.io.published_references import stated_national_averages
from boligmonitor.options import Options
from boligmonitor.rules import RuleSet, governing_rules, load_rules
from boligmonitor.validation import validated_frames

AREA_KEY = ["area_id", "list_year"]


@dataclass(frozen=True)
class Assessment:
    """The result of :func:`assess`.

    ``areas``: one row per area and list year; ``criteria``: one row per area, list year,
    classification and criterion; ``history``: one row per area, list year, consecutive-years
    category and counted year (``source`` is ``"published"`` or ``"computed"``).

    The main columns of ``areas``:

    * ``category``: the most severe category the area holds on that list year's lists
      (``none``; ``undetermined`` where missing data could still make it more severe). Every
      category requires at least 1,000 residents: a smaller area has ``none``.
    * ``category_certain`` / ``category_possible``: the most severe category surely held and the
      most severe that could still be held; they differ exactly where ``category`` is
      undetermined.
    * ``category_if_listable``: the category by the criteria alone, as if the area had 1,000
      residents (monitoring for small areas).
    * ``published_category``: the most severe category of the published lists for that list
      year (``none`` if the area was on no list; missing where no published list covers it),
      and ``agrees_with_published``: whether the computed ``category`` is the published one
      (an undetermined category disagrees where the published one lies outside its range,
      ``category_certain`` to ``category_possible``, and is unknown otherwise). A published
      fact never replaces a computed one, nor the other way round.
    """

    areas: pd.DataFrame
    criteria: pd.DataFrame
    history: pd.DataFrame
    options: Options
    rules: tuple[str, ...]


def resolve_rules(rules: RuleSet | str | Path | None) -> RuleSet | None:
    """A rule set from a RuleSet, a bundled id or a path; None stays None."""
    if rules is None or isinstance(rules, RuleSet):
        return rules
    return load_rules(rules)


def identity_table(frames: list[pd.DataFrame]) -> pd.DataFrame:
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


def _stated(stated: bool | pd.DataFrame | None) -> StatedReferences | None:
    if stated is None or stated is False:
        return None
    if stated is True:
        return StatedReferences(stated_national_averages())
    return StatedReferences(stated)


Source = IndicatorSource | ListValueSource


def score_list_years(
    sources: Sequence[Source],
    list_years: Iterable[int],
    published: PublishedLists,
    *,
    rules: RuleSet | None = None,
    options: Options | None = None,
    history: Mapping[int, Year] | None = None,
) -> dict[int, Year]:
    """Score list years without building tables: criteria, categories and consecutive years.

    The core of :func:`assess`, for callers that score many areas many times (the outlook's
    simulated draws) and read the decisions as arrays. ``sources`` are tried in order for each
    year (the first that covers it, else the last); ``rules`` is an explicit rule set (see
    :func:`assess`), else each year's governing rules. Earlier years that a consecutive-years
    rule counts are taken from ``history`` where it holds them (say, years scored once on
    observed data and taken to simulated copies with :meth:`Year.take`), else scored from the
    sources. Returns one :class:`~boligmonitor.criteria.categories.Year` per list year, with
    its consecutive-years runs in ``runs``.

    Raises
    ------
    RuleSetError
        No rule set governs a requested list year.
    """
    options = options or Options()
    history = history or {}

    def source_for(year: int) -> Source:
        for s in sources:
            if s.covers(year, options):
                return s
        return sources[-1]

    def rules_for(year: int, requested: bool) -> RuleSet | None:
        if rules is not None and (requested or year in rules.list_years):
            return rules
        return governing_rules(year)

    years = sorted({int(y) for y in list_years})
    for y in years:
        if rules_for(y, True) is None:
            raise RuleSetError(
                f"no rule set governs list year {y}; give one (a bundled id or a rule file)"
            )
    scored = {y: score_year(source_for(y), rules_for(y, True), y, options) for y in years}
    cache: dict[int, Year | None] = {}

    def past(year: int) -> Year | None:
        if year in scored:
            return scored[year]
        if year in history:
            return history[year]
        if year not in cache:
            r = rules_for(year, False)
            cache[year] = None if r is None else score_year(source_for(year), r, year, options)
        return cache[year]

    for yr in scored.values():
        for cat in yr.rules.categories:
            if cat.consecutive is None:
                continue
            run = consecutive(cat, yr, published, past, options)
            yr.set_category(cat.id, run.conditions)
            yr.runs[cat.id] = run
    return scored


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
    validate: bool = True,
    stated_references: bool | pd.DataFrame = True,
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
        Layout (d): the published lists. Shown beside the computed categories
        (``published_category``) and used for the consecutive-years rules where they cover a
        year (option ``history``). A list year is a whole list unless its rows say
        ``coverage = "partial"``.
    criterion_values:
        Layout (b): criterion values per list year as published; scored without averaging.
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
    validate:
        Check the tables with the same rules as the file readers (default). Tables that come
        from :func:`~boligmonitor.io.readers.read_table` or the processed store are already
        valid; ``validate=False`` skips the second check (for speed, e.g. in simulations).
    stated_references:
        Reference values stated per LIST year (``list_year``, ``scope``, ``indicator``,
        ``value``), used for a relative criterion only where the data give no reference for
        that list year (see :mod:`boligmonitor.criteria.stated`): True (default) the bundled
        published values (:func:`~boligmonitor.io.published_references.published_references`),
        False none, or a table. The criteria table's ``reference_source`` says which was used.

    Raises
    ------
    DataValidationError
        A table breaks its layout's rules: every problem with table, row, column and value.
    RuleSetError
        No rule set governs a requested list year, or there is nothing to score.
    """
    options = options or Options()
    explicit = resolve_rules(rules)
    if indicators is None and criterion_values is None:
        raise RuleSetError("nothing to score: give indicators (layout a) or criterion_values (b)")
    if validate:
        indicators, criterion_values, references, memberships = validated_frames(
            indicators=indicators, criterion_values=criterion_values, references=references,
            memberships=memberships,
        )
    frames = [f for f in (indicators, criterion_values) if f is not None]
    identity = identity_table(frames)
    area_index = pd.Index(identity["area_id"].to_numpy())
    regions = identity["region"].astype(str).to_numpy()
    stated = _stated(stated_references)
    sources = []
    if criterion_values is not None:
        sources.append(ListValueSource(criterion_values, area_index, references, regions,
                                       stated=stated))
    if indicators is not None:
        sources.append(IndicatorSource(indicators, references, area_index, regions,
                                       stated=stated))

    def rules_for(year: int) -> RuleSet | None:
        return explicit if explicit is not None else governing_rules(year)

    if list_years is None:
        span = set()
        for s in sources:
            for y in range(s.panel.y0, s.panel.y0 + s.panel.m + options.annual_lag + 1):
                if s.covers(y, options) and rules_for(y) is not None:
                    span.add(y)
        years = sorted(span)
    else:
        years = sorted({int(y) for y in list_years})
    published = PublishedLists(memberships, area_index)
    scored = score_list_years(sources, years, published, rules=explicit, options=options)
    history_rows = [
        run_history(run, y, yr.present) for y, yr in scored.items() for run in yr.runs.values()
    ]

    areas = areas_table(scored, identity, options, published, explain)
    criteria = criteria_table(scored, identity)
    history = empty_history()
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
