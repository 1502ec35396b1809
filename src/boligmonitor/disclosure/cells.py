"""The annual indicator table's cells: primary and complementary suppression (rules 1-4).

:func:`suppress_indicators` hides every count below ``min_cell`` (given, or computable from a
share and the other count of its pair), every share and mean on a hidden count, and then, row
by row, one more cell wherever two shown nested counts differ by less than ``min_cell``, until
none do. The two steps are one function: the complementary cells are chosen on what the
primary ones left visible. Also here, what the rest of disclosure control builds on: the
:class:`Suppressed` result, the nesting of the groups of persons (:data:`CONTAINED_IN`), the
base of each criterion indicator (:data:`BASE_OF`) and the engine's data-year text
(:func:`parse_years`). The rules in full: :mod:`boligmonitor.disclosure`, docs/disclosure.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.errors import OptionError
from boligmonitor.schemas import SHARE_COUNTS

# The smallest count a published output shows (docs/disclosure.md).
DEFAULT_MIN_CELL = 5

COUNT_COLUMNS = ("residents", "n_residents_18_64", "n_outside_work_education_18_64",
                 "n_residents_18plus", "n_convicted_18plus", "n_residents_30_59",
                 "n_basic_education_30_59", "n_non_western")

# Which group of persons directly contains which: every numerator sits in its denominator,
# and the age groups are nested (30-59 within 18-64 within 18+ within all residents).
CONTAINED_IN: dict[str, str] = {
    **{num: den for num, den in SHARE_COUNTS.values()},
    "n_residents_18plus": "residents",
    "n_residents_18_64": "n_residents_18plus",
    "n_residents_30_59": "n_residents_18_64",
}


def _ancestors(col: str) -> list[str]:
    out = []
    while col in CONTAINED_IN:
        col = CONTAINED_IN[col]
        out.append(col)
    return out


# Every (larger, smaller) pair of nested counts: their difference is the count of a group.
NESTED_PAIRS: tuple[tuple[str, str], ...] = tuple(
    (a, b) for b in CONTAINED_IN for a in _ancestors(b))

# Which complementary cell to suppress when several would do, cheapest first: a numerator costs
# only its share; a base its share and the status of the criterion on it; the residents 18-64
# also the mean income; the residents the share of non-western residents and the category.
COMPLEMENT_ORDER: tuple[str, ...] = (
    "n_convicted_18plus", "n_basic_education_30_59", "n_outside_work_education_18_64",
    "n_non_western", "n_residents_30_59", "n_residents_18plus", "n_residents_18_64",
    "residents")

INCOME = "mean_gross_income_15_64"
# The base of each criterion indicator: the count whose size decides whether its share (or
# mean) and the criterion's status may be shown.
BASE_OF: dict[str, str] = {
    **{share: den for share, (_num, den) in SHARE_COUNTS.items()},
    INCOME: "n_residents_18_64",
}


@dataclass(frozen=True)
class Suppressed:
    """A table with suppressed cells set to NaN, and the mask of which cells were suppressed.

    ``bases`` (from :func:`suppress_indicators` only): for each criterion indicator, True in the
    rows where its base is suppressed, or, where the base is not in the data, the residents
    are; the statuses of criteria on that indicator in that data year are then suppressed.
    """

    values: pd.DataFrame
    mask: pd.DataFrame
    bases: pd.DataFrame | None = None

    @property
    def n_suppressed(self) -> int:
        return int(self.mask.to_numpy().sum())

    def marked(self) -> pd.DataFrame:
        """Return ``values`` with a column ``is_suppressed``: True in rows where any cell was
        suppressed, so that charts can tell a suppressed gap from a missing one."""
        return self.values.assign(is_suppressed=self.mask.any(axis=1).to_numpy())


def numeric_column(df: pd.DataFrame, col: str) -> np.ndarray:
    """Column ``col`` of ``df`` as floats (NaN where missing or not a number; all NaN where
    ``df`` has no such column)."""
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def check_min_cell(min_cell: int) -> None:
    """Raise unless ``min_cell`` is a minimum cell size (a whole number >= 0)."""
    if min_cell < 0:
        # An OptionError is a ValueError too, and the CLI turns it into one line and exit 2.
        raise OptionError(f"min_cell must be >= 0, got {min_cell} (allowed: a whole number >= 0)")


class _Row:
    """The counts of one row as an attacker sees them, and the cells decided hidden so far."""

    def __init__(self, given: dict[str, float], shares: dict[str, float],
                 hide: dict[str, bool], min_cell: int) -> None:
        self.given, self.shares, self.hide, self.min_cell = given, shares, hide, min_cell

    def share_shown(self, share: str) -> bool:
        num, den = SHARE_COUNTS[share]
        return not (np.isnan(self.shares[share]) or self.hide[num] or self.hide[den])

    def visible(self) -> dict[str, float]:
        """Each count an attacker can read or compute from the shown cells of the row."""
        out = {c: v for c, v in self.given.items() if not np.isnan(v) and not self.hide[c]}
        for share, (num, den) in SHARE_COUNTS.items():
            if not self.share_shown(share):
                continue
            s = self.shares[share]
            if num not in out and den in out:
                out[num] = round(s * out[den], 6)
            elif den not in out and num in out and s > 0:
                out[den] = round(out[num] / s, 6)
        return out

    def small_pairs(self) -> list[tuple[str, str]]:
        vis = self.visible()
        return [(a, b) for a, b in NESTED_PAIRS
                if a in vis and b in vis and 0 <= vis[a] - vis[b] < self.min_cell]


def _known_counts(indicators: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every count given in the table or computable from a share and the other count."""
    counts = {c: numeric_column(indicators, c) for c in COUNT_COLUMNS}
    known = dict(counts)
    for share, (num, den) in SHARE_COUNTS.items():
        s = numeric_column(indicators, share)
        with np.errstate(divide="ignore", invalid="ignore"):
            from_den = np.round(s * counts[den], 6)
            from_num = np.where(s > 0, np.round(counts[num] / s, 6), np.nan)
        known[num] = np.where(np.isnan(known[num]), from_den, known[num])
        known[den] = np.where(np.isnan(known[den]), from_num, known[den])
    return known


