"""One area's raw annual values beside the averaged values the law uses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from boligmonitor import style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    chart_title,
    criterion_label,
    data_label,
    finish,
    fixed_ticks,
    footer_legend,
    limits,
    single_axes,
    step_xy,
    styled,
)
from boligmonitor.plots.tables import (
    PLAN_PERIOD,
    area_name_of,
    example_flag,
    resolve_areas,
    select_rows,
    table_of,
    unit_of_indicator,
)
from boligmonitor.plots.text import data_text, short_name

HEIGHT = 3.4  # inches
Y_BINS = 7  # ticks on the value axis: at most this many intervals (see core.fixed_ticks)


def _last_data_year(span: str, list_year: int) -> float:
    years = [int(p) for p in str(span).replace("-", ",").split(",") if p.strip().isdigit()]
    return float(max(years)) if years else np.nan


@styled
def plot_raw_vs_averaged(
    result: Any,
    indicators: pd.DataFrame,
    area: str,
    criterion: str = "employment",
    *,
    classification: str | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One area's raw annual values of a criterion beside the averaged values the law uses.

    x is the data year. The average of each list year is drawn at its last data year, so the
    lag of an average behind a good (or bad) year shows; the line of each list year is drawn at
    the same place, and the top axis gives the list year. ``indicators`` is the annual table
    (layout a), suppressed cells as NaN (gaps).
    """
    table = table_of(result, "criteria")
    rows = select_rows(table[table["criterion"].astype(str) == criterion], classification)
    (area_id,) = resolve_areas(rows, area)
    rows = rows[rows["area_id"] == area_id].copy()
    if rows.empty:
        raise KeyError(f"no rows for area {area!r} and criterion {criterion!r}")
    indicator = str(rows["indicator"].iloc[0])
    unit = unit_of_indicator(indicator)
    rows = rows[rows["unit"] == unit]
    rows["x"] = [_last_data_year(s, y) for s, y in zip(rows["data_years"], rows["list_year"],
                                                         strict=True)]
    rows = rows.dropna(subset=["x"]).sort_values("x")
    lag = round(float((rows["list_year"] - rows["x"]).median())) if len(rows) else 1
    raw = indicators[indicators["area_id"].astype(str) == area_id]
    raw = raw.set_index("year")[indicator].astype(float) if indicator in raw else pd.Series(
        dtype=float)
    years = sorted(set(int(y) for y in raw.index) | set(int(x) for x in rows["x"]))
    raw = raw.groupby(level=0).first().reindex(years)
    fig, ax_, created = single_axes(ax, HEIGHT)
    if plan_period is not None:
        start, end = plan_period[0] - lag, plan_period[1] - lag
        ax_.axvspan(start - 0.5, end + 0.5, color=style.PLAN_COLOR, alpha=style.PLAN_ALPHA,
                    linewidth=0, zorder=0, gid="plan-period",
                    label=label("chart.plan_period", lang).format(start=plan_period[0],
                                                                  end=plan_period[1]))
    thr = rows.set_index("x")["threshold"].reindex(years)
    xs, ys = step_xy(years, list(thr.to_numpy(float)))
    ax_.plot(xs, ys, color=style.THRESHOLD_COLOR, linewidth=1.4, marker="", gid="threshold",
             label=label("chart.threshold", lang), zorder=3)
    ax_.plot(years, raw.to_numpy(float), color=style.OKABE_ITO["sky_blue"], linestyle="--",
             marker="o", linewidth=1.1, gid=f"raw:{data_text(area_id)}",
             label=label("chart.raw_values", lang), zorder=4)
    avg = rows.set_index("x")["value"].reindex(years)
    ax_.plot(years, avg.to_numpy(float), color=style.OKABE_ITO["blue"], linestyle="-",
             marker="s", linewidth=2.0, gid=f"averaged:{data_text(area_id)}",
             label=label("chart.averaged_values", lang), zorder=5)
    known = avg.dropna()
    if len(known):
        data_label(ax_, style.fmt_value(float(known.iloc[-1]), unit, lang),
                   (float(known.index[-1]), float(known.iloc[-1])), offset=5, fontsize=7,
                   color=style.OKABE_ITO["blue"], gid="latest-label")
    lo, hi = limits(np.concatenate([raw.to_numpy(float), avg.to_numpy(float),
                                     thr.to_numpy(float)]))
    ax_.set_ylim(lo, hi)
    fixed_ticks(ax_.yaxis, lo, hi, Y_BINS)
    ax_.set_xlim(years[0] - 0.5, years[-1] + 1.2)
    ax_.yaxis.set_major_formatter(style.axis_formatter(unit, lang))
    ax_.set_xlabel(label("chart.data_year", lang))
    ax_.set_ylabel(style.unit_suffix(unit, lang))
    step = 1 if len(years) <= 8 else 2
    ticks = [y for y in years if (y - years[-1]) % step == 0]
    ax_.set_xticks(ticks)
    ax_.set_xticklabels([str(t) for t in ticks])
    ax_.grid(axis="x", visible=False)
    top = ax_.secondary_xaxis("top", functions=(lambda x: x + lag, lambda x: x - lag))
    top.set_xticks([t + lag for t in ticks])
    top.set_xticklabels([str(t + lag) for t in ticks])
    top.set_xlabel(label("chart.list_year", lang), fontsize=7)
    # The figure's title is fitted to its room by the layout; in a caller's figure the name is
    # shortened to one line.
    name = area_name_of(rows, area_id)
    title = label("chart.raw_title", lang).format(
        area=data_text(name) if created else short_name(name, 60, 1),
        criterion=criterion_label(criterion, lang))
    chart_title(fig, ax_, title, created)
    if created:
        footer_legend(fig, *ax_.get_legend_handles_labels(), ncol=2)
    else:
        ax_.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return finish(fig, ax_, created, example_flag(is_example, result, table, indicators), lang)


