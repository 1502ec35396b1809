"""Margins: every area's signed distance to the line, per criterion, in one list year."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from boligmonitor import style
from boligmonitor.labels import label
from boligmonitor.plots.core import (
    chart_title,
    classification_label,
    criterion_label,
    criterion_panels,
    data_label,
    finish,
    footer_legend,
    gap_label,
    panel_room,
    styled,
    value_ticks,
)
from boligmonitor.plots.tables import (
    example_flag,
    latest_list_year,
    ordered_criteria,
    select_rows,
    table_of,
)
from boligmonitor.plots.text import data_text, short_name


def _bar_colors(met: pd.Series) -> tuple[list[str], list[str | None]]:
    colors, hatches = [], []
    for m in met:
        if m is None or pd.isna(m):
            colors.append(style.UNKNOWN_COLOR)
            hatches.append(None)
        elif bool(m):
            colors.append(style.MET_COLOR)
            hatches.append(style.MET_HATCH)
        else:
            colors.append(style.NOT_MET_COLOR)
            hatches.append(None)
    return colors, hatches


# Ticks on the margin axis: at most this many intervals (fixed, see core.fixed_ticks).
X_BINS = 5


@styled
def plot_margins(
    result: Any,
    list_year: int | None = None,
    *,
    classification: str | None = None,
    criteria: Iterable[str] | None = None,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Every area's margin (signed distance to the line; positive = met) per criterion.

    One panel per criterion, in its own unit (percentage points, kroner); areas sorted by
    margin; met bars right of the line, hatched and vermillion, not met left and blue.
    Default list year: the latest in the results.
    """
    table = table_of(result, "criteria")
    year = latest_list_year(table, list_year)
    rows = select_rows(table[table["list_year"] == year], classification)
    if rows.empty:
        raise KeyError(f"no criterion rows for list year {year}")
    crits = ordered_criteria(rows["criterion"])
    if criteria is not None:
        crits = [c for c in crits if c in set(criteria)]
    fig, grid, created, nrows, ncols = criterion_panels(ax, len(crits), _names(rows),
                                                  top=0.6, per_panel=0.75)
    first_ax = None
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[i // ncols, i % ncols])
        first_ax = first_ax or a
        sub = rows[rows["criterion"] == crit].sort_values("margin", na_position="first",
                                                          kind="stable")
        unit = str(sub["unit"].iloc[0])
        colors, hatches = _bar_colors(sub["is_met"])
        ypos = np.arange(len(sub))
        margins = sub["margin"].to_numpy(float)
        bars = a.barh(ypos, np.nan_to_num(margins, nan=0.0), color=colors, hatch=hatches,
                      edgecolor="#333333", linewidth=0.4, height=0.65,
                      gid=f"margin:{data_text(crit)}")
        for b, m in zip(bars, margins, strict=True):
            if np.isnan(m):
                b.set_visible(False)  # a gap, never a zero-length bar that reads as "at the line"
        a.axvline(0, color=style.THRESHOLD_COLOR, linewidth=1.2, gid="threshold")
        lim = np.nanmax(np.abs(margins)) if np.isfinite(margins).any() else 1.0
        lim = lim * 1.55 if lim > 0 else 1.0
        a.set_xlim(-lim, lim)
        a.xaxis.set_major_formatter(style.axis_formatter(unit, lang, margin=True))
        names = [short_name(n) for n in sub["area_name"]]
        value_ticks(a.xaxis, -lim, lim, X_BINS, panel_room(ncols, names))
        hidden = (sub["is_suppressed"].to_numpy(bool) if "is_suppressed" in sub
                  else np.zeros(len(sub), bool))
        for y, m, is_hidden in zip(ypos, margins, hidden, strict=True):
            # Labels on the met side of the line: clear of the area names on the left.
            text = (style.fmt_margin(m, unit, lang) if np.isfinite(m)
                    else gap_label(bool(is_hidden), lang))
            data_label(a, " " + text, (max(m, 0) if np.isfinite(m) else 0, y), fontsize=6.5)
        a.set_yticks(ypos)
        a.set_yticklabels(names)
        a.set_xlabel(style.unit_suffix(unit, lang, margin=True), fontsize=7)
        cl = str(sub["classification"].iloc[0])
        sym = data_text(sub["operator_symbol"].iloc[0]) if "operator_symbol" in sub else ""
        thr = sub["threshold"].dropna()
        thr_text = style.fmt_value(float(thr.iloc[0]), unit, lang) if len(thr) else "–"
        a.set_title(f"{criterion_label(crit, lang)}\n({classification_label(cl, lang)}: "
                    f"{sym} {thr_text})", loc="left", fontsize=7.5)
        a.grid(axis="y", visible=False)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[j // ncols, j % ncols]).set_axis_off()
    handles = [Patch(facecolor=style.MET_COLOR, hatch=style.MET_HATCH, edgecolor="#333333",
                     label=label("status.met", lang)),
               Patch(facecolor=style.NOT_MET_COLOR, edgecolor="#333333",
                     label=label("status.not_met", lang)),
               Patch(facecolor=style.UNKNOWN_COLOR, edgecolor="#333333",
                     label=label("status.unknown", lang))]
    title = label("chart.margins_title", lang).format(year=year)
    if created:
        chart_title(fig, None, title, created)
        footer_legend(fig, handles, [h.get_label() for h in handles], ncol=3,
                      title=label("chart.margins_note", lang), title_fontsize=7)
    elif first_ax is not None:
        first_ax.legend(handles=handles, loc="lower right", fontsize=6.5)
    return finish(fig, first_ax, created, example_flag(is_example, result, table), lang)


# --- early warning ---------------------------------------------------------------------------


def _names(rows: pd.DataFrame) -> list[str]:
    """Each area's name as drawn beside its bar, once."""
    first = rows.drop_duplicates("area_id")
    return [short_name(n) for n in first["area_name"]]
