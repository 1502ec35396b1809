"""One area's dashboard: its category per list year and every criterion as a small multiple."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable
from typing import Any

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from boligmonitor import formatting, style
from boligmonitor.disclosure import parse_years
from boligmonitor.labels import label, label_n
from boligmonitor.plots.core import (
    agreement,
    category_cell,
    category_handles,
    chart_title,
    criterion_label,
    finish,
    footer_legend,
    legend_entries,
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
from boligmonitor.plots.trend import draw_trend, year_ticks

# --- one area's dashboard --------------------------------------------------------------------


def _category_strip(ax: Axes, areas: pd.DataFrame, years: list[int], area_id: str
                    ) -> tuple[list[str], list[bool | None]]:
    """Cells of the category per list year (criteria met, and the published list's mark),
    on the x positions of the panels below; returns the categories and agreements drawn."""
    cats: list[str] = []
    agreements: list[bool | None] = []
    by_year = areas.set_index("list_year")
    # Many years in half the figure's width: the cells' text stands upright.
    rotation = 90 if len(years) > 8 else 0
    for y in years:
        if y not in by_year.index:
            continue
        row = by_year.loc[y]
        if isinstance(row, pd.DataFrame):
            row = row.iloc[0]
        cats.append(category_cell(ax, y, 0.5, row, f"cell:{data_text(area_id)}:{y}",
                                  fontsize=6, rotation=rotation))
        agreements.append(agreement(row))
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    ticks = year_ticks(years, compact=True)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.tick_params(axis="x", length=0, pad=2)
    return cats, agreements


def latest_text(rows: pd.DataFrame, lang: str) -> str:
    """The latest known value of one area's criterion, naming the data years it comes from,
    and the line of the latest list year as the law words it and its value:
    ``Seneste værdi (dataår 2023-2024): 1,03 pct.`` / ``Grænse 2025: mindst 3 ×
    landsgennemsnittet = 2,02 pct.``."""
    rows = rows.sort_values("list_year")
    parts = []
    known = rows[rows["value"].notna()]
    if len(known):
        last = known.iloc[-1]
        unit = str(last["unit"])
        d = int(formatting.value_decimals(last["value"], last["threshold"], unit, lang)[0])
        years = str(last["data_years"])
        n_years = len(parse_years(years)) if years and years != "nan" else 1
        parts.append(label_n("chart.latest_value_of", n_years, lang).format(
            years=years, value=formatting.value(float(last["value"]), unit, lang, decimals=d)))
    lines = rows[rows["threshold"].notna()]
    if len(lines):
        line = lines.iloc[-1]
        parts.append(label("chart.line_of", lang).format(
            year=int(line["list_year"]),
            line=formatting.threshold_text(
                line["threshold"], str(line["unit"]), lang, operator=str(line["operator"]),
                reference=str(line.get("reference", "")),
                reference_value=line.get("reference_value"))))
    return "\n".join(parts)


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
    categories). ``area`` is an area id or name. Each column of panels has its own strip of
    categories on the same x positions (list years), so a year's category stands right above
    its values; a published list's agreement is marked in the strip as in the overview (``✓``,
    or ``≠`` outlined). A suppressed value is a dotted band labelled as suppressed; a panel with
    nothing to draw says why. The one area's values are drawn in the neutral series style
    (:func:`boligmonitor.style.series_style` 0, blue), never in an area colour of the
    multi-area charts: those include vermillion and orange, the colours of the categories in
    the strip above, and a line in a category's colour would read as that category.
    """
    criteria = table_of(result, "criteria")
    areas_tab = table_of(result, "areas")
    rows = select_rows(criteria, classification)
    (area_id,) = resolve_areas(rows, area)
    styles = {area_id: style.series_style(0)}
    rows = rows[rows["area_id"] == area_id]
    crits = ordered_criteria(rows["criterion"])
    years = (sorted(int(y) for y in list_years) if list_years is not None
             else sorted(int(y) for y in rows["list_year"].unique()))
    ncols = 2 if len(crits) > 1 else 1
    nrows = math.ceil(len(crits) / ncols)
    fig, grid, created = panel_grid(ax, nrows + 1, ncols, 1.4 + 2.1 * nrows,
                                    height_ratios=[0.3] + [1.0] * nrows)
    sub = areas_tab[areas_tab["area_id"].astype(str) == area_id]
    cats: list[str] = []
    agreements: list[bool | None] = []
    strips = []
    for c in range(ncols):
        strip = fig.add_subplot(grid[0, c])
        cats, agreements = _category_strip(strip, sub, years, area_id)
        strips.append(strip)
    strips[0].set_title(label("column.category", lang), loc="left", fontsize=7.5)
    axes = []
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        crit_rows = rows[rows["criterion"] == crit]
        draw_trend(a, crit_rows, [area_id], lang=lang, plan_period=plan_period, years=years,
                   compact=True, styles=styles)
        latest = latest_text(crit_rows, lang)
        a.set_title(textwrap.fill(criterion_label(crit, lang), 50)
                    + (f"\n{latest}" if latest else ""), loc="left", fontsize=7)
        axes.append(a)
    # The x axes say what they count: the lowest panel of each column.
    for c in range(ncols):
        column = [a for i, a in enumerate(axes) if i % ncols == c]
        if column:
            column[-1].set_xlabel(label("chart.list_year", lang), fontsize=7)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[1 + j // ncols, j % ncols]).set_axis_off()
    # The figure's title is fitted to its room by the layout; a title in a caller's figure
    # gets the name shortened to one line.
    name = area_name_of(rows, area_id)
    name = data_text(name) if created else short_name(name, 60, 1)
    chart_title(fig, strips[0], label("chart.dashboard_title", lang).format(area=name),
                created, fontsize=8.5)
    keep = {label("chart.threshold", lang), label("chart.met_side", lang),
            label("chart.regime_change", lang), label("category.suppressed", lang)}
    if plan_period is not None:
        keep.add(label("chart.plan_period", lang).format(start=plan_period[0],
                                                          end=plan_period[1]))
    handles, labels_ = legend_entries(*axes, keep=keep)
    # The categories (and the published lists' marks) of the strip, in the same legend.
    for h in category_handles(cats, lang, agreements):
        if h.get_label() not in labels_:
            handles.append(h)
            labels_.append(h.get_label())
    if created:
        footer_legend(fig, handles, labels_, ncol=3)
    elif axes:
        axes[-1].legend(handles, labels_, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                        ncol=2, fontsize=7)
    return finish(fig, None if created else strips[0], created,
                  example_flag(is_example, result, criteria, areas_tab), lang)
