"""The outlook's charts: each indicator's fan against its moving line, an area's indicators
together, and the probability of each category per area and list year.

They take an :class:`~boligmonitor.outlook.Outlook` (disclosure-controlled for publishing:
:func:`~boligmonitor.outlook.publish.suppress_outlook`), are Danish by default, carry the
example-data mark where the data are the example, and say in a footnote where the method is
not calibrated (the outlook's own verdict, never hidden). Suppressed values are gaps.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from boligmonitor import formatting, style
from boligmonitor.labels import has_label, label
from boligmonitor.plots.core import (
    category_handles,
    category_label,
    chart_title,
    classification_label,
    finish,
    fixed_ticks,
    footer_legend,
    footer_note,
    legend_entries,
    limits,
    mark_suppressed,
    panel_grid,
    single_axes,
    styled,
)
from boligmonitor.plots.tables import example_flag
from boligmonitor.plots.text import data_text, short_name

BASELINE = "baseline"  # the outlook's name of the scenario without changes
FAN_HEIGHT = 3.2  # inches: one indicator
AREA_HEIGHT = 7.2  # inches: an area's six indicators
PROB_PANEL = 1.55  # inches per row of areas in the probability chart
Y_BINS = 5
MAX_AREAS = 12  # the probability chart shows at most this many areas (the most likely listed)
# The indicators of an area's chart, in the order of the criteria.
AREA_INDICATORS = ("share_outside_work_education_18_64", "share_convicted_18plus",
                   "share_basic_education_30_59", "mean_gross_income_15_64",
                   "share_non_western", "residents")
BAND_COLOR = style.OKABE_ITO["blue"]
# Each line by the list it belongs to: the criteria and the gate of one list share a style (and
# a legend entry); the area requirement is dotted.
LIST_OF_CLASSIFICATION = {"udsat": "udsat_boligomraade", "ghetto": "ghettoomraade",
                          "parallelsamfund_gate": "parallelsamfund",
                          "ghetto_gate": "ghettoomraade", "forebyggelse": "forebyggelsesomraade",
                          "forebyggelse_gate": "forebyggelsesomraade"}
LIST_STYLES = {"udsat_boligomraade": "-", "ghettoomraade": "-.", "parallelsamfund": "-.",
               "forebyggelsesomraade": (0, (4, 2)), "area": (0, (1, 1.5))}


def _unit(indicator: str) -> str:
    if indicator == "mean_gross_income_15_64":
        return "dkk"
    if indicator == "residents":
        return "persons"
    return "share"


def _formatter(unit: str, lang: str):
    if unit == "persons":
        from matplotlib.ticker import FuncFormatter

        from boligmonitor.formatting import number

        return FuncFormatter(lambda x, _pos: number(x, 0, lang))
    return style.axis_formatter(unit, lang)


def _indicator_label(indicator: str, lang: str) -> str:
    key = f"column.{indicator}"
    return label(key, lang) if has_label(key) else data_text(indicator)


def _region(outlook: Any, area_id: str) -> str | None:
    areas = getattr(outlook, "areas", None)
    if areas is None or areas.empty:
        return None
    row = areas[areas["area_id"].astype(str) == str(area_id)]
    return str(row["region"].iloc[0]) if len(row) else None


def _calibration_note(outlook: Any, lang: str) -> str | None:
    """The footnote where the method is not calibrated: its verdict, with a pointer to the
    reasons (the notes of the outlook, the report, the command line)."""
    if getattr(outlook, "is_calibrated", True):
        return None
    return label("outlook.chart_not_calibrated", lang)


def _line_label(cid: str, lang: str) -> tuple[str, Any]:
    """The legend text and line style of a classification's line: by the list it belongs to."""
    if cid == "area":
        return label("outlook.line", lang).format(
            classification=label("outlook.area_requirement", lang)), LIST_STYLES["area"]
    cat = LIST_OF_CLASSIFICATION.get(cid)
    if cat is None:
        return label("outlook.line", lang).format(
            classification=classification_label(cid, lang)), "-"
    return (label("outlook.line", lang).format(classification=category_label(cat, lang)),
            LIST_STYLES.get(cat, "-"))


