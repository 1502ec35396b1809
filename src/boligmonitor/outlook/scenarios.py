"""What-if scenarios: what the plan intends, said in a small TOML file and applied to the draws.

A scenario is a name and a list of changes. Each change says which indicator moves, by how much,
from which data year, and for which areas (default: every area)::

    name = "Helhedsplanen"
    description = "30 flere i job eller uddannelse fra 2026"

    [[change]]
    areas = ["viborg-ellekonebakken"]
    indicator = "share_outside_work_education_18_64"
    persons = -30            # 30 fewer full-time persons outside work or education
    from_year = 2026

One of four amounts, by indicator:

* ``persons``: the count behind a share (its numerator) moves by this many persons; the share
  moves by exactly ``persons / base`` of the year. For ``residents``: persons moving in (+) or
  out (-); the bases of the shares move with the residents (the movers are like the residents
  who stay, so the shares do not move).
* ``points``: a share moves by this many points (a fraction: ``-0.02`` is 2 points down).
* ``relative``: the value is multiplied by ``1 + relative`` (``-0.20``: down 20 per cent).
* ``growth``: the mean income (or the residents) grows by this much a year beyond its trend,
  compounding from ``from_year``.

``from_year`` is the first data year the change applies to (residents are counted on
1 January: persons who move out during 2027 count from 2028). With ``phase_in_from`` the change
grows linearly from that year to its full size in ``from_year``. Changes apply to the coming
years only (never to observed data), on top of every draw, residents first and then in the
order of the file. The same draws are used for the baseline and every scenario, so that their
difference is the scenario's own effect.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from boligmonitor.errors import ScenarioError
from boligmonitor.outlook.paths import AreaDraws
from boligmonitor.outlook.series import INCOME, INDICATORS, RESIDENTS, SHARES

BASELINE = "baseline"
AMOUNTS: dict[str, tuple[str, ...]] = {
    "persons": (RESIDENTS, *SHARES),
    "points": SHARES,
    "relative": INDICATORS,
    "growth": (INCOME, RESIDENTS),
}
_TOP_KEYS = ("name", "description", "change")
_CHANGE_KEYS = ("areas", "indicator", *AMOUNTS, "from_year", "phase_in_from")


@dataclass(frozen=True)
class Change:
    """One change of one indicator (see the module's documentation)."""

    indicator: str
    amount: str  # "persons", "points", "relative" or "growth"
    value: float
    from_year: int
    phase_in_from: int | None = None
    areas: tuple[str, ...] | None = None  # None: every area

    def weight(self, years: np.ndarray) -> np.ndarray:
        """The share of the change in force in each data year (0 before, 1 from ``from_year``)."""
        years = np.asarray(years, dtype=float)
        if self.phase_in_from is None:
            return (years >= self.from_year).astype(float)
        span = self.from_year - self.phase_in_from
        return np.clip((years - self.phase_in_from) / span, 0.0, 1.0)


@dataclass(frozen=True)
class Scenario:
    """A named set of changes. ``id`` names it in every output."""

    id: str
    name: str
    changes: tuple[Change, ...]
    description: str = ""
    source: str = ""

    def check_against(self, area_ids: Sequence[str], last_data_year: int) -> None:
        """Refuse a change that names an unknown area or an observed data year."""
        problems = _Problems(self.source or self.id)
        known = set(map(str, area_ids))
        for i, c in enumerate(self.changes, start=1):
            for a in c.areas or ():
                if a not in known:
                    problems.add(f"change[{i}].areas", a, "no such area in the data",
                                 ", ".join(sorted(known)[:8]) + (" ..." if len(known) > 8 else ""))
            first = c.phase_in_from if c.phase_in_from is not None else c.from_year
            if first <= last_data_year:
                key = "phase_in_from" if c.phase_in_from is not None else "from_year"
                problems.add(f"change[{i}].{key}", first,
                             f"a data year already observed (the data run to {last_data_year}); "
                             "a scenario changes coming years only",
                             f"a year >= {last_data_year + 1}")
        problems.raise_if_any()


class _Problems:
    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, key: str, value: Any, problem: str, allowed: str = "") -> None:
        tail = f" (allowed: {allowed})" if allowed else ""
        self.items.append(f"key {key!r}: value {value!r}: {problem}{tail}")

    def raise_if_any(self) -> None:
        if self.items:
            n = len(self.items)
            raise ScenarioError(f"scenario {self.source}: {n} problem{'s' if n != 1 else ''}: "
                                + "; ".join(self.items))


def parse_scenario(raw: Mapping[str, Any], source: str = "<scenario>",
                   scenario_id: str | None = None) -> Scenario:
    """A :class:`Scenario` from the parsed TOML ``raw``; every problem named at once."""
    p = _Problems(source)
    for key in raw:
        if key not in _TOP_KEYS:
            p.add(key, raw[key], "unknown key", ", ".join(_TOP_KEYS))
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        p.add("name", name, "missing or empty", "a text naming the scenario")
        name = ""
    description = raw.get("description", "")
    if not isinstance(description, str):
        p.add("description", description, "wrong type", "text")
        description = ""
    items = raw.get("change")
    if not isinstance(items, list) or not items:
        p.add("change", items, "missing or empty", "one or more [[change]] tables")
        items = []
    changes = [c for i, item in enumerate(items, start=1) if (c := _change(item, i, p))]
    p.raise_if_any()
    sid = scenario_id or _slug(name)
    if sid == BASELINE:
        p.add("name", name, f"{BASELINE!r} names the outlook without changes",
              "another name")
        p.raise_if_any()
    return Scenario(sid, name.strip(), tuple(changes), description, source)


