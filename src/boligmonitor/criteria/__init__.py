"""The criteria engine: pure scoring of areas against the rule set of each list year.

:func:`assess` takes the input tables (indicators, layout a, or published criterion values,
layout b; references, layout c; published lists, layout d) and returns an :class:`Assessment`:

* ``areas``: one row per area and list year (categories, listability, published status,
  history, explanations);
* ``criteria``: one row per area, list year, classification and criterion (value, threshold,
  operator, is_met, margin, persons_to_threshold);
* ``history``: one row per area, list year, consecutive-years category and counted year, saying
  whether that year came from the published lists or was computed.

Everything is vectorised over areas. The law is read from the rule set
(:mod:`boligmonitor.rules`); the unsettled readings from :class:`~boligmonitor.options.Options`.

The modules, in the order the data flows:

* :mod:`~boligmonitor.criteria.sources`: which data years feed a list year; values per source;
* :mod:`~boligmonitor.criteria.compare`: value against threshold under the law's operator;
* :mod:`~boligmonitor.criteria.published`: the published lists, whole or partial;
* :mod:`~boligmonitor.criteria.categories`: classifications, the area requirement, consecutive
  years, the category column;
* :mod:`~boligmonitor.criteria.tables`: the output tables;
* :mod:`~boligmonitor.criteria.assess`: the entry point, and :func:`score_list_years`, its core
  without tables (for callers that score simulated copies of areas and read arrays).
"""

from boligmonitor.criteria.assess import (
    AREA_KEY,
    Assessment,
    assess,
    identity_table,
    resolve_rules,
    score_list_years,
)
from boligmonitor.criteria.categories import (
    HISTORY_COMPUTED,
    HISTORY_PUBLISHED,
    Year,
    most_severe,
    most_severe_codes,
)
from boligmonitor.criteria.compare import compare
from boligmonitor.criteria.published import PublishedLists
from boligmonitor.criteria.sources import (
    LIST_VALUE_COLUMNS,
    IndicatorSource,
    Panel,
    ReferenceValues,
    data_years,
)
from boligmonitor.criteria.tables import CRITERIA_COLUMNS

__all__ = [
    "AREA_KEY",
    "CRITERIA_COLUMNS",
    "HISTORY_COMPUTED",
    "HISTORY_PUBLISHED",
    "LIST_VALUE_COLUMNS",
    "Assessment",
    "IndicatorSource",
    "Panel",
    "PublishedLists",
    "ReferenceValues",
    "Year",
    "assess",
    "compare",
    "data_years",
    "identity_table",
    "most_severe",
    "most_severe_codes",
    "resolve_rules",
    "score_list_years",
]
