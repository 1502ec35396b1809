"""The overview: areas x list years, each cell coloured by the area's category."""

from __future__ import annotations

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
    data_label,
    finish,
    footer_legend,
    footer_note,
    met_text,
    single_axes,
    styled,
)
from boligmonitor.plots.tables import (
    PLAN_PERIOD,
    area_name_of,
    example_flag,
    resolve_areas,
    table_of,
)
from boligmonitor.plots.text import data_text, short_name


@styled
def plot_overview(
    result: Any,
    *,
    areas: str | Iterable[str] | None = None,
    list_years: Iterable[int] | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Areas x list years, each cell coloured by the area's category, with criteria met.

    An area with no row in a list year is an empty cell. An area under 1,000 residents is
    marked ``*`` (scored for monitoring, cannot be listed).
    """
    tab = table_of(result, "areas").copy()
    tab["area_id"] = tab["area_id"].astype(str)
    tab["category"] = tab["category"].astype(str)
    area_ids = resolve_areas(tab, areas)
    years = (sorted(int(y) for y in list_years) if list_years is not None
             else sorted(int(y) for y in tab["list_year"].unique()))
    fig, ax_, created = single_axes(ax, 1.3 + 0.38 * len(area_ids))
    cats: list[str] = []
    lookup = tab.set_index(["area_id", "list_year"])
    for r, area in enumerate(area_ids):
        for y in years:
            if (area, y) not in lookup.index:
                continue
            row = lookup.loc[(area, y)]
            if isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            cat = str(row["category"])
            cats.append(cat)
            ax_.add_patch(Rectangle((y - 0.5, r - 0.5), 1, 1,
                                    facecolor=style.CATEGORY_COLORS.get(cat, "#FFFFFF"),
                                    edgecolor="#FFFFFF", linewidth=1.5,
                                    hatch=style.CATEGORY_HATCH.get(cat),
                                    hatchcolor=style.HATCH_COLOR,
                                    gid=f"cell:{data_text(area)}:{y}"))
            ax_.text(y, r, met_text(row), ha="center", va="center", fontsize=6.5,
                     color=style.CATEGORY_TEXT.get(cat, "#000"))
    if plan_period is not None:
        start, end = plan_period
        ax_.add_patch(Rectangle((start - 0.5, -0.5), end - start + 1, len(area_ids),
                                fill=False, edgecolor="#000000", linewidth=1.2,
                                gid="plan-period", zorder=5))
        data_label(ax_, label("chart.plan_period", lang).format(start=start, end=end),
                   (start - 0.5, len(area_ids) - 0.45), va="top", fontsize=7)
    ax_.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax_.set_ylim(len(area_ids) - 0.5 + (0.45 if plan_period else 0), -0.5)
    ax_.set_yticks(range(len(area_ids)))
    ax_.set_yticklabels([short_name(area_name_of(tab, a)) for a in area_ids])
    ax_.set_xticks(years)
    ax_.set_xticklabels([str(y) for y in years], rotation=90 if len(years) > 8 else 0)
    ax_.xaxis.tick_top()
    ax_.grid(False)
    for s in ax_.spines.values():
        s.set_visible(False)
    ax_.tick_params(length=0)
    handles = category_handles(cats, lang)
    ncol = min(4, max(1, len(set(cats))))
    note = label("chart.overview_note", lang)
    if created:
        chart_title(fig, ax_, label("chart.overview_title", lang), created)
        footer_legend(fig, handles, [h.get_label() for h in handles], ncol=ncol, align=ax_)
        footer_note(fig, note, align=ax_, fontsize=6.5, color="#333333")
    else:
        ax_.set_title(label("chart.overview_title", lang), loc="left", fontweight="bold",
                      pad=28)
        ax_.legend(handles=handles, loc="upper left", bbox_to_anchor=(0, -0.02), ncol=ncol)
        ax_.text(0, -0.02 - 0.12 * (1 + (len(set(cats)) - 1) // 4)
                 * (6 / max(len(area_ids), 3)), note, transform=ax_.transAxes, fontsize=6.5,
                 va="top", ha="left", wrap=True, color="#333333")
    return finish(fig, ax_, created, example_flag(is_example, result, tab), lang)


# --- margins: distance to the line -----------------------------------------------------------
