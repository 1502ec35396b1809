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

Nothing in a panel's decorations depends on the panel's size: legends and notes sit in the
footer or at a panel's edge, tick positions are fixed when the chart is drawn (no locator that
adds ticks as a panel grows), labels in data coordinates are kept out of the measurement. So
one measurement is the layout: no second pass, no solver, and the same chart always gets the
same positions to the last bit (the arithmetic runs in a fixed order on the same numbers), so
the saved bytes are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
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
TITLE_LINES = 2


@dataclass
class _Footer:
    artist: Legend | Text
    align: Axes | None  # None: centred on the figure; an Axes: left-aligned with it
    ncols: int = 1  # a legend's columns, as asked (fewer if they do not fit)
    max_lines: int = 6  # a text's lines at most


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
                   max_lines: int = 6) -> None:
        """Stack ``artist`` (a figure legend of ``ncols`` columns, or a figure text) below the
        previous footer item; centred, or left-aligned with the panel ``align``. A legend gets
        fewer columns and a text is wrapped where the width left is too small."""
        artist.set_in_layout(False)
        self._footer.append(_Footer(artist, align, ncols, max_lines))

    def keep_inside(self, ax: Axes, text: Text, anchor: tuple[float, float]) -> None:
        """Keep ``text`` (left-aligned, anchored at the data point ``anchor``) inside ``ax``: the
        x range is widened on the right as far as the text needs, once the panel's width is
        known."""
        text.set_in_layout(False)
        self._labels.append((ax, text, anchor))

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
        spans = []
        for ax in axes:
            spec = ax.get_subplotspec().get_topmost_subplotspec()
            if spec.get_gridspec() is not grid:
                raise ValueError("ChartLayout lays out the panels of one grid only")
            spans.append((spec.rowspan.start, spec.rowspan.stop - 1,
                          spec.colspan.start, spec.colspan.stop - 1))

        # 1. Each panel's decorations, in inches beyond its edges; data labels measured once.
        label_extra = [self._label_extent(ax, text, anchor, renderer)
                       for ax, text, anchor in self._labels]
        left, right = [0.0] * ncols, [0.0] * ncols
        top, bottom = [0.0] * nrows, [0.0] * nrows
        for ax, (r0, r1, c0, c1) in zip(axes, spans, strict=True):
            box = ax.get_window_extent(renderer)
            tight = ax.get_tightbbox(renderer, for_layout_only=True) or box
            left[c0] = max(left[c0], (box.x0 - tight.x0) / dpi)
            right[c1] = max(right[c1], (tight.x1 - box.x1) / dpi)
            top[r0] = max(top[r0], (tight.y1 - box.y1) / dpi)
            bottom[r1] = max(bottom[r1], (box.y0 - tight.y0) / dpi)

        # 2. Columns: the width left after the decorations, shared by the width ratios.
        wr = list(grid.get_width_ratios() or [1.0] * ncols)
        free_w = width - 2 * PAD - sum(left) - sum(right) - WSPACE * (ncols - 1)
        free_w = max(free_w, 0.2 * width)
        col_x0, col_x1 = [], []
        x = PAD
        for c in range(ncols):
            x += left[c]
            col_x0.append(x)
            x += free_w * wr[c] / sum(wr)
            col_x1.append(x)
            x += right[c] + WSPACE

        # 3. The title line and the footer, fitted to their width; their heights.
        top_band = PAD + self._title_line(fig, width, height, renderer)
        footer_h = self._fit_footer(fig, width, axes, spans, col_x0, renderer)
        bottom_band = PAD + sum(h for h in footer_h) + GAP * len(footer_h)

        # 4. Rows: the height left, shared by the height ratios.
        hr = list(grid.get_height_ratios() or [1.0] * nrows)
        free_h = (height - top_band - bottom_band - sum(top) - sum(bottom)
                  - HSPACE * (nrows - 1))
        free_h = max(free_h, 0.2 * height)
        row_y0, row_y1 = [], []
        y = height - top_band
        for r in range(nrows):
            y -= top[r]
            row_y1.append(y)
            y -= free_h * hr[r] / sum(hr)
            row_y0.append(y)
            y -= bottom[r] + HSPACE

        for ax, (r0, r1, c0, c1) in zip(axes, spans, strict=True):
            x0, x1, y0, y1 = col_x0[c0], col_x1[c1], row_y0[r1], row_y1[r0]
            ax.set_position([x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height])

        # 5. The footer, from the bottom up.
        y = PAD
        for item, h in zip(reversed(self._footer), reversed(footer_h), strict=True):
            x = (0.5 if item.align is None
                 else col_x0[spans[axes.index(item.align)][2]] / width)
            if isinstance(item.artist, Legend):
                item.artist.set_loc("lower center" if item.align is None else "lower left")
                item.artist.set_bbox_to_anchor((x, y / height), transform=fig.transFigure)
            else:
                item.artist.set_transform(fig.transFigure)
                item.artist.set_position((x, (y + h) / height))
                item.artist.set_verticalalignment("top")
                item.artist.set_horizontalalignment("center" if item.align is None else "left")
            y += h + GAP

        # 6. Data labels: widen the x range where a label would cross the right edge.
        for (ax, _text, anchor), extra in zip(self._labels, label_extra, strict=True):
            _widen_for(ax, anchor[0], extra + LABEL_PAD, ax.get_position().width * width)

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
            prop = self._title.get_fontproperties()
            self._title.set_text(fit_text(self._title_text, room, prop.get_size_in_points(),
                                          prop.get_weight(), TITLE_LINES))
            self._title.set_transform(fig.transFigure)
            self._title.set_position((PAD / width, 1 - PAD / height))
            self._title.set_horizontalalignment("left")
            self._title.set_verticalalignment("top")
            title_h = self._title.get_window_extent(renderer).height / dpi
        line = max(title_h, mark_h)
        return line + GAP if line else 0.0

    def _fit_footer(self, fig: Figure, width: float, axes: list[Axes], spans: list,
                    col_x0: list[float], renderer: Any) -> list[float]:
        """Fit each footer item to the width it has; return their heights in inches."""
        heights = []
        for item in self._footer:
            x0 = PAD if item.align is None else col_x0[spans[axes.index(item.align)][2]]
            room = width - PAD - x0 if item.align is not None else width - 2 * PAD
            artist = item.artist
            if isinstance(artist, Legend):
                artist.set_bbox_to_anchor((0.5, 0.0), transform=fig.transFigure)
                box = artist.get_window_extent(renderer)
                ncols = item.ncols
                while box.width / fig.dpi > room and ncols > 1:
                    ncols -= 1
                    artist.set_ncols(ncols)
                    box = artist.get_window_extent(renderer)
            else:
                prop = artist.get_fontproperties()
                artist.set_text(fit_text(artist.get_text(), room, prop.get_size_in_points(),
                                         prop.get_weight(), item.max_lines))
                box = artist.get_window_extent(renderer)
            heights.append(box.height / fig.dpi)
        return heights

    @staticmethod
    def _label_extent(ax: Axes, text: Text, anchor: tuple[float, float], renderer: Any
                      ) -> float:
        """How far (inches) ``text`` reaches right of its data anchor: its offset and width,
        the same at any panel size."""
        box = text.get_window_extent(renderer)
        x_anchor = ax.transData.transform(anchor)[0]
        return max(0.0, (box.x1 - x_anchor) / ax.get_figure(root=True).dpi)


def _widen_for(ax: Axes, x: float, extra: float, panel_width: float) -> None:
    """Widen the x range of ``ax`` on the right so that ``extra`` inches fit right of ``x``."""
    lo, hi = ax.get_xlim()
    if not (hi > lo) or panel_width <= extra:
        return
    if (x - lo) / (hi - lo) * panel_width + extra > panel_width:
        ax.set_xlim(lo, lo + (x - lo) * panel_width / (panel_width - extra))
