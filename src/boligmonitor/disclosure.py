"""Statistical disclosure control for published outputs (CRITERIA.md, "Disclosure").

Statistics Denmark asks for at least 3 persons behind any published cell; derived products
often use 5. Published outputs (report, exports, charts) must not show counts below a
configurable minimum (default 5), nor shares whose numerator or denominator is below it.

The rules, applied to the annual indicator table (layout a):

1. a count below ``min_cell`` (zero included) is suppressed;
2. a share is suppressed where its numerator or its denominator is below ``min_cell``, and
   where the complement (denominator minus numerator) is below it: a share of 98 % of 40
   persons tells that fewer than 5 persons are *not* in the group;
3. a count is suppressed with its share (else share x denominator gives it back), and a share's
   numerator with it (else numerator / share gives the denominator);
4. the mean income is suppressed where the residents 18-64 (its base) are below ``min_cell``;
5. a value derived from suppressed cells is suppressed too: a criterion value averaged over data
   years (the average and one year would give the other year back), its margin and its persons
   to threshold (:func:`suppress_criteria`).

Where a share comes without counts, its base is unknown and the share is passed as given (the
source, such as Landsbyggefonden, suppresses at source). Suppressed is not zero and not missing:
outputs receive a mask and show suppressed cells with their own mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.schemas import SHARE_COUNTS

DEFAULT_MIN_CELL = 5

COUNT_COLUMNS = ("residents", "n_residents_18_64", "n_outside_work_education_18_64",
                 "n_residents_18plus", "n_convicted_18plus", "n_residents_30_59",
                 "n_basic_education_30_59", "n_non_western")


@dataclass(frozen=True)
class Suppressed:
    """A table with suppressed cells set to NaN, and the mask of which cells were suppressed."""

    values: pd.DataFrame
    mask: pd.DataFrame

    @property
    def n_suppressed(self) -> int:
        return int(self.mask.to_numpy().sum())

    def marked(self) -> pd.DataFrame:
        """Return ``values`` with a column ``is_suppressed``: True in rows where any cell was
        suppressed, so that charts can tell a suppressed gap from a missing one."""
        return self.values.assign(is_suppressed=self.mask.any(axis=1).to_numpy())


def _below(s: pd.Series, min_cell: int) -> np.ndarray:
    return (s.notna() & (s < min_cell)).to_numpy()


def suppress_indicators(indicators: pd.DataFrame,
                        min_cell: int = DEFAULT_MIN_CELL) -> Suppressed:
    """Apply the disclosure rules to an annual indicator table (layout a).

    Returns the table with suppressed cells set to NaN and a boolean mask of the same shape
    (True where a cell was suppressed; cells that were already missing are not marked).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"residents": [1000.0], "n_convicted_18plus": [3.0],
    ...                    "n_residents_18plus": [800.0], "share_convicted_18plus": [3 / 800]})
    >>> s = suppress_indicators(df)
    >>> s.mask.loc[0, ["n_convicted_18plus", "share_convicted_18plus", "residents"]].tolist()
    [True, True, False]
    """
    if min_cell < 0:
        raise ValueError(f"min_cell must be >= 0, got {min_cell}")
    mask = pd.DataFrame(False, index=indicators.index, columns=indicators.columns)
    for col in COUNT_COLUMNS:
        if col in indicators.columns:
            mask[col] = _below(indicators[col], min_cell)
    for share, (num, den) in SHARE_COUNTS.items():
        if share not in indicators.columns:
            continue
        have = [c for c in (num, den) if c in indicators.columns]
        if len(have) < 2:
            continue
        n, d = indicators[num], indicators[den]
        complement = (d - n)
        small = (_below(n, min_cell) | _below(d, min_cell)
                 | (n.notna() & d.notna() & (complement < min_cell)).to_numpy())
        mask[share] |= small & indicators[share].notna().to_numpy()
        # A share and its numerator go together: either gives the other back with the base.
        mask[num] |= small & n.notna().to_numpy()
        mask[share] |= mask[num].to_numpy() & indicators[share].notna().to_numpy()
    if "mean_gross_income_15_64" in indicators.columns and "n_residents_18_64" in indicators:
        mask["mean_gross_income_15_64"] = (
            _below(indicators["n_residents_18_64"], min_cell)
            & indicators["mean_gross_income_15_64"].notna().to_numpy())
    mask &= indicators.notna()
    values = indicators.mask(mask)
    return Suppressed(values, mask)


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


def suppress_criteria(criteria: pd.DataFrame, suppressed: Suppressed,
                      area_ids: pd.Series) -> Suppressed:
    """Suppress the criterion rows whose value was derived from a suppressed annual cell.

    ``criteria`` is the engine's criteria table (columns area_id, indicator, data_years, value,
    margin, persons_to_threshold, ...); ``suppressed`` is :func:`suppress_indicators` applied
    to the indicator table whose ``area_id`` column is ``area_ids``. The value, the margin and
    the persons to threshold of such a row are suppressed; is_met is kept (the board must see
    whether a line is crossed, and a yes/no does not reveal a small count).
    """
    mask_cols = ["value", "margin", "persons_to_threshold"]
    mask = pd.DataFrame(False, index=criteria.index,
                        columns=[c for c in mask_cols if c in criteria.columns])
    year = suppressed.values["year"] if "year" in suppressed.values.columns else None
    if year is None or criteria.empty:
        return Suppressed(criteria.copy(), mask)
    long = (suppressed.mask.assign(area_id=area_ids.to_numpy(), year=year.to_numpy())
            .melt(id_vars=["area_id", "year"], var_name="indicator", value_name="hit"))
    hits = long.loc[long["hit"], ["area_id", "year", "indicator"]].drop_duplicates()
    if hits.empty:
        return Suppressed(criteria.copy(), mask)
    rows = pd.DataFrame({
        "_row": np.arange(len(criteria)),
        "area_id": criteria["area_id"].astype(str).to_numpy(),
        "indicator": criteria["indicator"].astype(str).to_numpy(),
        "year": [parse_years(s) for s in criteria["data_years"].astype(str)],
    }).explode("year").dropna(subset=["year"])
    rows["year"] = rows["year"].astype("int64")
    hits = hits.astype({"area_id": str, "indicator": str, "year": "int64"})
    hit_rows = rows.merge(hits, on=["area_id", "year", "indicator"])["_row"].unique()
    flags = np.zeros(len(criteria), dtype=bool)
    flags[hit_rows] = True
    for c in mask.columns:
        mask[c] = flags & criteria[c].notna().to_numpy()
    values = criteria.copy()
    for c in mask.columns:
        values[c] = values[c].mask(mask[c])
    return Suppressed(values, mask)


WARNING_COLUMNS = ("boundary", "latest_value", "headroom")


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
    the margin and the persons to threshold of each of its criterion rows of that list year are
    suppressed (a share of a handful of persons tells about persons). ``criteria`` is the
    engine's criteria table scored from ``criterion_values``; is_met is kept, as in
    :func:`suppress_criteria`. Without ``criterion_values`` (or its residents) nothing is
    suppressed.

    Examples
    --------
    >>> import pandas as pd
    >>> cv = pd.DataFrame({"area_id": ["a", "b"], "list_year": [2025, 2025],
    ...                    "residents": [4.0, 1200.0]})
    >>> crit = pd.DataFrame({"area_id": ["a", "b"], "list_year": [2025, 2025],
    ...                      "value": [0.5, 0.4], "margin": [0.1, 0.0],
    ...                      "persons_to_threshold": [1.0, 0.0]})
    >>> suppress_list_values(crit, cv).mask["value"].tolist()
    [True, False]
    """
    if min_cell < 0:
        raise ValueError(f"min_cell must be >= 0, got {min_cell}")
    cols = ["value", "margin", "persons_to_threshold"]
    mask = pd.DataFrame(False, index=criteria.index,
                        columns=[c for c in cols if c in criteria.columns])
    if (criterion_values is None or "residents" not in criterion_values.columns
            or criteria.empty):
        return Suppressed(criteria.copy(), mask)
    res = criterion_values["residents"]
    small = criterion_values.loc[res.notna() & (res < min_cell), ["area_id", "list_year"]]
    key = set(zip(small["area_id"].astype(str), small["list_year"].astype(int), strict=True))
    hit = np.array([(a, int(y)) in key for a, y in
                    zip(criteria["area_id"].astype(str), criteria["list_year"], strict=True)],
                   dtype=bool)
    values = criteria.copy()
    for c in mask.columns:
        mask[c] = hit & criteria[c].notna().to_numpy()
        values[c] = values[c].mask(mask[c])
    return Suppressed(values, mask)


