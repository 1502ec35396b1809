"""The yearly indicator report: :func:`build_report` assembles the content (pure), the
renderers lay it out as HTML, PDF, XLSX and PPTX, and :func:`write_report` writes the four files
(and a manifest of them) into a folder whole or not at all, never touching a file it did not
write.

>>> from boligmonitor.report import REPORT_FILES
>>> REPORT_FILES
('report.html', 'report.pdf', 'tables.xlsx', 'briefing.pptx')
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from boligmonitor.report.build import (
    DEFAULT_WARNING_MARGIN,
    ReportContent,
    build_report,
    latest_list_year,
    report_date,
)

REPORT_FILES = ("report.html", "report.pdf", "tables.xlsx", "briefing.pptx")

__all__ = [
    "DEFAULT_WARNING_MARGIN",
    "REPORT_FILES",
    "ReportContent",
    "build_report",
    "latest_list_year",
    "render_all",
    "report_date",
    "write_report",
]

Progress = Callable[[str], None]


def render_all(content: ReportContent, progress: Progress | None = None,
               images: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Render the four files in memory; return ``{file name: bytes}``.

    ``progress`` is called with a short step name after each chart and each file. ``images``
    (chart key to PNG bytes) may be given to reuse charts already drawn.
    """
    from boligmonitor.report.charts import render_charts
    from boligmonitor.report.render_html import render_html
    from boligmonitor.report.render_pdf import render_pdf
    from boligmonitor.report.render_pptx import render_pptx
    from boligmonitor.report.render_xlsx import render_xlsx

    if images is None:
        images = render_charts(content, progress=progress)
    out: dict[str, bytes] = {}
    steps = (("report.html", lambda: render_html(content, images)),
             ("report.pdf", lambda: render_pdf(content, images)),
             ("tables.xlsx", lambda: render_xlsx(content)),
             ("briefing.pptx", lambda: render_pptx(content, images)))
    for name, render in steps:
        out[name] = render()
        if progress is not None:
            progress(name)
    return out


def n_steps(content: ReportContent) -> int:
    """The number of progress steps :func:`render_all` reports (charts and files)."""
    return len(content.charts) + len(REPORT_FILES)


def write_report(content: ReportContent, out_dir: str | Path,
                 progress: Progress | None = None,
                 images: dict[str, bytes] | None = None) -> list[Path]:
    """Render ``content`` and write the four files into ``out_dir``; return their paths.

    Never touches a file the report did not write: ``out_dir`` must be new, empty, or the folder
    of a previous report (recognised by its manifest, :data:`~.output.MANIFEST`), else
    :class:`~boligmonitor.errors.ReportError` is raised before anything is rendered. Only the
    previous report's own files are replaced, whole or not at all (:mod:`.output`): a failure on
    the way leaves the folder as it was.
    """
    from boligmonitor.report.output import previous_files, replace_files

    target = Path(out_dir)
    previous_files(target, REPORT_FILES)  # refuse early, before the slow part
    files = render_all(content, progress, images)
    replace_files(target, files, REPORT_FILES)
    return [target / name for name in REPORT_FILES]
