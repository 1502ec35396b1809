"""Time the full yearly report on the bundled example data: build, charts, each file, and the
whole `write_report` (what `boligmonitor report` does after loading the data).

    .venv/bin/python benchmarks/bench_report.py [--repeat N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import boligmonitor as bm
from boligmonitor.report import build_report, write_report
from boligmonitor.report.charts import render_charts
from boligmonitor.report.render_html import render_html
from boligmonitor.report.render_pdf import render_pdf
from boligmonitor.report.render_pptx import render_pptx
from boligmonitor.report.render_xlsx import render_xlsx


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, t_load = _timed(bm.example_data)
    print(f"load example data      {t_load:6.2f} s")
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        content, t = _timed(lambda: build_report(data, date="2025-12-01"))
        best["build (scoring, disclosure, content)"] = min(best.get("build (scoring, "
                                                                    "disclosure, content)", t), t)
        images, t = _timed(lambda c=content: render_charts(c))
        best[f"charts ({len(images)} PNG)"] = min(best.get(f"charts ({len(images)} PNG)", t), t)
        for name, fn in (("report.html", lambda c=content, i=images: render_html(c, i)),
                         ("report.pdf", lambda c=content, i=images: render_pdf(c, i)),
                         ("tables.xlsx", lambda c=content: render_xlsx(c)),
                         ("briefing.pptx", lambda c=content, i=images: render_pptx(c, i))):
            _, t = _timed(fn)
            best[name] = min(best.get(name, t), t)
        with tempfile.TemporaryDirectory() as tmp:
            def full(c=None, tmp=tmp):
                c = build_report(data, date="2025-12-01")
                return write_report(c, Path(tmp) / "2025")

            _, t = _timed(full)
            best["full report (build + write)"] = min(best.get("full report (build + write)",
                                                               t), t)
    for name, t in best.items():
        print(f"{name:38s} {t:6.2f} s  (best of {args.repeat})")


if __name__ == "__main__":
    main()
