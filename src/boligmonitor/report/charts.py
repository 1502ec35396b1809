"""Turning the report's chart recipes into PNG images, once per report, byte for byte stable.

The same chart gives the same bytes (:func:`boligmonitor.io.figures.figure_bytes`): no software
version or date in the PNG metadata, the layout frozen on a fixed grid, and the charts module's
pinned style. Every figure is closed after use so a long report does not hold
them all in memory.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from boligmonitor.io.figures import figure_bytes
from boligmonitor.report.build import ReportContent

DEFAULT_DPI = 150


def chart_png(fig, dpi: int = DEFAULT_DPI) -> bytes:
    """Return ``fig`` as PNG bytes, the same for the same chart built twice.

    Rendered by :func:`boligmonitor.io.figures.figure_bytes`, the one place that makes chart
    files deterministic (no metadata that changes between runs, the layout settled and frozen
    on a fixed grid), so the report's images are the bytes ``boligmonitor plot`` writes.
    """
    try:
        return figure_bytes(fig, "png", dpi=dpi)
    finally:
        plt.close(fig)


def render_charts(content: ReportContent, dpi: int = DEFAULT_DPI, progress=None
                  ) -> dict[str, bytes]:
    """Draw every chart of ``content``; return ``{key: png bytes}``.

    ``progress`` is called with each key when its chart is done (the CLI's progress bar).
    """
    out: dict[str, bytes] = {}
    for key, chart in content.charts.items():
        out[key] = chart_png(chart.make(), dpi)
        if progress is not None:
            progress(key)
    return out