def suppress_assessment(assessment, *, indicators: pd.DataFrame | None = None,
                        criterion_values: pd.DataFrame | None = None,
                        min_cell: int = DEFAULT_MIN_CELL):
    """Return an :class:`~boligmonitor.criteria.Assessment` fit for export.

    The criteria table goes through :func:`suppress_criteria` (layout a data, given as
    ``indicators``) or :func:`suppress_list_values` (layout b, ``criterion_values``) and gets
    an ``is_suppressed`` column. In the areas table, residents below ``min_cell`` are
    suppressed, and so is the plain-language explanation of every area and list year with a
    suppressed criterion value (the explanation quotes the values); ``is_suppressed`` marks
    those rows. Categories, criteria met and is_met are kept: a yes or no does not reveal a
    small count.
    """
    import dataclasses

    from boligmonitor.labels import LANGS, label

    criteria = assessment.criteria
    if indicators is not None:
        sup = suppress_criteria(criteria, suppress_indicators(indicators, min_cell),
                                indicators["area_id"])
    else:
        sup = suppress_list_values(criteria, criterion_values, min_cell)
    hit = sup.mask.any(axis=1).to_numpy()
    hidden = set(zip(criteria["area_id"].astype(str).to_numpy()[hit],
                     criteria["list_year"].to_numpy()[hit], strict=True))
    areas = assessment.areas.copy()
    keys = zip(areas["area_id"].astype(str), areas["list_year"], strict=True)
    withheld = np.array([k in hidden for k in keys], dtype=bool)
    for lang in LANGS:
        col = f"explanation_{lang}"
        if col in areas.columns:
            areas[col] = areas[col].astype(object)
            areas.loc[withheld, col] = label("text.explanation_withheld", lang)
    small = _below(areas["residents"], min_cell) if "residents" in areas.columns else \
        np.zeros(len(areas), bool)
    if small.any():
        areas["residents"] = areas["residents"].mask(small)
    areas["is_suppressed"] = withheld | small
    return dataclasses.replace(assessment, areas=areas, criteria=sup.marked())
