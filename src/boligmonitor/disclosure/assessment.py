"""Disclosure control of whole results: an assessment, and the early warning.

:func:`disclose` applies every rule to an :class:`~boligmonitor.criteria.Assessment` and its
data (the annual cells, then the criteria table, then the areas table, whose explanations are
withheld where they would quote a hidden value) and says where it suppressed;
:func:`suppress_assessment` is the same without the masks, and :func:`suppress_early_warning`
the same for the early warning (its boundaries and its projection).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from boligmonitor.disclosure.cells import (
    DEFAULT_MIN_CELL,
    Suppressed,
    check_min_cell,
    parse_years,
    suppress_indicators,
)
from boligmonitor.disclosure.derived import (
    CRITERIA_COLUMNS,
    small_residents,
    suppress_areas,
    suppress_criteria,
    suppress_list_values,
    suppress_warning,
)


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

    check_min_cell(min_cell)
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
        small = (small_residents(criterion_values, min_cell)
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
