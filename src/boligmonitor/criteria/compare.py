"""Comparing a criterion's value with its threshold under the law's operator.

The law's words decide the boundary: "overstiger" is strictly greater, "mindst" greater or
equal, "mindre end" strictly less (:data:`boligmonitor.rules.OPERATORS`). Values that are equal
in decimals but not in binary (0.7 + 0.1 against 0.8) compare as equal within a
relative tolerance, an option (``Options.equality_tolerance``), so that the operators differ
exactly at the boundary as the law says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from boligmonitor.criteria.logic import Tri
from boligmonitor.criteria.sources import Evaluation
from boligmonitor.options import DEFAULT_OPTIONS, Options
from boligmonitor.rules import Criterion, RuleSet

# Display scale of each unit, used by the rounding option (percent for shares and ratios).
UNIT_SCALE = {"share": 100.0, "ratio_to_national": 100.0, "ratio_to_region": 100.0, "dkk": 1.0}


def compare(
    value: np.ndarray,
    threshold: np.ndarray,
    operator: str,
    *,
    rounding: int | None = None,
    unit: str = "share",
    tolerance: float = DEFAULT_OPTIONS.equality_tolerance,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Compare ``value`` with ``threshold`` under the law's ``operator``.

    Returns ``(value_used, margin, is_met)`` where ``is_met`` is a float array (1.0, 0.0, NaN
    for unknown). The margin is signed, positive when the criterion is met and exactly zero
    at the threshold (within the relative ``tolerance``).

    Examples
    --------
    >>> import numpy as np
    >>> compare(np.array([0.7, 0.71]), np.array([0.7, 0.7]), "overstiger")[2]
    array([0., 1.])
    >>> 0.7 + 0.1 >= 0.8, compare(np.array([0.7 + 0.1]), np.array([0.8]), "mindst")[2]
    (False, array([1.]))
    """
    if rounding is not None:
        f = UNIT_SCALE[unit]
        value = np.round(value * f, rounding) / f
    sign = -1.0 if operator == "mindre end" else 1.0
    margin = sign * (value - threshold)
    tol = tolerance * np.maximum(np.abs(threshold), np.abs(value))
    with np.errstate(invalid="ignore"):
        margin = np.where(np.abs(margin) <= tol, 0.0, margin)
        met = margin >= 0 if operator == "mindst" else margin > 0
    known = ~np.isnan(margin)
    return value, margin, np.where(known, met.astype(float), np.nan)


@dataclass
class Scored:
    """A criterion compared with its threshold, for every area of one list year."""

    classification: str
    role: str
    criterion: Criterion
    ev: Evaluation
    value: np.ndarray
    margin: np.ndarray
    met: Tri

    @property
    def persons(self) -> np.ndarray:
        """Persons to the line: the margin in persons of the criterion's base (NaN if none)."""
        return self.margin * self.ev.scale


def score_criterion(
    source, rules: RuleSet, cl_id: str, role: str, crit: Criterion, list_year: int,
    options: Options,
) -> Scored:
    """Evaluate and compare one criterion for every area of one list year."""
    ev = source.evaluate(crit, list_year, options, rules)
    value, margin, met = compare(
        ev.value, ev.threshold, crit.operator, rounding=options.rounding, unit=ev.unit,
        tolerance=options.equality_tolerance,
    )
    return Scored(cl_id, role, crit, ev, value, margin, Tri.from_float(met))
