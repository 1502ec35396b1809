"""The rule sets: one TOML data file per legal regime, and the loader that checks them.

The law lives in the ``regime_<id>.toml`` files next to this module; nothing of it (thresholds,
operators, windows, references, how many criteria must be met, gates, consecutive-year rules)
is repeated in Python. The dataclasses live in :mod:`~boligmonitor.rules.model`, the
checking parser in :mod:`~boligmonitor.rules.parse`; this module finds the bundled files and
loads them.

A user scores under a changed rule set by copying a file, editing it and passing its path to
:func:`load_rules` (or ``boligmonitor assess --rules PATH``).
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from boligmonitor.errors import RuleSetError
from boligmonitor.rules.model import (
    CRITERION_IDS,
    INDICATOR_IDS,
    OPERATORS,
    REFERENCES,
    ROLES,
    SHARE_INDICATORS,
    TIMINGS,
    Category,
    Classification,
    Consecutive,
    Criterion,
    KombineretUdlejning,
    RuleSet,
    Tier,
    Transitional,
    YearRange,
)
from boligmonitor.rules.parse import parse_rules

__all__ = [
    "CRITERION_IDS", "INDICATOR_IDS", "OPERATORS", "REFERENCES", "ROLES", "SHARE_INDICATORS",
    "TIMINGS", "Category", "Classification", "Consecutive", "Criterion", "KombineretUdlejning",
    "RuleSet", "Tier", "Transitional", "YearRange", "available_rules", "bundled_rule_paths",
    "governing_rules", "load_rules", "parse_rules", "rules_for_year",
]

_RULES_PACKAGE = "boligmonitor.rules"


def load_rules(id_or_path: str | Path) -> RuleSet:
    """Return a rule set by id (``"2018"``) of a bundled rule file, or from a TOML file path."""
    text = str(id_or_path)
    if text in available_rules():
        return _bundled(text)
    path = Path(text)
    if not path.exists():
        raise RuleSetError(
            f"no rule set {text!r}: neither a bundled id (allowed: {', '.join(available_rules())}) "
            "nor an existing file"
        )
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise RuleSetError(f"malformed rule file {path}: not UTF-8 text; save it as UTF-8"
                           ) from None
    except tomllib.TOMLDecodeError as exc:
        raise RuleSetError(f"malformed rule file {path}: not valid TOML: {exc}") from None
    return parse_rules(raw, str(path))


def _bundled_files() -> dict[str, Any]:
    folder = resources.files(_RULES_PACKAGE)
    return {
        f.name.removeprefix("regime_").removesuffix(".toml"): f
        for f in folder.iterdir()
        if f.name.startswith("regime_") and f.name.endswith(".toml")
    }


@cache
def available_rules() -> tuple[str, ...]:
    """Return the ids of the bundled rule sets, oldest first."""
    return tuple(sorted(_bundled_files()))


def bundled_rule_paths() -> dict[str, Path]:
    """Return the path of each bundled rule file by id (for copying and editing)."""
    return {k: Path(str(v)) for k, v in sorted(_bundled_files().items())}


@cache
def _bundled(rid: str) -> RuleSet:
    f = _bundled_files()[rid]
    raw = tomllib.loads(f.read_text("utf-8"))
    return parse_rules(raw, f"boligmonitor/rules/{f.name}")


def rules_for_year(list_year: int) -> RuleSet:
    """Return the bundled rule set that governs ``list_year``."""
    for rid in available_rules():
        rules = _bundled(rid)
        if list_year in rules.list_years:
            return rules
    spans = ", ".join(f"{r}: {_bundled(r).list_years}" for r in available_rules())
    raise RuleSetError(f"no bundled rule set governs list year {list_year} (allowed: {spans})")


def governing_rules(list_year: int) -> RuleSet | None:
    """Return the bundled rule set of ``list_year``, or None before the first list."""
    try:
        return rules_for_year(list_year)
    except RuleSetError:
        return None
