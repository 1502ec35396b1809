"""Statistical disclosure control for published outputs (docs/disclosure.md).

Statistics Denmark asks for at least 3 persons behind any published cell; derived products
often use 5. Published outputs (report, exports, charts) must not show counts below a
configurable minimum ``min_cell`` (default 5), nor shares whose numerator or denominator is
below it, nor anything from which such a count can be worked out. Everything the package
publishes goes through this module: the ``assess`` exports (:func:`suppress_assessment`), the
report (:func:`disclose`, :func:`suppress_early_warning`) and the charts (through
``boligmonitor.plots.suppress_for_charts``). The rule in full, with the reasons, is
``docs/disclosure.md``; in short:

Primary cells (annual indicator table, layout a; one area and data year per row):

1. a count below ``min_cell`` is suppressed, zero included (a count of 0 says that nobody in
   the area is in the group, and 0 of the complement says that everybody is);
2. a count an attacker can compute from a share and the other count of its pair
   (``n = share x base``, ``base = n / share``) is a count too, under the same rule;
3. a share whose numerator, denominator or complement (denominator minus numerator) is below
   ``min_cell`` is suppressed; a share is shown only where both its counts are shown (any two
   of numerator, denominator and share give the third);
4. the mean income is suppressed where its base (residents 18-64) is suppressed.

Secondary cells (complementary suppression). The groups are nested: residents contain the
residents 18+, who contain the 18-64, who contain the 30-59; each numerator is contained in
its denominator (:data:`CONTAINED_IN`). The difference of a count and any count that contains
it is the count of a group of persons (residents 1,000 minus residents 18+ 997 are 3 children),
so no two shown counts of one row may differ by less than ``min_cell`` (0 included). Where two
do, one more cell is suppressed, chosen deterministically: the cell in the most such pairs,
ties broken by :data:`COMPLEMENT_ORDER` (the cell that costs the fewest other published
values). Differences between data years (a net change) and between areas (no total is ever
published) are not counts of a group and are not protected.

Values derived from several cells, in the criteria table and the early warning:

5. a criterion value averaged over data years, its margin and its persons to threshold are
   suppressed where any annual cell they are built from is (the average and one year give the
   other year; ``persons_to_threshold / margin`` is the harmonic mean of the bases);
6. the status of a criterion (``is_met``) is suppressed where its base is suppressed in any of
   its data years ("met" on a base of 3 says at least 1 of 3 is convicted), and where its value
   is suppressed and the line leaves less than one person of room in a data year ("not met" on
   20 adults and a line of 2 % over 2 years says nobody is convicted);
7. in the areas table, ``n_criteria_met`` (and the other counts of met criteria) is suppressed
   where any status of the area and list year is; the category (with its variants certain,
   possible and if listable, the ``is_<category>`` flags, agreement with the published list,
   kombineret udlejning and the consecutive-years count) where the residents or any
   status are suppressed, or where a counted year of a consecutive-years category was computed
   from data and is itself suppressed: a shown category with the shown statuses would give a
   hidden status back ("udsat" with 1 of 3 shown criteria met says the fourth is met).

Suppressed is not zero and not missing: a number becomes NaN (a status or flag <NA>) and the
row is marked ``is_suppressed``; a category becomes :data:`SUPPRESSED_CATEGORY`; every
renderer shows a suppressed cell with its own mark ("diskretioneret").
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.errors import OptionError
from boligmonitor.schemas import CATEGORY_IDS, SHARE_COUNTS

DEFAULT_MIN_CELL = 5

# The category an area is shown with where its category is suppressed.
SUPPRESSED_CATEGORY = "suppressed"

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

CRITERIA_COLUMNS = ("value", "margin", "persons_to_threshold", "is_met")
# The areas table's computed categories (the published one is public).
CATEGORY_COLUMNS = ("category", "category_certain", "category_possible", "category_if_listable")
WARNING_COLUMNS = ("boundary", "latest_value", "headroom")


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


def _column(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _check_min_cell(min_cell: int) -> None:
    if min_cell < 0:
        # An OptionError is a ValueError too, and the CLI turns it into one line and exit 2.
        raise OptionError(f"min_cell must be >= 0, got {min_cell} (allowed: a whole number >= 0)")


# --- the annual indicator table ----------------------------------------------------------------


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
    counts = {c: _column(indicators, c) for c in COUNT_COLUMNS}
    known = dict(counts)
    for share, (num, den) in SHARE_COUNTS.items():
        s = _column(indicators, share)
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
    _check_min_cell(min_cell)
    n = len(indicators)
    given = {c: _column(indicators, c) for c in COUNT_COLUMNS}
    shares = {s: _column(indicators, s) for s in SHARE_COUNTS}
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


# --- the criteria table ------------------------------------------------------------------------


@functools.cache
def _parse_years_cached(span: str) -> tuple[int, ...]:
    # A criteria table repeats a handful of spans over every area and list year.
    return tuple(parse_years(span))


def _rows_fed_by(criteria: pd.DataFrame, cells: pd.DataFrame, area_ids: pd.Series,
                 years: pd.Series) -> np.ndarray:
    """Which criteria rows have, in any of their data years, a True cell of ``cells`` (columns
    named by indicator, one row per area and data year) for their area and indicator."""
    flags = np.zeros(len(criteria), dtype=bool)
    if criteria.empty or cells.empty or not cells.to_numpy().any():
        return flags
    long = (cells.assign(area_id=area_ids.to_numpy(), year=years.to_numpy())
            .melt(id_vars=["area_id", "year"], var_name="indicator", value_name="hit"))
    hits = long.loc[long["hit"].astype(bool), ["area_id", "year", "indicator"]]
    hits = hits.drop_duplicates().astype({"area_id": str, "indicator": str, "year": "int64"})
    rows = pd.DataFrame({
        "_row": np.arange(len(criteria)),
        "area_id": criteria["area_id"].astype(str).to_numpy(),
        "indicator": criteria["indicator"].astype(str).to_numpy(),
        "year": [_parse_years_cached(s) for s in criteria["data_years"].astype(str)],
    }).explode("year").dropna(subset=["year"])
    rows["year"] = rows["year"].astype("int64")
    flags[rows.merge(hits, on=["area_id", "year", "indicator"])["_row"].unique()] = True
    return flags


def _apply(table: pd.DataFrame, hidden: dict[str, np.ndarray]) -> Suppressed:
    """Suppress ``table``'s cells where ``hidden`` (by column) is True and the cell is present."""
    mask = pd.DataFrame(False, index=table.index, columns=list(hidden))
    values = table.copy()
    for c, flags in hidden.items():
        mask[c] = flags & table[c].notna().to_numpy()
        col = values[c]
        if c.startswith("is_") or col.dtype == bool:
            col = col.astype("boolean")
        elif c.startswith("n_") and pd.api.types.is_integer_dtype(col):
            col = col.astype("Int64")
        values[c] = col.mask(mask[c].to_numpy())
    return Suppressed(values, mask)


