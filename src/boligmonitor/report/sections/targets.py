"""The plan's targets: the plan's own goals beside the list criteria, never mixed with them.

One row per target (area, indicator, target, baseline, latest value, distance, status), from
:func:`boligmonitor.targets.target_progress` on the disclosure-controlled yearly values, and one
chart per indicator (:func:`boligmonitor.plots.plot_targets`), kept as recipes.
"""

from __future__ import annotations

import pandas as pd

from boligmonitor.labels import label
from boligmonitor.report.content import VALUE, Chart, PlanTargets, Shown, Table
from boligmonitor.report.formatting import show_text, show_value
from boligmonitor.targets import target_progress


def _unit(indicator: str) -> str:
    return "dkk" if indicator == "mean_gross_income_15_64" else "share"


def _at(value, year, indicator: str, lang: str) -> Shown:
    if pd.isna(year):
        return show_value(None, _unit(indicator), lang)
    v = show_value(value, _unit(indicator), lang)
    return Shown(label("target.at_year", lang).format(value=v.text, year=int(year)), v.raw,
                 v.state, v.kind)


def _year(year, lang: str) -> Shown:
    """A year in a cell of its own: a whole number without a thousands separator."""
    if pd.isna(year):
        return show_value(None, "share", lang)
    return Shown(str(int(year)), int(year), VALUE, "year")


def plan_targets(targets: pd.DataFrame | None, indicators: pd.DataFrame | None,
                 criterion_values: pd.DataFrame | None, plan_name: str | None,
                 plan_period: tuple[int, int] | None, lang: str, charts: dict[str, Chart],
                 plots, is_example: bool, dataset_areas: tuple[str, ...] | None = None
                 ) -> PlanTargets | None:
    """The report's section on the plan's targets (None without targets); its charts are
    added to ``charts``, each area in its colour of the other charts (by its place among
    ``dataset_areas``, every area of the report; default: the areas of the yearly values)."""
    if targets is None or not len(targets):
        return None
    progress = target_progress(targets, indicators, criterion_values, plan_period)
    rows, sheet_rows = [], []
    for r in progress.itertuples(index=False):
        ind = str(r.indicator)
        unit = _unit(ind)
        target = show_value(r.target_value, unit, lang)
        reached = r.status == "reached"
        gap = show_text("") if reached else show_value(r.gap, unit, lang, margin=True)
        status = show_text(label(f"target_status.{r.status}", lang))
        area, indicator = show_text(r.area_name), show_text(label(f"column.{ind}", lang))
        rows.append((
            area, indicator,
            Shown(label(f"target.{r.direction}", lang).format(value=target.text,
                                                              year=int(r.target_year)),
                  target.raw, target.state, target.kind),
            _at(r.baseline_value, r.baseline_year, ind, lang),
            _at(r.latest_value, r.latest_year, ind, lang),
            gap, status,
        ))
        sheet_rows.append((
            area, indicator, show_text(label(f"target.direction_{r.direction}", lang)),
            target, _year(r.target_year, lang),
            show_value(r.baseline_value, unit, lang), _year(r.baseline_year, lang),
            show_value(r.latest_value, unit, lang), _year(r.latest_year, lang),
            gap, status,
        ))
    cols = tuple(label(f"target.col_{c}", lang) for c in ("area", "indicator", "target",
                                                         "baseline", "latest", "gap", "status"))
    sheet_cols = tuple(label(f"target.col_{c}", lang) for c in (
        "area", "indicator", "direction", "target", "target_year", "baseline", "baseline_year",
        "latest", "latest_year", "gap", "status"))
    title = label("target.title", lang)
    if plan_name:
        title = f"{title}: {plan_name}"
    table = Table(title, cols, tuple(rows), key="targets")
    sheet = Table(title, sheet_cols, tuple(sheet_rows), key="targets")
    keys = []
    fn = getattr(plots, "plot_targets", None) if plots is not None else None
    if fn is not None:
        for ind in dict.fromkeys(targets["indicator"].astype(str)):
            key = f"targets-{ind}"
            charts[key] = Chart(key, label("chart.targets_title", lang).format(
                indicator=label(f"column.{ind}", lang)),
                lambda ind=ind: fn(targets, indicators, ind, criterion_values=criterion_values,
                                   plan_period=plan_period, lang=lang, is_example=is_example,
                                   dataset_areas=dataset_areas))
            keys.append(key)
    return PlanTargets(title, label("target.intro", lang), table, tuple(keys), sheet)
