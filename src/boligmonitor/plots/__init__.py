"""The board's charts: ``plot_*`` functions that take scoring results and return a Figure.

Every function

* takes the tables of :func:`~boligmonitor.criteria.assess` (an :class:`Assessment` or its
  ``criteria`` table) or of :func:`~boligmonitor.warning.early_warning`, and ``ax=None``: given
  an Axes, the chart is drawn into it (multi-panel charts split its place in the figure);
* returns the :class:`matplotlib.figure.Figure`; it never shows or saves (saving is
  :func:`boligmonitor.io.figures.save_figure`);
* is Danish by default (``lang="en"`` for English), all texts from ``labels.toml``;
* draws a visible "Eksempeldata" mark when ``is_example`` is True (default: taken from the
  data's ``attrs["is_example"]`` where present);
* draws missing and suppressed values (NaN) as gaps, never as zeros.

Thresholds are the ones the engine applied in each list year (the rule set of that year, a
relative threshold already turned into its value through the reference values), so a line that
moves is drawn moving, and a change of rule set is marked.

Artists that tests and callers look for carry a ``gid``: ``"threshold"``, ``"met-side"``,
``"plan-period"``, ``"regime-change"``, ``"latest-label"``, ``"example-mark"``, ``"title"``,
``"area:<id>"``,
``"cell:<area_id>:<list_year>"``, ``"margin:<criterion>"``, ``"raw:<area_id>"``,
``"averaged:<area_id>"``, ``"boundary:<criterion>"``, ``"target:<area_id>"`` (``"target:all"``
for a target every area of the chart shares), ``"target-path:<area_id>"``.

An area has one colour, line style and marker in every chart that tells areas apart (the
trends, the plan's targets): by its place among the dataset's areas sorted by id
(:func:`boligmonitor.style.area_styles`; ``dataset_areas=`` of each chart). A chart of one area
beside category colours (the dashboard) draws it in the neutral series style, so that no line
takes a category's colour; the outlook's charts draw one area per panel in the colours of the
fan and the categories, not the area's.

One module per chart family (:mod:`~boligmonitor.plots.trend`, ``dashboard``, ``overview``,
``margins``, ``early_warning``, ``raw_vs_averaged``, ``targets``: the plan's own goals,
never mixed with the list criteria; ``outlook``: the coming lists),
:mod:`~boligmonitor.plots.board` for all of
them at once; they share the drawing core (:mod:`~boligmonitor.plots.core`) and the readers of
their input tables (:mod:`~boligmonitor.plots.tables`). Everything public is re-exported here.
"""

from boligmonitor.plots.board import (
    board_charts,
    suppress_for_charts,
    suppress_warning_for_charts,
)
from boligmonitor.plots.core import threshold_series
from boligmonitor.plots.dashboard import plot_area_dashboard
from boligmonitor.plots.early_warning import plot_early_warning
from boligmonitor.plots.margins import plot_margins
from boligmonitor.plots.outlook import (
    outlook_charts,
    plot_outlook_area,
    plot_outlook_fan,
    plot_outlook_probabilities,
)
from boligmonitor.plots.overview import plot_overview
from boligmonitor.plots.raw_vs_averaged import plot_raw_vs_averaged
from boligmonitor.plots.tables import CRITERION_ORDER, PLAN_PERIOD
from boligmonitor.plots.targets import plot_targets, target_charts
from boligmonitor.plots.trend import plot_trend

__all__ = [
    "CRITERION_ORDER",
    "PLAN_PERIOD",
    "board_charts",
    "outlook_charts",
    "plot_area_dashboard",
    "plot_early_warning",
    "plot_margins",
    "plot_outlook_area",
    "plot_outlook_fan",
    "plot_outlook_probabilities",
    "plot_overview",
    "plot_raw_vs_averaged",
    "plot_targets",
    "plot_trend",
    "suppress_for_charts",
    "suppress_warning_for_charts",
    "target_charts",
    "threshold_series",
]
