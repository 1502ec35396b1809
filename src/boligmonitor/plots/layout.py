"""The charts' layout engine: each chart laid out once, in plain arithmetic, from the figure
size and the text it holds.

A chart this package makes is three bands: the title line (the figure title on the left, the
example-data mark on the right), a grid of panels (one GridSpec), and a footer (legends and
notes, stacked, at the bottom). :class:`ChartLayout` places them:

1. it measures every panel's decorations once (tick labels, axis labels, titles, legends
   attached to the panel's edges) with an Agg renderer at :data:`LAYOUT_DPI`, whatever the
   format or resolution being saved;
2. it sizes the grid's columns and rows around the widest decorations of each column and row,
   fits the title and the footer to the room left (wrapping text, fewer legend columns), and
   sets every position once;
3. it widens the data range of a panel where a label drawn in data coordinates (a latest value,
   a margin) would otherwise cross the panel's edge.

Tick labels along an axis are the one thing whose room depends on a panel's size (the last
year's label reaches beyond the edge by less in a wider panel): each is measured once as its
reach from its tick and its tick's place in the panel, and the sizes where the margins and the
panels agree are found by iterating on those numbers (no drawing, no measuring again).

Nothing in a panel's decorations depends on the panel's size: legends and notes sit in the
footer or at a panel's edge, tick positions are fixed when the chart is drawn (no locator that
adds ticks as a panel grows), labels in data coordinates are kept out of the measurement. So
one measurement is the layout: no second pass, no solver, and the same chart always gets the
same positions to the last bit (the arithmetic runs in a fixed order on the same numbers), so
the saved bytes are the same.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.legend import Legend
from matplotlib.text import Text

from boligmonitor.plots.text import LAYOUT_DPI, fit_text, measuring_renderer

PAD = 4 / 72  # inches between the figure's edge and anything drawn
GAP = 5 / 72  # inches between the title line, the grid and each footer item
WSPACE = 10 / 72  # inches between two columns of panels, beyond their decorations
HSPACE = 8 / 72  # inches between two rows of panels, beyond their decorations
LABEL_PAD = 2 / 72  # inches between a data label and its panel's right edge
TICK_GAP = 3 / 72  # inches at least between two tick labels side by side
SPREAD_PAD = 1 / 72  # inches between two labels kept apart
TITLE_LINES = 2  # a figure title at most
PANEL_TITLE_LINES = 4  # a panel's title at most


@dataclass
class _Footer:
    artist: Legend | Text
    align: Axes | None  # None: centred on the figure; an Axes: left-aligned with it
    ncols: int = 1  # a legend's columns, as asked (fewer if they do not fit)
    max_lines: int = 6  # a text's lines at most
    remake: Callable[[int], Legend] | None = None  # a legend again with fewer columns


class ChartLayout(LayoutEngine):
    """Lay out a chart once: title line, grid of panels, footer (see the module docstring).

    The first draw (or :func:`boligmonitor.io.figures.figure_bytes`) runs it; later draws keep
    the positions. Register the figure-level parts with :meth:`set_title`, :meth:`set_mark`,
    :meth:`add_footer` and :meth:`keep_inside` while the chart is built.
    """

    _adjust_compatible = False
    _colorbar_gridspec = False
    # Read by io.figures: positions computed here are reproducible as they are.
    is_deterministic = True

    def __init__(self, dpi: float = LAYOUT_DPI) -> None:
        super().__init__()
        self._dpi = dpi
        self._title: Text | None = None
        self._title_text = ""
        self._mark: Text | None = None
        self._footer: list[_Footer] = []
        self._labels: list[tuple[Axes, Text, tuple[float, float]]] = []
        self._spread: list[tuple[Axes, Text, tuple[float, float]]] = []
        self.is_done = False

    # --- registration while the chart is built ----------------------------------------------

    def set_title(self, text: Text) -> None:
        """The figure title: top left, fitted to the room beside the mark (two lines at most)."""
        self._title = text
        self._title_text = text.get_text()
        text.set_in_layout(False)

    def set_mark(self, text: Text) -> None:
        """The example-data mark: top right, on the title line."""
        self._mark = text
        text.set_in_layout(False)

    def add_footer(self, artist: Legend | Text, align: Axes | None = None, *, ncols: int = 1,
                   max_lines: int = 6, remake: Callable[[int], Legend] | None = None) -> None:
        """Stack ``artist`` (a figure legend of ``ncols`` columns, or a figure text) below the
        previous footer item; centred, or left-aligned with the panel ``align``. A legend gets
        fewer columns and a text is wrapped where the width left is too small."""
        artist.set_in_layout(False)
        self._footer.append(_Footer(artist, align, ncols, max_lines, remake))

    def keep_inside(self, ax: Axes, text: Text, anchor: tuple[float, float],
                    spread: bool = False) -> None:
        """Keep ``text`` (left-aligned, anchored at the data point ``anchor``) inside ``ax``: the
        x range is widened on the right as far as the text needs, once the panel's width is
        known. ``spread``: an annotation moved up or down, clear of the other spread labels of
        ``ax`` and inside its y range, once the panel's height is known."""
        text.set_in_layout(False)
        self._labels.append((ax, text, anchor))
        if spread:
            self._spread.append((ax, text, anchor))

    # --- the layout ---------------------------------------------------------------------------

    def execute(self, fig: Figure) -> None:
        if self.is_done:
            return
        dpi = fig.dpi
        if dpi != self._dpi:
            fig.dpi = self._dpi  # measured the same way whatever is being saved
        try:
            self._execute(fig)
        finally:
            if fig.dpi != dpi:
                fig.dpi = dpi
        self.is_done = True

    def _execute(self, fig: Figure) -> None:
        width, height = (float(v) for v in fig.get_size_inches())
        dpi = fig.dpi
        renderer = measuring_renderer(round(width * dpi), round(height * dpi), dpi)
        axes = [ax for ax in fig.axes
                if ax.get_axes_locator() is None and ax.get_subplotspec() is not None]
        if not axes:
            return
        grid = axes[0].get_subplotspec().get_topmost_subplotspec().get_gridspec()
        nrows, ncols = grid.get_geometry()
        panels = []
        for ax in axes:
            spec = ax.get_subplotspec().get_topmost_subplotspec()
            if spec.get_gridspec() is not grid:
                raise ValueError("ChartLayout lays out the panels of one grid only")
            span = (spec.rowspan.start, spec.rowspan.stop - 1, spec.colspan.start,
                    spec.colspan.stop - 1)
            panels.append(_measure(ax, span, renderer))

        # 1. Measured once: the panels' decorations, the data labels' reach.
        for ax, text, anchor in self._labels:
            if ax in axes:
                panels[axes.index(ax)].labels.append(
                    self._label_reach(ax, text, anchor, renderer))

        # 2. Columns: their widths and the room beside them, solved in arithmetic.
        wr = list(grid.get_width_ratios() or [1.0] * ncols)
        col_x0, col_x1 = _solve(panels, ncols, wr, width - 2 * PAD, WSPACE, horizontal=True)
        col_x0 = [PAD + x for x in col_x0]
        col_x1 = [PAD + x for x in col_x1]

        # 3. Panel titles fitted to the room up to the next column; the title line; the footer.
        for p in panels:
            if p.title is not None:
                right = col_x0[p.c1 + 1] - GAP if p.c1 + 1 < ncols else width - PAD
                p.top += _fit(p.title, right - col_x0[p.c0], renderer, PANEL_TITLE_LINES)
        top_band = PAD + self._title_line(fig, width, height, renderer)
        footer_h = self._fit_footer(fig, width, axes, panels, col_x0, renderer)
        bottom_band = PAD + sum(footer_h) + GAP * len(footer_h)

        # 4. Rows, the same way, in the height left.
        hr = list(grid.get_height_ratios() or [1.0] * nrows)
        row_start, row_end = _solve(panels, nrows, hr, height - top_band - bottom_band,
                                    HSPACE, horizontal=False)
        # Rows run top down, from the top of the grid.
        row_y1 = [height - top_band - y for y in row_start]
        row_y0 = [height - top_band - y for y in row_end]

        for p in panels:
            x0, x1, y0, y1 = col_x0[p.c0], col_x1[p.c1], row_y0[p.r1], row_y1[p.r0]
            p.ax.set_position([x0 / width, y0 / height, (x1 - x0) / width,
                               (y1 - y0) / height])

        # 5. The footer, from the bottom up.
        y = PAD
        for item, h in zip(reversed(self._footer), reversed(footer_h), strict=True):
            x = (0.5 if item.align is None
                 else col_x0[panels[axes.index(item.align)].c0] / width)
            if isinstance(item.artist, Legend):
                item.artist.set_loc("lower center" if item.align is None else "lower left")
                item.artist.set_bbox_to_anchor((x, y / height), transform=fig.transFigure)
            else:
                item.artist.set_transform(fig.transFigure)
                item.artist.set_position((x, (y + h) / height))
                item.artist.set_verticalalignment("top")
                item.artist.set_horizontalalignment("center" if item.align is None else "left")
            y += h + GAP

        # 6. The x range widened as far as the panel's data labels need; x ticks thinned
        # where their labels would touch (both as the sizes above were solved with).
        for p in panels:
            panel_width = col_x1[p.c1] - col_x0[p.c0]
            scale = p.x_scale(panel_width)
            if scale > 1.0:
                lo, hi = p.ax.get_xlim()
                p.ax.set_xlim(lo, lo + (hi - lo) * scale)
            own = [t for t in p.xticks if t.own]
            shown = [t for t in p.shown_xticks(panel_width) if t.own]
            if len(shown) < len(own):
                p.ax.xaxis.set_ticks([t.loc for t in shown], labels=[t.text for t in shown])

        # 7. Labels that must not overlap: a text's height apart, inside the y range.
        for ax in dict.fromkeys(a for a, _t, _xy in self._spread):
            group = sorted(((xy[1], t, xy) for a, t, xy in self._spread if a is ax),
                           key=lambda item: item[0])
            lo, hi = ax.get_ylim()
            panel_height = ax.get_position().height * height
            tall = max(t.get_window_extent(renderer).height for _v, t, _xy in group) / dpi
            gap = (tall + SPREAD_PAD) / panel_height * (hi - lo) if panel_height > 0 else 0.0
            placed = spread_apart([v for v, _t, _xy in group], lo, hi, gap)
            for (_v, text, xy), y in zip(group, placed, strict=True):
                text.xy = (xy[0], y)

    def _title_line(self, fig: Figure, width: float, height: float, renderer: Any) -> float:
        """Place the title and the mark on the top line; return the line's height (with the
        gap below it), 0 if there is neither."""
        dpi = fig.dpi
        mark_w = mark_h = 0.0
        if self._mark is not None:
            self._mark.set_transform(fig.transFigure)
            self._mark.set_position((1, 1))
            self._mark.set_horizontalalignment("right")
            self._mark.set_verticalalignment("top")
            text_box = self._mark.get_window_extent(renderer)
            self._mark.update_bbox_position_size(renderer)
            patch = self._mark.get_bbox_patch()
            box = patch.get_window_extent(renderer) if patch is not None else text_box
            # The box reaches beyond the text: move the text in so the box is inside the edge.
            dx = (box.x1 - text_box.x1) / dpi + PAD
            dy = (box.y1 - text_box.y1) / dpi + PAD
            self._mark.set_position((1 - dx / width, 1 - dy / height))
            mark_w, mark_h = box.width / dpi, box.height / dpi
        title_h = 0.0
        if self._title is not None:
            room = width - 2 * PAD - (mark_w + 2 * GAP if mark_w else 0.0)
            self._title.set_text(self._title_text)
            _fit(self._title, room, renderer, TITLE_LINES)
            self._title.set_transform(fig.transFigure)
            self._title.set_position((PAD / width, 1 - PAD / height))
            self._title.set_horizontalalignment("left")
            self._title.set_verticalalignment("top")
            title_h = self._title.get_window_extent(renderer).height / dpi
        line = max(title_h, mark_h)
        return line + GAP if line else 0.0

    def _fit_footer(self, fig: Figure, width: float, axes: list[Axes], panels: list[_Panel],
                    col_x0: list[float], renderer: Any) -> list[float]:
        """Fit each footer item to the width it has; return their heights in inches."""
        heights = []
        for item in self._footer:
            x0 = PAD if item.align is None else col_x0[panels[axes.index(item.align)].c0]
            room = width - PAD - x0 if item.align is not None else width - 2 * PAD
            artist = item.artist
            if isinstance(artist, Legend):
                artist.set_bbox_to_anchor((0.5, 0.0), transform=fig.transFigure)
                box = artist.get_window_extent(renderer)
                ncols = item.ncols
                while box.width / fig.dpi > room and ncols > 1 and item.remake is not None:
                    # A legend lays out its columns when made: make it again, narrower.
                    ncols -= 1
                    artist.remove()
                    artist = item.artist = item.remake(ncols)
                    artist.set_in_layout(False)
                    artist.set_bbox_to_anchor((0.5, 0.0), transform=fig.transFigure)
                    box = artist.get_window_extent(renderer)
            else:
                prop = artist.get_fontproperties()
                artist.set_text(fit_text(artist.get_text(), room, prop.get_size_in_points(),
                                         prop.get_weight(), item.max_lines))
                box = artist.get_window_extent(renderer)
            heights.append(box.height / fig.dpi)
        return heights

    @staticmethod
    def _label_reach(ax: Axes, text: Text, anchor: tuple[float, float], renderer: Any
                     ) -> tuple[float, float]:
        """Where ``text``'s anchor is in the x range (a fraction) and how far (inches) the
        text reaches right of it (its offset and width: the same at any panel size), with the
        pad it keeps from the edge. The label ends inside a panel of width ``w`` while
        ``f * w / s + reach <= w`` for the x range grown by ``s``."""
        box = text.get_window_extent(renderer)
        lo, hi = ax.get_xlim()
        f = (anchor[0] - lo) / (hi - lo) if hi != lo else 0.0
        x_anchor = ax.transData.transform(anchor)[0]
        reach = max(0.0, (box.x1 - x_anchor) / ax.get_figure(root=True).dpi) + LABEL_PAD
        return f, reach


