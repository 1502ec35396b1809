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


def _years(span: str) -> list[int]:
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
        "year": [_years(s) for s in criteria["data_years"].astype(str)],
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
