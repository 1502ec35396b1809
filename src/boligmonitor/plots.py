"""The board's charts: ``plot_*`` functions that take scoring results and return a Figure.

Every function

* takes the tables of :func:`~boligmonitor.criteria.assess` (an :class:`Assessment` or its
  ``criteria`` table) or of :func:`~boligmonitor.warning.early_warning`, and ``ax=None``: given
  an Axes, the chart is drawn into it (multi-panel charts split its place in the figure);
* returns the :class:`matplotlib.figure.Figure`; it never shows or saves (saving is
  :func:`boligmonitor.io.figures.save_figure`);
* is Danish by default (``lang="en"`` for English), all texts from ``labels.toml``;
* draws a visible "Eksempeldata" mark when ``is_example`` is True (default: taken from the
  data's ``attrs["is_example"]`` where present);
* draws missing and suppressed values (NaN) as gaps, never as zeros.

Thresholds are the ones the engine applied in each list year (the rule set of that year, a
relative threshold already turned into its value through the reference values), so a line that
moves is drawn moving, and a change of rule set is marked.

Artists that tests and callers look for carry a ``gid``: ``"threshold"``, ``"met-side"``,
``"plan-period"``, ``"regime-change"``, ``"latest-label"``, ``"example-mark"``, ``"area:<id>"``,
``"cell:<area_id>:<list_year>"``, ``"margin:<criterion>"``, ``"raw:<area_id>"``,
``"averaged:<area_id>"``, ``"boundary:<criterion>"``.
"""

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
from matplotlib.patches import Patch, Rectangle

from boligmonitor import style
from boligmonitor.labels import has_label, label

PLAN_PERIOD: tuple[int, int] = (2021, 2025)
CRITERION_ORDER: tuple[str, ...] = ("employment", "crime", "education", "income", "non_western")

__all__ = [
    "PLAN_PERIOD",
    "board_charts",
    "plot_area_dashboard",
    "plot_early_warning",
    "plot_margins",
    "plot_overview",
    "plot_raw_vs_averaged",
    "plot_trend",
    "suppress_for_charts",
    "suppress_warning_for_charts",
    "threshold_series",
]


