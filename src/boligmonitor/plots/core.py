"""The drawing core every chart shares: figure and panel creation, the example-data mark,
titles, legends, threshold steps and limits, category cells, and the text helpers that keep
text from the data inside its place."""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from boligmonitor import style
from boligmonitor.labels import has_label, label


def styled(func: Any) -> Any:
    """Build the chart inside the package's matplotlib settings (fonts, sizes, SVG salt)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style.context():
            return func(*args, **kwargs)

    return wrapper

# An area name on an axis or in a legend: at most two lines of this many characters. A longer
# name would take the whole width of a panel and collapse its axes to nothing (the layout
# engine then gives up and draws the chart unlaid, with a warning).
NAME_WIDTH = 24


def short_name(name: Any, width: int = NAME_WIDTH, max_lines: int = 2) -> str:
    """``name`` wrapped to ``max_lines`` lines of ``width`` characters, cut with an ellipsis."""
    text = " ".join(str(name).split())
    lines = textwrap.wrap(text, width, max_lines=max_lines, placeholder=" …",
                          break_long_words=True, break_on_hyphens=True)
    return "\n".join(lines) if lines else text


def criterion_label(criterion: str, lang: str) -> str:
    key = f"criterion.{criterion}"
    return label(key, lang) if has_label(key) else criterion


def classification_label(cid: str, lang: str) -> str:
    key = f"classification.{cid}"
    return label(key, lang) if has_label(key) else cid


def category_label(cat: str, lang: str) -> str:
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else cat


# --- figures and axes ------------------------------------------------------------------------


def new_figure(width: float, height: float) -> Figure:
    # A bare Figure, not pyplot: no global state, nothing shown, nothing kept alive.
    return Figure(figsize=(width, height), layout="constrained")


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
    ax: Axes | None, n_criteria: int, n_areas: int, top: float, per_panel: float
) -> tuple[Figure, Any, bool, int, int]:
    """One panel per criterion, two columns, tall enough for a bar per area; returns the
    figure, the grid, whether the figure is new, and the grid's rows and columns."""
    ncols = 2 if n_criteria > 1 else 1
    nrows = math.ceil(n_criteria / ncols)
    fig, grid, created = panel_grid(ax, nrows, ncols, top + nrows * (per_panel + 0.26 * n_areas))
    return fig, grid, created, nrows, ncols


def mark_example(fig: Figure, ax: Axes | None, created: bool, lang: str) -> None:
    """The visible example-data mark: on the figure when the chart owns it, else on the axes."""
    text = label("text.example_data", lang).upper()
    box = {"boxstyle": "round,pad=0.3", "facecolor": "#FFFFFF", "edgecolor": style.EXAMPLE_COLOR,
           "linewidth": 1.0}
    kw = {"color": style.EXAMPLE_COLOR, "fontweight": "bold", "fontsize": 8, "bbox": box,
          "ha": "right", "va": "top", "gid": "example-mark", "zorder": 10}
    if created or ax is None:
        fig.text(0.995, 0.995, text, **kw)
    else:
        ax.text(0.99, 0.98, text, transform=ax.transAxes, **kw)


def finish(fig: Figure, ax: Axes | None, created: bool, is_example: bool, lang: str) -> Figure:
    if is_example:
        mark_example(fig, ax, created, lang)
    return fig


def chart_title(target: Figure | Axes, text: str, created: bool) -> None:
    if isinstance(target, Figure):
        if created:
            target.suptitle(text, x=0.01, ha="left", fontsize=10, fontweight="bold")
    else:
        target.set_title(text, loc="left", fontweight="bold")


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


def category_legend(fig_or_ax: Any, cats: Iterable[str], lang: str, **kw: Any) -> None:
    present = [c for c in style.CATEGORY_ORDER if c in set(cats)]
    present += [c for c in dict.fromkeys(cats) if c not in present]
    handles = [Patch(facecolor=style.CATEGORY_COLORS.get(c, "#FFF"), edgecolor="#777777",
                     hatch=style.CATEGORY_HATCH.get(c), hatchcolor=style.HATCH_COLOR,
                     label=category_label(c, lang))
               for c in present]
    fig_or_ax.legend(handles=handles, **kw)


