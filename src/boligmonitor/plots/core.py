"""The drawing core every chart shares: figure and panel creation, the example-data mark, titles,
legends and notes, labels in data coordinates, fixed ticks, threshold steps and limits,
category cells, and the marking of suppressed and missing values.

A figure made here is laid out by :class:`~boligmonitor.plots.layout.ChartLayout` (once, from
its size and the text it holds); a chart drawn into a caller's Axes leaves the caller's figure
and its layout alone.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.patches import Patch
from matplotlib.text import Annotation, Text
from matplotlib.ticker import MaxNLocator

from boligmonitor import style
from boligmonitor.labels import has_label, label
from boligmonitor.plots.layout import PAD, WSPACE, ChartLayout
from boligmonitor.plots.text import data_text, text_width

TITLE_SIZE = 10
# The steps matplotlib's own tick locator uses: ticks at 1, 2, 2.5 or 5 times a power of ten.
TICK_STEPS = (1, 2, 2.5, 5, 10)


def styled(func: Any) -> Any:
    """Build the chart inside the package's matplotlib settings (fonts, sizes, mathtext off)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style.context():
            return func(*args, **kwargs)

    return wrapper


# --- labels ------------------------------------------------------------------------------------


def criterion_label(criterion: str, lang: str) -> str:
    """The catalogue's name of a criterion; an id the catalogue does not know, as data text."""
    key = f"criterion.{criterion}"
    return label(key, lang) if has_label(key) else data_text(criterion)


def classification_label(cid: str, lang: str) -> str:
    key = f"classification.{cid}"
    return label(key, lang) if has_label(key) else data_text(cid)


def category_label(cat: str, lang: str) -> str:
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else data_text(cat)


def gap_label(is_suppressed: bool, lang: str) -> str:
    """What a gap in a chart is: a suppressed figure (disclosure control) or a missing one."""
    return label("text.suppressed" if is_suppressed else "text.missing", lang)


# --- figures and axes ------------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    """A bare Figure (not pyplot: no global state, nothing shown, nothing kept alive), laid out
    by the charts' own layout engine."""
    return Figure(figsize=(width, height), dpi=style.RC["figure.dpi"], layout=ChartLayout())


def layout_of(fig: Figure) -> ChartLayout | None:
    """The chart layout of ``fig``, or None for a figure the caller made."""
    engine = fig.get_layout_engine()
    return engine if isinstance(engine, ChartLayout) else None


def single_axes(ax: Axes | None, height: float) -> tuple[Figure, Axes, bool]:
    if ax is not None:
        return ax.get_figure(root=True), ax, False
    fig = new_figure(style.FIG_WIDTH, height)
    return fig, fig.add_subplot(), True


def panel_grid(
    ax: Axes | None, nrows: int, ncols: int, height: float, **grid: Any
) -> tuple[Figure, Any, bool]:
    """A grid of panels: a new figure, or the place of ``ax`` split into a sub-grid."""
    if ax is None:
        fig = new_figure(style.FIG_WIDTH, height)
        return fig, fig.add_gridspec(nrows, ncols, **grid), True
    fig = ax.get_figure(root=True)
    spec = ax.get_subplotspec()
    if spec is None:
        raise ValueError("ax must be a subplot (made by add_subplot or subplots) to be split")
    ax.remove()
    return fig, spec.subgridspec(nrows, ncols, **grid), False


def criterion_panels(
    ax: Axes | None, n_criteria: int, names: Iterable[str], top: float, per_panel: float
) -> tuple[Figure, Any, bool, int, int]:
    """One panel per criterion, two columns, tall enough for a bar per area and its name (the
    names as drawn, one or two lines each); returns the figure, the grid, whether the figure
    is new, and the grid's rows and columns."""
    names = list(names)
    lines = max((n.count("\n") + 1 for n in names), default=1)
    per_area = max(0.26, (lines * 1.2 * style.RC["ytick.labelsize"] + 5) / 72)
    ncols = 2 if n_criteria > 1 else 1
    nrows = math.ceil(n_criteria / ncols)
    fig, grid, created = panel_grid(ax, nrows, ncols,
                                    top + nrows * (per_panel + per_area * len(names)))
    return fig, grid, created, nrows, ncols


# --- title, mark, legends, notes -----------------------------------------------------------------