def _change(item: Any, i: int, p: _Problems) -> Change | None:
    path = f"change[{i}]"
    if not isinstance(item, dict):
        p.add(path, item, "wrong type", "a table")
        return None
    for key in item:
        if key not in _CHANGE_KEYS:
            p.add(f"{path}.{key}", item[key], "unknown key", ", ".join(_CHANGE_KEYS))
    indicator = item.get("indicator")
    if indicator not in INDICATORS:
        p.add(f"{path}.indicator", indicator, "unknown indicator", ", ".join(INDICATORS))
        indicator = None
    given = [k for k in AMOUNTS if k in item]
    if len(given) != 1:
        p.add(path, given or None, "give exactly one amount", ", ".join(AMOUNTS))
        return None
    amount = given[0]
    value = item[amount]
    if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
        p.add(f"{path}.{amount}", value, "wrong type", "a number")
        return None
    if indicator is not None and indicator not in AMOUNTS[amount]:
        p.add(f"{path}.{amount}", value, f"not an amount of {indicator}",
              ", ".join(k for k, v in AMOUNTS.items() if indicator in v))
    if amount in ("relative", "growth") and value <= -1:
        p.add(f"{path}.{amount}", value, "out of range", "a number > -1 (-0.2 is 20 % down)")
    if amount == "points" and not -1 <= value <= 1:
        p.add(f"{path}.{amount}", value, "out of range",
              "a fraction from -1 to 1 (-0.02 is 2 points down)")
    from_year = _year(item, "from_year", path, p, required=True)
    phase = _year(item, "phase_in_from", path, p, required=False)
    if phase is not None and amount == "growth":
        p.add(f"{path}.phase_in_from", phase, "a growth rate compounds from from_year",
              "omit phase_in_from")
    if from_year is not None and phase is not None and phase >= from_year:
        p.add(f"{path}.phase_in_from", phase, "not before from_year",
              f"a year < {from_year}")
    areas = item.get("areas")
    if areas is not None and (not isinstance(areas, list) or not areas
                              or not all(isinstance(a, str) and a for a in areas)):
        p.add(f"{path}.areas", areas, "wrong type", "a list of area ids (omit for every area)")
        areas = None
    if indicator is None or from_year is None:
        return None
    return Change(indicator, amount, float(value), from_year, phase,
                  tuple(areas) if areas else None)


def _year(item: dict, key: str, path: str, p: _Problems, *, required: bool) -> int | None:
    if key not in item:
        if required:
            p.add(f"{path}.{key}", None, "missing", "a data year, e.g. 2026")
        return None
    value = item[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1990 <= value <= 2100:
        p.add(f"{path}.{key}", value, "not a data year", "a whole number 1990-2100")
        return None
    return value


def _slug(name: str) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in name.lower()).strip("-")
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep or "scenario"


def read_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (TOML). Raises :class:`ScenarioError` naming every
    problem with its key and value."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"scenario {path}: no such file")
    try:
        raw = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"scenario {path}: not valid TOML: {exc}") from None
    return parse_scenario(raw, str(path))


def apply(scenario: Scenario | None, draws: AreaDraws, area_ids: np.ndarray,
          years: np.ndarray) -> AreaDraws:
    """The draws with the scenario's changes applied (a copy; the baseline is left as it is).

    ``area_ids`` are the ids of the fitted areas (indexed by ``draws.rows``); ``years`` the
    grid's data years.
    """
    if scenario is None or not scenario.changes:
        return draws
    out = draws.copy()
    ids = np.asarray(area_ids, dtype=object)[draws.area]
    ordered = sorted(scenario.changes, key=lambda c: c.indicator != RESIDENTS)
    for c in ordered:
        rows = np.ones(len(ids), bool) if c.areas is None else np.isin(ids, list(c.areas))
        if not rows.any() or c.indicator not in out.values:
            continue
        w = c.weight(years)[None, :] * rows[:, None]
        if not w.any():
            continue
        values = out.values[c.indicator]
        if c.indicator == RESIDENTS:
            before = values.copy()
            values[:] = _changed(values, c, w, years, base=None)
            values[:] = np.maximum(np.round(values), 0.0)
            with np.errstate(invalid="ignore", divide="ignore"):
                factor = np.where(before > 0, values / before, 1.0)
            for base in out.bases.values():
                base *= np.where(np.isnan(factor), 1.0, factor)
        else:
            values[:] = _changed(values, c, w, years, base=out.bases.get(c.indicator))
            if c.indicator in SHARES:
                np.clip(values, 0.0, 1.0, out=values)
    return out


def _changed(values: np.ndarray, c: Change, w: np.ndarray, years: np.ndarray,
             base: np.ndarray | None) -> np.ndarray:
    if c.amount == "persons":
        if c.indicator == RESIDENTS:
            return values + w * c.value
        with np.errstate(invalid="ignore", divide="ignore"):
            return values + w * c.value / base
    if c.amount == "points":
        return values + w * c.value
    if c.amount == "relative":
        return values * (1.0 + w * c.value)
    n_years = np.maximum(years - c.from_year + 1, 0)[None, :]
    return values * np.where(w > 0, (1.0 + c.value) ** n_years, 1.0)
