"""Turning the report's chart recipes into PNG images, once per report, byte for byte stable.

The same chart gives the same bytes (:func:`boligmonitor.io.figures.figure_bytes`): no software
version or date in the PNG metadata, the layout computed once and frozen, and the charts
module's pinned style. A report's charts are drawn in worker processes where there are enough
of them to gain from it (:func:`boligmonitor.io.figures.figures_bytes`), in a fixed order, so
the images do not depend on how many workers drew them.
"""

from __future__ import annotations

from boligmonitor.io.figures import figure_bytes, figures_bytes
from boligmonitor.report.build import ReportContent

DEFAULT_DPI = 150


def chart_png(fig, dpi: int = DEFAULT_DPI) -> bytes:
    """Return ``fig`` as PNG bytes, the same for the same chart built twice.

    Rendered by :func:`boligmonitor.io.figures.figure_bytes`, the one place that makes chart
    files deterministic (no metadata that changes between runs, the layout computed once and
    frozen), so the report's images are the bytes ``boligmonitor plot`` writes.
    """
    return figure_bytes(fig, "png", dpi=dpi)


def render_charts(content: ReportContent, dpi: int = DEFAULT_DPI, progress=None,
                  workers: int | None = None) -> dict[str, bytes]:
    """Draw every chart of ``content``; return ``{key: png bytes}``.

    ``progress`` is called with each key when its chart is done (the CLI's progress bar), in
    the charts' order. ``workers``: processes to draw in (default: two for a report's dozen
    charts, one for a few; see :func:`boligmonitor.io.figures.default_workers`).
    """
    keys = list(content.charts)
    recipes = [content.charts[k].make for k in keys]
    out: dict[str, bytes] = {}
    for key, (png,) in zip(keys, figures_bytes(recipes, ("png",), dpi, workers), strict=True):
        out[key] = png
        if progress is not None:
            progress(key)
    return out
