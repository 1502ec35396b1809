"""The plan's own targets: each area's yearly values of one indicator against the target the
plan sets for it, with the straight path from the plan's baseline.

This chart shows the board's goals, not the law's: it draws no line of a list criterion (those
are the trend charts', :mod:`~boligmonitor.plots.trend`), its x axis is the data year of the
yearly values, and its target marks look nothing like a threshold (a diamond at the target
year and a dotted path to it, in the area's colour), so the two are never mixed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from boligmonitor import style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    chart_title,
    data_label,
    finish,
    fixed_ticks,
    footer_legend,
    footer_note,
    legend_entries,
    limits,
    single_axes,
    styled,
)
from boligmonitor.plots.tables import PLAN_PERIOD
from boligmonitor.plots.text import data_text, short_name
from boligmonitor.targets import target_progress

HEIGHT = 3.4  # inches
Y_BINS = 7
TARGET_MARKER = "D"
YEARS_BEFORE_PLAN = 5  # data years shown before the plan period starts


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
) -> Figure:
    """The areas' yearly values of ``indicator`` against the plan's targets for it.

    ``targets`` has the columns area_id, indicator, value, year and direction (a plan's
    targets, :meth:`boligmonitor.project.Plan.targets_table`); ``indicators`` the yearly values
    (layout a; suppressed values as NaN are drawn as gaps), else ``criterion_values`` (layout b,
    by list year). ``indicator``: which target indicator (default: the first in ``targets``).
    Artists carry the gids ``"area:<id>"``, ``"target:<id>"``, ``"target-path:<id>"`` and
    ``"plan-period"``; there is no ``"threshold"``.
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

    for i, aid in enumerate(area_ids):
        st = style.series_style(i)
        s = values[aid].reindex(years)
        name = progress.loc[progress["area_id"] == aid, "area_name"].iloc[0]
        ax_.plot(years, s.to_numpy(float), gid=f"area:{data_text(aid)}", zorder=4,
                 label=short_name(name), **st)
        for t in progress[progress["area_id"] == aid].itertuples(index=False):
            if not pd.isna(t.baseline_year):
                ax_.plot([int(t.baseline_year), int(t.target_year)],
                         [float(t.baseline_value), float(t.target_value)],
                         color=st["color"], linestyle=(0, (1, 2)), linewidth=1.2, marker="",
                         zorder=3, gid=f"target-path:{data_text(aid)}",
                         label=label("target.path", lang))
            ax_.plot([int(t.target_year)], [float(t.target_value)], linestyle="",
                     marker=TARGET_MARKER, markersize=7, markerfacecolor="white",
                     markeredgecolor=st["color"], markeredgewidth=1.6, zorder=5,
                     gid=f"target:{data_text(aid)}", label=label("target.legend", lang))
            data_label(ax_, style.fmt_value(float(t.target_value), unit, lang),
                       (int(t.target_year), float(t.target_value)), offset=7, fontsize=7,
                       color=st["color"], gid="target-label")

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
    ax_.set_ylabel(style.unit_suffix(unit, lang))
    chart_title(fig, ax_, label("chart.targets_title", lang).format(
        indicator=label(f"column.{indicator}", lang)), created)
    handles, labels_ = legend_entries(ax_)
    # One neutral entry for the target mark and one for the path, whatever the areas' colours.
    neutral = {label("target.legend", lang): Line2D(
        [], [], linestyle="", marker=TARGET_MARKER, markerfacecolor="white",
        markeredgecolor="#333333", markeredgewidth=1.6),
        label("target.path", lang): Line2D([], [], color="#333333", linestyle=(0, (1, 2)))}
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
                  is_example: bool | None = None) -> dict[str, Figure]:
    """One chart per indicator the plan sets targets for, by name ``targets_<indicator>``."""
    if targets is None or not len(targets):
        return {}
    return {f"targets_{ind}": plot_targets(targets, indicators, ind,
                                          criterion_values=criterion_values,
                                          plan_period=plan_period, lang=lang,
                                          is_example=is_example)
            for ind in dict.fromkeys(targets["indicator"].astype(str))}


__all__ = ["plot_targets", "target_charts"]
