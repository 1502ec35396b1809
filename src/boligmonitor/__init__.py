"""boligmonitor: monitor Danish public housing areas against the criteria of the national lists.

The public API is re-exported here lazily, so that ``import boligmonitor`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "BoligmonitorError": "boligmonitor.errors",
    "DataSourceError": "boligmonitor.errors",
    "DataValidationError": "boligmonitor.errors",
    "RuleSetError": "boligmonitor.errors",
    "ReportError": "boligmonitor.errors",
    "label": "boligmonitor.labels",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'boligmonitor' has no attribute {name!r}") from None
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
