"""One area's dashboard: its category per list year and every criterion as a small multiple."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from boligmonitor import style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    category_handles,
    chart_title,
    criterion_label,
    finish,
    footer_legend,
    legend_entries,
    met_text,
    panel_grid,
    styled,
)
from boligmonitor.plots.tables import (
    PLAN_PERIOD,
    area_name_of,
    example_flag,
    ordered_criteria,
    resolve_areas,
    select_rows,
    table_of,
)
from boligmonitor.plots.text import data_text, short_name
from boligmonitor.plots.trend import draw_trend

# --- one area's dashboard --------------------------------------------------------------------


def _category_strip(ax: Axes, areas: pd.DataFrame, years: list[int], lang: str) -> list[str]:
    """Coloured cells of the category per list year, with criteria met; returns categories."""
    seen: list[str] = []
    by_year = areas.set_index("list_year")
    for y in years:
        if y not in by_year.index:
            continue
        row = by_year.loc[y]
        cat = str(row["category"])
        seen.append(cat)
        ax.add_patch(Rectangle((y - 0.5, 0), 1, 1, facecolor=style.CATEGORY_COLORS.get(cat, "#FFF"),
                               edgecolor="#FFFFFF", hatch=style.CATEGORY_HATCH.get(cat),
                               hatchcolor=style.HATCH_COLOR, linewidth=1.0,
                               gid=f"cell:{data_text(row['area_id'])}:{y}"))
        ax.text(y, 0.5, met_text(row), ha="center", va="center", fontsize=6.5,
                color=style.CATEGORY_TEXT.get(cat, "#000"))
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    return seen


@styled
def plot_area_dashboard(
    result: Any,
    area: str,
    *,
    classification: str | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    list_years: Iterable[int] | None = None,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One area: its category per list year, and every criterion as a small multiple.

    ``result`` is an :class:`~boligmonitor.criteria.Assessment` (its ``areas`` table gives the
    categories). ``area`` is an area id or name.
    """
    criteria = table_of(result, "criteria")
    areas_tab = table_of(result, "areas")
    rows = select_rows(criteria, classification)
    (area_id,) = resolve_areas(rows, area)
    rows = rows[rows["area_id"] == area_id]
    crits = ordered_criteria(rows["criterion"])
    years = (sorted(int(y) for y in list_years) if list_years is not None
             else sorted(int(y) for y in rows["list_year"].unique()))
    ncols = 2
    nrows = math.ceil(len(crits) / ncols)
    fig, grid, created = panel_grid(ax, nrows + 1, ncols, 1.0 + 2.0 * nrows,
                                 height_ratios=[0.28] + [1.0] * nrows)
    strip = fig.add_subplot(grid[0, :])
    sub = areas_tab[areas_tab["area_id"].astype(str) == area_id]
    cats = _category_strip(strip, sub, years, lang)
    strip.set_xlim(years[0] - 0.5, years[-1] + 1.1)
    strip.set_xticks([])
    strip.set_title(label("column.category", lang), loc="left", fontsize=8)
    # The categories' legend: right above the strip, on the line of its title (at the strip's
    # edge, so the room it takes does not depend on the strip's size).
    where = ({"loc": "lower right", "bbox_to_anchor": (1, 1)} if created
             else {"loc": "lower left", "bbox_to_anchor": (0, 1.25)})
    strip.legend(handles=category_handles(cats, lang), ncol=min(4, max(1, len(set(cats)))),
                 fontsize=7, borderaxespad=0.2, **where)
    axes = []
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        draw_trend(a, rows[rows["criterion"] == crit], [area_id], lang=lang,
                    plan_period=plan_period, years=years, compact=True)
        known = rows[(rows["criterion"] == crit) & rows["value"].notna()]
        latest = ""
        if len(known):
            last = known.sort_values("list_year").iloc[-1]
            latest = (f"\n{label('chart.latest_value', lang)} ({int(last['list_year'])}): "
                      f"{style.fmt_value(float(last['value']), str(last['unit']), lang)}")
        a.set_title(textwrap.fill(criterion_label(crit, lang), 50) + latest, loc="left",
                    fontsize=7.5)
        axes.append(a)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[1 + j // ncols, j % ncols]).set_axis_off()
    # The figure's title is fitted to its room by the layout; a title in a caller's figure
    # gets the name shortened to one line.
    name = area_name_of(rows, area_id)
    name = data_text(name) if created else short_name(name, 60, 1)
    chart_title(fig, strip, label("chart.dashboard_title", lang).format(area=name), created,
                fontsize=8.5)
    if axes:
        keep = {label("chart.threshold", lang), label("chart.met_side", lang),
                label("chart.regime_change", lang)}
        if plan_period is not None:
            keep.add(label("chart.plan_period", lang).format(start=plan_period[0],
                                                              end=plan_period[1]))
        handles, labels_ = legend_entries(*axes, keep=keep)
        if created:
            footer_legend(fig, handles, labels_, ncol=4)
        else:
            axes[-1].legend(handles, labels_, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                            ncol=2, fontsize=7)
    return finish(fig, None if created else strip, created,
                   example_flag(is_example, result, criteria, areas_tab), lang)


# --- overview: areas x list years ------------------------------------------------------------
