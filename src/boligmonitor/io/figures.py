"""Writing charts to files: PNG (300 dpi), SVG and PDF, byte for byte reproducible.

The same figure saved twice gives the same bytes: no creation date, no software version in the
metadata, a fixed SVG hash salt (the ids of clip paths), fonts as paths in SVG. A file is
written to a temporary file next to its target and moved into place, so that a failure leaves
the previous file intact and never a half-written one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from boligmonitor import style
from boligmonitor.io.atomic import write_atomic

FORMATS: tuple[str, ...] = ("png", "svg", "pdf")

# Metadata keys set to None are left out of the file (matplotlib's documented way).
_METADATA: dict[str, dict[str, None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


def figure_bytes(fig: Figure, fmt: str = "png", dpi: int = 300) -> bytes:
    """Render ``fig`` as ``fmt`` (png, svg, pdf) into bytes, deterministically (for embedding
    a chart in HTML or a deck without a file)."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown figure format {fmt!r}; allowed: {', '.join(FORMATS)}")
    buf = io.BytesIO()
    if fig.get_layout_engine() is not None:
        # The constrained layout is solved again at every draw and creeps for a few draws
        # (text placed in data coordinates), so two saves of one figure would differ by a
        # fraction of a pixel. Settle it once and hold it still: saving freezes the layout.
        _settle_layout(fig)
        fig.set_layout_engine("none")
        _snap_positions(fig)
    with mpl.rc_context({k: style.RC[k] for k in ("svg.hashsalt", "svg.fonttype",
                                                   "pdf.fonttype")}):
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=_METADATA[fmt])
    return buf.getvalue()


def _positions(fig: Figure) -> list[tuple[float, ...]]:
    return [tuple(ax.get_position().bounds) for ax in fig.axes]


def _settle_layout(fig: Figure, max_draws: int = 3, tol: float = 1e-4) -> None:
    """Draw (without rendering) until the layout engine stops moving the axes (by less than
    ``tol`` of the figure, a fifth of a pixel at 300 dpi), at most ``max_draws`` times: the
    result is frozen after a fixed procedure, so it is deterministic either way."""
    before = None
    for _ in range(max_draws):
        fig.draw_without_rendering()
        now = _positions(fig)
        if before is not None and len(now) == len(before) and all(
            abs(a - b) <= tol for p, q in zip(now, before, strict=True)
            for a, b in zip(p, q, strict=True)
        ):
            return
        before = now


# A millionth of the figure: 0.002 px of a 16 cm chart at 300 dpi, far below anything drawn.
_SNAP_DIGITS = 6


def _snap_positions(fig: Figure) -> None:
    """Round every axes' position to a fixed grid of the figure.

    The layout solver (kiwisolver) sums in an order that depends on memory addresses, so two
    builds of the same chart get axes positions that differ in the last bit; now and then that
    moves an anti-aliased edge by one shade. Rounding far below a pixel makes the positions,
    and so the bytes, the same. Axes placed by a locator (secondary axes) follow their parent.
    """
    for ax in fig.axes:
        if ax.get_axes_locator() is not None:
            continue
        bounds = [round(float(v), _SNAP_DIGITS) for v in ax.get_position().bounds]
        ax.set_position(bounds)


def save_figure(fig: Figure, path: str | Path, dpi: int = 300) -> Path:
    """Save ``fig`` to ``path`` (format from the suffix: .png, .svg or .pdf); return the path.

    Deterministic: saving the same figure twice gives identical bytes. Saving freezes the
    figure's layout (see :func:`figure_bytes`).
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot save a figure as {path.name!r}: allowed suffixes "
                         f"{', '.join('.' + f for f in FORMATS)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = figure_bytes(fig, fmt, dpi)  # rendered before the temporary file exists
    return write_atomic(path, data, fsync=False)


def save_figures(
    figures: Mapping[str, Figure],
    out_dir: str | Path,
    formats: Iterable[str] = FORMATS,
    dpi: int = 300,
) -> list[Path]:
    """Save each figure of ``figures`` (name -> Figure) as ``out_dir/<name>.<format>``."""
    out = Path(out_dir)
    formats = tuple(formats)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValueError(f"unknown figure formats {bad}; allowed: {', '.join(FORMATS)}")
    return [save_figure(fig, out / f"{name}.{fmt}", dpi=dpi)
            for name, fig in figures.items() for fmt in formats]
