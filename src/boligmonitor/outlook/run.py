"""The outlook's entry point: :func:`outlook` and its result, :class:`Outlook`.

Fit (:mod:`.series`), draw (:mod:`.paths`), change (:mod:`.scenarios`), score through the
engine (:mod:`.probabilities`), summarise (:mod:`.projections`) and say how far to trust it
(:mod:`.calibration`). Areas are drawn and scored in chunks of about :data:`CHUNK_ROWS`
draws, so memory stays bounded whatever the number of areas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from boligmonitor.criteria import (
    IndicatorSource,
    PublishedLists,
    Year,
    data_years,
    resolve_rules,
    score_list_years,
)
from boligmonitor.criteria.stated import StatedReferences
from boligmonitor.errors import BoligmonitorError, RuleSetError, ScenarioError
from boligmonitor.io.published_references import stated_national_averages
from boligmonitor.options import Options
from boligmonitor.outlook.calibration import Calibration, assess_calibration
from boligmonitor.outlook.paths import (
    active_areas,
    draw_areas,
    draw_references,
    last_data_index,
)
from boligmonitor.outlook.probabilities import (
    Tally,
    criteria_table,
    probability_table,
    score_draws,
    tally,
)
from boligmonitor.outlook.projections import (
    area_projections,
    reference_projections,
    threshold_lines,
)
from boligmonitor.outlook.scenarios import BASELINE, Scenario, apply, read_scenario
from boligmonitor.outlook.series import FittedPanel, fit_panel, fit_table
from boligmonitor.rules import RuleSet, governing_rules
from boligmonitor.schemas import NO_LIST
from boligmonitor.validation import validated_frames

YEARS_AHEAD = 5
DEFAULT_DRAWS = 2000
CHUNK_ROWS = 200_000
HISTORY_SHOWN = 10  # observed data years shown before the projections
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class Outlook:
    """The result of :func:`outlook`: tidy tables, one row per thing.

    * ``probabilities``: area, list year, scenario, category: the probability (share of draws);
      every category of the year's rule set and ``none`` (``undetermined`` where data are
      missing), with ``is_calibrated``.
    * ``summary``: area, list year, scenario: the probability of being on any list and the most
      likely category.
    * ``criteria``: area, list year, scenario, classification, criterion: probability met.
    * ``differences``: each scenario against the baseline, per area, list year and category.
    * ``projections``: area, indicator, data year, scenario: observed value or the median and the
      50 % and 80 % prediction intervals, with ``is_calibrated`` for the indicator's intervals.
    * ``references``, ``thresholds``: the national and regional references and each criterion's
      line by data year, with their intervals.
    * ``fit``: the model of each indicator (hyperparameters, observations behind them).
    * ``calibration``: how far to trust it (:class:`~.calibration.Calibration`).
    * ``areas``: each area's name, municipality and region.
    """

    list_years: tuple[int, ...]
    last_data_year: int
    draws: int
    seed: int
    scenarios: tuple[Scenario, ...]
    probabilities: pd.DataFrame
    summary: pd.DataFrame
    criteria: pd.DataFrame
    differences: pd.DataFrame
    projections: pd.DataFrame
    references: pd.DataFrame
    thresholds: pd.DataFrame
    fit: pd.DataFrame
    calibration: Calibration
    options: Options
    rules: tuple[str, ...]
    not_projected: tuple[str, ...] = ()
    areas: pd.DataFrame | None = None  # area_id, area_name, municipality, region

    @property
    def is_calibrated(self) -> bool:
        return self.calibration.is_calibrated

    def notes(self, lang: str = "da") -> list[str]:
        """Whether to trust it, as sentences: the verdict and each reason."""
        return self.calibration.notes(lang)


def _scenarios(items: Iterable[Scenario | str | Path]) -> tuple[Scenario, ...]:
    out = tuple(s if isinstance(s, Scenario) else read_scenario(s) for s in items)
    ids = [s.id for s in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ScenarioError(f"scenarios: two scenarios named {dupes[0]!r} (allowed: one each)")
    return out


def check_seed(seed: object) -> int:
    """``seed`` as the random generators take it: a whole number >= 0, else a clear error."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise BoligmonitorError(f"seed {seed!r}: allowed: a whole number >= 0")
    return int(seed)


def rules_for(explicit: RuleSet | None, year: int, requested: bool = True) -> RuleSet | None:
    """The rule set of ``year``: the explicit one (where it governs, or asked for), else the
    bundled one (as :func:`~boligmonitor.criteria.assess` chooses)."""
    if explicit is not None and (requested or year in explicit.list_years):
        return explicit
    return governing_rules(year)


def _first_data_year(years: list[int], explicit: RuleSet | None, options: Options) -> int:
    first = []
    for y in years:
        rules = rules_for(explicit, y)
        assert rules is not None
        for _, crit in rules.criteria():
            first.append(int(data_years(crit.timing, crit.window, y, options)[0]))
        k = rules.kombineret_udlejning
        if k is not None:
            first.append(int(data_years(k.timing, k.window, y, options)[0]))
    return min(first)