def mark_example(fig: Figure, ax: Axes | None, lang: str) -> Text:
    """The visible example-data mark: on the figure's title line when the chart owns the
    figure, else in the corner of ``ax``."""
    text = label("text.example_data", lang).upper()
    box = {"boxstyle": "round,pad=0.3", "facecolor": "#FFFFFF", "edgecolor": style.EXAMPLE_COLOR,
           "linewidth": 1.0}
    kw = {"color": style.EXAMPLE_COLOR, "fontweight": "bold", "fontsize": 8, "bbox": box,
          "ha": "right", "va": "top", "gid": "example-mark", "zorder": 10}
    layout = layout_of(fig)
    if layout is not None or ax is None:
        mark = fig.text(0.995, 0.995, text, **kw)
        if layout is not None:
            layout.set_mark(mark)
        return mark
    return ax.text(0.99, 0.98, text, transform=ax.transAxes, **kw)


def finish(fig: Figure, ax: Axes | None, created: bool, is_example: bool, lang: str) -> Figure:
    """The last step of every chart: the example-data mark where the data is example data."""
    if is_example:
        mark_example(fig, None if created else ax, lang)
    return fig


def chart_title(fig: Figure, ax: Axes | None, text: str, created: bool, **ax_kw: Any) -> None:
    """The chart's title: the figure title (gid ``"title"``, fitted beside the mark) when the
    chart owns the figure, else the left title of ``ax`` (none if ``ax`` is None)."""
    layout = layout_of(fig) if created else None
    if layout is not None:
        layout.set_title(fig.text(0, 1, text, fontsize=TITLE_SIZE, fontweight="bold",
                                  ha="left", va="top", gid="title"))
    elif ax is not None:
        ax.set_title(text, loc="left", **{"fontweight": "bold", **ax_kw})


def legend_entries(*axes: Axes, keep: Iterable[str] | None = None
                   ) -> tuple[list[Any], list[str]]:
    """The legend entries of ``axes``: one per label (a threshold drawn in five panels is one
    entry), except the areas' lines, which keep an entry each even where two areas' shortened
    names are alike. ``keep``: only these labels (no area lines)."""
    keep = None if keep is None else set(keep)
    handles: list[Any] = []
    labels_: list[str] = []
    for ax in axes:
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            if keep is not None:
                if lab not in keep or lab in labels_:
                    continue
            elif lab in labels_ and not str(h.get_gid()).startswith("area:"):
                continue
            handles.append(h)
            labels_.append(lab)
    return handles, labels_


def footer_legend(fig: Figure, handles: Sequence[Any], labels_: Sequence[str], *, ncol: int,
                  align: Axes | None = None, **kw: Any) -> Legend:
    """A figure legend in the chart's footer: centred, or left-aligned with panel ``align``;
    with fewer than ``ncol`` columns where the figure is too narrow for them."""
    loc = "lower center" if align is None else "lower left"
    handles, labels_ = list(handles), list(labels_)

    def make(n: int) -> Legend:
        # No pad around the box: the layout places the box itself where it measured it.
        return fig.legend(handles, labels_, loc=loc, ncol=n, borderaxespad=0, **kw)

    legend = make(ncol)
    layout = layout_of(fig)
    if layout is not None:
        layout.add_footer(legend, align, ncols=ncol, remake=make)
    return legend


def footer_note(fig: Figure, text: str, *, align: Axes | None = None, max_lines: int = 6,
                **kw: Any) -> Text:
    """A note in the chart's footer, below the legends, wrapped to the width it has."""
    note = fig.text(0, 0, text, ha="left", va="top", **kw)
    layout = layout_of(fig)
    if layout is not None:
        layout.add_footer(note, align, max_lines=max_lines)
    return note


def data_label(ax: Axes, text: str, xy: tuple[float, float], *, offset: float = 0.0,
               spread: bool = False, **kw: Any) -> Annotation:
    """A label left-aligned ``offset`` points right of the data point ``xy``, kept inside
    ``ax`` (its x range is widened for it once the chart is laid out); ``spread``: moved up
    or down clear of the other spread labels of ``ax``."""
    ann = ax.annotate(text, xy, xytext=(offset, 0), textcoords="offset points",
                      **{"ha": "left", "va": "center", **kw})
    layout = layout_of(ax.get_figure(root=True))
    if layout is not None:
        layout.keep_inside(ax, ann, (float(xy[0]), float(xy[1])), spread=spread)
    return ann


def _tick_values(lo: float, hi: float, nbins: int) -> list[float]:
    ticks = MaxNLocator(nbins=nbins, steps=list(TICK_STEPS)).tick_values(lo, hi)
    eps = 1e-9 * max(abs(hi - lo), 1e-12)
    return [float(t) for t in ticks if lo - eps <= t <= hi + eps]