def suppress_indicators(indicators: pd.DataFrame,
                        min_cell: int = DEFAULT_MIN_CELL) -> Suppressed:
    """Apply the disclosure rules to an annual indicator table (layout a).

    Returns the table with suppressed cells set to NaN, a boolean mask of the same shape
    (True where a cell was suppressed; cells that were already missing are not marked) and,
    in ``bases``, where the base of each criterion indicator is suppressed. Primary cells
    first, then complementary cells until no two shown nested counts of a row differ by less
    than ``min_cell`` (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"residents": [1000.0], "n_convicted_18plus": [3.0],
    ...                    "n_residents_18plus": [800.0], "share_convicted_18plus": [3 / 800]})
    >>> s = suppress_indicators(df)
    >>> s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus", "residents"]].tolist()
    [True, True, False]

    Residents 1,000, 18+ 997 and 18-64 993 would give 3 children and 4 persons over 64: the
    residents 18+ are suppressed as well (the one cell that breaks both differences).

    >>> df = pd.DataFrame({"residents": [1000.0], "n_residents_18plus": [997.0],
    ...                    "n_residents_18_64": [993.0]})
    >>> suppress_indicators(df).mask.iloc[0].tolist()
    [False, True, False]
    """
    check_min_cell(min_cell)
    n = len(indicators)
    given = {c: numeric_column(indicators, c) for c in COUNT_COLUMNS}
    shares = {s: numeric_column(indicators, s) for s in SHARE_COUNTS}
    known = _known_counts(indicators)
    # Primary: every count below the minimum, given or computable (NaN compares False).
    hide = {c: known[c] < min_cell for c in COUNT_COLUMNS}
    # Secondary: rows where two shown nested counts differ by less than the minimum.
    suspect = np.zeros(n, bool)
    for a, b in NESTED_PAIRS:
        with np.errstate(invalid="ignore"):
            diff = known[a] - known[b]
        suspect |= (diff >= 0) & (diff < min_cell)
    for i in np.flatnonzero(suspect):
        row = _Row({c: given[c][i] for c in COUNT_COLUMNS},
                   {s: shares[s][i] for s in SHARE_COUNTS},
                   {c: bool(hide[c][i]) for c in COUNT_COLUMNS}, min_cell)
        while pairs := row.small_pairs():
            tally: dict[str, int] = {}
            for pair in pairs:
                for c in pair:
                    tally[c] = tally.get(c, 0) + 1
            pick = min(tally, key=lambda c: (-tally[c], COMPLEMENT_ORDER.index(c)))
            row.hide[pick] = True
        for c in COUNT_COLUMNS:
            hide[c][i] = row.hide[c]

    def base_hidden(base: str) -> np.ndarray:
        # A base that is not in the data is no larger than the residents.
        fallback = hide["residents"] & ~np.isnan(known["residents"])
        return np.where(np.isnan(known[base]), fallback, hide[base])

    mask = pd.DataFrame(False, index=indicators.index, columns=indicators.columns)
    for c in COUNT_COLUMNS:
        if c in mask.columns:
            mask[c] = hide[c]
    bases = pd.DataFrame(index=indicators.index)
    for share, (num, den) in SHARE_COUNTS.items():
        bases[share] = base_hidden(den)
        if share in mask.columns:
            mask[share] = hide[num] | bases[share].to_numpy()
    bases[INCOME] = base_hidden(BASE_OF[INCOME])
    if INCOME in mask.columns:
        mask[INCOME] = bases[INCOME].to_numpy()
    mask &= indicators.notna()
    return Suppressed(indicators.mask(mask), mask, bases)


def parse_years(span: str) -> list[int]:
    """Parse the engine's data-year text ("2019-2020", "2019,2021", "2020") into years."""
    years: list[int] = []
    for part in str(span).split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})-(\d{4})", part)
        if m:
            years.extend(range(int(m.group(1)), int(m.group(2)) + 1))
        elif part.isdigit():
            years.append(int(part))
    return years