def _history_years(years: list[int], explicit: RuleSet | None) -> list[int]:
    """The earlier list years a consecutive-years rule counts back into."""
    reach = 1
    for y in years:
        rules = rules_for(explicit, y)
        assert rules is not None
        for cat in rules.categories:
            if cat.consecutive is not None:
                reach = max(reach, cat.consecutive.years_for(y))
    first = min(years)
    return [y for y in range(first - reach + 1, first)
            if rules_for(explicit, y, requested=False) is not None]


@dataclass
class Prepared:
    """What every use of the outlook starts from: checked tables, the coming list years, the
    fitted models, the published lists and the earlier years scored once."""

    indicators: pd.DataFrame
    references: pd.DataFrame | None
    years: list[int]
    fitted: FittedPanel
    first: int  # grid index of the first data year a list year asks for
    start: int  # grid index of the first data year kept in the draws
    published: PublishedLists
    history: dict[int, Year]
    rules: RuleSet | None
    options: Options
    last_data_year: int
    stated: StatedReferences | None = None  # references stated per list year (as assess)


def prepare(indicators: pd.DataFrame, references: pd.DataFrame | None = None,
            memberships: pd.DataFrame | None = None, *, list_years: Iterable[int] | None = None,
            draws: int = DEFAULT_DRAWS, rules: RuleSet | str | Path | None = None,
            options: Options | None = None, validate: bool = True,
            stated_references: bool | pd.DataFrame = True) -> Prepared:
    """Check the inputs, choose the list years, fit the models (see :func:`outlook`)."""
    options = options or Options()
    explicit = resolve_rules(rules)
    if indicators is None:
        raise BoligmonitorError("the outlook needs yearly indicators (layout a); published "
                                "criterion values (layout b) cannot be projected")
    if isinstance(draws, bool) or not isinstance(draws, int | np.integer) or draws < 1:
        raise BoligmonitorError(f"draws {draws!r}: allowed: a whole number >= 1")
    if validate:
        indicators, _, references, memberships = validated_frames(
            indicators=indicators, criterion_values=None, references=references,
            memberships=memberships)
    last_list = int(indicators["year"].max()) + options.point_in_time_lag
    years = sorted({int(y) for y in list_years} if list_years is not None
                   else range(last_list + 1, last_list + 1 + YEARS_AHEAD))
    if not years:
        raise BoligmonitorError("no list years to look at")
    for y in years:
        if rules_for(explicit, y) is None:
            raise RuleSetError(
                f"no rule set governs list year {y}; give one (a bundled id or a rule file)")
    until = max(years) - min(options.point_in_time_lag, options.annual_lag)
    fitted = fit_panel(indicators, references, until=until)
    first = max(0, fitted.index(_first_data_year(years, explicit, options)))
    start = max(0, min(first, last_data_index(fitted) - HISTORY_SHOWN + 1))
    published = PublishedLists(memberships, fitted.area_index)
    stated = None
    if stated_references is not False and stated_references is not None:
        stated = StatedReferences(stated_national_averages() if stated_references is True
                                  else stated_references)
    history = _history(indicators, references, fitted, published, years, explicit, options,
                       stated)
    return Prepared(indicators, references, years, fitted, first, start, published, history,
                    explicit, options, int(fitted.years[last_data_index(fitted)]), stated)


