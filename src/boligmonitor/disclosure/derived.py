"""Values derived from several annual cells: the criteria table, the early warning, the
published list values and the areas table (rules 5-7).

Each is suppressed where it could give a hidden annual cell back: a criterion value averaged
over data years, its margin and persons to threshold where any cell it is built from is
hidden, its status where its base is (:func:`suppress_criteria`); the early warning's boundary,
latest value and headroom likewise (:func:`suppress_warning`); the criterion rows of layout (b)
data where an area's residents are few (:func:`suppress_list_values`); and in the areas table
the counts of met criteria, the category and what goes with it where a status or the residents
are hidden (:func:`suppress_areas`). The annual cells themselves are
:mod:`boligmonitor.disclosure.cells`.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from boligmonitor.disclosure.cells import (
    BASE_OF,
    DEFAULT_MIN_CELL,
    Suppressed,
    check_min_cell,
    numeric_column,
    parse_years,
)
from boligmonitor.schemas import CATEGORY_IDS

# The category an area is shown with where its category is suppressed.
SUPPRESSED_CATEGORY = "suppressed"

CRITERIA_COLUMNS = ("value", "margin", "persons_to_threshold", "is_met")
# The areas table's computed categories (the published one is public).
CATEGORY_COLUMNS = ("category", "category_certain", "category_possible", "category_if_listable")
WARNING_COLUMNS = ("boundary", "latest_value", "headroom")


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


def apply_hidden(table: pd.DataFrame, hidden: dict[str, np.ndarray]) -> Suppressed:
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
        return apply_hidden(criteria, {c: np.zeros(len(criteria), bool) for c in cols})
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
    return apply_hidden(criteria, hidden)


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
    cols = {c: numeric_column(shown, c) for c in ("residents", *BASE_OF.values(), *BASE_OF)}
    indicator = criteria["indicator"].astype(str).to_numpy()
    area = criteria["area_id"].astype(str).to_numpy()
    threshold = numeric_column(criteria, "threshold")
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
    >>> from boligmonitor.disclosure import suppress_indicators
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
    check_min_cell(min_cell)
    cols = [c for c in CRITERIA_COLUMNS if c in criteria.columns]
    hit = np.zeros(len(criteria), dtype=bool)
    if (criterion_values is not None and "residents" in criterion_values.columns
            and not criteria.empty):
        key = small_residents(criterion_values, min_cell)
        hit = np.array([(a, int(y)) in key for a, y in
                        zip(criteria["area_id"].astype(str), criteria["list_year"], strict=True)],
                       dtype=bool)
    return apply_hidden(criteria, {c: hit for c in cols})


def small_residents(criterion_values: pd.DataFrame, min_cell: int) -> set[tuple[str, int]]:
    """The (area, list year) pairs of layout (b) data with fewer than ``min_cell`` residents."""
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
    out = apply_hidden(areas, hidden)
    values, mask = out.values, out.mask
    # The computed category and its variants (certain, possible, if listable); the published
    # category is public and stays.
    for c in [c for c in areas.columns if c in CATEGORY_COLUMNS]:
        mask[c] = cat_hidden & areas[c].notna().to_numpy()
        values[c] = pd.Categorical(np.where(
            mask[c].to_numpy(), SUPPRESSED_CATEGORY, areas[c].astype(object)))
    return Suppressed(values, mask)
