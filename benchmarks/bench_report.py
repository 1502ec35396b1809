"""Time the full yearly report on the bundled example data: build, charts, each file, the whole
`write_report` (what `boligmonitor report` does after loading the data), and cold runs of the
commands (a fresh interpreter each: `boligmonitor report` and `boligmonitor plot` in all three
formats).

    .venv/bin/python benchmarks/bench_report.py [--repeat N] [--no-cold]

Each line gives the best wall time of N runs and the CPU time of that run (this process and
the worker processes it waited for). The machine is shared: the load average is printed first,
and a wall time well above its CPU time means the processors were busy with something else.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
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


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(fn):
    c0, t0 = _cpu(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, _cpu() - c0


class Best:
    """The best wall time of each step, with the CPU time of that run."""

    def __init__(self) -> None:
        self.times: dict[str, tuple[float, float]] = {}

    def add(self, name: str, wall: float, cpu: float) -> None:
        if name not in self.times or wall < self.times[name][0]:
            self.times[name] = (wall, cpu)

    def print(self, repeat: int) -> None:
        for name, (wall, cpu) in self.times.items():
            print(f"{name:44s} {wall:6.2f} s wall  {cpu:6.2f} s cpu  (best of {repeat})")


def _cold(args: list[str], tmp: Path) -> tuple[float, float]:
    cmd = [sys.executable, "-m", "boligmonitor.cli", *args]
    c0, t0 = _cpu(), time.perf_counter()
    subprocess.run(cmd, check=True, cwd=tmp, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0, _cpu() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-cold", action="store_true", help="skip the cold command runs")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} processors")
    data, t_load, _ = _timed(bm.example_data)
    print(f"load example data      {t_load:6.2f} s")
    best = Best()
    for _ in range(args.repeat):
        content, t, c = _timed(lambda: build_report(data, date="2025-12-01"))
        best.add("build (scoring, disclosure, content)", t, c)
        images, t, c = _timed(lambda c=content: render_charts(c))
        best.add(f"charts ({len(images)} PNG)", t, c)
        _, t, c = _timed(lambda c=content: render_charts(c, workers=1))
        best.add(f"charts ({len(images)} PNG), one process", t, c)
        for name, fn in (("report.html", lambda c=content, i=images: render_html(c, i)),
                         ("report.pdf", lambda c=content, i=images: render_pdf(c, i)),
                         ("tables.xlsx", lambda c=content: render_xlsx(c)),
                         ("briefing.pptx", lambda c=content, i=images: render_pptx(c, i))):
            _, t, c = _timed(fn)
            best.add(name, t, c)
        with tempfile.TemporaryDirectory() as tmp:
            def full(tmp=tmp):
                c = build_report(data, date="2025-12-01")
                return write_report(c, Path(tmp) / "2025")

            _, t, c = _timed(full)
            best.add("full report (build + write)", t, c)
            if not args.no_cold:
                t, c = _cold(["report", "--out", str(Path(tmp) / "cold")], Path(tmp))
                best.add("cold: boligmonitor report", t, c)
                t, c = _cold(["plot", "--out", str(Path(tmp) / "figures")], Path(tmp))
                best.add("cold: boligmonitor plot (png, svg, pdf)", t, c)
    best.print(args.repeat)


if __name__ == "__main__":
    main()
