"""The look of every chart: palette, line styles, markers, fonts and number formats.

One place decides how the board's charts look, so that a category has the same colour in every
chart and a chart survives black-and-white printing:

* colours from the Okabe-Ito palette (safe for the common colour-vision deficiencies); the
  category colours get darker with the severity of the category, so that they stay ordered in
  greyscale too;
* every area series has its own line style *and* marker, not only its own colour, and an area
  has the same colour, line style and marker in every chart that tells areas apart by them
  (:func:`area_styles`: by its place among the dataset's areas sorted by area id);
* fonts pinned to matplotlib's bundled DejaVu Sans, so that a chart renders the same on every
  machine (and pixel baselines can be compared);
* Danish number formatting by default (decimal comma, thousands point, "pct.", "kr."): every
  number through :mod:`boligmonitor.formatting`, the package's one formatter;
* mathtext off: no text of a chart is parsed as ``$...$`` math (text from the data is data).

Nothing here touches files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from matplotlib.ticker import Formatter

from boligmonitor import formatting
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
# The dots of a suppressed band in a line chart: the suppressed mark's purple (the report's).
SUPPRESSED_EDGE = "#6A3D9A"
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
    "#7F7F7F",  # grey, not black: black is the colour of the lines of the law
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


def area_styles(dataset_areas: Iterable[Any], shown: Iterable[Any] = ()
                ) -> dict[str, dict[str, Any]]:
    """Each area's colour, line style and marker (:func:`series_style`), the one rule of every
    chart that tells areas apart by them (the trend charts, the dashboards, the plan's targets).

    An area's style is given by its place among ``dataset_areas`` (every area of the dataset,
    not only those a chart draws) sorted by area id: the i-th gets ``series_style(i)``. So an
    area looks the same on every page of a board, whichever areas a chart shows and in which
    order its table or the plan lists them, and a chart of one area does not make it blue.
    Sorted by id rather than in the order of a table or a plan, because every chart can see the
    ids, and the order of a table or a plan's list differs between the charts' inputs.
    Areas of ``shown`` that ``dataset_areas`` lacks come after them, sorted by id.
    """
    ids = sorted({str(a) for a in dataset_areas})
    ids += sorted({str(a) for a in shown} - set(ids))
    return {a: series_style(i) for i, a in enumerate(ids)}


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
# Every number a chart shows is formatted by boligmonitor.formatting (the one formatter); here
# only the tick labels of a value axis.


class UnitFormatter(Formatter):
    """Tick labels of a value axis in ``unit`` (shares in percent, kroner, ratios), without the
    unit (the axis label says it): every tick with the same decimals, the fewest that write each
    tick exactly (``2``, ``2,25``, ``2,5`` read ``2,00``, ``2,25``, ``2,50``)."""

    def __init__(self, unit: str, lang: str = "da") -> None:
        self.unit, self.lang = unit, lang
        self.scale = formatting.UNIT_SCALE.get(unit, 1.0)
        self.ticks: list[float] = []

    def set_locs(self, locs) -> None:  # the axis tells the ticks before it labels them
        self.ticks = [float(v) for v in locs]

    def _decimals(self, values: list[float]) -> int:
        for d in range(0, 4):
            if all(abs(v * self.scale - round(v * self.scale, d)) < 1e-6 for v in values):
                return d
        return 3

    def __call__(self, x: float, pos: int | None = None) -> str:
        return formatting.number(x * self.scale, self._decimals([*self.ticks, x]), self.lang)


def axis_formatter(unit: str, lang: str = "da", *, margin: bool = False) -> Formatter:
    """Return the tick formatter for values (or margins) in ``unit``."""
    return UnitFormatter(unit, lang)
