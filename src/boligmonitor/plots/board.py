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
    criterion_values: pd.DataFrame | None = None,
) -> tuple[Any, pd.DataFrame | None]:
    """Return ``result`` and ``indicators`` with the cells disclosure control suppresses set to
    NaN (drawn as gaps): counts below ``min_cell`` and the shares and averages built on them,
    and the statuses, counts of met criteria and categories that would give such a count back
    (category ``"suppressed"``; :func:`boligmonitor.disclosure.disclose`). For a result scored
    from layout (b) data, give ``criterion_values`` instead of ``indicators``.
    """
    from boligmonitor.disclosure import DEFAULT_MIN_CELL, disclose

    if indicators is None and criterion_values is None:
        return result, None
    d = disclose(result, indicators=indicators, criterion_values=criterion_values,
                 min_cell=DEFAULT_MIN_CELL if min_cell is None else min_cell)
    return d.assessment, None if d.indicators is None else d.indicators.values


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
    ``indicators`` is given), ``early_warning_<year>`` (when ``warning`` is given) and
    ``targets_<indicator>`` for each indicator the plan's ``targets`` name (against
    ``indicators``, else ``criterion_values``), apart from the list criteria's charts.
    """
    criteria = table_of(result, "criteria")
    flag = example_flag(is_example, result, criteria)
    year = latest_list_year(criteria, list_year)
    figs: dict[str, Figure] = {}
    common = {"lang": lang, "is_example": flag}
    figs["overview"] = plot_overview(result, plan_period=plan_period, **common)
    figs[f"margins_{year}"] = plot_margins(result, year, **common)
    latest = select_rows(criteria[criteria["list_year"] == year], None)
    crits = [c for c in CRITERION_ORDER if c in set(latest["criterion"])]
    for crit in crits:
        figs[f"trend_{crit}"] = plot_trend(result, crit, plan_period=plan_period, **common)
    for area in dict.fromkeys(criteria["area_id"].astype(str)):
        figs[f"dashboard_{area}"] = plot_area_dashboard(result, area, plan_period=plan_period,
                                                        **common)
        if indicators is not None and "employment" in crits:
            figs[f"raw_vs_averaged_{area}"] = plot_raw_vs_averaged(
                result, indicators, area, "employment", plan_period=plan_period, **common)
    if warning is not None:
        figs[f"early_warning_{int(warning.list_year)}"] = plot_early_warning(warning, **common)
    figs.update(target_charts(targets, indicators, criterion_values=criterion_values,
                              plan_period=plan_period, **common))
    return figs
