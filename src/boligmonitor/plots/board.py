"""Everything the board sees (:func:`board_charts`), and the disclosure control of the charts'
inputs."""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from boligmonitor.plots.dashboard import plot_area_dashboard
from boligmonitor.plots.early_warning import plot_early_warning
from boligmonitor.plots.margins import plot_margins
from boligmonitor.plots.overview import plot_overview
from boligmonitor.plots.raw_vs_averaged import plot_raw_vs_averaged
from boligmonitor.plots.tables import (
    CRITERION_ORDER,
    PLAN_PERIOD,
    example_flag,
    latest_list_year,
    select_rows,
    table_of,
)
from boligmonitor.plots.targets import target_charts
from boligmonitor.plots.trend import plot_trend

# --- disclosure --------------------------------------------------------------------------------


def suppress_for_charts(
    result: Any, indicators: pd.DataFrame | None = None, min_cell: int | None = None, *,
    criterion_values: pd.DataFrame | None = None, with_mask: bool = False,
) -> tuple[Any, ...]:
    """Return ``result`` and ``indicators`` with the cells disclosure control suppresses set to
    NaN: counts below ``min_cell`` and the shares and averages built on them, and the statuses,
    counts of met criteria and categories that would give such a count back (category
    ``"suppressed"``; :func:`boligmonitor.disclosure.disclose`). The charts mark each as
    suppressed (the criteria rows carry ``is_suppressed``). For a result scored from layout (b)
    data, give ``criterion_values`` instead of ``indicators``. ``with_mask``: also return which
    cells of ``indicators`` are suppressed (a table of booleans like it; for
    :func:`board_charts`'s ``suppressed``).
    """
    from boligmonitor.disclosure import DEFAULT_MIN_CELL, disclose

    if indicators is None and criterion_values is None:
        return (result, None, None) if with_mask else (result, None)
    d = disclose(result, indicators=indicators, criterion_values=criterion_values,
                 min_cell=DEFAULT_MIN_CELL if min_cell is None else min_cell)
    values = None if d.indicators is None else d.indicators.values
    if with_mask:
        return d.assessment, values, None if d.indicators is None else d.indicators.mask
    return d.assessment, values


def suppress_warning_for_charts(
    warning: Any, indicators: pd.DataFrame | None, min_cell: int | None = None
) -> Any:
    """Return the early ``warning`` with the boundary, latest value and headroom set to NaN
    (drawn as gaps) in every row fed by a cell that disclosure control suppresses, marked in a
    column ``is_suppressed``, and its projection disclosed
    (:func:`boligmonitor.disclosure.suppress_early_warning`). ``indicators`` is the annual table
    (layout a) the warning was computed from, before suppression; without it, or without a
    warning, ``warning`` is returned as given.
    """
    from boligmonitor.disclosure import DEFAULT_MIN_CELL, suppress_early_warning

    if warning is None or indicators is None:
        return warning
    return suppress_early_warning(warning, indicators,
                                  DEFAULT_MIN_CELL if min_cell is None else min_cell)


# --- everything the board sees ---------------------------------------------------------------


def board_charts(
    result: Any,
    *,
    indicators: pd.DataFrame | None = None,
    suppressed: pd.DataFrame | None = None,
    warning: Any = None,
    list_year: int | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    lang: str = "da",
    is_example: bool | None = None,
    targets: pd.DataFrame | None = None,
    criterion_values: pd.DataFrame | None = None,
) -> dict[str, Figure]:
    """Every board chart for ``result``, by a file-friendly name (no file is written).

    ``overview``, ``margins_<year>``, ``trend_<criterion>`` for each criterion of the list,
    ``dashboard_<area_id>`` for each area, ``raw_vs_averaged_<area_id>`` (employment, when
    ``indicators`` is given; ``suppressed`` says which of its cells disclosure control
    suppressed, see :func:`suppress_for_charts`), ``early_warning_<year>`` (when ``warning`` is
    given) and ``targets_<indicator>`` for each indicator the plan's ``targets`` name (against
    ``indicators``, else ``criterion_values``), apart from the list criteria's charts.

    An area has one colour, line style and marker in every chart that tells areas apart by
    them: by its place among the areas of ``result`` sorted by id
    (:func:`boligmonitor.style.area_styles`).
    """
    criteria = table_of(result, "criteria")
    flag = example_flag(is_example, result, criteria)
    year = latest_list_year(criteria, list_year)
    figs: dict[str, Figure] = {}
    common = {"lang": lang, "is_example": flag}
    dataset_areas = list(dict.fromkeys(criteria["area_id"].astype(str)))
    figs["overview"] = plot_overview(result, plan_period=plan_period, **common)
    figs[f"margins_{year}"] = plot_margins(result, year, **common)
    latest = select_rows(criteria[criteria["list_year"] == year], None)
    crits = [c for c in CRITERION_ORDER if c in set(latest["criterion"])]
    for crit in crits:
        figs[f"trend_{crit}"] = plot_trend(result, crit, plan_period=plan_period,
                                           dataset_areas=dataset_areas, **common)
    for area in dataset_areas:
        figs[f"dashboard_{area}"] = plot_area_dashboard(result, area, plan_period=plan_period,
                                                        **common)
        if indicators is not None and "employment" in crits:
            figs[f"raw_vs_averaged_{area}"] = plot_raw_vs_averaged(
                result, indicators, area, "employment", plan_period=plan_period,
                suppressed=suppressed, **common)
    if warning is not None:
        figs[f"early_warning_{int(warning.list_year)}"] = plot_early_warning(warning, **common)
    figs.update(target_charts(targets, indicators, criterion_values=criterion_values,
                              plan_period=plan_period, dataset_areas=dataset_areas, **common))
    return figs