def _styled(func: Any) -> Any:
    """Build the chart inside the package's matplotlib settings (fonts, sizes, SVG salt)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style.context():
            return func(*args, **kwargs)

    return wrapper


# --- inputs ----------------------------------------------------------------------------------


def _table(data: Any, name: str) -> pd.DataFrame:
    """Return the table ``name`` of an Assessment/EarlyWarning, or ``data`` if a DataFrame."""
    if isinstance(data, pd.DataFrame):
        return data
    table = getattr(data, name, None)
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"expected a DataFrame or an object with a .{name} table, got "
                        f"{type(data).__name__}")
    return table


def _example_flag(is_example: bool | None, *tables: Any) -> bool:
    if is_example is not None:
        return bool(is_example)
    for t in tables:
        if t is None:
            continue
        flag = getattr(t, "is_example", None)
        if isinstance(flag, bool):
            return flag
        attrs = getattr(t, "attrs", None)
        if isinstance(attrs, dict) and "is_example" in attrs:
            return bool(attrs["is_example"])
    return False


def _select_rows(criteria: pd.DataFrame, classification: str | None) -> pd.DataFrame:
    """One row per area, list year and criterion: the given classification, or by default the
    first classification of each year's rule set with the criterion (the list's criteria before
    the gates), in rule-file order."""
    df = criteria
    if classification is not None:
        df = df[df["classification"].astype(str) == classification]
    role = df["role"].astype(str) if "role" in df.columns else pd.Series("criteria", df.index)
    order = np.where(role.to_numpy() == "criteria", 0, 1)
    df = df.assign(_order=order, _pos=np.arange(len(df)))
    df = df.sort_values(["_order", "_pos"], kind="stable")
    df = df.drop_duplicates(["area_id", "list_year", "criterion"], keep="first")
    out = df.sort_values("_pos", kind="stable").drop(columns=["_order", "_pos"])
    for col in ("area_id", "area_name", "criterion", "classification", "rules", "unit"):
        if col in out.columns:
            out[col] = out[col].astype(str)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out["threshold"] = pd.to_numeric(out["threshold"], errors="coerce").astype(float)
    if "margin" in out.columns:
        out["margin"] = pd.to_numeric(out["margin"], errors="coerce").astype(float)
    return out.reset_index(drop=True)


def _resolve_areas(df: pd.DataFrame, areas: str | Iterable[str] | None) -> list[str]:
    """Area ids for ``areas`` given as ids or names (default: every area, in table order)."""
    ids = list(dict.fromkeys(df["area_id"].astype(str)))
    if areas is None:
        return ids
    if isinstance(areas, str):
        areas = [areas]
    names = dict(zip(df["area_name"].astype(str), df["area_id"].astype(str), strict=False))
    out = []
    for a in areas:
        if a in ids:
            out.append(a)
        elif a in names:
            out.append(names[a])
        else:
            raise KeyError(f"no area {a!r} in the results; allowed: ids {', '.join(ids)} or "
                           f"names {', '.join(names)}")
    return out


def _area_name(df: pd.DataFrame, area_id: str) -> str:
    hit = df.loc[df["area_id"].astype(str) == area_id, "area_name"]
    return str(hit.iloc[-1]) if len(hit) else area_id


# An area name on an axis or in a legend: at most two lines of this many characters. A longer
# name would take the whole width of a panel and collapse its axes to nothing (the layout
# engine then gives up and draws the chart unlaid, with a warning).
NAME_WIDTH = 24


def _short_name(name: Any, width: int = NAME_WIDTH, max_lines: int = 2) -> str:
    """``name`` wrapped to ``max_lines`` lines of ``width`` characters, cut with an ellipsis."""
    text = " ".join(str(name).split())
    lines = textwrap.wrap(text, width, max_lines=max_lines, placeholder=" …",
                          break_long_words=True, break_on_hyphens=True)
    return "\n".join(lines) if lines else text


def _criterion_label(criterion: str, lang: str) -> str:
    key = f"criterion.{criterion}"
    return label(key, lang) if has_label(key) else criterion


def _classification_label(cid: str, lang: str) -> str:
    key = f"classification.{cid}"
    return label(key, lang) if has_label(key) else cid


def _category_label(cat: str, lang: str) -> str:
    key = f"category.{cat}"
    return label(key, lang) if has_label(key) else cat


def _unit_of_indicator(indicator: str) -> str:
    return "dkk" if indicator == "mean_gross_income_15_64" else "share"


# --- figures and axes ------------------------------------------------------------------------


def _new_figure(width: float, height: float) -> Figure:
    # A bare Figure, not pyplot: no global state, nothing shown, nothing kept alive.
    return Figure(figsize=(width, height), layout="constrained")


def _single(ax: Axes | None, height: float) -> tuple[Figure, Axes, bool]:
    if ax is not None:
        return ax.get_figure(root=True), ax, False
    fig = _new_figure(style.FIG_WIDTH, height)
    return fig, fig.add_subplot(), True


def _panels(
    ax: Axes | None, nrows: int, ncols: int, height: float, **grid: Any
) -> tuple[Figure, Any, bool]:
    """A grid of panels: a new figure, or the place of ``ax`` split into a sub-grid."""
    if ax is None:
        fig = _new_figure(style.FIG_WIDTH, height)
        return fig, fig.add_gridspec(nrows, ncols, **grid), True
    fig = ax.get_figure(root=True)
    spec = ax.get_subplotspec()
    if spec is None:
        raise ValueError("ax must be a subplot (made by add_subplot or subplots) to be split")
    ax.remove()
    return fig, spec.subgridspec(nrows, ncols, **grid), False


def _ordered_criteria(criteria: pd.Series) -> list[str]:
    """The criteria present, in the board's order (CRITERION_ORDER), others after them."""
    present = list(dict.fromkeys(criteria.astype(str)))
    return [c for c in CRITERION_ORDER if c in present] + [
        c for c in present if c not in CRITERION_ORDER]


def _criterion_panels(
    ax: Axes | None, n_criteria: int, n_areas: int, top: float, per_panel: float
) -> tuple[Figure, Any, bool, int, int]:
    """One panel per criterion, two columns, tall enough for a bar per area; returns the
    figure, the grid, whether the figure is new, and the grid's rows and columns."""
    ncols = 2 if n_criteria > 1 else 1
    nrows = math.ceil(n_criteria / ncols)
    fig, grid, created = _panels(ax, nrows, ncols, top + nrows * (per_panel + 0.26 * n_areas))
    return fig, grid, created, nrows, ncols


def _mark_example(fig: Figure, ax: Axes | None, created: bool, lang: str) -> None:
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


def _finish(fig: Figure, ax: Axes | None, created: bool, is_example: bool, lang: str) -> Figure:
    if is_example:
        _mark_example(fig, ax, created, lang)
    return fig


def _title(target: Figure | Axes, text: str, created: bool) -> None:
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