def fixed_ticks(axis: Any, lo: float, hi: float, nbins: int) -> None:
    """Ticks at round values between ``lo`` and ``hi``, at most ``nbins`` intervals, fixed
    now: a panel that the layout makes wider or taller gets no other ticks, so the room its
    tick labels take is the room they were measured at."""
    axis.set_ticks(_tick_values(lo, hi, nbins))


def value_ticks(axis: Any, lo: float, hi: float, nbins: int, room: float) -> None:
    """Fixed ticks (as :func:`fixed_ticks`) along a horizontal value axis: at most ``nbins``
    intervals, fewer where their labels would not stand side by side in a panel ``room``
    inches wide."""
    fmt = axis.get_major_formatter()
    size = style.RC["xtick.labelsize"]
    ticks = _tick_values(lo, hi, nbins)
    for n in range(nbins, 0, -1):
        ticks = _tick_values(lo, hi, n)
        if len(ticks) < 2:
            break
        widest = max(text_width(fmt(t, i), size) for i, t in enumerate(ticks))
        if (ticks[1] - ticks[0]) / (hi - lo) * room >= 1.3 * widest:
            break
    axis.set_ticks(ticks)


def panel_room(ncols: int, beside: Iterable[str]) -> float:
    """The width (inches) a panel of a chart of ``ncols`` columns has, about, next to the
    tick labels ``beside`` it (area names)."""
    size = style.RC["ytick.labelsize"]
    names = max((text_width(line, size) for s in beside for line in str(s).split("\n")),
                default=0.0)
    return (style.FIG_WIDTH - 2 * PAD - WSPACE * (ncols - 1)) / ncols - names - 0.15


# --- thresholds ------------------------------------------------------------------------------


def threshold_series(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The threshold applied in each list year, by distinct line.

    ``rows`` are criterion rows of one criterion (as selected for a chart). Areas that share
    their threshold in every year (all areas of one region) share one line, keyed ``"all"``
    when every area does; otherwise one line per area id.
    """
    wide = rows.pivot_table(index="list_year", columns="area_id", values="threshold",
                            aggfunc="first", dropna=False)
    wide = wide.reindex(sorted(wide.index))
    cols = list(wide.columns)
    if not cols:
        return {}
    first = wide[cols[0]]
    same = all(
        np.allclose(wide[c].to_numpy(float), first.to_numpy(float), equal_nan=True, rtol=1e-12)
        or _compatible(wide[c], first)
        for c in cols
    )
    if same:
        return {"all": wide.bfill(axis=1).iloc[:, 0].astype(float)}
    return {str(c): wide[c].astype(float) for c in cols}


def _compatible(a: pd.Series, b: pd.Series) -> bool:
    """Equal where both are known (an area absent in a year has no row, not another line)."""
    both = a.notna() & b.notna()
    return bool(np.allclose(a[both].to_numpy(float), b[both].to_numpy(float), rtol=1e-12))


def step_xy(years: Sequence[int], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """Each year's value as a horizontal step over [year - 0.5, year + 0.5]; NaN between years
    that are not adjacent, and NaN values stay gaps."""
    xs: list[float] = []
    ys: list[float] = []
    prev = None
    for y, v in zip(years, values, strict=True):
        if prev is not None and y != prev + 1:
            xs.append(np.nan)
            ys.append(np.nan)
        xs.extend([y - 0.5, y + 0.5])
        ys.extend([v, v])
        prev = y
    return np.asarray(xs, float), np.asarray(ys, float)


def limits(values: np.ndarray, pad: float = 0.12) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo if hi > lo else max(abs(hi), 1e-3)
    return lo - pad * span, hi + pad * span


def met_text(row: pd.Series) -> str:
    n = row.get("n_criteria_met")
    k = row.get("n_criteria")
    if n is None or pd.isna(n) or k is None or pd.isna(k):
        return ""
    text = f"{int(n)}/{int(k)}"
    listable = row.get("is_listable")
    if listable is not None and not pd.isna(listable) and not bool(listable):
        text += "*"
    return text


def category_handles(cats: Iterable[str], lang: str) -> list[Patch]:
    """Legend entries of the categories in ``cats``, least to most severe."""
    present = [c for c in style.CATEGORY_ORDER if c in set(cats)]
    present += [c for c in dict.fromkeys(cats) if c not in present]
    return [Patch(facecolor=style.CATEGORY_COLORS.get(c, "#FFF"), edgecolor="#777777",
                  hatch=style.CATEGORY_HATCH.get(c), hatchcolor=style.HATCH_COLOR,
                  label=category_label(c, lang))
            for c in present]