def draw_fan(ax: Axes, outlook: Any, area_id: str, indicator: str, *, scenario: str,
             lang: str, compact: bool) -> bool:
    """Draw one indicator of one area into ``ax``: observed values, the median ahead and its
    50 % and 80 % intervals, and the lines it is held against. Returns whether anything was
    drawn (False: no such series)."""
    p = outlook.projections
    rows = p[(p["area_id"].astype(str) == str(area_id)) & (p["indicator"] == indicator)
             & (p["scenario"] == scenario)].sort_values("year")
    if rows.empty:
        ax.text(0.5, 0.5, label("text.missing", lang), transform=ax.transAxes, ha="center")
        return False
    unit = _unit(indicator)
    years = rows["year"].to_numpy(int)
    observed = rows["observed"].to_numpy(float)
    drawn = rows["is_projected"].to_numpy(bool)
    med = rows["median"].to_numpy(float)
    # The fan starts at the last observed value, so that it reads as its continuation.
    last = np.flatnonzero(~drawn & np.isfinite(observed))
    fan_x = years[drawn]
    bands = {k: rows[k].to_numpy(float)[drawn] for k in ("lower_80", "lower_50", "upper_50",
                                                          "upper_80")}
    med_d = med[drawn]
    if len(last) and len(fan_x) and years[last[-1]] == fan_x[0] - 1:
        start = observed[last[-1]]
        fan_x = np.concatenate([[years[last[-1]]], fan_x])
        bands = {k: np.concatenate([[start], v]) for k, v in bands.items()}
        med_d = np.concatenate([[start], med_d])
    ax.fill_between(fan_x, bands["lower_80"], bands["upper_80"], color=BAND_COLOR, alpha=0.18,
                    linewidth=0, gid="band-80", label=label("outlook.interval_80", lang))
    ax.fill_between(fan_x, bands["lower_50"], bands["upper_50"], color=BAND_COLOR, alpha=0.35,
                    linewidth=0, gid="band-50", label=label("outlook.interval_50", lang))
    ax.plot(fan_x, med_d, color=BAND_COLOR, linestyle=(0, (3, 1.5)), linewidth=1.6,
            gid="median", label=label("outlook.median", lang))
    ax.plot(years, observed, color="#222222", marker="o", markersize=3, linewidth=1.4,
            gid="observed", label=label("outlook.observed", lang))
    values = [observed, med, *bands.values()]
    region = _region(outlook, area_id)
    t = outlook.thresholds
    if t is not None and not t.empty:
        lines = t[(t["indicator"] == indicator) & (t["role"] != "gate") | (
            (t["indicator"] == indicator) & (t["indicator"] == "share_non_western"))]
        for cid, sub in lines.groupby("classification", sort=False):
            sub = sub[sub["scope"].isin(["absolute", "national", region])]
            if sub.empty:
                continue
            sub = sub.sort_values("year")
            x = sub["year"].to_numpy(int)
            text, dash = _line_label(str(cid), lang)
            ax.plot(x, sub["median"].to_numpy(float), color=style.THRESHOLD_COLOR,
                    linestyle=dash, linewidth=1.1, gid=f"threshold:{data_text(str(cid))}",
                    label=text)
            moving = sub["is_projected"].to_numpy(bool)
            if moving.any():
                ax.fill_between(x[moving], sub["lower_80"].to_numpy(float)[moving],
                                sub["upper_80"].to_numpy(float)[moving],
                                color=style.THRESHOLD_COLOR, alpha=0.08, linewidth=0,
                                gid=f"threshold-band:{data_text(str(cid))}")
            values.append(sub["median"].to_numpy(float))
    lo, hi = limits(np.concatenate([np.asarray(v, float) for v in values]), pad=0.08)
    if unit == "share":
        lo = max(lo, 0.0)
    ax.set_ylim(lo, hi)
    fixed_ticks(ax.yaxis, lo, hi, 3 if compact else Y_BINS)
    ax.yaxis.set_major_formatter(_formatter(unit, lang))
    ax.set_ylabel(label("outlook.persons", lang) if unit == "persons"
                  else formatting.unit_suffix(unit, lang), fontsize=7)
    ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    step = 2 if len(years) > 8 else 1
    ax.set_xticks(years[::step])
    ax.set_xticklabels([str(y) for y in years[::step]])
    if len(last) and len(fan_x):
        ax.axvspan(fan_x[0], years[-1] + 0.5, color="#F2F2F2", zorder=0, linewidth=0,
                   gid="future")
    if "is_suppressed" in rows.columns:
        # A suppressed year is marked as suppressed (a dotted band and its legend entry), never
        # a silent gap: the one rule of every chart.
        hidden = rows.loc[rows["is_suppressed"].fillna(False).astype(bool), "year"]
        if len(hidden):
            mark_suppressed(ax, hidden.astype(int).tolist(), lang)
    return True


