"""Text in the charts: text from the data made safe to draw, and text fitted to its room.

Text that comes from the data (area names, ids, rule set and classification ids of a user's
rule file) is data, never markup: the charts draw it with matplotlib's mathtext off (the
package style sets ``text.parse_math`` to False, so ``$\\alpha$`` in a name is drawn as
typed), and :func:`data_text` makes it one plain line that every file format can hold:
control characters become spaces, invisible format characters (bidi overrides such as U+202E,
zero-width characters) are dropped, and characters the chart font cannot draw (lone
surrogates, private use, unassigned code points) become U+FFFD, so an SVG stays well-formed XML
and no glyph goes missing.

Text is measured with an Agg renderer at the charts' layout resolution
(:data:`LAYOUT_DPI`), the renderer the layout engine measures with, so a text fitted here fits
there. :func:`fit_text` wraps a text to a width in inches and cuts it with an ellipsis after
its last allowed line; a 5,000-character name becomes a title that fits the figure.
"""

from __future__ import annotations

import functools
import textwrap
import unicodedata
from typing import Any

from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.font_manager import FontProperties, findfont, get_font

# The resolution every chart is laid out and measured at (the figures' own dpi): layout is in
# inches, so it does not depend on the resolution a chart is later saved at.
LAYOUT_DPI = 100

ELLIPSIS = "…"
REPLACEMENT = "\ufffd"

# An area name on an axis or in a legend: at most two lines of this many characters. A longer
# name would take the whole width of a panel and leave no room for the chart.
NAME_WIDTH = 24


@functools.lru_cache(maxsize=1)
def _chart_font() -> Any:
    return get_font(findfont(FontProperties(family="DejaVu Sans")))


@functools.lru_cache(maxsize=4096)
def _drawable(ch: str) -> bool:
    return _chart_font().get_char_index(ord(ch)) != 0


def data_text(value: Any) -> str:
    """``value`` as one plain line of text that a chart can draw and any file can hold.

    >>> data_text("Ring\\u202eparken\\x00 <&> $x$")
    'Ringparken <&> $x$'
    >>> data_text("a\\ud800b")
    'a\\ufffdb'
    """
    out = []
    for ch in str(value):
        cat = unicodedata.category(ch)
        if cat == "Cc" or ch in "\u2028\u2029":
            out.append(" ")
        elif cat == "Cf":
            continue
        elif cat in ("Cs", "Co", "Cn") or not (ch.isspace() or _drawable(ch)):
            out.append(REPLACEMENT)
        else:
            out.append(ch)
    return " ".join("".join(out).split())


def short_name(name: Any, width: int = NAME_WIDTH, max_lines: int = 2) -> str:
    """``name`` as data text wrapped to ``max_lines`` lines of ``width`` characters, cut with
    an ellipsis."""
    text = data_text(name)
    lines = textwrap.wrap(text, width, max_lines=max_lines, placeholder=" " + ELLIPSIS,
                          break_long_words=True, break_on_hyphens=True)
    return "\n".join(lines) if lines else text


# --- measuring ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def measuring_renderer(width_px: int = 1, height_px: int = 1, dpi: float = LAYOUT_DPI
                       ) -> RendererAgg:
    """An Agg renderer to measure text and artists with (nothing is drawn into it)."""
    return RendererAgg(max(1, int(width_px)), max(1, int(height_px)), dpi)


def text_width(text: str, size: float, weight: str | int = "normal") -> float:
    """The width of one line of ``text`` in inches, in the chart font (mathtext off)."""
    prop = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    renderer = measuring_renderer()
    w, _h, _d = renderer.get_text_width_height_descent(text, prop, ismath=False)
    return w / renderer.dpi


def _cut(word: str, width: float, size: float, weight: str | int, suffix: str = "") -> str:
    """The longest start of ``word`` that, followed by ``suffix``, is at most ``width``."""
    lo, hi = 0, len(word)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(word[:mid] + suffix, size, weight) <= width:
            lo = mid
        else:
            hi = mid - 1
    return word[:lo]


def fit_text(text: str, width: float, size: float, weight: str | int = "normal",
             max_lines: int = 2) -> str:
    """``text`` wrapped to lines of at most ``width`` inches, at most ``max_lines`` of them,
    the last cut with an ellipsis if the text is longer. Words longer than a line are broken.
    """
    lines: list[str] = []
    for paragraph in str(text).split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if text_width(trial, size, weight) <= width:
                line = trial
                continue
            if line:
                lines.append(line)
            while text_width(word, size, weight) > width:
                head = _cut(word, width, size, weight) or word[0]
                lines.append(head)
                word = word[len(head):]
            line = word
        lines.append(line)
    if len(lines) <= max_lines:
        return "\n".join(lines)
    last = lines[max_lines - 1]
    cut = f"{last} {ELLIPSIS}"
    while text_width(cut, size, weight) > width:
        if " " in last:
            last = last.rsplit(" ", 1)[0]
            cut = f"{last} {ELLIPSIS}"
        else:
            cut = _cut(last, width, size, weight, ELLIPSIS) + ELLIPSIS
            break
    return "\n".join([*lines[:max_lines - 1], cut])
