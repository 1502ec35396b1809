"""Writing charts to files: PNG (300 dpi), SVG and PDF, byte for byte reproducible.

The same figure saved twice gives the same bytes: no creation date, no software version in the
metadata, a fixed SVG hash salt (the ids of clip paths), fonts as paths in SVG. A file is
written to a temporary file next to its target and moved into place, so that a failure leaves
the previous file intact and never a half-written one. :func:`save_figures` writes a folder of
charts with a manifest (:data:`FIGURES_MANIFEST`) and never replaces a file it did not write
(:mod:`boligmonitor.io.output`).

A figure's layout is computed once, before its first file, and then frozen, so that every
format and every later save draws the same positions (:func:`freeze_layout`). Many charts are
drawn in worker processes where that helps (:func:`figures_bytes`): the bytes are the same as
drawn one by one, and come back in the order asked.
"""

from __future__ import annotations

import io
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure

from boligmonitor.errors import OptionError, OutputError
from boligmonitor.io.atomic import write_atomic
from boligmonitor.io.output import OutputKind, previous_output, write_output

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

# The charts' manifest: save_figures replaces only the charts it wrote (io/output.py).
FIGURES_MANIFEST = "boligmonitor-figures.json"
FIGURES_OUTPUT = OutputKind(
    manifest=FIGURES_MANIFEST, written_by="boligmonitor figures",
    staging_prefix=".boligmonitor-figures-", what="the charts", error=OutputError)

# The settings that make a saved file reproducible; the charts' style (style.RC) includes them.
# Unhinted text: its width then scales with the resolution (hinting snaps each glyph to the
# pixel grid, so the same title is some 8 % wider at 150 dpi than at 100), and a chart laid out
# by measuring its text at one resolution keeps every text inside the figure at 150 dpi (the
# report), 300 dpi (`boligmonitor plot`) and in SVG and PDF.
SAVE_RC: dict[str, Any] = {
    "svg.hashsalt": "boligmonitor",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "text.hinting": "no_hinting",
}

# Metadata keys set to None are left out of the file (matplotlib's documented way).
_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}

# Worker processes for many charts: two (the machines this runs on have few cores and a chart
# keeps one busy), and none for fewer charts than this (starting them would cost more).
MAX_WORKERS = 2
MIN_PARALLEL = 4

# A millionth of the figure: 0.002 px of a 16 cm chart at 300 dpi, far below anything drawn.
_SNAP_DIGITS = 6


