"""Turning the report's chart recipes into PNG images, once per report, byte for byte stable.

The same figure gives the same bytes: no software version or date in the PNG metadata, and the
charts module's pinned style. Every figure is closed after use so a long report does not hold
them all in memory.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt

from boligmonitor.report.build import ReportContent

DEFAULT_DPI = 150


def chart_png(fig, dpi: int = DEFAULT_DPI) -> bytes:
    """Return ``fig`` as PNG bytes without metadata that changes between runs."""
    buf = io.BytesIO()
    try:
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    finally:
        plt.close(fig)
    return buf.getvalue()


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
