"""The content of the yearly report, assembled without touching files, the network or the clock.

:func:`build_report` takes a :class:`~boligmonitor.datasets.Dataset` (and the scoring choices) and
returns a :class:`~.content.ReportContent`: every text already in the reader's language, every
number already formatted (by :mod:`boligmonitor.formatting`, the package's one formatter; Danish
by default) *and* kept raw for the spreadsheet,
every value marked as shown, suppressed (disclosure control) or missing. The renderers
(:mod:`.render_html`, :mod:`.render_pdf`, :mod:`.render_xlsx`, :mod:`.render_pptx`) only lay
this content out, so the four files cannot disagree.

Disclosure control is applied here, once, before anything is formatted: the assessment (its
indicator table, criteria, statuses and categories) through
:func:`~boligmonitor.disclosure.disclose`, the early warning through
:func:`~boligmonitor.disclosure.suppress_early_warning`; the charts are drawn from the
suppressed tables, so a suppressed value is a gap there too. No total is ever printed next to a
component.

This module only assembles: the content model lives in :mod:`.content`, the number and label
formatting in :mod:`.formatting`, and each section in :mod:`.sections` (summary, areas, changes,
early warning, method, spreadsheet tables, chart recipes). Charts are kept as recipes
(:class:`~.content.Chart`, a function that returns a matplotlib Figure); turning them into
images is the renderers' job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from boligmonitor import formatting
from boligmonitor.criteria import Assessment
from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import (
    DEFAULT_MIN_CELL,
    disclose,
    suppress_early_warning,
)
from boligmonitor.errors import ReportError
from boligmonitor.labels import catalogue, label
from boligmonitor.options import Options
from boligmonitor.outlook import Scenario
from boligmonitor.report.content import (
    MISSING,
    SUPPRESSED,
    VALUE,
    AreaSection,
    AreaSummary,
    Change,
    Chart,
    CriterionLine,
    Method,
    OutlookSection,
    PlanTargets,
    Published,
    ReportContent,
    RuleText,
    Shown,
    Table,
)
from boligmonitor.report.formatting import show_count, show_value, tri
from boligmonitor.report.sections.areas import area_section
from boligmonitor.report.sections.changes import what_changed
from boligmonitor.report.sections.chart_recipes import (
    area_charts,
    overview_charts,
    plots_module,
)
from boligmonitor.report.sections.early_warning import (
    early_warning,
    warning_flags,
)
from boligmonitor.report.sections.method import method_section
from boligmonitor.report.sections.outlook import DEFAULT_DRAWS as OUTLOOK_DRAWS
from boligmonitor.report.sections.outlook import outlook_section
from boligmonitor.report.sections.published import published_section
from boligmonitor.report.sections.summary import area_summary, resident_mask
from boligmonitor.report.sections.tables import spreadsheet_tables
from boligmonitor.report.sections.targets import plan_targets
from boligmonitor.rules import RuleSet, governing_rules, load_rules

# The content model and the formatters are re-exported: callers import them from here.
__all__ = [
    "DEFAULT_WARNING_MARGIN",
    "MISSING",
    "SUPPRESSED",
    "VALUE",
    "AreaSection",
    "AreaSummary",
    "Change",
    "Chart",
    "CriterionLine",
    "Method",
    "OutlookSection",
    "PlanTargets",
    "Published",
    "ReportContent",
    "RuleText",
    "Shown",
    "Table",
    "build_report",
    "latest_list_year",
    "report_date",
    "show_count",
    "show_value",
]

# How close (relative to the line) an unmet criterion must be for the early-warning flag "close
# to the line". A presentation choice of the report, not law: a named, overridable parameter.
DEFAULT_WARNING_MARGIN = 0.10


def _rules_of(rules: RuleSet | str | None, list_year: int) -> RuleSet | None:
    if isinstance(rules, RuleSet):
        return rules
    if rules is not None:
        return load_rules(rules)
    return governing_rules(list_year)


def latest_list_year(data: Dataset, options: Options | None = None,
                     rules: RuleSet | str | None = None) -> int:
    """Return the latest list year the data allows (the last one :func:`assess` can score)."""
    options = options or Options()
    years: list[int] = []
    if data.criterion_values is not None and len(data.criterion_values):
        years.append(int(data.criterion_values["list_year"].max()))
    if data.indicators is not None and len(data.indicators):
        last = int(data.indicators["year"].max())
        # Point-in-time measures of list year N come from N - lag; yearly ones end at N - lag.
        years.append(min(last + options.point_in_time_lag, last + options.annual_lag))
    if not years:
        raise ReportError("no data to report on: the dataset has no indicators or list values")
    year = max(years)
    if rules is None and governing_rules(year) is None:
        raise ReportError(f"no rule set governs list year {year}; give one with --rules")
    return year


def report_date(data: Dataset, list_year: int, date: str | dt.date | None = None) -> str:
    """Return the report's date as ``YYYY-MM-DD``: the one given, the data's, or the list's.

    Never the clock: without ``date`` and without a ``date`` in the dataset's metadata, the
    date is the list's own date, 1 December of the list year.
    """
    if date is None:
        date = data.metadata.get("date") if data.metadata else None
    if date is None:
        return f"{list_year}-12-01"
    if isinstance(date, dt.date):
        return date.isoformat()
    try:
        return dt.date.fromisoformat(str(date)).isoformat()
    except ValueError:
        raise ReportError(f"report date {date!r} is not a date (allowed: YYYY-MM-DD)") from None



def build_report(
    data: Dataset,
    *,
    list_year: int | None = None,
    rules: RuleSet | str | None = None,
    options: Options | None = None,
    lang: str = "da",
    min_cell: int = DEFAULT_MIN_CELL,
    date: str | dt.date | None = None,
    warning_margin: float = DEFAULT_WARNING_MARGIN,
    assessment: Assessment | None = None,
    validate: bool = True,
    plan_name: str | None = None,
    plan_period: Any = ...,
    targets: pd.DataFrame | None = None,
    outlook: bool = True,
    outlook_draws: int = OUTLOOK_DRAWS,
    outlook_seed: int = 0,
    outlook_scenarios: Sequence[Scenario] = (),
) -> ReportContent:
    """Assemble the report on ``data`` for ``list_year`` (default: the latest the data allows).

    ``assessment`` may be given to reuse a scoring already made with the same data, rules and
    options; otherwise the list year and the year before are scored here. ``validate=False``
    skips the table checks of the scoring for tables already valid (every renderer escapes and
    bounds the texts it places on its own). ``plan_period`` is the plan period the charts shade
    (None for none; default: the charts' own, the example's plan); ``targets`` the plan's own
    targets (area_id, indicator, value, year, direction), reported in a section of their own
    beside the list criteria, with ``plan_name`` in its title. ``outlook``: the section "Udsigt"
    (the coming lists' probabilities, docs/outlook.md) in a report of the latest list year the
    data feed, from ``outlook_draws`` projected futures per area and ``outlook_seed``, with
    each of ``outlook_scenarios`` (:func:`boligmonitor.outlook.read_scenario`) beside the
    baseline.
    """
    if lang not in ("da", "en"):
        raise ReportError(f"unknown language {lang!r} (allowed: da, en)")
    if min_cell < 0:
        raise ReportError(f"min_cell must be >= 0, got {min_cell}")
    options = options or Options()
    ruleset = _rules_of(rules, list_year) if (rules is not None) else None
    if list_year is None:
        list_year = latest_list_year(data, options, ruleset)
    rules_now = ruleset or governing_rules(list_year)
    if rules_now is None:
        raise ReportError(f"no rule set governs list year {list_year}; give one with --rules")
    if assessment is None:
        # Every list year up to N: the charts show the trend across the plan period.
        assessment = data.assess(rules=ruleset, options=options, validate=validate)
    assessment = _until(assessment, list_year)
    areas_all = assessment.areas
    if not (areas_all["list_year"] == list_year).any():
        raise ReportError(f"the data cannot feed list year {list_year}: no area is scored for it")
    date_iso = report_date(data, list_year, date)

    # Disclosure control, once, before anything is formatted: values, statuses, categories.
    disclosed = disclose(assessment, indicators=data.indicators,
                         criterion_values=data.criterion_values, min_cell=min_cell)
    ind_sup = disclosed.indicators
    safe = disclosed.assessment
    areas_all, crit_values, crit_mask = safe.areas, safe.criteria, disclosed.criteria_mask

    tx = {k.split(".", 1)[1]: v[lang] for k, v in catalogue().items() if k.startswith("report.")}
    prev_year = list_year - 1 if (areas_all["list_year"] == list_year - 1).any() else None
    rules_prev = (ruleset or governing_rules(prev_year)) if prev_year is not None else None

    now = areas_all[areas_all["list_year"] == list_year].sort_values("area_name", kind="stable")
    prev = (areas_all[areas_all["list_year"] == prev_year].set_index("area_id")
            if prev_year is not None else pd.DataFrame())
    crit_now = crit_values[crit_values["list_year"] == list_year]
    mask_now = crit_mask.loc[crit_now.index]
    resident_sup = resident_mask(data, ind_sup, list_year, options, min_cell)

    met_now = {
        (str(a), str(c), str(k)): tri(m)
        for a, c, k, m in zip(crit_now["area_id"], crit_now["classification"],
                              crit_now["criterion"], crit_now["is_met"], strict=True)
    }
    cat_now = dict(zip(now["area_id"].astype(str), now["category"].astype(str), strict=True))
    ew = suppress_early_warning(
        early_warning(data, list_year, ruleset, options, validate=validate),
        data.indicators, min_cell)
    warnings = warning_flags(ew, lang, warning_margin, met_now, cat_now)

    summaries: list[AreaSummary] = []
    sections: list[AreaSection] = []
    charts: dict[str, Chart] = {}
    plots = plots_module()
    # Every area of the report: its place among them gives an area its colour in every chart.
    dataset_areas = tuple(dict.fromkeys(areas_all["area_id"].astype(str)))
    for row in now.itertuples(index=False):
        aid = str(row.area_id)
        summary = area_summary(row, prev, prev_year, rules_prev, rules_now,
                               resident_sup.get(aid, False), tuple(warnings.get(aid, ())),
                               lang, tx)
        summaries.append(summary)
        keys = area_charts(plots, safe, aid, str(row.area_name), list_year, lang, charts,
                           data.is_example, tx, ind_sup.values if ind_sup is not None else None,
                           plan_period, ind_sup.mask if ind_sup is not None else None,
                           dataset_areas)
        sections.append(area_section(row, summary, crit_now, mask_now, rules_now, lang, keys))

    overview_keys = overview_charts(plots, safe, list_year, lang, charts, data.is_example, tx,
                                    ew, plan_period)
    plan = plan_targets(targets, ind_sup.values if ind_sup is not None else None,
                        data.criterion_values, plan_name,
                        None if plan_period is ... else plan_period, lang, charts, plots,
                        bool(data.is_example), dataset_areas)
    changes, unchanged = what_changed(crit_values, crit_mask, areas_all, list_year, prev_year,
                                      lang, tx)
    published = published_section(areas_all, list_year, lang, tx, ruleset)
    method = method_section(data, assessment, rules_now, rules_prev, crit_now, list_year,
                            options, min_cell, lang, tx)
    glossary = tuple(
        (label(f"glossary_term.{k.split('.', 1)[1]}", lang), v[lang])
        for k, v in catalogue().items()
        if k.startswith("glossary.") and (data.is_example or k != "glossary.example")
    )
    sheets = spreadsheet_tables(summaries, crit_values, crit_mask, areas_all, list_year, data,
                                ind_sup, options, lang, tx, method, min_cell, published)
    outlook_part: OutlookSection | None = None
    try:
        is_latest = list_year == latest_list_year(data, options, ruleset)
    except ReportError:
        is_latest = False
    if outlook and is_latest:
        outlook_part, outlook_sheet = outlook_section(
            data, rules=ruleset, options=options, lang=lang, tx=tx, min_cell=min_cell,
            charts=charts, plots=plots, draws=outlook_draws, seed=outlook_seed,
            scenarios=outlook_scenarios)
        if outlook_sheet is not None:
            sheets = (*sheets, outlook_sheet)
    example_mark = label("text.example_data", lang)
    example_note = ""
    if data.is_example:
        example_note = (data.metadata.get(f"note_{lang}") or label("text.example_data_note",
                                                                    lang))
    return ReportContent(
        list_year=list_year,
        previous_year=prev_year,
        lang=lang,
        date=date_iso,
        title=tx["title"].format(year=list_year),
        subtitle=tx["subtitle"].format(date=formatting.long_date(date_iso, lang),
                                      rules=rules_now.name_da if lang == "da"
                                      else rules_now.name_en),
        is_example=bool(data.is_example),
        example_mark=example_mark,
        example_note=example_note,
        min_cell=min_cell,
        text=tx,
        summary=tuple(summaries),
        areas=tuple(sections),
        changes=changes,
        unchanged=unchanged,
        published=published,
        method=method,
        glossary=glossary,
        charts=charts,
        overview_chart_keys=overview_keys,
        sheets=sheets + ((plan.sheet or plan.table,) if plan is not None else ()),
        plan=plan,
        outlook=outlook_part,
    )


def _until(a: Assessment, list_year: int) -> Assessment:
    """The assessment without the list years after ``list_year``."""
    def cut(df: pd.DataFrame) -> pd.DataFrame:
        if "list_year" not in df.columns:
            return df
        return df[df["list_year"] <= list_year]

    return Assessment(cut(a.areas), cut(a.criteria), cut(a.history), a.options, a.rules)
