"""The content of the yearly report, assembled without touching files, the network or the clock.

:func:`build_report` takes a :class:`~boligmonitor.datasets.Dataset` (and the scoring choices) and
returns a :class:`ReportContent`: every text already in the reader's language, every number
already formatted (Danish decimal comma by default) *and* kept raw for the spreadsheet, every
value marked as shown, suppressed (disclosure control) or missing. The renderers
(:mod:`.render_html`, :mod:`.render_pdf`, :mod:`.render_xlsx`, :mod:`.render_pptx`) only lay
this content out, so the four files cannot disagree.

Disclosure control is applied here, once, before anything is formatted: the indicator table
through :func:`~boligmonitor.disclosure.suppress_indicators`, the criteria through
:func:`~boligmonitor.disclosure.suppress_criteria`; the charts are drawn from the suppressed
tables, so a suppressed value is a gap there too. No total is ever printed next to a component.

Charts are kept as recipes (:class:`Chart`, a function that returns a matplotlib Figure) made
from the charts module (:mod:`boligmonitor.plots`) where it offers them; turning them into
images is the renderers' job.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from boligmonitor.criteria import Assessment
from boligmonitor.datasets import Dataset
from boligmonitor.disclosure import (
    DEFAULT_MIN_CELL,
    parse_years,
    suppress_criteria,
    suppress_indicators,
    suppress_list_values,
    suppress_warning,
)
from boligmonitor.errors import ReportError
from boligmonitor.labels import catalogue, has_label, label
from boligmonitor.options import Options
from boligmonitor.rules import RuleSet, governing_rules, load_rules

# How close (relative to the line) an unmet criterion must be for the early-warning flag "close
# to the line". A presentation choice of the report, not law: a named, overridable parameter.
DEFAULT_WARNING_MARGIN = 0.10

VALUE, SUPPRESSED, MISSING = "value", "suppressed", "missing"


# --- the content model -------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """One displayed value: its text, its raw number (for the spreadsheet) and its state.

    ``state`` is ``"value"``, ``"suppressed"`` (disclosure control) or ``"missing"``; ``kind``
    tells the spreadsheet its number format (``pct``, ``pct2``, ``pp``, ``dkk``, ``ratio``,
    ``persons``, ``int``, ``text``).
    """

    text: str
    raw: float | str | None = None
    state: str = VALUE
    kind: str = "text"

    @staticmethod
    def of_text(text: Any) -> Shown:
        return Shown("" if text is None else str(text), None if text is None else str(text))


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of one area in the list year, against its line."""

    classification_id: str
    classification: str
    criterion_id: str
    criterion: str
    value: Shown
    operator: str
    threshold: Shown
    reference: Shown
    is_met: bool | None
    status: str
    margin: Shown
    persons: Shown
    data_years: str
    citation: str


