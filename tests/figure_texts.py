"""Test helpers shared by the chart tests: every text a figure draws, with its box, and whether
two boxes overlap. Not a test module (no test_ prefix); imported by test_plots_layout.py and
test_plots_outlook.py."""

from __future__ import annotations

import matplotlib as mpl
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from boligmonitor.io.figures import SAVE_RC


def drawn_texts(fig: Figure, dpi: float | None = None) -> list[tuple[str, Bbox]]:
    """Draw ``fig`` once (at ``dpi`` where given), as the package saves it, and return each
    text drawn with its box in pixels (a text's box includes the frame around it, as the
    example mark has)."""
    drawn: list[Text] = []
    original = Text.draw

    def spy(self, renderer):
        if self.get_visible() and self.get_text().strip():
            drawn.append(self)
        return original(self, renderer)

    with pytest.MonkeyPatch.context() as mp, mpl.rc_context(SAVE_RC):
        mp.setattr(Text, "draw", spy)
        if dpi is not None:
            fig.set_dpi(dpi)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    renderer = canvas.get_renderer()
    out = []
    for t in drawn:
        box = t.get_window_extent(renderer)
        patch = t.get_bbox_patch()
        if patch is not None:
            box = Bbox.union([box, patch.get_window_extent(renderer)])
        out.append((t.get_text(), box))
    return out


def overlap(a: Bbox, b: Bbox, tol: float = 0.5) -> bool:
    """Whether two boxes overlap by more than ``tol`` pixels both ways."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tol) and (min(a.y1, b.y1) - max(a.y0, b.y0)
                                                          > tol)
