"""The yearly indicator report: :func:`build_report` assembles the content (pure), the
renderers lay it out as HTML, PDF, XLSX and PPTX, and :func:`write_report` writes the four files
into a directory whole or not at all.

>>> from boligmonitor.report import REPORT_FILES
>>> REPORT_FILES
('report.html', 'report.pdf', 'tables.xlsx', 'briefing.pptx')
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from boligmonitor.errors import ReportError
from boligmonitor.io.atomic import dir_mode
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

    Whole or not at all: everything is rendered and written into a temporary directory next to
    ``out_dir``, which then takes its place. A failure on the way leaves the previous report
    (if any) as it was, and no temporary directory behind.
    """
    target = Path(out_dir)
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create {parent}: {exc.strerror}") from exc
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=parent))
    old: Path | None = None
    try:
        files = render_all(content, progress, images)
        for name, blob in files.items():
            (tmp / name).write_bytes(blob)
        os.chmod(tmp, dir_mode())  # mkdtemp makes it private; give it the umask's mode
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=parent))
            os.replace(target, old / target.name)
        os.replace(tmp, target)
    except BaseException:
        if old is not None and (old / target.name).exists() and not target.exists():
            os.replace(old / target.name, target)
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return [target / name for name in REPORT_FILES]
