"""Early warning: each area's latest value against the value its next data year must reach."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from boligmonitor import formatting, style
from boligmonitor.labels import label, label_n
from boligmonitor.plots.core import (
    chart_title,
    criterion_label,
    criterion_panels,
    data_label,
    finish,
    footer_legend,
    gap_label,
    layout_of,
    limits,
    panel_room,
    styled,
    value_ticks,
)
from boligmonitor.plots.tables import (
    example_flag,
    ordered_criteria,
    table_of,
    unit_of_indicator,
)
from boligmonitor.plots.text import data_text, short_name

# Ticks on the value axis: at most this many intervals (fixed, see core.fixed_ticks).
X_BINS = 5


@styled
def plot_early_warning(
    warning: Any,
    *,
    classification: str | None = None,
    averaged_only: bool = False,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """For next year's list: each area's latest value against the value its next data year
    must reach for the criterion to be met (``EarlyWarning.boundaries``).

    One panel per criterion; a dot for the latest value, a bar mark for the boundary, the
    segment between them is the room left (blue) or, where the latest value already passes the
    boundary, the criterion is met if it repeats (vermillion, hatched marker).
    """
    b = table_of(warning, "boundaries").copy()
    for col in ("area_id", "area_name", "criterion", "classification", "operator"):
        b[col] = b[col].astype(str)
    if classification is not None:
        b = b[b["classification"] == classification]
    else:
        first = b.drop_duplicates(["area_id", "criterion"], keep="first")
        b = b.merge(first[["area_id", "criterion", "classification"]],
                    on=["area_id", "criterion", "classification"])
    if averaged_only:
        b = b[b["window"] > 1]
    if b.empty:
        raise KeyError("no boundaries to draw" + (f" for {classification!r}"
                                                  if classification else ""))
    target = int(b["list_year"].iloc[0])
    crits = ordered_criteria(b["criterion"])
    # The latest value names the data year it comes from.
    latest_label = label("chart.latest_value", lang)
    if "latest_year" in b.columns and b["latest_year"].notna().any():
        years = sorted({int(y) for y in b["latest_year"].dropna()})
        latest_label = label_n("chart.latest_value_years", len(years), lang).format(
            years=formatting.years_text(years))
    fig, grid, created, nrows, ncols = criterion_panels(ax, len(crits), _names(b),
                                                  top=0.7, per_panel=0.8)
    first_ax = None
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[i // ncols, i % ncols])
        first_ax = first_ax or a
        sub = b[b["criterion"] == crit].sort_values("headroom", na_position="first",
                                                    kind="stable")
        unit = unit_of_indicator(str(sub["indicator"].iloc[0]))
        ypos = np.arange(len(sub))
        latest = sub["latest_value"].to_numpy(float)
        bound = sub["boundary"].to_numpy(float)
        head = sub["headroom"].to_numpy(float)
        # Rows without numbers: say why, where the table says whether they were suppressed.
        hidden = (sub["is_suppressed"].fillna(False).to_numpy(bool) if "is_suppressed" in sub
                  else np.zeros(len(sub), bool))
        lo, hi = limits(np.concatenate([latest, bound]), pad=0.15)
        for k, (y, lv, bv, h) in enumerate(zip(ypos, latest, bound, head, strict=True)):
            if not (np.isfinite(lv) and np.isfinite(bv)):
                # Never a silent blank row: suppressed (disclosure control) or missing.
                data_label(a, gap_label(bool(hidden[k]), lang), (lo, y), offset=2,
                           fontsize=6.5, color="#444444", gid=f"gap:{k}")
            if np.isfinite(lv) and np.isfinite(bv):
                color = style.NOT_MET_COLOR if h > 0 else style.MET_COLOR
                a.plot([lv, bv], [y, y], color=color, linewidth=3, alpha=0.45,
                       solid_capstyle="butt", marker="")
                if h <= 0:
                    a.plot([lv], [y], linestyle="none", marker="o", markersize=5,
                           color=style.MET_COLOR, zorder=4)
                d = int(formatting.value_decimals(lv, bv, unit, lang)[0])
                text = (formatting.margin(h, unit, lang, decimals=d).lstrip("+") if h > 0
                        else label("chart.no_room", lang))
                data_label(a, text, (max(lv, bv), y), offset=4, fontsize=6.5)
        a.plot(latest, ypos, linestyle="none", marker="o", color=style.NOT_MET_COLOR,
               markersize=5, gid=f"latest:{data_text(crit)}", label=latest_label)
        a.plot(bound, ypos, linestyle="none", marker="|", color=style.THRESHOLD_COLOR,
               markersize=12, markeredgewidth=2, gid=f"boundary:{data_text(crit)}",
               label=label("chart.boundary", lang))
        # Room for the labels right of the marks: as much as they need in a chart laid out
        # by the package (the layout widens the range), a third more in a caller's figure.
        own = layout_of(fig) is not None
        a.set_xlim(lo, hi + (0.0 if own else 0.35 * (hi - lo)))
        a.xaxis.set_major_formatter(style.axis_formatter(unit, lang))
        names = [short_name(n) for n in sub["area_name"]]
        value_ticks(a.xaxis, lo, hi + 0.35 * (hi - lo), X_BINS, panel_room(ncols, names))
        a.set_ylim(-0.7, len(sub) - 0.3)
        a.set_yticks(ypos)
        a.set_yticklabels(names)
        a.set_xlabel(formatting.unit_suffix(unit, lang), fontsize=7)
        w = int(sub["window"].iloc[0])
        nxt = int(sub["next_year"].iloc[0])
        extra = f"; {label('chart.window', lang).format(n=w)}" if w > 1 else ""
        a.set_title(f"{criterion_label(crit, lang)}\n({label('chart.data_year', lang)} {nxt}"
                    f"{extra})", loc="left", fontsize=7.5)
        a.grid(axis="y", visible=False)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[j // ncols, j % ncols]).set_axis_off()
    title = label("chart.early_warning_title", lang).format(year=target)
    if first_ax is not None:
        handles, labels_ = first_ax.get_legend_handles_labels()
        if created:
            chart_title(fig, None, title, created)
            footer_legend(fig, handles, labels_, ncol=2)
        else:
            first_ax.legend(handles, labels_, loc="lower right", fontsize=6.5)
    return finish(fig, first_ax, created, example_flag(is_example, warning, b), lang)


# --- raw annual values beside the averages ---------------------------------------------------


def _names(b: pd.DataFrame) -> list[str]:
    """Each area's name as drawn beside its bar, once."""
    first = b.drop_duplicates("area_id")
    return [short_name(n) for n in first["area_name"]]