# --- panels: what they hold, and how much room it takes -----------------------------------------


@dataclass
class _Tick:
    """A tick label along its axis: how far it reaches before and after its tick (inches), its
    tick's place in the panel (a fraction), value and text, and whether it is a tick of the
    panel's own x axis (which may be thinned)."""

    before: float
    after: float
    f: float
    loc: float = 0.0
    text: str = ""
    own: bool = False


@dataclass
class _Panel:
    """One panel's decorations, in inches beyond its edges: ``left`` ... ``top`` for those that
    keep their distance to an edge (axis labels, titles, legends, tick labels across their
    axis), and the tick labels along an axis, which sit at a fraction of the panel's width (or
    height) and reach beyond an edge by less as the panel grows: ``(before, after, fraction)``
    for each, ``before``/``after`` being how far it reaches left of (below) and right of
    (above) its tick."""

    ax: Axes
    r0: int
    r1: int
    c0: int
    c1: int
    left: float = 0.0
    right: float = 0.0
    bottom: float = 0.0
    top: float = 0.0
    xticks: list[_Tick] = field(default_factory=list)
    yticks: list[_Tick] = field(default_factory=list)
    title: Text | None = None
    # Labels in data coordinates to keep inside: (their fraction of the x range as measured,
    # how far right of their anchor they reach in inches).
    labels: list[tuple[float, float]] = field(default_factory=list)

    def x_scale(self, width: float) -> float:
        """How much the x range must grow (1 = not at all) at panel ``width`` (inches) for
        every data label to end inside the panel."""
        scale = 1.0
        for f, extra in self.labels:
            if width > extra:
                scale = max(scale, f * width / (width - extra))
        return scale

    def shown_xticks(self, width: float) -> list[_Tick]:
        """The x ticks drawn at panel ``width``: the panel's own ticks thinned to every second
        (third, ...) where their labels would not stand side by side, and any others."""
        scale = self.x_scale(width)
        own = [t for t in self.xticks if t.own]
        kept = own
        for step in range(1, len(own) + 1):
            kept = own[::step]
            if all((b.f - a.f) / scale * width >= a.after + b.before + TICK_GAP
                   for a, b in itertools.pairwise(kept)):
                break
        return kept + [t for t in self.xticks if not t.own]

    def margins(self, size: float, horizontal: bool) -> tuple[float, float]:
        """The room beyond the panel's first and last edge at panel ``size`` (inches)."""
        lo, hi = (self.left, self.right) if horizontal else (self.bottom, self.top)
        # A wider x range moves every tick towards the start.
        scale = self.x_scale(size) if horizontal else 1.0
        for t in (self.shown_xticks(size) if horizontal else self.yticks):
            f = t.f / scale
            lo = max(lo, t.before - f * size)
            hi = max(hi, t.after - (1 - f) * size)
        return lo, hi