def _step_xy(years: Sequence[int], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
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


def _limits(values: np.ndarray, pad: float = 0.12) -> tuple[float, float]:
    finite = values[np.isfinite(values)]
    if not len(finite):
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    span = hi - lo if hi > lo else max(abs(hi), 1e-3)
    return lo - pad * span, hi + pad * span


# --- the trend panel -------------------------------------------------------------------------


def _draw_trend(
    ax: Axes,
    rows: pd.DataFrame,
    area_ids: list[str],
    *,
    lang: str,
    plan_period: tuple[int, int] | None,
    years: Sequence[int] | None,
    compact: bool,
    style_index: dict[str, int] | None = None,
) -> None:
    """Draw one criterion's trend for ``area_ids`` into ``ax`` (rows: one criterion)."""
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
    lo, hi = _limits(np.concatenate(values_for_limits) if values_for_limits else np.array([]))
    x_lo, x_hi = all_years[0] - 0.5, all_years[-1] + 0.5

    if plan_period is not None:
        start, end = plan_period
        ax.axvspan(start - 0.5, end + 0.5, color=style.PLAN_COLOR, alpha=style.PLAN_ALPHA,
                   linewidth=0, zorder=0, gid="plan-period",
                   label=label("chart.plan_period", lang).format(start=start, end=end))
        if not compact:
            ax.text((max(start, all_years[0]) - 0.45), hi, label("chart.plan_period", lang)
                    .format(start=start, end=end), va="top", ha="left", fontsize=7,
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
            ax.text(y - 0.45, lo + 0.02 * (hi - lo),
                    label("chart.regime", lang).format(rules=rid),
                    fontsize=7, color=style.REGIME_COLOR, va="bottom", ha="left")

    # The threshold of each year, and the side of it that counts as met.
    n_lines = len(thresholds)
    for key, series in thresholds.items():
        xs, ys = _step_xy(list(series.index.astype(int)), list(series.to_numpy(float)))
        color = style.THRESHOLD_COLOR
        if key != "all":
            color = style.series_style((style_index or {}).get(key, 0))["color"]
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
    latest: list[tuple[int, float, float, str]] = []
    for i, area in enumerate(area_ids):
        sub = rows[rows["area_id"] == area].set_index("list_year")["value"]
        sub = sub.reindex(all_years).astype(float)
        st = style.series_style((style_index or {}).get(area, i))
        ax.plot(all_years, sub.to_numpy(float), gid=f"area:{area}", zorder=4,
                label=_short_name(_area_name(rows, area)), **st)
        known = sub.dropna()
        if len(known):
            latest.append((int(known.index[-1]), float(known.iloc[-1]), float(known.iloc[-1]),
                           st["color"]))
    if not compact:
        # The latest value of each area, pushed apart where two would overlap.
        gap = 0.055 * (hi - lo)
        order = sorted(range(len(latest)), key=lambda k: latest[k][1])
        placed: list[float] = []
        for k in order:
            x_last, v_last, _, color = latest[k]
            y_text = max(v_last, placed[-1] + gap) if placed else v_last
            placed.append(y_text)
            ax.annotate(style.fmt_value(v_last, unit, lang), (x_last, v_last),
                        xytext=(x_last + 0.25, y_text), textcoords="data", va="center",
                        ha="left", fontsize=7, color=color, gid="latest-label", zorder=5)

    ax.set_xlim(x_lo, x_hi + (1.6 if not compact else 0.0))
    ax.set_ylim(lo, hi)
    ax.yaxis.set_major_formatter(style.axis_formatter(unit, lang))
    # Compact panels: about four year ticks; a full chart: every year or every second.
    step = max(1, math.ceil(len(all_years) / 4)) if compact else (1 if len(all_years) <= 8 else 2)
    ticks = [y for y in all_years if (y - all_years[-1]) % step == 0]
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.grid(axis="x", visible=False)
    if not compact:
        ax.set_xlabel(label("chart.list_year", lang))
        ax.set_ylabel(style.unit_suffix(unit, lang))


@_styled
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
    """
    criteria = _table(result, "criteria")
    rows = _select_rows(criteria[criteria["criterion"].astype(str) == criterion],
                        classification)
    if rows.empty:
        raise KeyError(f"no rows for criterion {criterion!r}"
                       + (f" in classification {classification!r}" if classification else ""))
    area_ids = _resolve_areas(rows, areas)
    fig, ax_, created = _single(ax, 3.4)
    _draw_trend(ax_, rows, area_ids, lang=lang, plan_period=plan_period,
                years=None if list_years is None else sorted(int(y) for y in list_years),
                compact=False)
    title = label("chart.trend_title", lang).format(criterion=_criterion_label(criterion, lang))
    if classification is not None:
        title += f" ({_classification_label(classification, lang)})"
    _title(ax_, title, True)
    handles, labels_ = ax_.get_legend_handles_labels()
    uniq = dict(zip(labels_, handles, strict=True))
    # Say why a line breaks off or is missing: gaps are missing or suppressed figures.
    gaps = any(np.isnan(np.asarray(a.get_ydata(), float)).any()
               for a in ax_.get_lines() if str(a.get_gid()).startswith("area:"))
    ax_.legend(uniq.values(), uniq.keys(), loc="upper center", bbox_to_anchor=(0.5, -0.18),
               ncol=min(4, len(uniq)), title=label("chart.gaps_note", lang) if gaps else None,
               title_fontsize=7)
    return _finish(fig, ax_, created, _example_flag(is_example, result, criteria), lang)


# --- one area's dashboard --------------------------------------------------------------------


def _category_strip(ax: Axes, areas: pd.DataFrame, years: list[int], lang: str) -> list[str]:
    """Coloured cells of the category per list year, with criteria met; returns categories."""
    seen: list[str] = []
    by_year = areas.set_index("list_year")
    for y in years:
        if y not in by_year.index:
            continue
        row = by_year.loc[y]
        cat = str(row["category"])
        seen.append(cat)
        ax.add_patch(Rectangle((y - 0.5, 0), 1, 1, facecolor=style.CATEGORY_COLORS.get(cat, "#FFF"),
                               edgecolor="#FFFFFF", hatch=style.CATEGORY_HATCH.get(cat),
                               hatchcolor=style.HATCH_COLOR, linewidth=1.0,
                               gid=f"cell:{row['area_id']}:{y}"))
        ax.text(y, 0.5, _met_text(row), ha="center", va="center", fontsize=6.5,
                color=style.CATEGORY_TEXT.get(cat, "#000"))
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.grid(False)
    for s in ax.spines.values():
        s.set_visible(False)
    return seen


def _met_text(row: pd.Series) -> str:
    n = row.get("n_criteria_met")
    k = row.get("n_criteria")
    if n is None or pd.isna(n) or k is None or pd.isna(k):
        return ""
    text = f"{int(n)}/{int(k)}"
    listable = row.get("is_listable")
    if listable is not None and not pd.isna(listable) and not bool(listable):
        text += "*"
    return text


def _category_legend(fig_or_ax: Any, cats: Iterable[str], lang: str, **kw: Any) -> None:
    present = [c for c in style.CATEGORY_ORDER if c in set(cats)]
    present += [c for c in dict.fromkeys(cats) if c not in present]
    handles = [Patch(facecolor=style.CATEGORY_COLORS.get(c, "#FFF"), edgecolor="#777777",
                     hatch=style.CATEGORY_HATCH.get(c), hatchcolor=style.HATCH_COLOR,
                     label=_category_label(c, lang))
               for c in present]
    fig_or_ax.legend(handles=handles, **kw)


@_styled
def plot_area_dashboard(
    result: Any,
    area: str,
    *,
    classification: str | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    list_years: Iterable[int] | None = None,
    lang: str = "da",
    is_example: bool | None = None,
    ax: Axes | None = None,
) -> Figure:
    """One area: its category per list year, and every criterion as a small multiple.

    ``result`` is an :class:`~boligmonitor.criteria.Assessment` (its ``areas`` table gives the
    categories). ``area`` is an area id or name.
    """
    criteria = _table(result, "criteria")
    areas_tab = _table(result, "areas")
    rows = _select_rows(criteria, classification)
    (area_id,) = _resolve_areas(rows, area)
    rows = rows[rows["area_id"] == area_id]
    crits = _ordered_criteria(rows["criterion"])
    years = (sorted(int(y) for y in list_years) if list_years is not None
             else sorted(int(y) for y in rows["list_year"].unique()))
    ncols = 2
    nrows = math.ceil(len(crits) / ncols)
    fig, grid, created = _panels(ax, nrows + 1, ncols, 1.0 + 2.0 * nrows,
                                 height_ratios=[0.28] + [1.0] * nrows)
    strip = fig.add_subplot(grid[0, :])
    sub = areas_tab[areas_tab["area_id"].astype(str) == area_id]
    cats = _category_strip(strip, sub, years, lang)
    strip.set_xlim(years[0] - 0.5, years[-1] + 1.1)
    strip.set_xticks([])
    strip.set_title(label("column.category", lang), loc="left", fontsize=8)
    _category_legend(strip, cats, lang, loc="lower left", bbox_to_anchor=(0, 1.25),
                     ncol=min(4, max(1, len(set(cats)))), fontsize=7)
    axes = []
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[1 + i // ncols, i % ncols])
        _draw_trend(a, rows[rows["criterion"] == crit], [area_id], lang=lang,
                    plan_period=plan_period, years=years, compact=True)
        known = rows[(rows["criterion"] == crit) & rows["value"].notna()]
        latest = ""
        if len(known):
            last = known.sort_values("list_year").iloc[-1]
            latest = (f"\n{label('chart.latest_value', lang)} ({int(last['list_year'])}): "
                      f"{style.fmt_value(float(last['value']), str(last['unit']), lang)}")
        a.set_title(textwrap.fill(_criterion_label(crit, lang), 50) + latest, loc="left",
                    fontsize=7.5)
        axes.append(a)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[1 + j // ncols, j % ncols]).set_axis_off()
    name = _area_name(rows, area_id)
    if created:
        _title(fig, label("chart.dashboard_title", lang).format(area=name), created)
    else:
        strip.set_title(label("chart.dashboard_title", lang).format(area=name), loc="left",
                        fontsize=8.5, fontweight="bold")
    uniq: dict[str, Any] = {}
    if axes:
        keep = {label("chart.threshold", lang), label("chart.met_side", lang)}
        if plan_period is not None:
            keep.add(label("chart.plan_period", lang).format(start=plan_period[0],
                                                              end=plan_period[1]))
        keep.add(label("chart.regime_change", lang))
        for a in axes:
            handles, labels_ = a.get_legend_handles_labels()
            uniq.update({lab: h for h, lab in zip(handles, labels_, strict=True)
                         if lab in keep and lab not in uniq})
        if created:
            fig.legend(uniq.values(), uniq.keys(), loc="outside lower center", ncol=4)
        else:
            axes[-1].legend(uniq.values(), uniq.keys(), loc="upper center",
                            bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=7)
    return _finish(fig, None if created else strip, created,
                   _example_flag(is_example, result, criteria, areas_tab), lang)


# --- overview: areas x list years ------------------------------------------------------------


@_styled
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
    tab = _table(result, "areas").copy()
    tab["area_id"] = tab["area_id"].astype(str)
    tab["category"] = tab["category"].astype(str)
    area_ids = _resolve_areas(tab, areas)
    years = (sorted(int(y) for y in list_years) if list_years is not None
             else sorted(int(y) for y in tab["list_year"].unique()))
    fig, ax_, created = _single(ax, 1.3 + 0.38 * len(area_ids))
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
                                    hatchcolor=style.HATCH_COLOR, gid=f"cell:{area}:{y}"))
            ax_.text(y, r, _met_text(row), ha="center", va="center", fontsize=6.5,
                     color=style.CATEGORY_TEXT.get(cat, "#000"))
    if plan_period is not None:
        start, end = plan_period
        ax_.add_patch(Rectangle((start - 0.5, -0.5), end - start + 1, len(area_ids),
                                fill=False, edgecolor="#000000", linewidth=1.2,
                                gid="plan-period", zorder=5))
        ax_.text(start - 0.5, len(area_ids) - 0.45,
                 label("chart.plan_period", lang).format(start=start, end=end), va="top",
                 ha="left", fontsize=7)
    ax_.set_xlim(years[0] - 0.5, years[-1] + 0.5)
    ax_.set_ylim(len(area_ids) - 0.5 + (0.45 if plan_period else 0), -0.5)
    ax_.set_yticks(range(len(area_ids)))
    ax_.set_yticklabels([_short_name(_area_name(tab, a)) for a in area_ids])
    ax_.set_xticks(years)
    ax_.set_xticklabels([str(y) for y in years], rotation=90 if len(years) > 8 else 0)
    ax_.xaxis.tick_top()
    ax_.grid(False)
    for s in ax_.spines.values():
        s.set_visible(False)
    ax_.tick_params(length=0)
    ax_.set_title(label("chart.overview_title", lang), loc="left", fontweight="bold", pad=28)
    _category_legend(ax_, cats, lang, loc="upper left", bbox_to_anchor=(0, -0.02),
                     ncol=min(4, max(1, len(set(cats)))))
    ax_.text(0, -0.02 - 0.12 * (1 + (len(set(cats)) - 1) // 4) * (6 / max(len(area_ids), 3)),
             label("chart.overview_note", lang), transform=ax_.transAxes, fontsize=6.5,
             va="top", ha="left", wrap=True, color="#333333")
    return _finish(fig, ax_, created, _example_flag(is_example, result, tab), lang)


# --- margins: distance to the line -----------------------------------------------------------


def _latest_list_year(df: pd.DataFrame, list_year: int | None) -> int:
    if list_year is not None:
        return int(list_year)
    return int(df["list_year"].max())


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


@_styled
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
    table = _table(result, "criteria")
    year = _latest_list_year(table, list_year)
    rows = _select_rows(table[table["list_year"] == year], classification)
    if rows.empty:
        raise KeyError(f"no criterion rows for list year {year}")
    crits = _ordered_criteria(rows["criterion"])
    if criteria is not None:
        crits = [c for c in crits if c in set(criteria)]
    fig, grid, created, nrows, ncols = _criterion_panels(ax, len(crits), rows["area_id"].nunique(),
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
                      edgecolor="#333333", linewidth=0.4, height=0.65, gid=f"margin:{crit}")
        for b, m in zip(bars, margins, strict=True):
            if np.isnan(m):
                b.set_visible(False)  # a gap, never a zero-length bar that reads as "at the line"
        a.axvline(0, color=style.THRESHOLD_COLOR, linewidth=1.2, gid="threshold")
        lim = np.nanmax(np.abs(margins)) if np.isfinite(margins).any() else 1.0
        lim = lim * 1.55 if lim > 0 else 1.0
        a.set_xlim(-lim, lim)
        hidden = (sub["is_suppressed"].to_numpy(bool) if "is_suppressed" in sub
                  else np.zeros(len(sub), bool))
        for y, m, is_hidden in zip(ypos, margins, hidden, strict=True):
            # Labels on the met side of the line: clear of the area names on the left.
            gap = label("text.suppressed" if is_hidden else "text.missing", lang)
            text = style.fmt_margin(m, unit, lang) if np.isfinite(m) else gap
            a.text(max(m, 0) if np.isfinite(m) else 0, y, " " + text, ha="left", va="center",
                   fontsize=6.5)
        a.set_yticks(ypos)
        a.set_yticklabels([_short_name(n) for n in sub["area_name"]])
        a.xaxis.set_major_formatter(style.axis_formatter(unit, lang, margin=True))
        a.set_xlabel(style.unit_suffix(unit, lang, margin=True), fontsize=7)
        cl = str(sub["classification"].iloc[0])
        sym = str(sub["operator_symbol"].iloc[0]) if "operator_symbol" in sub else ""
        thr = sub["threshold"].dropna()
        thr_text = style.fmt_value(float(thr.iloc[0]), unit, lang) if len(thr) else "–"
        a.set_title(f"{_criterion_label(crit, lang)}\n({_classification_label(cl, lang)}: "
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
        _title(fig, title, created)
        fig.legend(handles=handles, loc="outside lower center", ncol=3,
                   title=label("chart.margins_note", lang), title_fontsize=7)
    elif first_ax is not None:
        first_ax.legend(handles=handles, loc="lower right", fontsize=6.5)
    return _finish(fig, first_ax, created, _example_flag(is_example, result, table), lang)


# --- early warning ---------------------------------------------------------------------------


@_styled
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
    b = _table(warning, "boundaries").copy()
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
    crits = _ordered_criteria(b["criterion"])
    fig, grid, created, nrows, ncols = _criterion_panels(ax, len(crits), b["area_id"].nunique(),
                                                  top=0.7, per_panel=0.8)
    first_ax = None
    for i, crit in enumerate(crits):
        a = fig.add_subplot(grid[i // ncols, i % ncols])
        first_ax = first_ax or a
        sub = b[b["criterion"] == crit].sort_values("headroom", na_position="first",
                                                    kind="stable")
        unit = _unit_of_indicator(str(sub["indicator"].iloc[0]))
        ypos = np.arange(len(sub))
        latest = sub["latest_value"].to_numpy(float)
        bound = sub["boundary"].to_numpy(float)
        head = sub["headroom"].to_numpy(float)
        for y, lv, bv, h in zip(ypos, latest, bound, head, strict=True):
            if np.isfinite(lv) and np.isfinite(bv):
                color = style.NOT_MET_COLOR if h > 0 else style.MET_COLOR
                a.plot([lv, bv], [y, y], color=color, linewidth=3, alpha=0.45,
                       solid_capstyle="butt", marker="")
                if h <= 0:
                    a.plot([lv], [y], linestyle="none", marker="o", markersize=5,
                           color=style.MET_COLOR, zorder=4)
                text = (style.fmt_margin(h, unit, lang).lstrip("+") if h > 0
                        else label("chart.no_room", lang))
                a.annotate(text, (max(lv, bv), y), xytext=(4, 0), textcoords="offset points",
                           fontsize=6.5, va="center", ha="left")
        a.plot(latest, ypos, linestyle="none", marker="o", color=style.NOT_MET_COLOR,
               markersize=5, gid=f"latest:{crit}", label=label("chart.latest_value", lang))
        a.plot(bound, ypos, linestyle="none", marker="|", color=style.THRESHOLD_COLOR,
               markersize=12, markeredgewidth=2, gid=f"boundary:{crit}",
               label=label("chart.boundary", lang))
        lo, hi = _limits(np.concatenate([latest, bound]), pad=0.15)
        a.set_xlim(lo, hi + 0.35 * (hi - lo))
        a.set_ylim(-0.7, len(sub) - 0.3)
        a.set_yticks(ypos)
        a.set_yticklabels([_short_name(n) for n in sub["area_name"]])
        a.xaxis.set_major_formatter(style.axis_formatter(unit, lang))
        a.set_xlabel(style.unit_suffix(unit, lang), fontsize=7)
        w = int(sub["window"].iloc[0])
        nxt = int(sub["next_year"].iloc[0])
        extra = f"; {label('chart.window', lang).format(n=w)}" if w > 1 else ""
        a.set_title(f"{_criterion_label(crit, lang)}\n({label('chart.data_year', lang)} {nxt}"
                    f"{extra})", loc="left", fontsize=7.5)
        a.grid(axis="y", visible=False)
    for j in range(len(crits), nrows * ncols):
        fig.add_subplot(grid[j // ncols, j % ncols]).set_axis_off()
    title = label("chart.early_warning_title", lang).format(year=target)
    if first_ax is not None:
        handles, labels_ = first_ax.get_legend_handles_labels()
        if created:
            _title(fig, title, created)
            fig.legend(handles, labels_, loc="outside lower center", ncol=2)
        else:
            first_ax.legend(handles, labels_, loc="lower right", fontsize=6.5)
    return _finish(fig, first_ax, created, _example_flag(is_example, warning, b), lang)


# --- raw annual values beside the averages ---------------------------------------------------


def _last_data_year(span: str, list_year: int) -> float:
    years = [int(p) for p in str(span).replace("-", ",").split(",") if p.strip().isdigit()]
    return float(max(years)) if years else np.nan


@_styled
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
    table = _table(result, "criteria")
    rows = _select_rows(table[table["criterion"].astype(str) == criterion], classification)
    (area_id,) = _resolve_areas(rows, area)
    rows = rows[rows["area_id"] == area_id].copy()
    if rows.empty:
        raise KeyError(f"no rows for area {area!r} and criterion {criterion!r}")
    indicator = str(rows["indicator"].iloc[0])
    unit = _unit_of_indicator(indicator)
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
    fig, ax_, created = _single(ax, 3.4)
    if plan_period is not None:
        start, end = plan_period[0] - lag, plan_period[1] - lag
        ax_.axvspan(start - 0.5, end + 0.5, color=style.PLAN_COLOR, alpha=style.PLAN_ALPHA,
                    linewidth=0, zorder=0, gid="plan-period",
                    label=label("chart.plan_period", lang).format(start=plan_period[0],
                                                                  end=plan_period[1]))
    thr = rows.set_index("x")["threshold"].reindex(years)
    xs, ys = _step_xy(years, list(thr.to_numpy(float)))
    ax_.plot(xs, ys, color=style.THRESHOLD_COLOR, linewidth=1.4, marker="", gid="threshold",
             label=label("chart.threshold", lang), zorder=3)
    ax_.plot(years, raw.to_numpy(float), color=style.OKABE_ITO["sky_blue"], linestyle="--",
             marker="o", linewidth=1.1, gid=f"raw:{area_id}",
             label=label("chart.raw_values", lang), zorder=4)
    avg = rows.set_index("x")["value"].reindex(years)
    ax_.plot(years, avg.to_numpy(float), color=style.OKABE_ITO["blue"], linestyle="-",
             marker="s", linewidth=2.0, gid=f"averaged:{area_id}",
             label=label("chart.averaged_values", lang), zorder=5)
    known = avg.dropna()
    if len(known):
        ax_.annotate(style.fmt_value(float(known.iloc[-1]), unit, lang),
                     (float(known.index[-1]), float(known.iloc[-1])), xytext=(5, 0),
                     textcoords="offset points", fontsize=7, va="center",
                     color=style.OKABE_ITO["blue"], gid="latest-label")
    lo, hi = _limits(np.concatenate([raw.to_numpy(float), avg.to_numpy(float),
                                     thr.to_numpy(float)]))
    ax_.set_ylim(lo, hi)
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
    title = label("chart.raw_title", lang).format(
        area=_short_name(_area_name(rows, area_id), 60, 1),
        criterion=_criterion_label(criterion, lang))
    _title(ax_, title, True)
    ax_.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
    return _finish(fig, ax_, created, _example_flag(is_example, result, table, indicators), lang)


# --- disclosure --------------------------------------------------------------------------------


def suppress_for_charts(
    result: Any, indicators: pd.DataFrame | None = None, min_cell: int | None = None, *,
    criterion_values: pd.DataFrame | None = None,
) -> tuple[Any, pd.DataFrame | None]:
    """Return ``result`` and ``indicators`` with the cells disclosure control suppresses set to
    NaN (drawn as gaps): counts below ``min_cell`` and the shares and averages built on them,
    and the statuses, counts of met criteria and categories that would give such a count back
    (category ``"suppressed"``; :func:`boligmonitor.disclosure.disclose`). For a result scored
    from layout (b) data, give ``criterion_values`` instead of ``indicators``.
    """
    from boligmonitor.disclosure import DEFAULT_MIN_CELL, disclose

    if indicators is None and criterion_values is None:
        return result, None
    d = disclose(result, indicators=indicators, criterion_values=criterion_values,
                 min_cell=DEFAULT_MIN_CELL if min_cell is None else min_cell)
    return d.assessment, None if d.indicators is None else d.indicators.values


def suppress_warning_for_charts(
    warning: Any, indicators: pd.DataFrame | None, min_cell: int | None = None
) -> Any:
    """Return the early ``warning`` with the boundary, latest value and headroom set to NaN
    (drawn as gaps) in every row fed by a cell that disclosure control suppresses, and its
    projection disclosed (:func:`boligmonitor.disclosure.suppress_early_warning`).
    ``indicators`` is the annual table (layout a) the warning was computed from, before
    suppression; without it, or without a warning, ``warning`` is returned as given.
    """
    from boligmonitor.disclosure import DEFAULT_MIN_CELL, suppress_early_warning

    if warning is None or indicators is None:
        return warning
    return suppress_early_warning(warning, indicators,
                                  DEFAULT_MIN_CELL if min_cell is None else min_cell)


# --- everything the board sees ---------------------------------------------------------------


def board_charts(
    result: Any,
    *,
    indicators: pd.DataFrame | None = None,
    warning: Any = None,
    list_year: int | None = None,
    plan_period: tuple[int, int] | None = PLAN_PERIOD,
    lang: str = "da",
    is_example: bool | None = None,
) -> dict[str, Figure]:
    """Every board chart for ``result``, by a file-friendly name (no file is written).

    ``overview``, ``margins_<year>``, ``trend_<criterion>`` for each criterion of the list,
    ``dashboard_<area_id>`` for each area, ``raw_vs_averaged_<area_id>`` (employment, when
    ``indicators`` is given) and ``early_warning_<year>`` (when ``warning`` is given).
    """
    criteria = _table(result, "criteria")
    flag = _example_flag(is_example, result, criteria)
    year = _latest_list_year(criteria, list_year)
    figs: dict[str, Figure] = {}
    common = {"lang": lang, "is_example": flag}
    figs["overview"] = plot_overview(result, plan_period=plan_period, **common)
    figs[f"margins_{year}"] = plot_margins(result, year, **common)
    latest = _select_rows(criteria[criteria["list_year"] == year], None)
    crits = [c for c in CRITERION_ORDER if c in set(latest["criterion"])]
    for crit in crits:
        figs[f"trend_{crit}"] = plot_trend(result, crit, plan_period=plan_period, **common)
    for area in dict.fromkeys(criteria["area_id"].astype(str)):
        figs[f"dashboard_{area}"] = plot_area_dashboard(result, area, plan_period=plan_period,
                                                        **common)
        if indicators is not None and "employment" in crits:
            figs[f"raw_vs_averaged_{area}"] = plot_raw_vs_averaged(
                result, indicators, area, "employment", plan_period=plan_period, **common)
    if warning is not None:
        figs[f"early_warning_{int(warning.list_year)}"] = plot_early_warning(warning, **common)
    return figs