@styled
def plot_outlook_fan(outlook: Any, area_id: str, indicator: str, *,
                     scenario: str = BASELINE, lang: str = "da",
                     is_example: bool | None = None, ax: Axes | None = None) -> Figure:
    """One indicator of one area: observed, then the median projection with its 50 % and 80 %
    intervals (a fan), against the lines of the criteria it feeds, which move where they are
    set relative to the national or regional average (their own interval shaded)."""
    fig, a, created = single_axes(ax, FAN_HEIGHT)
    draw_fan(a, outlook, area_id, indicator, scenario=scenario, lang=lang, compact=False)
    name = _area_name(outlook, area_id)
    chart_title(fig, a, f"{short_name(name)}: {_indicator_label(indicator, lang)}", created)
    handles, labels_ = legend_entries(a)
    if created:
        footer_legend(fig, handles, labels_, ncol=3)
        note = _calibration_note(outlook, lang)
        if note:
            footer_note(fig, note, fontsize=7, color=style.MET_COLOR, gid="calibration-note")
    else:
        a.legend(handles, labels_, fontsize=6.5, loc="best")
    return finish(fig, a, created, example_flag(is_example, outlook), lang)


@styled
def plot_outlook_area(outlook: Any, area_id: str, *, scenario: str = BASELINE,
                      lang: str = "da", is_example: bool | None = None,
                      ax: Axes | None = None) -> Figure:
    """An area's indicators projected against their lines: one fan per indicator (see
    :func:`plot_outlook_fan`), in the order of the criteria."""
    present = set(outlook.projections["indicator"].unique())
    inds = [i for i in AREA_INDICATORS if i in present]
    ncols = 2
    nrows = max(1, -(-len(inds) // ncols))
    fig, grid, created = panel_grid(ax, nrows, ncols, AREA_HEIGHT * nrows / 3)
    axes = []
    for k, ind in enumerate(inds):
        a = fig.add_subplot(grid[k // ncols, k % ncols])
        draw_fan(a, outlook, area_id, ind, scenario=scenario, lang=lang, compact=True)
        a.set_title(_indicator_label(ind, lang), loc="left", fontsize=7.5)
        axes.append(a)
    for k in range(len(inds), nrows * ncols):
        fig.add_subplot(grid[k // ncols, k % ncols]).set_axis_off()
    name = _area_name(outlook, area_id)
    title = label("outlook.area_title", lang).format(area=short_name(name))
    first = axes[0] if axes else None
    handles, labels_ = legend_entries(*axes)
    if created:
        chart_title(fig, None, title, created)
        footer_legend(fig, handles, labels_, ncol=3)
        note = _calibration_note(outlook, lang)
        if note:
            footer_note(fig, note, fontsize=7, color=style.MET_COLOR, gid="calibration-note")
    elif first is not None:
        first.legend(handles, labels_, fontsize=6, loc="best")
    return finish(fig, first, created, example_flag(is_example, outlook), lang)


def _area_name(outlook: Any, area_id: str) -> str:
    s = outlook.summary
    rows = s[s["area_id"].astype(str) == str(area_id)]
    return str(rows["area_name"].iloc[0]) if len(rows) else str(area_id)


@styled
def plot_outlook_probabilities(outlook: Any, *, scenario: str = BASELINE, lang: str = "da",
                               is_example: bool | None = None,
                               ax: Axes | None = None) -> Figure:
    """Per area and coming list year, the probability of each category as a stacked bar (the
    most severe on top), with the probability of being on any list written above it; for a
    scenario, the baseline's probability of a list as a hollow mark beside it. At most
    :data:`MAX_AREAS` areas: those most likely to be listed."""
    probs = outlook.probabilities
    summary = outlook.summary
    base = summary[summary["scenario"] == BASELINE]
    order = (base.groupby("area_id", observed=True)["probability_listed"].max()
             .sort_values(ascending=False, kind="stable"))
    area_ids = list(order.index[:MAX_AREAS].astype(str))
    names = {str(a): n for a, n in zip(base["area_id"].astype(str), base["area_name"],
                                       strict=True)}
    area_ids.sort(key=lambda a: names.get(a, a))
    years = sorted(int(y) for y in probs["list_year"].unique())
    ncols = 2 if len(area_ids) > 1 else 1
    nrows = max(1, -(-len(area_ids) // ncols))
    fig, grid, created = panel_grid(ax, nrows, ncols, 0.9 + PROB_PANEL * nrows)
    cats = [c for c in style.CATEGORY_ORDER if c not in ("none",)]
    seen: set[str] = set()
    axes = []
    p = probs[probs["scenario"] == scenario]
    # One scale for every panel (so that areas compare), no shorter than 10 points: a small
    # probability reads small.
    shown = summary[summary["area_id"].astype(str).isin(area_ids)
                    & summary["scenario"].isin([scenario, BASELINE])]
    peak = float(np.nanmax(shown["probability_listed"].to_numpy(float), initial=0.0))
    top = float(min(1.0, max(0.1, peak * 1.25)))
    for k, aid in enumerate(area_ids):
        a = fig.add_subplot(grid[k // ncols, k % ncols])
        axes.append(a)
        rows = p[p["area_id"].astype(str) == aid]
        bottom = np.zeros(len(years))
        for cat in cats:
            vals = np.array([rows.loc[(rows["list_year"] == y) & (rows["category"] == cat),
                                      "probability"].sum(min_count=1) for y in years], float)
            if np.all(np.nan_to_num(vals) == 0):
                continue
            seen.add(cat)
            a.bar(years, np.nan_to_num(vals), bottom=bottom, width=0.7,
                  color=style.CATEGORY_COLORS.get(cat, "#999999"), edgecolor="#555555",
                  linewidth=0.4, hatch=style.CATEGORY_HATCH.get(cat),
                  gid=f"bar:{data_text(aid)}:{cat}")
            bottom += np.nan_to_num(vals)
        listed = _listed(outlook, aid, scenario, years)
        for y, v in zip(years, listed, strict=True):
            text = _pct(v, lang)
            a.annotate(text, (y, min(max(v if v == v else 0.0, 0.0), top)),
                       xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                       fontsize=6.5, gid=f"label:{data_text(aid)}:{y}")
        if scenario != BASELINE:
            before = _listed(outlook, aid, BASELINE, years)
            a.plot(years, before, linestyle="none", marker="o", markersize=4.5,
                   markerfacecolor="none", markeredgecolor="#222222", gid=f"baseline:{aid}",
                   label=label("outlook.baseline_listed", lang))
        a.set_ylim(0, top * 1.18)
        fixed_ticks(a.yaxis, 0, top, 2)
        a.yaxis.set_major_formatter(style.axis_formatter("share", lang))
        a.set_ylabel(formatting.unit_suffix("share", lang), fontsize=7)
        a.set_xlim(years[0] - 0.6, years[-1] + 0.6)
        a.set_xticks(years)
        a.set_xticklabels([str(y) for y in years])
        a.set_title(short_name(names.get(aid, aid)), loc="left", fontsize=7.5)
        a.grid(axis="x", visible=False)
    for k in range(len(area_ids), nrows * ncols):
        fig.add_subplot(grid[k // ncols, k % ncols]).set_axis_off()
    title = label("outlook.probabilities_title", lang)
    if scenario != BASELINE:
        title += f" ({_scenario_name(outlook, scenario)})"
    handles: list[Any] = category_handles(sorted(seen), lang) or [
        Patch(facecolor=style.CATEGORY_COLORS["none"], label=category_label("none", lang))]
    labels_ = [h.get_label() for h in handles]
    if scenario != BASELINE and axes:
        extra_h, extra_l = legend_entries(axes[0], keep=[label("outlook.baseline_listed", lang)])
        handles, labels_ = handles + extra_h, labels_ + extra_l
    first = axes[0] if axes else None
    if created:
        chart_title(fig, None, title, created)
        footer_legend(fig, handles, labels_, ncol=3)
        note = label("outlook.probabilities_note", lang).format(draws=outlook.draws)
        if len(order) > MAX_AREAS:
            note += " " + label("outlook.more_areas", lang).format(shown=MAX_AREAS,
                                                                   n=len(order))
        footer_note(fig, note, fontsize=7, color="#333333")
        cal = _calibration_note(outlook, lang)
        if cal:
            footer_note(fig, cal, fontsize=7, color=style.MET_COLOR, gid="calibration-note")
    elif first is not None:
        first.legend(handles, labels_, fontsize=6, loc="upper left")
    return finish(fig, first, created, example_flag(is_example, outlook), lang)


def _listed(outlook: Any, area_id: str, scenario: str, years: list[int]) -> np.ndarray:
    s = outlook.summary
    rows = s[(s["area_id"].astype(str) == area_id) & (s["scenario"] == scenario)]
    by_year = dict(zip(rows["list_year"].astype(int), rows["probability_listed"], strict=True))
    return np.array([by_year.get(y, np.nan) for y in years], float)


def _pct(p: float, lang: str) -> str:
    """A probability over a bar: as the outlook's text, in the short form a bar has room for."""
    from boligmonitor.outlook.text import probability_text

    return probability_text(p, lang, short=True)


def _scenario_name(outlook: Any, scenario: str) -> str:
    for s in getattr(outlook, "scenarios", ()):
        if s.id == scenario:
            return data_text(s.name)
    return data_text(scenario)


def outlook_charts(outlook: Any, *, lang: str = "da", is_example: bool | None = None
                   ) -> dict[str, Figure]:
    """Every chart of an outlook by file name: the probabilities (and, per scenario, beside the
    baseline), and each area's indicators against the lines."""
    figures = {"outlook_probabilities": plot_outlook_probabilities(
        outlook, lang=lang, is_example=is_example)}
    for sc in getattr(outlook, "scenarios", ()):
        figures[f"outlook_probabilities_{data_text(sc.id)}"] = plot_outlook_probabilities(
            outlook, scenario=sc.id, lang=lang, is_example=is_example)
    ids = outlook.summary["area_id"].astype(str).drop_duplicates()
    for i, area_id in enumerate(ids, start=1):
        figures["outlook_area_" + str(i).zfill(2)] = plot_outlook_area(outlook, area_id, lang=lang,
                                                             is_example=is_example)
    return figures
