"""The look of every chart: palette, line styles, markers, fonts and number formats.

One place decides how the board's charts look, so that a category has the same colour in every
chart and a chart survives black-and-white printing:

* colours from the Okabe-Ito palette (safe for the common colour-vision deficiencies); the
  category colours get darker with the severity of the category, so that they stay ordered in
  greyscale too;
* every area series has its own line style *and* marker, not only its own colour;
* fonts pinned to matplotlib's bundled DejaVu Sans, so that a chart renders the same on every
  machine (and pixel baselines can be compared);
* Danish number formatting by default: decimal comma, thousands point, "pct.", "kr.";
* mathtext off: no text of a chart is parsed as ``$...$`` math (text from the data is data).

Nothing here touches files.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl

from boligmonitor.io.figures import SAVE_RC

# --- colours --------------------------------------------------------------------------------

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

# Category colours, light to dark with severity; the same in every chart and in display.py.
CATEGORY_COLORS: dict[str, str] = {
    "none": "#E9E9E9",
    "undetermined": "#FFFFFF",
    # Disclosure control: the suppressed-mark colour of the report (not a category of the law).
    "suppressed": "#F4EFFA",
    "forebyggelsesomraade": OKABE_ITO["yellow"],
    "udsat_boligomraade": OKABE_ITO["orange"],
    "ghettoomraade": OKABE_ITO["vermillion"],
    "parallelsamfund": OKABE_ITO["vermillion"],
    "haardt_ghettoomraade": "#882255",
    "omdannelsesomraade": "#882255",
}
# Text on a category colour: dark on light cells, white on dark ones.
CATEGORY_TEXT: dict[str, str] = {
    k: "#FFFFFF" if k in ("haardt_ghettoomraade", "omdannelsesomraade") else "#000000"
    for k in CATEGORY_COLORS
}
# Undetermined is white: it carries a hatch so that it differs from "missing" (no cell at all).
CATEGORY_HATCH: dict[str, str] = {"undetermined": "///", "suppressed": "..."}
# Order of the legend: least to most severe.
CATEGORY_ORDER: tuple[str, ...] = (
    "none",
    "undetermined",
    "suppressed",
    "forebyggelsesomraade",
    "udsat_boligomraade",
    "ghettoomraade",
    "parallelsamfund",
    "haardt_ghettoomraade",
    "omdannelsesomraade",
)

# Met and not met: blue and vermillion differ for every common colour-vision deficiency, and
# the met bars carry a hatch so that they also differ in greyscale.
MET_COLOR = OKABE_ITO["vermillion"]
NOT_MET_COLOR = OKABE_ITO["blue"]
UNKNOWN_COLOR = "#9A9A9A"
HATCH_COLOR = "#8C8C8C"
MET_HATCH = "//"
THRESHOLD_COLOR = "#000000"
MET_SIDE_COLOR = OKABE_ITO["vermillion"]
MET_SIDE_ALPHA = 0.10
PLAN_COLOR = "#BBBBBB"
PLAN_ALPHA = 0.25
REGIME_COLOR = "#555555"
EXAMPLE_COLOR = "#B00020"

AREA_COLORS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
)
LINE_STYLES: tuple[Any, ...] = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)))
MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X")


def series_style(i: int) -> dict[str, Any]:
    """Return colour, line style and marker of the ``i``-th series (area) of a chart."""
    return {
        "color": AREA_COLORS[i % len(AREA_COLORS)],
        "linestyle": LINE_STYLES[i % len(LINE_STYLES)],
        "marker": MARKERS[i % len(MARKERS)],
    }


# --- matplotlib settings -----------------------------------------------------------------------

FIG_WIDTH = 6.3  # inches: 16 cm, the text width of an A4 report and a comfortable slide width

RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "lines.linewidth": 1.6,
    "lines.markersize": 4.5,
    "figure.dpi": 100,
    "savefig.dpi": 300,
    **SAVE_RC,
    "axes.formatter.use_locale": False,
    "hatch.linewidth": 0.6,
    # Text from the data is data: "$x$" in an area name is drawn as typed, never as mathtext.
    "text.parse_math": False,
}


@contextmanager
def context() -> Iterator[None]:
    """Apply the package's matplotlib settings while a chart is built (fonts are resolved when
    text is created, so building inside this context pins them)."""
    with mpl.rc_context(RC):
        yield


# --- numbers ---------------------------------------------------------------------------------


def _is_missing(x: Any) -> bool:
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_number(x: float, decimals: int = 0, lang: str = "da") -> str:
    """Format ``x`` with thousands separators: Danish ``1.234,5``, English ``1,234.5``.

    Examples
    --------
    >>> fmt_number(1234.5, 1)
    '1.234,5'
    >>> fmt_number(1234.5, 1, "en")
    '1,234.5'
    >>> fmt_number(float("nan"))
    '–'
    """
    if _is_missing(x):
        return "–"
    text = f"{float(x):,.{decimals}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def fmt_pct(share: float, decimals: int = 1, lang: str = "da") -> str:
    """Format a share (0-1) as a percentage: ``41,2 pct.`` (Danish) or ``41.2%`` (English).

    Examples
    --------
    >>> fmt_pct(0.412)
    '41,2 pct.'
    >>> fmt_pct(0.412, lang="en")
    '41.2%'
    """
    if _is_missing(share):
        return "–"
    num = fmt_number(float(share) * 100, decimals, lang)
    return f"{num} pct." if lang == "da" else f"{num}%"


def fmt_pp(diff: float, decimals: int = 1, lang: str = "da", sign: bool = True) -> str:
    """Format a difference of shares in percentage points: ``+2,5 pct.-point``.

    Examples
    --------
    >>> fmt_pp(-0.025)
    '−2,5 pct.-point'
    >>> fmt_pp(0.025, lang="en")
    '+2.5 pp'
    """
    if _is_missing(diff):
        return "–"
    num = fmt_number(float(diff) * 100, decimals, lang)
    if sign and float(diff) * 100 >= 0.5 * 10**-decimals:
        num = "+" + num
    return f"{num} pct.-point" if lang == "da" else f"{num} pp"


def fmt_kr(x: float, lang: str = "da", sign: bool = False) -> str:
    """Format kroner: ``210.100 kr.`` or ``DKK 210,100``.

    Examples
    --------
    >>> fmt_kr(210100)
    '210.100 kr.'
    >>> fmt_kr(210100, "en")
    'DKK 210,100'
    """
    if _is_missing(x):
        return "–"
    num = fmt_number(x, 0, lang)
    if sign and float(x) >= 0.5:
        num = "+" + num
    return f"{num} kr." if lang == "da" else f"DKK {num}"


def fmt_ratio(x: float, decimals: int = 2, lang: str = "da") -> str:
    """Format a ratio to a reference: ``2,50 ×``."""
    if _is_missing(x):
        return "–"
    return f"{fmt_number(x, decimals, lang)} ×"


def fmt_value(x: float, unit: str, lang: str = "da", *, decimals: int | None = None) -> str:
    """Format a criterion value in the engine's ``unit`` (share, dkk, ratio_to_*)."""
    if unit == "dkk":
        return fmt_kr(x, lang)
    if unit == "ratio_to_national":
        return fmt_ratio(x, 2 if decimals is None else decimals, lang)
    return fmt_pct(x, 1 if decimals is None else decimals, lang)