def suppress_criteria(criteria: pd.DataFrame, suppressed: Suppressed,
                      area_ids: pd.Series) -> Suppressed:
    """Suppress the criterion rows built on a suppressed annual cell (rules 5 and 6).

    ``criteria`` is the engine's criteria table (columns area_id, indicator, data_years, value,
    margin, persons_to_threshold, is_met, ...); ``suppressed`` is :func:`suppress_indicators`
    applied to the indicator table whose ``area_id`` column is ``area_ids``. The value, the
    margin and the persons to threshold of a row are suppressed where its indicator is
    suppressed in any of its data years; ``is_met`` too where the indicator's base is (a yes or
    no on a base of a few persons bounds their count), and where the value is suppressed and
    the line lies below one person in a data year (window x threshold x base < 1: "not met"
    would say the count is 0). Otherwise, where only the numerator is small, is_met is kept:
    the board must see whether a line is crossed, and on a base of at least ``min_cell`` a
    yes or no does not reveal a small count.
    """
    cols = [c for c in CRITERIA_COLUMNS if c in criteria.columns]
    ind = suppressed.values
    if "year" not in ind.columns or criteria.empty:
        return _apply(criteria, {c: np.zeros(len(criteria), bool) for c in cols})
    year = ind["year"]
    value_hit = _rows_fed_by(criteria, suppressed.mask, area_ids, year)
    if suppressed.bases is not None:
        bases = suppressed.bases
    else:  # a Suppressed built elsewhere: the mask of each indicator's base column
        bases = pd.DataFrame({i: suppressed.mask[b] for i, b in BASE_OF.items()
                              if b in suppressed.mask.columns}, index=suppressed.mask.index)
    status_hit = _rows_fed_by(criteria, bases, area_ids, year)
    if "is_met" in cols and "threshold" in criteria.columns:
        status_hit |= _line_below_one_person(criteria, ind, area_ids, value_hit & ~status_hit)
    # A status hidden with its value shown could be read off value and threshold.
    hidden = {c: value_hit | status_hit for c in cols}
    if "is_met" in hidden:
        hidden["is_met"] = status_hit
    return _apply(criteria, hidden)


