"""Prediction intervals from the draws: per area and indicator, per reference, per threshold.

The intervals are quantiles of the draws, on the natural scale (shares 0-1, kroner, persons):
the 50 % interval from the 25th to the 75th percentile, the 80 % interval from the 10th to the
90th, and the median (of at most :data:`QUANTILE_DRAWS` draws per area; the probabilities use
every draw). Observed years carry the observed value instead.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from boligmonitor.outlook.paths import AreaDraws, ReferencePaths
from boligmonitor.outlook.series import FittedPanel
from boligmonitor.rules import RuleSet
from boligmonitor.schemas import REGIONS

QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
# The bands are read off at most this many draws of each area (the first ones): the 10th
# percentile of 1,000 draws is known to about a tenth of the band's width, plenty for a chart,
# and sorting all of 10,000 draws of 2,000 areas would cost more than drawing them.
QUANTILE_DRAWS = 1000
BAND_COLUMNS = ("lower_80", "lower_50", "median", "upper_50", "upper_80")


def _bands(arr: np.ndarray, axis: int) -> np.ndarray:
    """The five quantiles of ``arr`` over ``axis`` (first axis of the result)."""
    return np.quantile(arr, QUANTILES, axis=axis)


def area_projections(draws: AreaDraws, fitted: FittedPanel, scenario: str, first: int
                     ) -> pd.DataFrame:
    """One row per area of the chunk, indicator and data year from grid index ``first``:
    observed values from the data, the drawn years' quantiles from the draws."""
    s = len(draws.rows)
    years = fitted.years[first:]
    ids = fitted.area_index.to_numpy()[draws.rows]
    names = fitted.identity["area_name"].to_numpy()[draws.rows]
    parts = []
    for col in draws.values:
        drawn = np.zeros((s, len(years)), bool)
        offset = draws.start - first  # where the draws' years begin among the shown ones
        drawn[:, offset:] = draws.is_drawn[col][:, max(0, -offset):]
        cols = np.flatnonzero(drawn.any(axis=0))  # quantiles only where drawn
        bands = np.full((len(QUANTILES), s, len(years)), np.nan)
        if len(cols):
            cube = draws.cube(col)[cols - offset, :, :QUANTILE_DRAWS]  # years x areas x draws
            bands[:, :, cols] = np.moveaxis(_bands(cube, axis=2), 1, 2)
        observed = fitted.observed[col][draws.rows][:, first:]
        frame = {
            "area_id": np.repeat(ids, len(years)),
            "area_name": np.repeat(names, len(years)),
            "scenario": scenario,
            "indicator": col,
            "year": np.tile(years, s),
            "is_projected": drawn.ravel(),
            "observed": np.where(drawn, np.nan, observed).ravel(),
        }
        for name, band in zip(BAND_COLUMNS, bands, strict=True):
            frame[name] = np.where(drawn, band, np.nan).ravel()
        parts.append(pd.DataFrame(frame))
    return pd.concat(parts, ignore_index=True)


def reference_projections(refs: ReferencePaths, fitted: FittedPanel, first: int
                          ) -> pd.DataFrame:
    """One row per reference series (national, or a region) and data year."""
    years = fitted.years[first:]
    parts = []
    series = [(ind, "national", arr[None]) for ind, arr in refs.national.items()]
    series += [(ind, "regional", arr) for ind, arr in refs.regional.items()]
    for indicator, kind, arr in series:
        fit = fitted.references[(indicator, kind)]
        observed = fitted.reference_observed[(indicator, kind)][:, first:]
        bands = _bands(arr[:, :, first:], axis=1)  # (5, scopes, years)
        drawn = (np.arange(len(fitted.years))[None, :] > fit.last[:, None])[:, first:]
        drawn &= (fit.last >= 0)[:, None]
        scopes = ["national"] if kind == "national" else list(REGIONS)
        for i, scope in enumerate(scopes):
            if np.isnan(observed[i]).all() and np.isnan(bands[2, i]).all():
                continue
            frame = {"scope": scope, "indicator": indicator, "year": years,
                     "is_projected": drawn[i], "observed": np.where(drawn[i], np.nan,
                                                                    observed[i])}
            for name, band in zip(BAND_COLUMNS, bands[:, i], strict=True):
                frame[name] = np.where(drawn[i], band, np.nan)
            parts.append(pd.DataFrame(frame))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["scope", "indicator", "year", "is_projected", "observed", *BAND_COLUMNS])


def threshold_lines(refs: ReferencePaths, fitted: FittedPanel, rules: RuleSet, first: int
                    ) -> pd.DataFrame:
    """Each criterion's line by data year, with the bands of its moving reference.

    ``scope`` is ``absolute`` (a fixed line), ``national`` or a region's name; the residents'
    line is the area requirement (classification ``area``). The line of a data year is the
    threshold times that year's reference (the criterion itself compares averages
    over its window; the chart shows the yearly values against the yearly line).
    """
    years = fitted.years[first:]
    parts = []
    if rules.min_residents > 0:  # the area requirement: a line for the residents too
        frame = {"indicator": "residents", "classification": "area", "role": "area",
                 "criterion": "residents", "operator": rules.min_residents_operator,
                 "rules": rules.id, "scope": "absolute", "year": years, "is_projected": False}
        for name in BAND_COLUMNS:
            frame[name] = np.full(len(years), float(rules.min_residents))
        parts.append(pd.DataFrame(frame))
    for cl, crit in rules.criteria():
        base = {"indicator": crit.indicator, "classification": cl.id, "role": cl.role,
                "criterion": crit.id, "operator": crit.operator, "rules": rules.id}
        if crit.reference == "absolute":
            frame = {**base, "scope": "absolute", "year": years, "is_projected": False}
            for name in BAND_COLUMNS:
                frame[name] = np.full(len(years), crit.threshold)
            parts.append(pd.DataFrame(frame))
            continue
        if crit.reference == "national":
            arr = refs.national.get(crit.indicator)
            paths, scopes = (None, []) if arr is None else (arr[None], ["national"])
        else:
            paths = refs.regional.get(crit.indicator)
            scopes = list(REGIONS)
        if paths is None:
            continue
        fit = fitted.references[(crit.indicator, crit.reference)]
        bands = crit.threshold * _bands(paths[:, :, first:], axis=1)
        for i, scope in enumerate(scopes):
            if np.isnan(bands[2, i]).all():
                continue
            drawn = (np.arange(len(fitted.years)) > fit.last[i])[first:] & (fit.last[i] >= 0)
            frame = {**base, "scope": scope, "year": years, "is_projected": drawn}
            for name, band in zip(BAND_COLUMNS, bands[:, i], strict=True):
                frame[name] = band
            parts.append(pd.DataFrame(frame))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
