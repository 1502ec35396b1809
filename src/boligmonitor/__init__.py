"""boligmonitor: monitor Danish public housing areas against the criteria of the national lists.

The public API is re-exported here lazily, so that ``import boligmonitor`` stays cheap.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "BoligmonitorError": "boligmonitor.errors",
    "DataSourceError": "boligmonitor.errors",
    "DataValidationError": "boligmonitor.errors",
    "DataWarning": "boligmonitor.errors",
    "RuleSetError": "boligmonitor.errors",
    "OutputError": "boligmonitor.errors",
    "ReportError": "boligmonitor.errors",
    "ScenarioError": "boligmonitor.errors",
    "label": "boligmonitor.labels",
    # data in
    "Dataset": "boligmonitor.datasets",
    "example_data": "boligmonitor.datasets",
    "example_files": "boligmonitor.datasets",
    "dataset_from_tables": "boligmonitor.datasets",
    "read_table": "boligmonitor.io.readers",
    "read_indicators": "boligmonitor.io.readers",
    "read_criterion_values": "boligmonitor.io.readers",
    "read_references": "boligmonitor.io.readers",
    "read_memberships": "boligmonitor.io.readers",
    "read_mapping": "boligmonitor.io.mapping",
    "Mapping": "boligmonitor.io.mapping",
    "check_table": "boligmonitor.validation",
    "table_problems": "boligmonitor.validation",
    "ingest": "boligmonitor.io.store",
    "read_processed": "boligmonitor.datasets",
    # scoring
    "assess": "boligmonitor.criteria",
    "Assessment": "boligmonitor.criteria",
    "Options": "boligmonitor.options",
    "RuleSet": "boligmonitor.rules",
    "load_rules": "boligmonitor.rules",
    "rules_for_year": "boligmonitor.rules",
    "early_warning": "boligmonitor.warning",
    "EarlyWarning": "boligmonitor.warning",
    # years ahead (the function itself is boligmonitor.outlook.outlook, or Dataset.outlook)
    "Outlook": "boligmonitor.outlook",
    "Scenario": "boligmonitor.outlook",
    "read_scenario": "boligmonitor.outlook",
    "required_change": "boligmonitor.outlook",
    "write_table": "boligmonitor.io.writers",
    # charts and notebooks
    "plot_trend": "boligmonitor.plots",
    "plot_area_dashboard": "boligmonitor.plots",
    "plot_overview": "boligmonitor.plots",
    "plot_margins": "boligmonitor.plots",
    "plot_early_warning": "boligmonitor.plots",
    "plot_raw_vs_averaged": "boligmonitor.plots",
    "board_charts": "boligmonitor.plots",
    "save_figure": "boligmonitor.io.figures",
    "save_figures": "boligmonitor.io.figures",
    # register microdata
    "AggregateOptions": "boligmonitor.microdata",
    "aggregate_files": "boligmonitor.microdata",
}

__all__ = sorted([*_EXPORTS, "register_jupyter_display"])


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'boligmonitor' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


def _assessment_html(result: Any) -> str:
    return importlib.import_module("boligmonitor.display").assessment_html(result)


def register_jupyter_display(shell: Any = None) -> bool:
    """Show an :class:`~boligmonitor.criteria.Assessment` as coloured tables in Jupyter.

    Called on import when IPython runs; ``shell`` defaults to the running IPython shell.
    The display attaches from here, the presentation side, so that the engine never imports
    presentation code. Returns whether a shell was found.
    """
    if shell is None:
        ipython = sys.modules.get("IPython")
        shell = getattr(ipython, "get_ipython", lambda: None)() if ipython else None
    if shell is None:
        return False
    html = shell.display_formatter.formatters["text/html"]
    html.for_type_by_name("boligmonitor.criteria.assess", "Assessment", _assessment_html)
    return True


register_jupyter_display()