def freeze_layout(fig: Figure) -> None:
    """Run the figure's layout engine once and freeze the result (no engine afterwards, so
    each save draws the figure once).

    The charts' own engine (:class:`boligmonitor.plots.layout.ChartLayout`) computes its
    positions once, in plain arithmetic, so they are the same to the last bit in every run. Any
    other engine (a caller's constrained layout) is run once too; its solver sums in an order
    that depends on memory addresses, so its positions are rounded to a fixed grid far below a
    pixel, which makes them, and the bytes, the same.
    """
    engine = fig.get_layout_engine()
    if engine is None:
        return
    engine.execute(fig)
    # No engine at all, not matplotlib's placeholder for "none": savefig draws a figure that
    # has any engine twice (once only to lay it out).
    with mpl.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        fig.set_layout_engine(None)
    if not getattr(engine, "is_deterministic", False):
        for ax in fig.axes:
            if ax.get_axes_locator() is not None:
                continue  # placed by a locator (secondary axes): follows its parent
            ax.set_position([round(float(v), _SNAP_DIGITS) for v in ax.get_position().bounds])


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """Render ``fig`` as ``fmt`` (png, svg, pdf) into bytes, deterministically (for embedding
    a chart in HTML or a deck without a file). Freezes the figure's layout."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; allowed: {', '.join(FORMATS)}")
    buf = io.BytesIO()
    with mpl.rc_context(SAVE_RC):
        freeze_layout(fig)  # measured with the text settings it is drawn with
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buf.getvalue()


# --- many figures, in worker processes ---------------------------------------------------------

FigureSource = Figure | Callable[[], Figure]

# What a forked worker reads: set by the parent just before the workers start (a fork copies
# it, so recipes that cannot be pickled, closures included, reach the workers as they are).
_JOBS: list[tuple[FigureSource, tuple[str, ...], int]] = []


def _render(source: FigureSource, formats: tuple[str, ...], dpi: int) -> list[bytes]:
    fig = source if isinstance(source, Figure) else source()
    return [figure_bytes(fig, fmt, dpi) for fmt in formats]


def _render_job(i: int) -> list[bytes]:
    return _render(*_JOBS[i])


def default_workers(n_figures: int) -> int:
    """Worker processes for ``n_figures`` charts: none (1) for a few, else up to
    :data:`MAX_WORKERS` and the processors this process may use, none while the processors
    are already busy (a load average of their number or more: workers would then only wait
    for each other). The environment variable ``BOLIGMONITOR_WORKERS`` sets the most (1:
    every chart in this process, as a test runner that already runs one process per core
    wants). The bytes are the same whichever way the charts are drawn."""
    if n_figures < MIN_PARALLEL or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    most = MAX_WORKERS
    env = os.environ.get("BOLIGMONITOR_WORKERS", "").strip()
    if env:
        if not env.isdigit() or int(env) < 1:
            raise OptionError(f"BOLIGMONITOR_WORKERS={env!r}: allowed: a whole number >= 1")
        most = int(env)
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0] >= cpus
    except OSError:  # pragma: no cover - no load average on this system
        busy = False
    return 1 if busy else max(1, min(most, cpus))


def figures_bytes(
    sources: Sequence[FigureSource],
    formats: Iterable[str] = ("png",),
    dpi: int = 300,
    workers: int | None = None,
) -> Iterator[list[bytes]]:
    """Render each figure (or each recipe: a function returning a Figure) in every format;
    yield, in the order given, the list of its bytes per format.

    With ``workers`` > 1 (default: :func:`default_workers`) the figures are drawn in that many
    forked processes, a figure and all its formats in one of them; the bytes are those
    :func:`figure_bytes` gives. Figures drawn in a worker are left unchanged in this process.
    """
    formats = tuple(f.lower() for f in formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown figure formats {bad}; allowed: {', '.join(FORMATS)}")
    n = len(sources)
    workers = default_workers(n) if workers is None else max(1, min(int(workers), n))
    if workers <= 1:
        for source in sources:
            yield _render(source, formats, dpi)
        return
    global _JOBS
    _JOBS = [(s, formats, dpi) for s in sources]
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # In order, one figure at a time: the next free worker takes the next figure.
            yield from pool.imap(_render_job, range(n), chunksize=1)
    finally:
        _JOBS = []


# --- files -------------------------------------------------------------------------------------


def _write_atomic(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Whole or not at all, with the permissions the umask gives (io/atomic.py).
    return write_atomic(path, data, fsync=False)


def _format_of(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot save a figure as {path.name!r}: allowed suffixes "
                         f"{', '.join('.' + f for f in FORMATS)}")
    return fmt


def save_figure(fig: Figure, path: str | Path, dpi: int = 300) -> Path:
    """Save ``fig`` to ``path`` (format from the suffix: .png, .svg or .pdf); return the path.

    Deterministic: saving the same figure twice gives identical bytes. Saving freezes the
    figure's layout (see :func:`freeze_layout`).
    """
    path = Path(path)
    data = figure_bytes(fig, _format_of(path), dpi)  # rendered before the temporary file exists
    return _write_atomic(path, data)


def save_figures(
    figures: Mapping[str, Figure],
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    dpi: int = 300,
    workers: int | None = None,
) -> list[Path]:
    """Save each figure of ``figures`` (name -> Figure) as ``out_dir/<name>.<format>``.

    Never replaces a file it did not write: ``out_dir`` keeps a manifest,
    :data:`FIGURES_MANIFEST`, of the charts written there, and a file of a chart's name that
    it does not list, or that changed since, raises :class:`~boligmonitor.errors.OutputError`
    before anything is drawn. Every other file in the folder is left alone. Every file is
    rendered before the first is written, and all are moved into place together, whole or not
    at all (:func:`~boligmonitor.io.output.write_output`); the figures are drawn in worker
    processes where there are many (:func:`figures_bytes`).
    """
    out = Path(out_dir)
    formats = tuple(formats)
    names = list(figures)
    file_names = [f"{name}.{fmt}" for name in names for fmt in formats]
    previous_output(out, FIGURES_OUTPUT, file_names)  # refuse before the slow part
    rendered = list(figures_bytes([figures[n] for n in names], formats, dpi, workers))
    files = {f"{name}.{fmt}": data
             for name, blobs in zip(names, rendered, strict=True)
             for fmt, data in zip(formats, blobs, strict=True)}
    return write_output(out, files, FIGURES_OUTPUT)