# Shares of whole persons (the persons outside work are full-time persons, not whole ones).
WHOLE_PERSON_SHARES = ("share_non_western", "share_convicted_18plus",
                       "share_basic_education_30_59")


def _line_below_one_person(criteria: pd.DataFrame, shown: pd.DataFrame, area_ids: pd.Series,
                           rows: np.ndarray) -> np.ndarray:
    """Which of the criteria ``rows`` leave less than one person of room below the line in a
    data year, where "not met" would say that the count of that year is exactly 0: the mean of
    the shares of a window of ``w`` years is at most the threshold ``t``, so a year's count is
    at most ``(w x t - the other years' shown shares) x its base`` (the base as shown, else the
    residents, which are at least as many)."""
    flags = np.zeros(len(criteria), dtype=bool)
    where = {(a, int(y)): i for i, (a, y) in enumerate(
        zip(area_ids.astype(str), shown["year"], strict=True))}
    cols = {c: _column(shown, c) for c in ("residents", *BASE_OF.values(), *BASE_OF)}
    indicator = criteria["indicator"].astype(str).to_numpy()
    area = criteria["area_id"].astype(str).to_numpy()
    threshold = _column(criteria, "threshold")
    spans = criteria["data_years"].astype(str).to_numpy()
    for k in np.flatnonzero(rows):
        ind = indicator[k]
        if ind not in WHOLE_PERSON_SHARES or np.isnan(threshold[k]):
            continue
        years = _parse_years_cached(spans[k])
        at = [where.get((area[k], y)) for y in years]
        shares = [0.0 if i is None or np.isnan(cols[ind][i]) else cols[ind][i] for i in at]
        for j, i in enumerate(at):
            if i is None:
                continue
            base = cols[BASE_OF[ind]][i]
            base = cols["residents"][i] if np.isnan(base) else base
            room = len(years) * threshold[k] - (sum(shares) - shares[j])
            if room * base < 1:
                flags[k] = True
    return flags


def suppress_warning(boundaries: pd.DataFrame, suppressed: Suppressed,
                     area_ids: pd.Series) -> Suppressed:
    """Suppress the early-warning rows derived from a suppressed annual cell.

    ``boundaries`` is :attr:`boligmonitor.warning.EarlyWarning.boundaries` (columns area_id,
    indicator, known_years, boundary, latest_value, headroom, ...); ``suppressed`` is
    :func:`suppress_indicators` applied to the indicator table whose ``area_id`` column is
    ``area_ids``. A row is fed by the annual cells of its area and indicator in its known data
    years (the boundary is the line times the window minus their sum) and in the year of its
    latest value. Where any of those cells is suppressed, the boundary, the latest value and the
    headroom are all suppressed: any two of them give the third, and the boundary with the
    line gives the suppressed year back. The other columns (the operator, the years) are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> ind = pd.DataFrame({"area_id": ["a", "a"], "year": [2019, 2020],
    ...                     "n_residents_18plus": [800.0, 800.0],
    ...                     "n_convicted_18plus": [3.0, 20.0],
    ...                     "share_convicted_18plus": [3 / 800, 20 / 800]})
    >>> b = pd.DataFrame({"area_id": ["a"], "indicator": ["share_convicted_18plus"],
    ...                   "known_years": ["2019,2020"], "boundary": [0.04],
    ...                   "latest_value": [0.025], "headroom": [0.015]})
    >>> suppress_warning(b, suppress_indicators(ind), ind["area_id"]).mask.iloc[0].tolist()
    [True, True, True]
    """
    cols = [c for c in WARNING_COLUMNS if c in boundaries.columns]
    mask = pd.DataFrame(False, index=boundaries.index, columns=cols)
    sup_cols = suppressed.mask.columns
    if boundaries.empty or "year" not in suppressed.values.columns:
        return Suppressed(boundaries.copy(), mask)
    aid = area_ids.astype(str).to_numpy()
    year = suppressed.values["year"].to_numpy(dtype=np.int64)
    # A cell that was there before suppression: shown, or suppressed (not missing).
    present = suppressed.values.notna() | suppressed.mask
    flags = np.zeros(len(boundaries), dtype=bool)
    known = boundaries["known_years"] if "known_years" in boundaries.columns else None
    for i, (a, ind) in enumerate(zip(boundaries["area_id"].astype(str),
                                     boundaries["indicator"].astype(str), strict=True)):
        if ind not in sup_cols:
            continue
        rows = aid == a
        hit = suppressed.mask[ind].to_numpy()[rows]
        if not hit.any():
            continue
        years = year[rows]
        fed = set(parse_years(known.iloc[i])) if known is not None else set(years.tolist())
        have = present[ind].to_numpy()[rows]
        if have.any():
            fed.add(int(years[have].max()))  # the year of the latest value
        flags[i] = bool(np.isin(years[hit], list(fed)).any())
    values = boundaries.copy()
    for c in cols:
        mask[c] = flags & boundaries[c].notna().to_numpy()
        values[c] = values[c].mask(mask[c])
    return Suppressed(values, mask)


