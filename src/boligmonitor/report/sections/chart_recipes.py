"""The report's charts as recipes (:class:`~boligmonitor.report.content.Chart`) made from the
charts module (:mod:`boligmonitor.plots`) where it offers them; drawing them is the renderers'
job (:mod:`boligmonitor.report.charts`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from boligmonitor.criteria import Assessment
from boligmonitor.report.content import Chart


def plots_module():
    """The charts module, or None where it cannot be imported (the text needs no charts)."""
    try:
        from boligmonitor import plots
    except ImportError:  # the charts module is optional for the report's text
        return None
    return plots


def _call(fn: Callable, *args, **kwargs) -> Callable[[], Any]:
    return lambda: fn(*args, **kwargs)


def _plan(plan_period) -> dict[str, Any]:
    """The plan period to shade: the charts' own default where none is given (``...``)."""
    return {} if plan_period is ... else {"plan_period": plan_period}


def _areas(dataset_areas: tuple[str, ...] | None) -> dict[str, Any]:
    """The areas that give each area its colour: the charts' own default where none is given."""
    return {} if dataset_areas is None else {"dataset_areas": dataset_areas}


def area_charts(plots, safe: Assessment, area_id: str, name: str, list_year: int, lang: str,
                charts: dict[str, Chart], is_example: bool, tx: dict[str, str],
                indicators: pd.DataFrame | None, plan_period: Any = ...,
                suppressed: pd.DataFrame | None = None,
                dataset_areas: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """Add the charts of one area page to ``charts``; return their keys. ``dataset_areas``:
    every area of the report, which gives each area its colour in every chart."""
    if plots is None:
        return ()
    keys = []
    n = len(charts)
    dash = getattr(plots, "plot_area_dashboard", None)
    if dash is not None:
        key = f"area{n}-dashboard"
        charts[key] = Chart(key, tx["chart_dashboard"].format(area=name),
                            _call(dash, safe, area_id, lang=lang, is_example=is_example,
                                  **_plan(plan_period)))
        keys.append(key)
    raw = getattr(plots, "plot_raw_vs_averaged", None)
    if raw is not None and indicators is not None:
        key = f"area{n}-raw"
        charts[key] = Chart(key, tx["chart_raw"].format(area=name),
                            _call(raw, safe, indicators, area_id, "employment", lang=lang,
                                  is_example=is_example, suppressed=suppressed,
                                  **_plan(plan_period)))
        keys.append(key)
    return tuple(keys)


def overview_charts(plots, safe: Assessment, list_year: int, lang: str,
                    charts: dict[str, Chart], is_example: bool, tx: dict[str, str],
                    warning, plan_period: Any = ...) -> tuple[str, ...]:
    """Add the summary's charts (overview, margins, early warning) to ``charts``; return their
    keys."""
    if plots is None:
        return ()
    recipes = [
        ("plot_overview", "overview", tx["chart_overview"],
         lambda fn: _call(fn, safe, lang=lang, is_example=is_example, **_plan(plan_period))),
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