def fmt_margin(x: float, unit: str, lang: str = "da") -> str:
    """Format a signed margin (distance to the line) in the engine's ``unit``."""
    if unit == "dkk":
        return fmt_kr(x, lang, sign=True)
    if unit == "ratio_to_national":
        if _is_missing(x):
            return "–"
        return ("+" if float(x) > 0 else "") + fmt_ratio(x, 2, lang)
    return fmt_pp(x, 1, lang)


def axis_formatter(unit: str, lang: str = "da", *, margin: bool = False):
    """Return a matplotlib tick formatter for values (or margins) in ``unit``."""
    from matplotlib.ticker import FuncFormatter

    if unit == "dkk":
        return FuncFormatter(lambda x, _pos: fmt_number(x, 0, lang))
    if unit == "ratio_to_national":
        return FuncFormatter(lambda x, _pos: fmt_number(x, 1, lang))

    def pct(x: float, _pos: int) -> str:
        # Whole percent where the ticks allow it, one decimal otherwise.
        v = x * 100
        d = 0 if abs(v - round(v)) < 1e-6 else 1
        return fmt_number(v, d, lang)

    return FuncFormatter(pct)


def unit_suffix(unit: str, lang: str = "da", *, margin: bool = False) -> str:
    """The unit as written after an axis label: ``pct.``, ``pct.-point``, ``kr.``, ``×``."""
    if unit == "dkk":
        return "kr." if lang == "da" else "DKK"
    if unit == "ratio_to_national":
        return "×"
    if margin:
        return "pct.-point" if lang == "da" else "pp"
    return "pct." if lang == "da" else "%"