def suppress_list_values(criteria: pd.DataFrame, criterion_values: pd.DataFrame | None,
                         min_cell: int = DEFAULT_MIN_CELL) -> Suppressed:
    """Suppress the criterion rows of areas with few residents, for layout (b) data.

    Layout (b) (criterion values per list year, already averaged) carries no counts but
    ``residents``: where an area's residents in a list year are below ``min_cell``, the value,
    the margin, the persons to threshold and the status (is_met) of each of its criterion rows
    of that list year are suppressed (a share of a handful of persons tells about persons, and
    so does a yes or no on them). ``criteria`` is the engine's criteria table scored from
    ``criterion_values``. Without ``criterion_values`` (or its residents) nothing is
    suppressed.

    Examples
    --------
    >>> import pandas as pd
    >>> cv = pd.DataFrame({"area_id": ["a", "b"], "list_year": [2025, 2025],
    ...                    "residents": [4.0, 1200.0]})
    >>> crit = pd.DataFrame({"area_id": ["a", "b"], "list_year": [2025, 2025],
    ...                      "value": [0.5, 0.4], "margin": [0.1, 0.0],
    ...                      "persons_to_threshold": [1.0, 0.0], "is_met": [True, True]})
    >>> suppress_list_values(crit, cv).mask["is_met"].tolist()
    [True, False]
    """
    _check_min_cell(min_cell)
    cols = [c for c in CRITERIA_COLUMNS if c in criteria.columns]
    hit = np.zeros(len(criteria), dtype=bool)
    if (criterion_values is not None and "residents" in criterion_values.columns
            and not criteria.empty):
        key = _small_residents(criterion_values, min_cell)
        hit = np.array([(a, int(y)) in key for a, y in
                        zip(criteria["area_id"].astype(str), criteria["list_year"], strict=True)],
                       dtype=bool)
    return _apply(criteria, {c: hit for c in cols})


def _small_residents(criterion_values: pd.DataFrame, min_cell: int) -> set[tuple[str, int]]:
    res = criterion_values["residents"]
    small = criterion_values.loc[res.notna() & (res < min_cell), ["area_id", "list_year"]]
    return set(zip(small["area_id"].astype(str), small["list_year"].astype(int), strict=True))


# --- the areas table ---------------------------------------------------------------------------


def _area_years(span_text: str, list_year: int) -> tuple[int, int]:
    """How many years before its list year the data of an areas row start and end."""
    years = [y for part in str(span_text).split(";") for y in parse_years(part.split(":")[-1])]
    if not years:
        return 1, 1
    return list_year - min(years), list_year - max(years)