def _measure(ax: Axes, span: tuple[int, int, int, int], renderer: Any) -> _Panel:
    """Measure what ``ax`` (and its secondary axes) holds, once."""
    dpi = ax.get_figure(root=True).dpi
    ax.get_tightbbox(renderer, for_layout_only=True)  # places titles and axis labels
    box = ax.get_window_extent(renderer)
    across_x = [box]  # boxes whose horizontal reach is fixed (left/right margins)
    across_y = [box]  # boxes whose vertical reach is fixed (bottom/top margins)
    xticks, yticks = [], []
    title = None
    for owner in (ax, *ax.child_axes):
        if not owner.get_visible():
            continue
        for axis, is_x in ((owner.xaxis, True), (owner.yaxis, False)):
            if not (owner.axison and axis.get_visible()):
                continue
            lo, hi = sorted(axis.get_view_interval())
            eps = 1e-9 * max(hi - lo, 1e-12)
            for tick in axis.get_major_ticks():
                if not lo - eps <= tick.get_loc() <= hi + eps:
                    continue  # not drawn
                for lab in (tick.label1, tick.label2):
                    if not (lab.get_visible() and lab.get_text()):
                        continue
                    bb = lab.get_window_extent(renderer)
                    ax_px, ay_px = lab.get_transform().transform(lab.get_position())
                    if is_x:
                        across_y.append(bb)
                        f = (ax_px - box.x0) / box.width if box.width else 0.0
                        xticks.append(_Tick((ax_px - bb.x0) / dpi, (bb.x1 - ax_px) / dpi, f,
                                            tick.get_loc(), lab.get_text(),
                                            owner is ax and lab is tick.label1))
                    else:
                        across_x.append(bb)
                        f = (ay_px - box.y0) / box.height if box.height else 0.0
                        yticks.append(_Tick((ay_px - bb.y0) / dpi, (bb.y1 - ay_px) / dpi, f))
            if axis.label.get_visible() and axis.label.get_text():
                # Layout only (as matplotlib's layouts): an axis label's length along its axis
                # does not count.
                (across_y if is_x else across_x).append(axis.label.get_window_extent(renderer))
        for child in owner.get_children():
            if not (isinstance(child, Text | Legend) and child.get_visible()
                    and child.get_in_layout()):
                continue
            if isinstance(child, Text) and not child.get_text():
                continue
            bb = child.get_window_extent(renderer)
            if isinstance(child, Text) and child not in owner.texts:
                across_y.append(bb)  # a title: its length does not count
                if owner is ax and child.get_text():
                    title = child
            else:
                across_x.append(bb)
                across_y.append(bb)
    p = _Panel(ax, *span, xticks=xticks, yticks=yticks)
    p.left = max(0.0, box.x0 - min(b.x0 for b in across_x)) / dpi
    p.right = max(0.0, max(b.x1 for b in across_x) - box.x1) / dpi
    p.bottom = max(0.0, box.y0 - min(b.y0 for b in across_y)) / dpi
    p.top = max(0.0, max(b.y1 for b in across_y) - box.y1) / dpi
    p.title = title
    return p


