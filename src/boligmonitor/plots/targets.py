"""The plan's own targets: each area's yearly values of one indicator against the target the
plan sets for it, with the straight path from the plan's baseline.

This chart shows the board's goals, not the law's: it draws no line of a list criterion (those
are the trend charts', :mod:`~boligmonitor.plots.trend`), its x axis is the data year of the
yearly values, and its target marks look nothing like a threshold (a diamond at the target
year and a dotted path to it, in the area's colour), so the two are never mixed.

Each area has the colour, line style and marker it has in every other chart
(:func:`boligmonitor.style.area_styles`), not one by its place among the targets. A target that
several areas share (the plan's ``area = "all"``: the same value in the same year for each) is
one point: drawn once, in no area's colour, and labelled once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from boligmonitor import formatting, style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    chart_title,
    data_label,
    finish,
    fixed_ticks,
    footer_legend,
    footer_note,
    layout_of,
    legend_entries,
    limits,
    single_axes,
    styled,
)
from boligmonitor.plots.layout import spread_apart
from boligmonitor.plots.tables import PLAN_PERIOD
from boligmonitor.plots.text import data_text, short_name
from boligmonitor.targets import target_progress

HEIGHT = 3.4  # inches
Y_BINS = 7
TARGET_MARKER = "D"
YEARS_BEFORE_PLAN = 5  # data years shown before the plan period starts
# A mark of several areas' (a shared target) and the legend's marks: no area's colour.
NEUTRAL_COLOR = "#333333"


def _unit(indicator: str) -> str:
    return "dkk" if indicator == "mean_gross_income_15_64" else "share"


@styled
def plot_targets(
    targets: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    indicator: str | None = None,
    *,
    criterion_values: pd.DataFrame | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
    dataset_areas: Iterable[str] | None = None,
) -> Figure:
    """The areas' yearly values of ``indicator`` against the plan's targets for it.

    ``targets`` has the columns area_id, indicator, value, year and direction (a plan's
    targets, :meth:`boligmonitor.project.Plan.targets_table`); ``indicators`` the yearly values
    (layout a; suppressed values as NaN are drawn as gaps), else ``criterion_values`` (layout b,
    by list year). ``indicator``: which target indicator (default: the first in ``targets``).
    ``dataset_areas``: every area id of the dataset, whose order by id gives each area its
    colour, line style and marker, the same as in the other charts
    (:func:`boligmonitor.style.area_styles`; default: the areas of the yearly values).

    Artists carry the gids ``"area:<id>"``, ``"target:<id>"``, ``"target-path:<id>"`` and
    ``"plan-period"``; there is no ``"threshold"``. A target several areas share is one mark,
    ``"target:all"`` where it is every drawn area's, else ``"target:<id>+<id>..."``; every
    target's value label is ``"target-label"``.
    """
    if targets is None or not len(targets):
        raise ValueError("no targets to draw")
    indicator = indicator or str(targets["indicator"].iloc[0])
    mine = targets[targets["indicator"].astype(str) == indicator]
    if mine.empty:
        raise KeyError(f"no target for indicator {indicator!r}")
    progress = target_progress(mine, indicators, criterion_values, plan_period)
    series = indicators if indicators is not None else criterion_values
    year_col = "year" if indicators is not None else "list_year"
    unit = _unit(indicator)
    fig, ax_, created = single_axes(ax, HEIGHT)

    area_ids = list(dict.fromkeys(progress["area_id"].astype(str)))
    values: dict[str, pd.Series] = {}
    for aid in area_ids:
        s = pd.Series(dtype=float)
        if series is not None and indicator in series.columns:
            sub = series[series["area_id"].astype(str) == aid]
            s = sub.set_index(sub[year_col].astype(int))[indicator].astype(float).sort_index()
        values[aid] = s
    years = sorted({int(y) for s in values.values() for y in s.index}
                   | {int(y) for y in progress["target_year"].dropna()})
    if plan_period is not None:
        # The plan in view: a few years before it, enough to see where it started from.
        years = [y for y in years if y >= plan_period[0] - YEARS_BEFORE_PLAN]
    if not years:
        years = [int(progress["target_year"].max())]
    years = list(range(years[0], years[-1] + 1))  # every year on the axis, gaps as gaps
    pool = [s.reindex(years).to_numpy(float) for s in values.values()]
    pool.append(progress["target_value"].to_numpy(float))
    pool.append(progress["baseline_value"].to_numpy(float))
    lo, hi = limits(np.concatenate(pool))

    if plan_period is not None:
        start, end = plan_period
        ax_.axvspan(start - 0.5, end + 0.5, color=style.PLAN_COLOR, alpha=style.PLAN_ALPHA,
                    linewidth=0, zorder=0, gid="plan-period",
                    label=label("chart.plan_period", lang).format(start=start, end=end))

    if dataset_areas is None:
        dataset_areas = series["area_id"] if series is not None else ()
    styles = style.area_styles(dataset_areas, area_ids)
    # The areas first, then the paths and the marks: the legend lists the areas together.
    for aid in area_ids:
        name = progress.loc[progress["area_id"] == aid, "area_name"].iloc[0]
        ax_.plot(years, values[aid].reindex(years).to_numpy(float),
                 gid=f"area:{data_text(aid)}", zorder=4, label=short_name(name), **styles[aid])
    points: dict[tuple[int, float], list[str]] = {}
    for t in progress.itertuples(index=False):
        aid = str(t.area_id)
        if not pd.isna(t.baseline_year):
            # Each area's own path, also to a shared target: the baselines differ.
            ax_.plot([int(t.baseline_year), int(t.target_year)],
                     [float(t.baseline_value), float(t.target_value)],
                     color=styles[aid]["color"], linestyle=(0, (1, 2)), linewidth=1.2,
                     marker="", zorder=3, gid=f"target-path:{data_text(aid)}",
                     label=label("target.path", lang))
        ids = points.setdefault((int(t.target_year), float(t.target_value)), [])
        if aid not in ids:
            ids.append(aid)
    # One mark and one label per point: a target of several areas (area = "all") in no
    # area's colour, not one mark per area on top of each other under the last one's label.
    marked: list[tuple[int, float, str]] = []
    for (year, value), ids in points.items():
        if len(ids) == 1:
            color, gid = styles[ids[0]]["color"], f"target:{data_text(ids[0])}"
        else:
            color = NEUTRAL_COLOR
            gid = ("target:all" if set(ids) == set(area_ids)
                   else "target:" + "+".join(data_text(a) for a in ids))
        ax_.plot([year], [value], linestyle="", marker=TARGET_MARKER, markersize=7,
                 markerfacecolor="white", markeredgecolor=color, markeredgewidth=1.6,
                 zorder=5, gid=gid, label=label("target.legend", lang))
        marked.append((year, value, color))
    # Targets close to each other (two areas' in the same year): their labels spread apart,
    # by their height once the chart is laid out; in a caller's figure, by a share of the
    # value range.
    own = layout_of(fig) is not None
    order = sorted(range(len(marked)), key=lambda k: marked[k][1])
    at = [marked[k][1] for k in order]
    placed = at if own else spread_apart(at, lo, hi, 0.055 * (hi - lo))
    for k, y_text in zip(order, placed, strict=True):
        year, value, color = marked[k]
        data_label(ax_, formatting.value(value, unit, lang), (year, y_text), offset=7,
                   fontsize=7, color=color, gid="target-label", spread=True)

    ax_.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax_.set_ylim(lo, hi)
    fixed_ticks(ax_.yaxis, lo, hi, Y_BINS)
    ax_.yaxis.set_major_formatter(style.axis_formatter(unit, lang))
    step = 1 if len(years) <= 8 else 2
    ticks = [y for y in years if (y - years[-1]) % step == 0]
    ax_.set_xticks(ticks)
    ax_.set_xticklabels([str(t) for t in ticks])
    ax_.grid(axis="x", visible=False)
    ax_.set_xlabel(label("chart.data_year" if year_col == "year" else "chart.list_year", lang))
    ax_.set_ylabel(formatting.unit_suffix(unit, lang))
    chart_title(fig, ax_, label("chart.targets_title", lang).format(
        indicator=label(f"column.{indicator}", lang)), created)
    handles, labels_ = legend_entries(ax_)
    # One neutral entry for the target mark and one for the path, whatever the areas' colours.
    neutral = {label("target.legend", lang): Line2D(
        [], [], linestyle="", marker=TARGET_MARKER, markerfacecolor="white",
        markeredgecolor=NEUTRAL_COLOR, markeredgewidth=1.6),
        label("target.path", lang): Line2D([], [], color=NEUTRAL_COLOR, linestyle=(0, (1, 2)))}
    handles = [neutral.get(lab, h) for h, lab in zip(handles, labels_, strict=True)]
    if created:
        footer_legend(fig, handles, labels_, ncol=min(4, len(handles)))
        footer_note(fig, label("chart.targets_note", lang), align=ax_, fontsize=6.5,
                    color="#333333")
    else:
        ax_.legend(handles, labels_, loc="upper center", bbox_to_anchor=(0.5, -0.18),
                   ncol=min(4, len(handles)))
    return finish(fig, ax_, created, bool(is_example), lang)


def target_charts(targets: pd.DataFrame | None, indicators: pd.DataFrame | None, *,
                  criterion_values: pd.DataFrame | None = None,
                  plan_period: tuple[int, int] | None = PLAN_PERIOD, lang: str = "da",
                  is_example: bool | None = None,
                  dataset_areas: Iterable[str] | None = None) -> dict[str, Figure]:
    """One chart per indicator the plan sets targets for, by name ``targets_<indicator>``
    (``dataset_areas``: as :func:`plot_targets`)."""
    if targets is None or not len(targets):
        return {}
    return {f"targets_{ind}": plot_targets(targets, indicators, ind,
                                          criterion_values=criterion_values,
                                          plan_period=plan_period, lang=lang,
                                          is_example=is_example, dataset_areas=dataset_areas)
            for ind in dict.fromkeys(targets["indicator"].astype(str))}


__all__ = ["plot_targets", "target_charts"]
