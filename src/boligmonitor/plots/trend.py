"""The trend chart: one criterion for one or more areas across list years, against the line of
each year (also the small multiples of the dashboard)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from boligmonitor import formatting, style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    chart_title,
    classification_label,
    criterion_label,
    data_label,
    finish,
    fixed_ticks,
    footer_legend,
    layout_of,
    legend_entries,
    limits,
    line_text,
    mark_suppressed,
    single_axes,
    step_xy,
    styled,
    suppressed_years,
    threshold_series,
)
from boligmonitor.plots.layout import spread_apart
from boligmonitor.plots.tables import (
    PLAN_PERIOD,
    area_name_of,
    example_flag,
    resolve_areas,
    select_rows,
    table_of,
)
from boligmonitor.plots.text import data_text, short_name

HEIGHT = 3.4  # inches, the trend chart of its own
# Ticks on the value axis: at most this many intervals, in a chart of its own and in a small
# multiple (fixed, so that a panel's tick labels do not change with its size).
Y_BINS = 7
Y_BINS_COMPACT = 4
LATEST_OFFSET = 6  # points between an area's last point and its latest-value label

# --- the trend panel -------------------------------------------------------------------------


def year_ticks(years: Sequence[int], compact: bool) -> list[int]:
    """The list years with a tick, counted back from the last: about four in a compact panel
    (a dashboard's), every year or every second in a chart of its own."""
    years = [int(y) for y in years]
    step = max(1, math.ceil(len(years) / 4)) if compact else (1 if len(years) <= 8 else 2)
    return [y for y in years if (y - years[-1]) % step == 0]



def draw_trend(
    ax: Axes,
    rows: pd.DataFrame,
    area_ids: list[str],
    *,
    lang: str,
    plan_period: tuple[int, int] | None,
    years: Sequence[int] | None,
    compact: bool,
    styles: Mapping[str, dict[str, Any]] | None = None,
) -> None:
    """Draw one criterion's trend for ``area_ids`` into ``ax`` (rows: one criterion), each area
    in its style of ``styles`` (:func:`boligmonitor.style.area_styles`; default: by the areas of
    ``rows``)."""
    if styles is None:
        styles = style.area_styles(rows["area_id"])
    all_years = sorted(int(y) for y in rows["list_year"].unique())
    if years is not None:
        all_years = [int(y) for y in years]
    if not all_years:
        ax.text(0.5, 0.5, label("text.missing", lang), transform=ax.transAxes, ha="center")
        return
    rows = rows[rows["list_year"].isin(all_years)]
    units = rows.loc[rows["value"].notna() | rows["threshold"].notna(), "unit"]
    unit = str(units.iloc[-1]) if len(units) else "share"
    # Values of another unit (layout b ratios next to computed shares) cannot share an axis.
    rows = rows[rows["unit"] == unit]
    operator = str(rows["operator"].iloc[-1]) if len(rows) else "overstiger"

    thresholds = threshold_series(rows[rows["area_id"].isin(area_ids)])
    values_for_limits = [rows.loc[rows["area_id"].isin(area_ids), "value"].to_numpy(float)]
    for s in thresholds.values():
        values_for_limits.append(s.to_numpy(float))
    lo, hi = limits(np.concatenate(values_for_limits) if values_for_limits else np.array([]))
    x_lo, x_hi = all_years[0] - 0.5, all_years[-1] + 0.5

    if plan_period is not None:
        start, end = plan_period
        ax.axvspan(start - 0.5, end + 0.5, color=style.PLAN_COLOR, alpha=style.PLAN_ALPHA,
                   linewidth=0, zorder=0, gid="plan-period",
                   label=label("chart.plan_period", lang).format(start=start, end=end))
        if not compact:
            data_label(ax, label("chart.plan_period", lang).format(start=start, end=end),
                       (max(start, all_years[0]) - 0.45, hi), va="top", fontsize=7,
                       color="#444444")

    # The rule sets in force, and where they change.
    by_year = rows.drop_duplicates("list_year").set_index("list_year")["rules"].astype(str)
    starts: list[tuple[int, str]] = []
    for y in all_years:
        rid = by_year.get(y)
        if rid is not None and (not starts or rid != starts[-1][1]):
            starts.append((y, rid))
    for i, (y, rid) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else all_years[-1] + 1
        if i > 0:
            ax.axvline(y - 0.5, color=style.REGIME_COLOR, linestyle=(0, (2, 2)), linewidth=0.9,
                       gid="regime-change", zorder=1,
                       label=label("chart.regime_change", lang))
        # Room for the text: a rule set in force for a single year is marked by its lines only.
        if not compact and end - y >= 2:
            data_label(ax, label("chart.regime", lang).format(rules=data_text(rid)),
                       (y - 0.45, lo + 0.02 * (hi - lo)), fontsize=7,
                       color=style.REGIME_COLOR, va="bottom")

    # The threshold of each year, and the side of it that counts as met.
    n_lines = len(thresholds)
    for key, series in thresholds.items():
        xs, ys = step_xy(list(series.index.astype(int)), list(series.to_numpy(float)))
        color = style.THRESHOLD_COLOR
        if key in styles:  # an area's own line (a region of its own): in the area's colour
            color = styles[key]["color"]
        ax.plot(xs, ys, color=color, linewidth=1.4, linestyle="-", marker="", zorder=3,
                gid="threshold", label=label("chart.threshold", lang))
        top = np.full_like(ys, hi)
        bottom = np.full_like(ys, lo)
        above = operator != "mindre end"
        ax.fill_between(xs, ys, top if above else bottom, where=~np.isnan(ys),
                        color=style.MET_SIDE_COLOR, alpha=style.MET_SIDE_ALPHA / max(1, n_lines)
                        * (1 if n_lines == 1 else 1.5), linewidth=0, zorder=0.5,
                        gid="met-side", label=label("chart.met_side", lang))

    # The areas' values: markers too, so that a single year between gaps is still visible.
    # A suppressed value is marked as suppressed: one area's years as dotted bands, several
    # areas' in their names in the legend.
    hidden = suppressed_years(rows, area_ids)
    if len(area_ids) == 1:
        mark_suppressed(ax, hidden.get(area_ids[0], []), lang)
    latest: list[tuple[int, float, float, str]] = []
    for area in area_ids:
        sub = rows[rows["area_id"] == area].set_index("list_year")["value"]
        sub = sub.reindex(all_years).astype(float)
        st = styles[area]
        name = short_name(area_name_of(rows, area))
        if hidden.get(area) and len(area_ids) > 1:
            name += " " + label("chart.suppressed_years", lang).format(
                years=formatting.years_text(hidden[area]))
        ax.plot(all_years, sub.to_numpy(float), gid=f"area:{data_text(area)}", zorder=4,
                label=name, **st)
        known = sub.dropna()
        if len(known):
            # The third item: that year's line, for the decimals that show the value's side.
            year = int(known.index[-1])
            line = rows.loc[(rows["area_id"] == area) & (rows["list_year"] == year),
                            "threshold"]
            latest.append((year, float(known.iloc[-1]),
                           float(line.iloc[0]) if len(line) else np.nan, st["color"]))
    if not compact:
        # The latest value of each area, right of its last point, pushed apart where two
        # would overlap, and kept between the panel's top and bottom.
        # A chart laid out by the package spreads them by their height once the panel's
        # height is known; in a caller's figure, by a share of the value range.
        own = layout_of(ax.get_figure(root=True)) is not None
        order = sorted(range(len(latest)), key=lambda k: latest[k][1])
        values = [latest[k][1] for k in order]
        placed = values if own else spread_apart(values, lo, hi, 0.055 * (hi - lo))
        for k, y_text in zip(order, placed, strict=True):
            x_last, v_last, line_last, color = latest[k]
            d = int(formatting.value_decimals(v_last, line_last, unit, lang)[0])
            data_label(ax, formatting.value(v_last, unit, lang, decimals=d), (x_last, y_text),
                       offset=LATEST_OFFSET, fontsize=7, color=color, gid="latest-label",
                       zorder=5, spread=True)

    # A chart laid out by the package widens its x range for the labels as far as they need;
    # in a caller's figure, room for them is kept as before.
    own = layout_of(ax.get_figure(root=True)) is not None
    ax.set_xlim(x_lo, x_hi + (0.0 if compact or own else 1.6))
    ax.set_ylim(lo, hi)
    shown = rows.loc[rows["area_id"].isin(area_ids), "value"].to_numpy(float)
    lines = np.concatenate([s.to_numpy(float) for s in thresholds.values()] or [np.array([])])
    if not np.isfinite(shown).any():
        # Nothing to draw: say why (suppressed, or no figures) instead of an empty panel.
        why = (label("chart.all_suppressed", lang) if any(hidden.values())
               else label("chart.no_data", lang))
        note = ax.text(0.5, 0.5, textwrap.fill(why, 30), transform=ax.transAxes,
                       ha="center", va="center", multialignment="center",
                       fontsize=7 if compact else 8, color="#444444", gid="no-data", zorder=6,
                       bbox={"boxstyle": "round,pad=0.3", "facecolor": "#FFFFFF",
                             "edgecolor": "#BBBBBB", "linewidth": 0.6})
        note.set_in_layout(False)  # inside the panel: it takes no room around it
    if np.isfinite(shown).any() or np.isfinite(lines).any():
        fixed_ticks(ax.yaxis, lo, hi, Y_BINS_COMPACT if compact else Y_BINS)
        ax.yaxis.set_major_formatter(style.axis_formatter(unit, lang))
    else:
        ax.set_yticks([])  # no scale for nothing: not a 0-100 axis with no line on it
    ticks = year_ticks(all_years, compact)
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.grid(axis="x", visible=False)
    if not compact:
        ax.set_xlabel(label("chart.list_year", lang))
        ax.set_ylabel(formatting.unit_suffix(unit, lang))
    elif np.isfinite(shown).any() or np.isfinite(lines).any():
        ax.set_ylabel(formatting.unit_suffix(unit, lang), fontsize=6.5)


@styled
def plot_trend(
    result: Any,
    criterion: str,
    areas: str | Iterable[str] | None = None,
    *,
    classification: str | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    list_years: Iterable[int] | None = None,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
    dataset_areas: Iterable[str] | None = None,
) -> Figure:
    """One criterion for one or more areas across list years, against the line of each year.

    Parameters
    ----------
    result:
        An :class:`~boligmonitor.criteria.Assessment` or its ``criteria`` table (suppressed
        values as NaN are drawn as gaps).
    criterion:
        ``"employment"``, ``"crime"``, ``"education"``, ``"income"`` or ``"non_western"``.
    areas:
        Area ids or names (default: every area).
    classification:
        Whose threshold to draw (``"forebyggelse"`` for § 61 b). Default: the first
        classification of each year's rule set that has the criterion (the list's criteria).
    plan_period:
        The plan period to shade, first and last list year; None for none.
    list_years:
        The list years on the x axis (default: all in the results).
    dataset_areas:
        Every area id of the dataset, whose order by id gives each area its colour, line
        style and marker (:func:`boligmonitor.style.area_styles`), the same in every chart
        (default: the areas of ``result``).
    """
    criteria = table_of(result, "criteria")
    rows = select_rows(criteria[criteria["criterion"].astype(str) == criterion],
                        classification)
    if rows.empty:
        raise KeyError(f"no rows for criterion {criterion!r}"
                       + (f" in classification {classification!r}" if classification else ""))
    area_ids = resolve_areas(rows, areas)
    fig, ax_, created = single_axes(ax, HEIGHT)
    styles = style.area_styles(criteria["area_id"] if dataset_areas is None else dataset_areas,
                               area_ids)
    draw_trend(ax_, rows, area_ids, lang=lang, plan_period=plan_period,
               years=None if list_years is None else sorted(int(y) for y in list_years),
               compact=False, styles=styles)
    title = label("chart.trend_title", lang).format(criterion=criterion_label(criterion, lang))
    if classification is not None:
        title += f" ({classification_label(classification, lang)})"
    # The line of the latest list year as the law words it and its value, as the report says.
    shown = rows[rows["area_id"].isin(area_ids)]
    line = ""
    if len(shown):
        last = shown[shown["list_year"] == shown["list_year"].max()]
        unit = str(last["unit"].iloc[-1])
        line = label("chart.line_of", lang).format(
            year=int(last["list_year"].iloc[0]), line=line_text(last[last["unit"] == unit],
                                                                unit, lang))
    if created:
        chart_title(fig, ax_, title, created)
        if line:
            ax_.set_title(line, loc="left", fontsize=7.5)
    else:
        chart_title(fig, ax_, title + (f"\n{line}" if line else ""), created)
    handles, labels_ = legend_entries(ax_)
    # Say why a line breaks off or is missing: gaps are missing or suppressed figures.
    gaps = any(np.isnan(np.asarray(a.get_ydata(), float)).any()
               for a in ax_.get_lines() if str(a.get_gid()).startswith("area:"))
    kw = {"ncol": min(4, len(handles)), "title_fontsize": 7,
          "title": label("chart.gaps_note", lang) if gaps else None}
    if created:
        footer_legend(fig, handles, labels_, **kw)
    else:
        ax_.legend(handles, labels_, loc="upper center", bbox_to_anchor=(0.5, -0.18), **kw)
    return finish(fig, ax_, created, example_flag(is_example, result, criteria), lang)