def outlook(
    indicators: pd.DataFrame,
    references: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    *,
    list_years: Iterable[int] | None = None,
    scenarios: Sequence[Scenario | str | Path] = (),
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    rules: RuleSet | str | Path | None = None,
    options: Options | None = None,
    validate: bool = True,
    stated_references: bool | pd.DataFrame = True,
) -> Outlook:
    """Project every area's indicators and the probability of each category on each coming list.

    Parameters
    ----------
    indicators, references, memberships:
        Layouts (a), (c) and (d), as for :func:`~boligmonitor.criteria.assess`.
    list_years:
        The coming list years (default: the five after the last list year the data feed).
    scenarios:
        :class:`~.scenarios.Scenario` objects or paths of scenario files (TOML), each compared
        with the baseline on the same draws.
    draws:
        Draws per area (more draws, less Monte Carlo noise: the standard error of a
        probability p is sqrt(p (1 - p) / draws)).
    seed:
        The same seed, data and settings give the same result.
    rules, options, validate, stated_references:
        As for :func:`~boligmonitor.criteria.assess`.

    Raises
    ------
    BoligmonitorError, DataValidationError, RuleSetError, ScenarioError
        Bad draws or seed, bad tables, no rule set for a list year, or a bad scenario.
    """
    seed = check_seed(seed)
    chosen = _scenarios(scenarios)  # a bad scenario file is refused before any work
    prep = prepare(indicators, references, memberships, list_years=list_years, draws=draws,
                   rules=rules, options=options, validate=validate,
                   stated_references=stated_references)
    fitted, years, first, start = prep.fitted, prep.years, prep.first, prep.start
    explicit, options, published, history = prep.rules, prep.options, prep.published, \
        prep.history
    area_ids = fitted.area_index.to_numpy()
    for sc in chosen:
        sc.check_against(area_ids, prep.last_data_year)
    refs = draw_references(fitted, draws, np.random.default_rng([seed, 0]))
    active = np.flatnonzero(active_areas(fitted))
    per_chunk = max(1, CHUNK_ROWS // draws)
    ids = [BASELINE, *(s.id for s in chosen)]
    tallies: dict[str, list[Tally]] = {i: [] for i in ids}
    projections: list[pd.DataFrame] = []
    for ci, lo in enumerate(range(0, len(active), per_chunk)):
        rows = active[lo:lo + per_chunk]
        base = draw_areas(fitted, rows, draws, refs, np.random.default_rng([seed, 1, ci]),
                          start=first)
        for sid, sc in zip(ids, [None, *chosen], strict=True):
            d = apply(sc, base, area_ids, fitted.years[first:])
            scored = score_draws(d, fitted, refs, 0, years, published, history, explicit,
                                 options, prep.stated)
            tallies[sid].append(tally(scored, rows, draws))
            projections.append(area_projections(d, fitted, sid, start))
            del scored, d
    categories = {y: [NO_LIST, *rules_for(explicit, y).category_ids] for y in years}
    calibration = assess_calibration(fitted)
    probs = pd.concat([probability_table(tallies[i], fitted, i, categories) for i in ids],
                      ignore_index=True)
    probs["is_calibrated"] = calibration.is_calibrated
    probs["calibration"] = calibration.status
    crit = pd.concat([criteria_table(tallies[i], fitted, i) for i in ids], ignore_index=True)
    rules_now = rules_for(explicit, max(years))
    proj = pd.concat(projections, ignore_index=True)
    flags = {c: calibration.series_is_calibrated(c) for c in proj["indicator"].unique()}
    proj["is_calibrated"] = proj["indicator"].map(flags).astype(bool)
    return Outlook(
        tuple(years), prep.last_data_year, draws, seed, chosen, probs, summarise(probs), crit,
        differences(probs), proj,
        reference_projections(refs, fitted, start), threshold_lines(refs, fitted, rules_now,
                                                                    start),
        fit_table(fitted), calibration, options,
        tuple(dict.fromkeys(rules_for(explicit, y).id for y in years)),
        tuple(str(a) for a in area_ids[~active_areas(fitted)]),
        fitted.identity.reset_index(drop=True),
    )


def _history(indicators: pd.DataFrame, references: pd.DataFrame | None, fitted: FittedPanel,
             published: PublishedLists, years: list[int], explicit: RuleSet | None,
             options: Options, stated: StatedReferences | None) -> dict[int, Year]:
    """The earlier list years, scored once on the observed data (every draw shares them)."""
    earlier = _history_years(years, explicit)
    if not earlier:
        return {}
    regions = fitted.identity["region"].astype(str).to_numpy()
    observed = IndicatorSource(indicators, references, fitted.area_index, regions, stated)
    return score_list_years([observed], earlier, published, rules=explicit, options=options)


def summarise(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Per area, list year and scenario: the probability of any list, the most likely
    category and its probability."""
    if probabilities.empty:
        return pd.DataFrame()
    key = ["area_id", "area_name", "list_year", "scenario"]
    p = probabilities
    listed = p[~p["category"].isin([NO_LIST, UNDETERMINED])]
    any_list = listed.groupby(key, sort=False)["probability"].sum().rename("probability_listed")
    ordered = p.sort_values([*key, "probability"], ascending=[True] * 4 + [False],
                            kind="stable")
    top = ordered.drop_duplicates(key)[[*key, "category", "probability"]].rename(
        columns={"category": "most_likely", "probability": "probability_most_likely"})
    out = top.merge(any_list.reset_index(), on=key, how="left")
    out["probability_listed"] = out["probability_listed"].fillna(0.0)
    order = p[key].drop_duplicates()
    out = order.merge(out, on=key, how="left")
    flags = p.drop_duplicates(key)[[*key, "is_calibrated", "calibration"]]
    return out.merge(flags, on=key, how="left")


def differences(probabilities: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's probabilities beside the baseline's, and the difference."""
    key = ["area_id", "list_year", "category"]
    base = probabilities[probabilities["scenario"] == BASELINE][[*key, "probability"]]
    other = probabilities[probabilities["scenario"] != BASELINE]
    if other.empty:
        return pd.DataFrame(columns=[*key, "area_name", "scenario", "probability",
                                     "baseline_probability", "difference"])
    out = other.merge(base.rename(columns={"probability": "baseline_probability"}), on=key,
                      how="left")
    out["baseline_probability"] = out["baseline_probability"].fillna(0.0)
    out["difference"] = out["probability"] - out["baseline_probability"]
    return out[["area_id", "area_name", "list_year", "scenario", "category", "probability",
                "baseline_probability", "difference", "is_calibrated"]]