def suppress_areas(areas: pd.DataFrame, *, status_hidden: np.ndarray,
                   residents_hidden: np.ndarray, history: pd.DataFrame | None = None,
                   data_hidden: set[tuple[str, int]] | None = None) -> Suppressed:
    """Suppress the statuses of the areas table that could give a hidden count back (rule 7).

    ``status_hidden`` and ``residents_hidden`` (aligned with ``areas``) say where a criterion
    status of the area and list year, and its residents, are suppressed. ``history`` is the
    assessment's history table; a counted year computed from data is suppressed where that
    area and list year is (when it is a row of ``areas``), else where ``data_hidden`` (area
    and data year pairs with a suppressed base) meets the data years that would have fed it.
    """
    areas = areas.reset_index(drop=True)
    aid = areas["area_id"].astype(str).to_numpy()
    year = areas["list_year"].to_numpy(dtype=np.int64)
    cat_hidden = np.asarray(status_hidden, bool) | np.asarray(residents_hidden, bool)
    if history is not None and len(history):
        hist = history[(history["source"].astype(str) == "computed")
                       & (history["year"] < history["list_year"])]
        where = {(a, int(y)): i for i, (a, y) in enumerate(zip(aid, year, strict=True))}
        spans = areas["data_years"] if "data_years" in areas.columns else None
        counted_in: dict[tuple[str, int], set[int]] = {}
        for a, ly, y in zip(hist["area_id"].astype(str), hist["list_year"].astype(int),
                            hist["year"].astype(int), strict=True):
            counted_in.setdefault((a, ly), set()).add(y)
        for i in np.argsort(year, kind="stable"):  # earlier list years first: they feed later
            for counted in sorted(counted_in.get((aid[i], int(year[i])), ())):
                j = where.get((aid[i], int(counted)))
                if j is not None:
                    cat_hidden[i] |= cat_hidden[j]
                elif data_hidden:
                    first, last = _area_years(spans.iloc[i] if spans is not None else "",
                                              int(year[i]))
                    cat_hidden[i] |= any((aid[i], y) in data_hidden
                                         for y in range(counted - first, counted - last + 1))
    hidden: dict[str, np.ndarray] = {}
    if "residents" in areas.columns:
        hidden["residents"] = np.asarray(residents_hidden, bool)
    for c in areas.columns:
        if c in ("n_criteria_met", "n_criteria_unknown") or c.startswith("n_met_"):
            hidden[c] = np.asarray(status_hidden, bool)
    # agrees_with_published would tell the hidden category from the published one.
    for c in [*(f"is_{c}" for c in CATEGORY_IDS), "is_kombineret_udlejning",
              "n_consecutive_years", "agrees_with_published"]:
        if c in areas.columns:
            hidden[c] = cat_hidden
    out = _apply(areas, hidden)
    values, mask = out.values, out.mask
    # The computed category and its variants (certain, possible, if listable); the published
    # category is public and stays.
    for c in [c for c in areas.columns if c in CATEGORY_COLUMNS]:
        mask[c] = cat_hidden & areas[c].notna().to_numpy()
        values[c] = pd.Categorical(np.where(
            mask[c].to_numpy(), SUPPRESSED_CATEGORY, areas[c].astype(object)))
    return Suppressed(values, mask)


# --- everything at once ------------------------------------------------------------------------


@dataclass(frozen=True)
class Disclosed:
    """An assessment fit for publishing, and where it was suppressed.

    ``assessment``: the criteria table with suppressed cells NaN/<NA> and ``is_suppressed``
    per row; the areas table with its suppressed statuses (category :data:`SUPPRESSED_CATEGORY`),
    withheld explanations and ``is_suppressed`` per row. ``criteria_mask`` (value, margin,
    persons_to_threshold, is_met) and ``areas_mask`` say which cells; ``indicators`` is the
    suppressed indicator table (layout a data), else None.
    """

    assessment: object
    criteria_mask: pd.DataFrame
    areas_mask: pd.DataFrame
    indicators: Suppressed | None