@dataclass(frozen=True)
class AreaSummary:
    """One area's line in the summary."""

    area_id: str
    area_name: str
    municipality: str
    category_id: str
    category: str
    n_met: int
    n_criteria: int
    criteria_met: str
    residents: Shown
    is_listable: bool | None
    listable_note: str
    direction_id: str
    direction: str
    warnings: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class AreaSection:
    """One area's page: its summary, its criteria against the lines, the explanation, charts."""

    summary: AreaSummary
    lines: tuple[CriterionLine, ...]
    explanation: str
    chart_keys: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """What changed for one area since last year's list, and why."""

    area_id: str
    area_name: str
    before: str
    after: str
    is_category_change: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """A chart recipe: ``make()`` returns a matplotlib Figure; rendered once per report."""

    key: str
    title: str
    make: Callable[[], Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    """A plain table of shown values with its column headings (method tables, sheets)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Shown, ...], ...]
    key: str = ""


@dataclass(frozen=True)
class RuleText:
    """One rule set as described in the method section."""

    id: str
    name: str
    law: str
    note: str
    list_years: str
    citations: Table


@dataclass(frozen=True)
class Method:
    rules: tuple[RuleText, ...]
    options: Table
    data_years: Table
    references: Table
    sources: Table
    disclosure: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the four files say, in one language, for one list year."""

    list_year: int
    previous_year: int | None
    lang: str
    date: str
    title: str
    subtitle: str
    is_example: bool
    example_mark: str
    example_note: str
    min_cell: int
    text: dict[str, str]
    summary: tuple[AreaSummary, ...]
    areas: tuple[AreaSection, ...]
    changes: tuple[Change, ...]
    unchanged: tuple[str, ...]
    method: Method
    glossary: tuple[tuple[str, str], ...]
    charts: dict[str, Chart]
    overview_chart_keys: tuple[str, ...]
    sheets: tuple[Table, ...]

    def t(self, key: str) -> str:
        """Return the report text ``key`` (group ``report``) in the report's language."""
        return self.text[key]


# --- formatting --------------------------------------------------------------------------------


def fmt_number(x: float, decimals: int, lang: str, *, sign: bool = False) -> str:
    """Format ``x`` with thousands separators; Danish uses ``.`` and ``,`` the other way round.

    Examples
    --------
    >>> fmt_number(1234567.891, 1, "da")
    '1.234.567,9'
    >>> fmt_number(-0.5, 2, "en", sign=True)
    '-0.50'
    >>> fmt_number(0.5, 1, "da", sign=True)
    '+0,5'
    """
    txt = f"{x:{'+' if sign else ''},.{decimals}f}"
    if lang == "da":
        txt = txt.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return txt


def _is_nan(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _mark(state: str, lang: str, kind: str) -> Shown:
    key = "text.suppressed" if state == SUPPRESSED else "text.missing"
    return Shown(label(key, lang), None, state, kind)


def _share_decimals(threshold: float) -> int:
    # Small shares (the convicted share) need a second decimal to show the distance to the line.
    return 2 if abs(threshold) < 0.1 else 1


def show_value(x: Any, unit: str, lang: str, *, decimals: int = 1, suppressed: bool = False,
               margin: bool = False) -> Shown:
    """Format a criterion value (or, with ``margin``, a signed distance) in its display unit."""
    if suppressed:
        return _mark(SUPPRESSED, lang, "text")
    if _is_nan(x):
        return _mark(MISSING, lang, "text")
    x = float(x)
    if unit in ("share", "ratio_to_region"):
        suffix = " " + label("report.unit_pp", lang) if margin else " %"
        if unit == "ratio_to_region" and not margin:
            suffix = " " + label("explanation.of_regional", lang)
        kind = "pp" if margin else ("pct2" if decimals == 2 else "pct")
        return Shown(fmt_number(100 * x, decimals, lang, sign=margin) + suffix, x, VALUE, kind)
    if unit == "ratio_to_national":
        return Shown(fmt_number(x, 2, lang, sign=margin) + " ×", x, VALUE, "ratio")
    if unit == "dkk":
        return Shown(fmt_number(x, 0, lang, sign=margin) + " kr.", x, VALUE, "dkk")
    return Shown(fmt_number(x, decimals, lang, sign=margin), x, VALUE, "ratio")


def show_count(x: Any, lang: str, *, suppressed: bool = False, decimals: int = 0,
               sign: bool = False, kind: str = "int") -> Shown:
    if suppressed:
        return _mark(SUPPRESSED, lang, kind)
    if _is_nan(x):
        return _mark(MISSING, lang, kind)
    return Shown(fmt_number(float(x), decimals, lang, sign=sign), float(x), VALUE, kind)


# --- helpers -----------------------------------------------------------------------------------


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


def _long_date(iso: str, lang: str) -> str:
    d = dt.date.fromisoformat(iso)
    month = label(f"month.m{d.month}", lang)
    return f"{d.day}. {month} {d.year}" if lang == "da" else f"{d.day} {month} {d.year}"


def _cat(cat_id: str, lang: str) -> str:
    key = f"category.{cat_id}"
    return label(key, lang) if has_label(key) else str(cat_id)


def _severity(cat_id: str, rules: RuleSet | None) -> int:
    if rules is None:
        return 0
    for c in rules.categories:
        if c.id == cat_id:
            return c.severity
    return 0


def _tri(x: Any) -> bool | None:
    return None if _is_nan(x) else bool(x)


def _status(is_met: bool | None, lang: str) -> str:
    return label({True: "status.met", False: "status.not_met", None: "status.unknown"}[is_met],
                 lang)


# --- the builder -------------------------------------------------------------------------------


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
) -> ReportContent:
    """Assemble the report on ``data`` for ``list_year`` (default: the latest the data allows).

    ``assessment`` may be given to reuse a scoring already made with the same data, rules and
    options; otherwise the list year and the year before are scored here.
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
        assessment = data.assess(rules=ruleset, options=options)
    assessment = _until(assessment, list_year)
    areas_all = assessment.areas
    if not (areas_all["list_year"] == list_year).any():
        raise ReportError(f"the data cannot feed list year {list_year}: no area is scored for it")
    date_iso = report_date(data, list_year, date)

    # Disclosure control, once, before anything is formatted.
    crit_all = assessment.criteria
    ind_sup = None
    if data.indicators is not None:
        ind_sup = suppress_indicators(data.indicators, min_cell)
        crit_sup = suppress_criteria(crit_all, ind_sup, data.indicators["area_id"])
    else:
        crit_sup = suppress_list_values(crit_all, data.criterion_values, min_cell)
    crit_values = crit_sup.marked()
    crit_mask = crit_sup.mask.reindex(columns=["value", "margin", "persons_to_threshold"],
                                      fill_value=False)
    safe = Assessment(areas_all, crit_values, assessment.history, assessment.options,
                      assessment.rules)

    tx = {k.split(".", 1)[1]: v[lang] for k, v in catalogue().items() if k.startswith("report.")}
    prev_year = list_year - 1 if (areas_all["list_year"] == list_year - 1).any() else None
    rules_prev = (ruleset or governing_rules(prev_year)) if prev_year is not None else None

    now = areas_all[areas_all["list_year"] == list_year].sort_values("area_name", kind="stable")
    prev = (areas_all[areas_all["list_year"] == prev_year].set_index("area_id")
            if prev_year is not None else pd.DataFrame())
    crit_now = crit_values[crit_values["list_year"] == list_year]
    mask_now = crit_mask.loc[crit_now.index]
    resident_sup = _resident_mask(data, ind_sup, list_year, options, min_cell)

    met_now = {
        (str(a), str(c), str(k)): _tri(m)
        for a, c, k, m in zip(crit_now["area_id"], crit_now["classification"],
                              crit_now["criterion"], crit_now["is_met"], strict=True)
    }
    cat_now = dict(zip(now["area_id"].astype(str), now["category"].astype(str), strict=True))
    ew = _warning(data, list_year, ruleset, options)
    warnings = _early_warnings(ew, lang, warning_margin, met_now, cat_now)

    summaries: list[AreaSummary] = []
    sections: list[AreaSection] = []
    charts: dict[str, Chart] = {}
    plots = _plots_module()
    for row in now.itertuples(index=False):
        aid = str(row.area_id)
        cat_id = str(row.category)
        n_met, n_crit = int(row.n_criteria_met), int(row.n_criteria)
        listable = _tri(row.is_listable)
        res_sup = resident_sup.get(aid, False)
        residents = show_count(row.residents, lang, suppressed=res_sup)
        note = label("text.cannot_be_listed", lang) if listable is False else ""
        if aid in prev.index:
            p = prev.loc[aid]
            direction = _direction(str(p["category"]), cat_id, int(p["n_criteria_met"]), n_met,
                                   rules_prev, rules_now)
        else:
            direction = "new"
        met_txt = tx["criteria_met_of"].format(n=n_met, k=n_crit)
        flags = tuple(warnings.get(aid, ()))
        sentence = tx["summary_sentence"].format(
            area=row.area_name, category=_cat(cat_id, lang), met=met_txt,
            direction=label(f"direction.{direction}", lang).lower(),
            previous=prev_year if prev_year is not None else "-",
        )
        summary = AreaSummary(
            aid, str(row.area_name), str(row.municipality), cat_id, _cat(cat_id, lang), n_met,
            n_crit, met_txt, residents, listable, note, direction,
            label(f"direction.{direction}", lang), flags, sentence,
        )
        summaries.append(summary)
        rows = crit_now[crit_now["area_id"].astype(str) == aid]
        rmask = mask_now.loc[rows.index]
        lines = tuple(_line(r, m, lang) for r, m in zip(rows.itertuples(index=False),
                                                       rmask.itertuples(index=False),
                                                       strict=True))
        any_sup = bool(rmask.to_numpy().any()) or res_sup
        explanation = (
            _explanation(summary, lines, rules_now, lang) if any_sup
            else str(getattr(row, f"explanation_{lang}", "") or "")
        )
        keys = _area_charts(plots, safe, aid, str(row.area_name), list_year, lang, charts,
                            data.is_example, tx,
                            ind_sup.values if ind_sup is not None else None)
        sections.append(AreaSection(summary, lines, explanation, keys))

    overview_keys = _overview_charts(plots, safe, list_year, lang, charts, data.is_example, tx,
                                     _safe_warning(ew, ind_sup, data))
    changes, unchanged = _changes(crit_values, crit_mask, areas_all, list_year, prev_year,
                                  lang, tx)
    method = _method(data, assessment, rules_now, rules_prev, crit_now, list_year, options,
                     min_cell, lang, tx)
    glossary = tuple(
        (label(f"glossary_term.{k.split('.', 1)[1]}", lang), v[lang])
        for k, v in catalogue().items()
        if k.startswith("glossary.") and (data.is_example or k != "glossary.example")
    )
    sheets = _sheets(summaries, crit_values, crit_mask, areas_all, list_year, data, ind_sup,
                     options, lang, tx, method, min_cell)
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
        subtitle=tx["subtitle"].format(date=_long_date(date_iso, lang),
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
        method=method,
        glossary=glossary,
        charts=charts,
        overview_chart_keys=overview_keys,
        sheets=sheets,
    )


def _until(a: Assessment, list_year: int) -> Assessment:
    """The assessment without the list years after ``list_year``."""
    def cut(df: pd.DataFrame) -> pd.DataFrame:
        if "list_year" not in df.columns:
            return df
        return df[df["list_year"] <= list_year]

    return Assessment(cut(a.areas), cut(a.criteria), cut(a.history), a.options, a.rules)


def _resident_mask(data: Dataset, ind_sup, list_year: int, options: Options,
                   min_cell: int) -> dict[str, bool]:
    """Whether each area's residents count of the list year is suppressed."""
    out: dict[str, bool] = {}
    if ind_sup is not None and "residents" in ind_sup.mask.columns:
        year = list_year - options.point_in_time_lag
        rows = data.indicators["year"] == year
        for aid, hit in zip(data.indicators.loc[rows, "area_id"].astype(str),
                            ind_sup.mask.loc[rows, "residents"], strict=True):
            out[aid] = bool(hit)
    elif data.criterion_values is not None:
        cv = data.criterion_values
        rows = cv[cv["list_year"] == list_year]
        for aid, r in zip(rows["area_id"].astype(str), rows["residents"], strict=True):
            out[aid] = bool(pd.notna(r) and r < min_cell)
    return out


def _direction(cat_before: str, cat_now: str, n_before: int, n_now: int,
               rules_before: RuleSet | None, rules_now: RuleSet) -> str:
    s0, s1 = _severity(cat_before, rules_before), _severity(cat_now, rules_now)
    if s1 != s0:
        return "worse" if s1 > s0 else "better"
    if n_now != n_before:
        return "worse" if n_now > n_before else "better"
    return "same"


def _line(r, m, lang: str) -> CriterionLine:
    unit = str(r.unit)
    decimals = _share_decimals(float(r.threshold)) if not _is_nan(r.threshold) else 1
    is_met = _tri(r.is_met)
    ref = r.reference_value
    if str(r.reference) == "absolute" or _is_nan(ref):
        reference = Shown("", None, VALUE, "text")
    elif unit == "share":
        reference = show_value(ref, "share", lang, decimals=2)
    else:
        reference = show_value(ref, "dkk" if str(r.reference) == "regional" else unit, lang)
    return CriterionLine(
        classification_id=str(r.classification),
        classification=_classification(str(r.classification), lang),
        criterion_id=str(r.criterion),
        criterion=label(f"criterion.{r.criterion}", lang),
        value=show_value(r.value, unit, lang, decimals=decimals, suppressed=bool(m.value)),
        operator=label(f"operator.{r.operator}", lang),
        threshold=show_value(r.threshold, unit, lang, decimals=decimals),
        reference=reference,
        is_met=is_met,
        status=_status(is_met, lang),
        margin=show_value(r.margin, unit, lang, decimals=decimals, margin=True,
                          suppressed=bool(m.margin)),
        # For income the engine gives the rise in mean income needed, in kroner, not persons.
        persons=(show_value(r.persons_to_threshold, "dkk", lang, margin=True,
                            suppressed=bool(m.persons_to_threshold))
                 if unit == "dkk" else
                 show_count(r.persons_to_threshold, lang, decimals=1, sign=True,
                            suppressed=bool(m.persons_to_threshold), kind="persons")),
        data_years=str(r.data_years),
        citation=str(r.citation),
    )


def _classification(cid: str, lang: str) -> str:
    key = f"classification.{cid}"
    return label(key, lang) if has_label(key) else cid


def _explanation(s: AreaSummary, lines: tuple[CriterionLine, ...], rules: RuleSet,
                 lang: str) -> str:
    """The explanation rebuilt from the shown (suppressed) lines, in the engine's words."""
    primary = rules.primary_classification
    parts = []
    head = label("explanation.criteria_met", lang).format(
        area=s.area_name, n=s.n_met, k=s.n_criteria, classification=_classification(primary, lang))
    items = [
        label("explanation.criterion", lang).format(
            criterion=ln.criterion, value=ln.value.text, operator=ln.operator,
            threshold=ln.threshold.text, status=ln.status)
        for ln in lines if ln.classification_id == primary
    ]
    parts.append(head + ": " + "; ".join(items) + ".")
    gates = [ln for ln in lines if ln.classification_id != primary]
    for ln in gates:
        parts.append(f"{ln.classification}: " + label("explanation.criterion", lang).format(
            criterion=ln.criterion, value=ln.value.text, operator=ln.operator,
            threshold=ln.threshold.text, status=ln.status) + ".")
    if s.is_listable is False:
        parts.append(label("explanation.not_listable", lang))
    parts.append(label("explanation.category", lang).format(category=s.category))
    return " ".join(parts)


def _warning(data: Dataset, list_year: int, ruleset: RuleSet | None, options: Options):
    """The early warning for list year N+1, where the data (layout a) and a rule set allow."""
    if data.indicators is None:
        return None
    if ruleset is None and governing_rules(list_year + 1) is None:
        return None
    return data.early_warning(list_year, rules=ruleset, options=options)


def _safe_warning(ew, ind_sup, data: Dataset):
    """The early warning for the chart, without the numbers of any row fed by a suppressed
    cell (:func:`~boligmonitor.disclosure.suppress_warning`)."""
    if ew is None or ind_sup is None:
        return ew
    import dataclasses

    sup = suppress_warning(ew.boundaries, ind_sup, data.indicators["area_id"])
    return dataclasses.replace(ew, boundaries=sup.values)


def _early_warnings(ew, lang: str, margin: float, met_now: dict, cat_now: dict[str, str],
                    ) -> dict[str, list[str]]:
    """Plain-language flags for next year's list, per area, about criteria not met now and
    categories that would change. Yes/no statements only: the boundaries themselves are
    derived from single data years and may reveal suppressed cells."""
    if ew is None:
        return {}
    nxt = ew.list_year
    out: dict[str, list[str]] = {}
    b = ew.boundaries
    for r in b.itertuples(index=False):
        if _is_nan(r.headroom) or _is_nan(r.boundary):
            continue
        if met_now.get((str(r.area_id), str(r.classification), str(r.criterion))) is not False:
            continue
        crit = label(f"criterion.{r.criterion}", lang)
        cls = _classification(str(r.classification), lang)
        if r.headroom <= 0:
            text = label("warning.would_be_met", lang).format(criterion=crit, classification=cls,
                                                              year=nxt)
        elif r.headroom <= margin * abs(r.boundary):
            text = label("warning.close", lang).format(criterion=crit, classification=cls,
                                                       year=nxt)
        else:
            continue
        out.setdefault(str(r.area_id), []).append(text)
    proj = ew.projection.areas
    for r in proj.itertuples(index=False):
        cat = str(r.category)
        if cat != cat_now.get(str(r.area_id), cat) and cat != "undetermined":
            key = "warning.projected_off" if cat == "none" else "warning.projected"
            out.setdefault(str(r.area_id), []).insert(0, label(key, lang).format(
                category=_cat(cat, lang), year=nxt))
    return out


# --- charts: recipes from the charts module, where it offers them ------------------------------


def _plots_module():
    try:
        from boligmonitor import plots
    except ImportError:  # the charts module is optional for the report's text
        return None
    return plots


def _call(fn: Callable, *args, **kwargs) -> Callable[[], Any]:
    return lambda: fn(*args, **kwargs)


def _area_charts(plots, safe: Assessment, area_id: str, name: str, list_year: int, lang: str,
                 charts: dict[str, Chart], is_example: bool, tx: dict[str, str],
                 indicators: pd.DataFrame | None) -> tuple[str, ...]:
    if plots is None:
        return ()
    keys = []
    n = len(charts)
    dash = getattr(plots, "plot_area_dashboard", None)
    if dash is not None:
        key = f"area{n}-dashboard"
        charts[key] = Chart(key, tx["chart_dashboard"].format(area=name),
                            _call(dash, safe, area_id, lang=lang, is_example=is_example))
        keys.append(key)
    raw = getattr(plots, "plot_raw_vs_averaged", None)
    if raw is not None and indicators is not None:
        key = f"area{n}-raw"
        charts[key] = Chart(key, tx["chart_raw"].format(area=name),
                            _call(raw, safe, indicators, area_id, "employment", lang=lang,
                                  is_example=is_example))
        keys.append(key)
    return tuple(keys)


def _overview_charts(plots, safe: Assessment, list_year: int, lang: str,
                     charts: dict[str, Chart], is_example: bool, tx: dict[str, str],
                     warning) -> tuple[str, ...]:
    if plots is None:
        return ()
    recipes = [
        ("plot_overview", "overview", tx["chart_overview"],
         lambda fn: _call(fn, safe, lang=lang, is_example=is_example)),
        ("plot_margins", "margins", tx["chart_margins"].format(year=list_year),
         lambda fn: _call(fn, safe, list_year, lang=lang, is_example=is_example)),
    ]
    if warning is not None:
        recipes.append(("plot_early_warning", "early_warning",
                        tx["chart_early_warning"].format(year=list_year + 1),
                        lambda fn: _call(fn, warning, lang=lang, is_example=is_example)))
    keys = []
    for name, key, title, make in recipes:
        fn = getattr(plots, name, None)
        if fn is None:
            continue
        charts[key] = Chart(key, title, make(fn))
        keys.append(key)
    return tuple(keys)


# --- what changed ------------------------------------------------------------------------------


def _changes(crit: pd.DataFrame, mask: pd.DataFrame, areas: pd.DataFrame, list_year: int,
             prev_year: int | None, lang: str, tx: dict[str, str]):
    if prev_year is None:
        return (), ()
    a_now = areas[areas["list_year"] == list_year].set_index("area_id")
    a_prev = areas[areas["list_year"] == prev_year].set_index("area_id")
    key = ["area_id", "classification", "criterion"]
    c = crit.assign(is_sup=mask["value"].to_numpy())
    c_now = c[c["list_year"] == list_year]
    c_prev = c[c["list_year"] == prev_year]
    merged = c_now.astype({"area_id": str, "classification": str, "criterion": str}).merge(
        c_prev.astype({"area_id": str, "classification": str, "criterion": str}),
        on=key, suffixes=("", "_prev"))
    changes, unchanged = [], []
    for aid in sorted(a_now.index.astype(str), key=lambda a: str(a_now.loc[a, "area_name"])):
        name = str(a_now.loc[aid, "area_name"])
        after = str(a_now.loc[aid, "category"])
        before = str(a_prev.loc[aid, "category"]) if aid in a_prev.index else ""
        reasons = []
        rows = merged[merged["area_id"] == aid]
        for r in rows.itertuples(index=False):
            m0, m1 = _tri(r.is_met_prev), _tri(r.is_met)
            if m0 is None or m1 is None or m0 == m1:
                continue
            crit_txt = label(f"criterion.{r.criterion}", lang)
            cls = _classification(str(r.classification), lang)
            verb = tx["crossed_met"] if m1 else tx["crossed_not_met"]
            unit = str(r.unit)
            dec = _share_decimals(float(r.threshold))
            if r.is_sup or r.is_sup_prev:
                detail = ""
            else:
                detail = tx["crossed_detail"].format(
                    before=show_value(r.value_prev, str(r.unit_prev), lang, decimals=dec).text,
                    after=show_value(r.value, unit, lang, decimals=dec).text,
                    operator=label(f"operator.{r.operator}", lang),
                    threshold=show_value(r.threshold, unit, lang, decimals=dec).text,
                )
            reasons.append(tx["crossed"].format(criterion=crit_txt, classification=cls,
                                               verb=verb, detail=detail).strip())
        is_cat = bool(before) and before != after
        if not before:
            reasons.insert(0, tx["new_in_data"])
        if is_cat or reasons:
            changes.append(Change(aid, name, _cat(before, lang) if before else "",
                                  _cat(after, lang), is_cat, tuple(reasons)))
        else:
            unchanged.append(name)
    return tuple(changes), tuple(unchanged)


# --- method ------------------------------------------------------------------------------------


def _t(text: Any) -> Shown:
    return Shown.of_text(text)


def _method(data: Dataset, assessment: Assessment, rules_now: RuleSet, rules_prev: RuleSet | None,
            crit_now: pd.DataFrame, list_year: int, options: Options, min_cell: int, lang: str,
            tx: dict[str, str]) -> Method:
    rule_texts = []
    seen = set()
    for rs in (rules_now, rules_prev):
        if rs is None or rs.id in seen:
            continue
        seen.add(rs.id)
        rows: list[tuple[Shown, ...]] = [(_t(tx["col_area_rule"]), _t(rs.min_residents_citation))]
        for cl in rs.classifications:
            rows.append((_t(_classification(cl.id, lang)), _t(cl.citation)))
            for cr in cl.criteria:
                rows.append((_t("  " + label(f"criterion.{cr.id}", lang)), _t(cr.citation)))
        for cat in sorted(rs.categories, key=lambda c: c.severity):
            rows.append((_t(_cat(cat.id, lang)), _t(cat.citation)))
            if cat.consecutive is not None:
                rows.append((_t("  " + tx["col_consecutive"]), _t(cat.consecutive.citation)))
        rule_texts.append(RuleText(
            rs.id, rs.name_da if lang == "da" else rs.name_en, rs.law, rs.note,
            str(rs.list_years),
            Table(tx["rules_table"], (tx["col_rule"], tx["col_citation"]), tuple(rows)),
        ))
    defaults = Options().to_dict()
    opt_rows = []
    for name, value in options.to_dict().items():
        note = "" if value == defaults[name] else tx["not_default"]
        opt_rows.append((_t(label(f"option.{name}", lang)), _t(repr(value)), _t(note)))
    options_table = Table(tx["options"], (tx["col_option"], tx["col_value"], tx["col_note"]),
                          tuple(opt_rows), key="options")
    dy = (crit_now[["classification", "criterion", "data_years"]].astype(str)
          .drop_duplicates())
    dy_rows = tuple((_t(_classification(r.classification, lang)),
                     _t(label(f"criterion.{r.criterion}", lang)), _t(r.data_years))
                    for r in dy.itertuples(index=False))
    data_years_table = Table(tx["data_years"], (tx["col_classification"], tx["col_criterion"],
                                               label("column.year", lang)), dy_rows)
    ref_rows = []
    if data.references is not None and len(data.references):
        used = set()
        for span in dy["data_years"]:
            used.update(parse_years(span))
        refs = data.references[data.references["year"].isin(sorted(used))]
        refs = refs.sort_values(["year", "scope", "indicator"], kind="stable")
        for r in refs.itertuples(index=False):
            unit = "share" if str(r.indicator).startswith("share") else "dkk"
            ref_rows.append((Shown(str(int(r.year)), int(r.year), VALUE, "year"),
                             _t(r.scope), _t(label(f"column.{r.indicator}", lang)),
                             show_value(r.value, unit, lang, decimals=2),
                             _t(r.source)))
    refs_table = Table(tx["references"], (label("column.year", lang), label("column.scope", lang),
                                         label("column.indicator", lang),
                                         label("column.value", lang),
                                         label("column.source", lang)), tuple(ref_rows),
                       key="references")
    src_rows = tuple(
        (_t(r.name), _t(tx.get(f"layout_{r.layout}", r.layout)),
         show_count(r.rows, lang), _t(r.sha256))
        for r in data.sources.itertuples(index=False)
    )
    sources_table = Table(tx["sources"], (tx["col_file"], tx["col_layout"], tx["col_rows"],
                                         "SHA-256"), src_rows, key="sources")
    return Method(tuple(rule_texts), options_table, data_years_table, refs_table, sources_table,
                  tx["disclosure_text"].format(min_cell=min_cell,
                                              suppressed=label("text.suppressed", lang),
                                              missing=label("text.missing", lang)))


# --- spreadsheet tables ------------------------------------------------------------------------


def _sheets(summaries, crit: pd.DataFrame, mask: pd.DataFrame, areas: pd.DataFrame,
            list_year: int, data: Dataset, ind_sup, options: Options, lang: str,
            tx: dict[str, str], method: Method, min_cell: int) -> tuple[Table, ...]:
    scores = Table(
        tx["sheet_scores"],
        (label("column.area_id", lang), label("column.area_name", lang),
         label("column.municipality", lang), label("column.list_year", lang),
         label("column.category", lang), tx["col_n_met"], tx["col_n_criteria"],
         label("column.residents", lang), tx["col_listable"], tx["col_direction"],
         tx["col_warnings"]),
        tuple(
            (_t(s.area_id), _t(s.area_name), _t(s.municipality),
             Shown(str(list_year), list_year, VALUE, "year"), _t(s.category),
             Shown(str(s.n_met), s.n_met, VALUE, "int"),
             Shown(str(s.n_criteria), s.n_criteria, VALUE, "int"), s.residents,
             _t(_yes_no(s.is_listable, lang)), _t(s.direction), _t(" ".join(s.warnings)))
            for s in summaries
        ),
        key="scores",
    )
    c = crit[crit["list_year"] <= list_year]
    m = mask.loc[c.index]
    crit_rows = []
    for r, mm in zip(c.itertuples(index=False), m.itertuples(index=False), strict=True):
        ln = _line(r, mm, lang)
        crit_rows.append((
            _t(r.area_id), _t(r.area_name), Shown(str(r.list_year), int(r.list_year), VALUE,
                                                  "year"),
            _t(ln.classification), _t(ln.criterion), ln.value, _t(ln.operator), ln.threshold,
            ln.reference, _t(ln.status), ln.margin, ln.persons, _t(ln.data_years),
            _t(ln.citation),
        ))
    criteria = Table(
        tx["sheet_criteria"],
        (label("column.area_id", lang), label("column.area_name", lang),
         label("column.list_year", lang), tx["col_classification"], tx["col_criterion"],
         label("column.value", lang), tx["col_operator"], tx["col_threshold"], tx["col_reference"],
         tx["col_status"], tx["col_margin"], tx["col_persons"], label("column.year", lang),
         tx["col_citation"]),
        tuple(crit_rows),
        key="criteria",
    )
    sheets = [scores, criteria]
    if data.indicators is not None and ind_sup is not None:
        last = list_year - min(options.point_in_time_lag, options.annual_lag)
        ind = ind_sup.values[data.indicators["year"] <= last]
        msk = ind_sup.mask.loc[ind.index]
        cols = list(ind.columns)
        heads = tuple(label(f"column.{c}", lang) if has_label(f"column.{c}") else c for c in cols)
        rows = []
        for r, mm in zip(ind.itertuples(index=False), msk.itertuples(index=False), strict=True):
            cells = []
            for col, v, sup in zip(cols, r, mm, strict=True):
                cells.append(_data_cell(col, v, bool(sup), lang))
            rows.append(tuple(cells))
        sheets.append(Table(tx["sheet_data"], heads, tuple(rows), key="data"))
    elif data.criterion_values is not None:
        cv = data.criterion_values[data.criterion_values["list_year"] <= list_year]
        cols = list(cv.columns)
        heads = tuple(label(f"column.{c}", lang) if has_label(f"column.{c}") else c for c in cols)
        rows = []
        for r in cv.itertuples(index=False):
            small = pd.notna(r.residents) and r.residents < min_cell
            rows.append(tuple(_data_cell(col, v, small and col not in ("area_id", "area_name",
                                                                       "municipality", "region",
                                                                       "list_year"), lang)
                              for col, v in zip(cols, r, strict=True)))
        sheets.append(Table(tx["sheet_data"], heads, tuple(rows), key="data"))
    sheets.extend([method.references, method.sources, method.options])
    return tuple(sheets)


def _data_cell(col: str, v: Any, suppressed: bool, lang: str) -> Shown:
    if col in ("area_id", "area_name", "municipality", "region"):
        return _t(v)
    if col in ("year", "list_year"):
        return Shown(str(int(v)), int(v), VALUE, "year")
    if col.startswith("share_") or col.endswith("_ratio_to_region"):
        return show_value(v, "share", lang, decimals=2, suppressed=suppressed)
    if col == "convicted_ratio_to_national":
        return show_value(v, "ratio_to_national", lang, suppressed=suppressed)
    if col.startswith("mean_gross_income"):
        return show_value(v, "dkk", lang, suppressed=suppressed)
    decimals = 0 if _is_nan(v) or float(v).is_integer() else 1
    return show_count(v, lang, suppressed=suppressed, decimals=decimals)


def _yes_no(x: bool | None, lang: str) -> str:
    return label({True: "report.yes", False: "report.no", None: "status.unknown"}[x], lang)