def _solve(panels: list[_Panel], n: int, ratios: list[float], room: float, space: float,
           horizontal: bool) -> tuple[list[float], list[float]]:
    """Start and end (inches from the grid's start) of the ``n`` columns (or rows, from the
    top) sharing ``room`` by ``ratios`` after each one's margins and ``space`` between them.

    A margin made by tick labels along the axis shrinks as the panel grows, so margins and
    sizes depend on each other; this finds the sizes where they agree by plain iteration on
    numbers measured once (nothing is measured again, and the same numbers always give the
    same result)."""
    first = [(p.c0, p.c1) if horizontal else (p.r0, p.r1) for p in panels]
    size = [room * r / sum(ratios) for r in ratios]
    starts, ends = [0.0] * n, [0.0] * n
    for _ in range(100):
        lo, hi = [0.0] * n, [0.0] * n
        # The panels' sizes from the current layout (zero margins on the first round).
        for p, (a, b) in zip(panels, first, strict=True):
            extent = ends[b] - starts[a] if ends[b] > starts[a] else sum(size[a:b + 1])
            m_lo, m_hi = p.margins(extent, horizontal)
            if not horizontal:
                m_lo, m_hi = m_hi, m_lo  # rows run top down: a row starts at its top
            lo[a] = max(lo[a], m_lo)
            hi[b] = max(hi[b], m_hi)
        free = max(room - sum(lo) - sum(hi) - space * (n - 1), 0.2 * room)
        new_starts, new_ends = [], []
        pos = 0.0
        for k in range(n):
            pos += lo[k]
            new_starts.append(pos)
            pos += free * ratios[k] / sum(ratios)
            new_ends.append(pos)
            pos += hi[k] + space
        moved = max(max(abs(a - b) for a, b in zip(new_starts, starts, strict=True)),
                    max(abs(a - b) for a, b in zip(new_ends, ends, strict=True)))
        starts, ends = new_starts, new_ends
        if moved < 1e-12:
            break
    return starts, ends


def _fit(text: Text, room: float, renderer: Any, max_lines: int) -> float:
    """Wrap ``text`` to ``room`` inches (``max_lines`` at most, then an ellipsis); return how
    much taller it got (inches)."""
    dpi = renderer.dpi
    before = text.get_window_extent(renderer).height / dpi
    prop = text.get_fontproperties()
    text.set_text(fit_text(text.get_text(), room, prop.get_size_in_points(), prop.get_weight(),
                           max_lines))
    return text.get_window_extent(renderer).height / dpi - before


def spread_apart(values: list[float], lo: float, hi: float, gap: float) -> list[float]:
    """``values`` (ascending) moved apart to at least ``gap`` from each other, upwards first,
    then down from the top where they would pass ``hi`` less half a gap."""
    placed: list[float] = []
    for v in values:
        placed.append(max(v, placed[-1] + gap) if placed else v)
    top = hi - gap / 2
    for i in range(len(placed) - 1, -1, -1):
        limit = top if i == len(placed) - 1 else placed[i + 1] - gap
        placed[i] = min(placed[i], limit)
    return placed