def disclose(assessment, *, indicators: pd.DataFrame | None = None,
             criterion_values: pd.DataFrame | None = None,
             min_cell: int = DEFAULT_MIN_CELL) -> Disclosed:
    """Apply every disclosure rule to an :class:`~boligmonitor.criteria.Assessment`.

    ``indicators`` (layout a) or ``criterion_values`` (layout b) is the data the assessment was
    scored from. See the module docstring for the rules; :func:`suppress_assessment` is the
    same without the masks.
    """
    from boligmonitor.labels import LANGS, label

    _check_min_cell(min_cell)
    criteria = assessment.criteria
    areas = assessment.areas.reset_index(drop=True)
    ind_sup = None
    data_hidden: set[tuple[str, int]] = set()
    key = list(zip(areas["area_id"].astype(str), areas["list_year"].astype(int), strict=True))
    if indicators is not None:
        ind_sup = suppress_indicators(indicators, min_cell)
        crit = suppress_criteria(criteria, ind_sup, indicators["area_id"])
        # The residents of list year N are those of data year N - lag.
        lag = assessment.options.point_in_time_lag
        res = (ind_sup.mask["residents"].to_numpy() if "residents" in ind_sup.mask.columns
               else np.zeros(len(indicators), bool))
        res_hidden_at = set(zip(indicators["area_id"].astype(str).to_numpy()[res],
                                indicators["year"].astype(int).to_numpy()[res] + lag,
                                strict=True))
        residents_hidden = np.array([k in res_hidden_at for k in key], bool)
        any_base = ind_sup.bases.any(axis=1).to_numpy()
        data_hidden = set(zip(indicators["area_id"].astype(str).to_numpy()[any_base],
                              indicators["year"].astype(int).to_numpy()[any_base], strict=True))
    else:
        crit = suppress_list_values(criteria, criterion_values, min_cell)
        small = (_small_residents(criterion_values, min_cell)
                 if criterion_values is not None and "residents" in criterion_values.columns
                 else set())
        residents_hidden = np.array([k in small for k in key], bool)
        data_hidden = small
    crit_mask = crit.mask.reindex(columns=list(CRITERIA_COLUMNS), fill_value=False)

    def per_area(flags: np.ndarray) -> np.ndarray:
        hit = set(zip(criteria["area_id"].astype(str).to_numpy()[flags],
                      criteria["list_year"].astype(int).to_numpy()[flags], strict=True))
        return np.array([k in hit for k in key], bool)

    status_hidden = per_area(crit_mask["is_met"].to_numpy())
    value_hidden = per_area(crit_mask.to_numpy().any(axis=1))
    sup = suppress_areas(areas, status_hidden=status_hidden, residents_hidden=residents_hidden,
                         history=assessment.history, data_hidden=data_hidden)
    safe_areas, areas_mask = sup.values, sup.mask
    # The explanation quotes the values, the statuses and the category.
    withheld = value_hidden | areas_mask.any(axis=1).to_numpy()
    for lang in LANGS:
        col = f"explanation_{lang}"
        if col in safe_areas.columns:
            safe_areas[col] = safe_areas[col].astype(object)
            safe_areas.loc[withheld, col] = label("text.explanation_withheld", lang)
            areas_mask[col] = withheld
    safe_areas["is_suppressed"] = withheld
    safe = dataclasses.replace(assessment, areas=safe_areas, criteria=crit.marked())
    return Disclosed(safe, crit_mask, areas_mask, ind_sup)


def suppress_assessment(assessment, *, indicators: pd.DataFrame | None = None,
                        criterion_values: pd.DataFrame | None = None,
                        min_cell: int = DEFAULT_MIN_CELL):
    """Return an :class:`~boligmonitor.criteria.Assessment` fit for export.

    The criteria table goes through :func:`suppress_criteria` (layout a data, given as
    ``indicators``) or :func:`suppress_list_values` (layout b, ``criterion_values``) and gets
    an ``is_suppressed`` column. The areas table goes through :func:`suppress_areas`: residents,
    counts of met criteria and categories where they could give a hidden count back, and the
    plain-language explanation of every such area and list year (it quotes the values);
    ``is_suppressed`` marks those rows.
    """
    return disclose(assessment, indicators=indicators, criterion_values=criterion_values,
                    min_cell=min_cell).assessment


def suppress_early_warning(warning, indicators: pd.DataFrame | None,
                           min_cell: int = DEFAULT_MIN_CELL):
    """Return the :class:`~boligmonitor.warning.EarlyWarning` fit for publishing.

    The boundaries go through :func:`suppress_warning`; the projection (the assessment of the
    next list year with the latest values repeated) through :func:`disclose`, on the indicator
    table with the same values repeated, so that a projected category or status built on a
    suppressed cell is suppressed too. Without ``indicators`` or a warning, ``warning`` is
    returned as given.
    """
    if warning is None or indicators is None:
        return warning
    from boligmonitor.warning import repeat_latest

    sup = suppress_indicators(indicators, min_cell)
    # Marked: a chart or table says "suppressed" where a row's numbers are hidden, not "missing".
    boundaries = suppress_warning(warning.boundaries, sup, indicators["area_id"]).marked()
    proj = warning.projection
    repeated = (parse_years(proj.areas["repeated_years"].iloc[0])
                if "repeated_years" in proj.areas.columns and len(proj.areas) else [])
    extended = repeat_latest(indicators, max(repeated))[0] if repeated else indicators
    safe = disclose(proj, indicators=extended, min_cell=min_cell).assessment
    return dataclasses.replace(warning, boundaries=boundaries, projection=safe)
