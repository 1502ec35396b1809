"""From the input tables to fitted models: every indicator of every area, and the references.

:func:`fit_panel` lays the indicators (layout a) and the reference values (layout c) on one grid
of data years, moves each series to its model scale (:mod:`.models`), estimates one set of
hyperparameters per indicator pooled over the areas, and filters every series. What it returns
(:class:`FittedPanel`) is all :mod:`.paths` needs to draw the coming years.

Which series are modelled, and how:

* the resident count (log scale), without sampling noise (it is a count, not an estimate);
* the four shares (logit scale) with binomial sampling noise from their bases: the count columns
  where given, else the residents times the age group's usual share of them
  (:data:`BASE_FRACTION`, an approximation said in the fit table);
* the mean income relative to the region's (log of the ratio), where the regional reference
  values are given for the areas' regions: the income criterion compares the two, and an area's
  income moves with its region's; else the income itself (log scale);
* the national conviction share (logit) and the regional mean incomes (log, pooled over the
  regions), the references of the relative thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from boligmonitor.criteria import identity_table
from boligmonitor.criteria.sources import Panel
from boligmonitor.outlook.models import (
    BREAK_Z,
    Filtered,
    TrendParams,
    correlation,
    fit,
    kalman_filter,
    share_to_model,
)
from boligmonitor.schemas import REGIONS, SHARE_COUNTS

RESIDENTS = "residents"
INCOME = "mean_gross_income_15_64"
CONVICTED = "share_convicted_18plus"
# The modelled indicators, in the order they are drawn (residents first: the others' bases
# follow them).
INDICATORS = (
    RESIDENTS,
    "share_non_western",
    "share_outside_work_education_18_64",
    CONVICTED,
    "share_basic_education_30_59",
    INCOME,
)
SHARES = tuple(c for c in INDICATORS if c in SHARE_COUNTS)
# Where a share comes without its base, the base is approximated by the residents times the age
# group's share of the Danish population (Statistics Denmark, FOLK1A, 1 January 2024, rounded).
# Public housing areas are younger than the country, so these overstate the base a little and
# understate the sampling noise; the fit table says where the approximation was used.
BASE_FRACTION = {"n_residents_18_64": 0.62, "n_residents_18plus": 0.80, "n_residents_30_59": 0.39}
# A series is projected from at least this many observations (fewer say nothing of a trend).
MIN_OBS = 3


@dataclass
class SeriesFit:
    """One indicator (or reference) modelled for many series on the common year grid."""

    name: str
    transform: str  # "logit" or "log"
    params: TrendParams
    filtered: Filtered
    model: np.ndarray  # (series x years) on the model scale, NaN where unknown
    sampling: np.ndarray  # (series x years) sampling variance on the model scale
    last: np.ndarray  # index of each series' last observation (-1: too few to project)
    base: np.ndarray | None = None  # (series x years) the base in persons (shares)
    mean_share: np.ndarray | None = None  # (series,) the share the sampling noise is taken at
    relative: bool = False  # income: modelled relative to the regional reference
    base_note: str = ""
    breaks: np.ndarray | None = None  # (series x years) the years taken for breaks
    break_rate: float = 0.0  # breaks per series and year
    break_var: float = 0.0  # the variance of a break's size on the model scale


@dataclass
class FittedPanel:
    """The fitted models of every area and reference on one grid of data years."""

    years: np.ndarray
    identity: pd.DataFrame
    area_index: pd.Index
    region_code: np.ndarray  # per area, index into REGIONS (-1 unknown)
    has_row: np.ndarray  # (areas x years)
    observed: dict[str, np.ndarray]  # natural scale, (areas x years), every engine column
    areas: dict[str, SeriesFit]
    references: dict[tuple[str, str], SeriesFit]  # (indicator, "national"/"regional")
    reference_observed: dict[tuple[str, str], np.ndarray]
    correlation: np.ndarray  # of the level shocks of INDICATORS
    notes: list[str] = field(default_factory=list)

    @property
    def first_year(self) -> int:
        return int(self.years[0])

    def index(self, year: int) -> int:
        return int(year) - self.first_year


def _last_observed(model: np.ndarray) -> np.ndarray:
    """Index of each row's last non-missing value; -1 where it has too few to be projected."""
    known = ~np.isnan(model)
    last = model.shape[1] - 1 - np.argmax(known[:, ::-1], axis=1)
    return np.where(known.sum(axis=1) >= MIN_OBS, last, -1)


def _fit_series(name: str, transform: str, model: np.ndarray, sampling: np.ndarray, *,
                find_breaks: bool = False, **extra) -> SeriesFit:
    """Fit one indicator's model; with ``find_breaks``, a year whose prediction error is beyond
    :data:`~.models.BREAK_Z` standard deviations is taken for a break of the level, and the
    model is fitted again with the level starting afresh there (so that a demolition does not
    pass for everyday noise). The breaks' frequency and size are kept for the draws."""
    params = fit(model, sampling)
    flt = kalman_filter(model, sampling, params)
    breaks = np.zeros(model.shape, bool)
    rate, size_var = 0.0, 0.0
    if find_breaks:
        with np.errstate(invalid="ignore"):
            breaks = np.abs(flt.innovation) > BREAK_Z
        if breaks.any():
            counted = int((~np.isnan(flt.innovation)).sum())
            rate = float(breaks.sum() / max(counted, 1))
            size_var = float(np.mean(flt.residual[breaks] ** 2))
            params = fit(model, sampling, breaks, start=params)
            flt = kalman_filter(model, sampling, params, breaks=breaks)
    return SeriesFit(name, transform, params, flt, model, sampling, _last_observed(model),
                     breaks=breaks, break_rate=rate, break_var=size_var, **extra)


def _grid(indicators: pd.DataFrame, references: pd.DataFrame | None, until: int) -> np.ndarray:
    years = [int(indicators["year"].min()), int(indicators["year"].max()), until]
    if references is not None and len(references):
        years += [int(references["year"].min()), int(references["year"].max())]
    return np.arange(min(years), max(years) + 1)


def _reference_block(references: pd.DataFrame | None, indicator: str, scopes: list[str],
                     years: np.ndarray) -> np.ndarray:
    out = np.full((len(scopes), len(years)), np.nan)
    if references is None or references.empty:
        return out
    ref = references[references["indicator"] == indicator]
    for i, scope in enumerate(scopes):
        rows = ref[ref["scope"] == scope]
        idx = rows["year"].to_numpy(dtype=np.int64) - years[0]
        ok = (idx >= 0) & (idx < len(years))
        out[i, idx[ok]] = rows["value"].to_numpy(dtype=float)[ok]
    return out


def fit_panel(indicators: pd.DataFrame, references: pd.DataFrame | None, *,
              until: int) -> FittedPanel:
    """Fit every indicator of every area and the references, on data years up to ``until``.

    ``until`` is the last data year the coming list years need; the grid runs from the first
    year of the data to it, and what lies beyond the data is left to :mod:`.paths`.
    """
    identity = identity_table([indicators])
    area_index = pd.Index(identity["area_id"].to_numpy())
    years = _grid(indicators, references, until)
    columns = [c for c in indicators.columns
               if c not in ("area_id", "area_name", "municipality", "region", "year")]
    shifted = indicators.assign(year=indicators["year"] - int(years[0]))
    panel = Panel(shifted, area_index, "year", columns)
    m = len(years)

    def block(col: str) -> np.ndarray:
        out = np.full((len(area_index), m), np.nan)
        arr = panel.arrays.get(col)
        if arr is not None:
            out[:, panel.y0:panel.y0 + panel.m] = arr
        return out

    has_row = np.zeros((len(area_index), m), bool)
    has_row[:, panel.y0:panel.y0 + panel.m] = panel.has_row
    observed = {c: block(c) for c in columns}
    for share, (num, den) in SHARE_COUNTS.items():  # a share given only by its counts
        if share not in observed and num in observed and den in observed:
            with np.errstate(invalid="ignore", divide="ignore"):
                observed[share] = np.where(observed[den] > 0, observed[num] / observed[den],
                                           np.nan)
    region_names = identity["region"].astype(str).to_numpy()
    region_code = np.array([REGIONS.index(r) if r in REGIONS else -1 for r in region_names])
    notes: list[str] = []

    refs: dict[tuple[str, str], SeriesFit] = {}
    ref_observed: dict[tuple[str, str], np.ndarray] = {}
    national = _reference_block(references, CONVICTED, ["national"], years)
    if (~np.isnan(national)).sum() >= MIN_OBS:
        z, s, _ = share_to_model(national, np.full_like(national, np.nan))
        refs[(CONVICTED, "national")] = _fit_series(CONVICTED, "logit", z, s)
        ref_observed[(CONVICTED, "national")] = national
    regional = _reference_block(references, INCOME, list(REGIONS), years)
    if ((~np.isnan(regional)).sum(axis=1) >= MIN_OBS).any():
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.log(np.where(regional > 0, regional, np.nan))
        refs[(INCOME, "regional")] = _fit_series(INCOME, "log", z, np.zeros_like(z))
        ref_observed[(INCOME, "regional")] = regional

    fits: dict[str, SeriesFit] = {}
    residents = observed.get(RESIDENTS, np.full((len(area_index), m), np.nan))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.log(np.where(residents > 0, residents, np.nan))
    fits[RESIDENTS] = _fit_series(RESIDENTS, "log", z, np.zeros_like(z), find_breaks=True)
    for share in SHARES:
        values = observed.get(share)
        if values is None:
            continue
        num, den = SHARE_COUNTS[share]
        base = observed.get(den)
        note = ""
        if den != RESIDENTS and (base is None or np.isnan(base[~np.isnan(values)]).any()):
            approx = residents * BASE_FRACTION[den]
            base = approx if base is None else np.where(np.isnan(base), approx, base)
            note = "base approximated from residents"
        base = residents if base is None else base
        z, s, mean = share_to_model(values, base)
        fits[share] = _fit_series(share, "logit", z, s, find_breaks=True, base=base,
                                  mean_share=mean, base_note=note)
    income = observed.get(INCOME)
    if income is not None:
        ref = regional[np.maximum(region_code, 0)]
        ref[region_code < 0] = np.nan
        # Relative to the region where every area's latest income has its region's reference
        # (an earlier year without one is a missing observation of the ratio).
        last = _last_observed(np.where(np.isnan(income), np.nan, 0.0))
        has = last >= 0
        relative = (INCOME, "regional") in refs and bool(
            (~np.isnan(ref[np.flatnonzero(has), last[has]])).all())
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.log(np.where(income > 0, income, np.nan))
            if relative:
                z = z - np.log(ref)
        fits[INCOME] = _fit_series(INCOME, "log", z, np.zeros_like(z), find_breaks=True,
                                   relative=relative)
        if not relative:
            notes.append("income_absolute")
    corr = correlation([fits[c].filtered.innovation.ravel() if c in fits
                        else np.full(1, np.nan) for c in INDICATORS])
    return FittedPanel(years, identity, area_index, region_code, has_row, observed, fits, refs,
                       ref_observed, corr, notes)


def fit_table(fitted: FittedPanel) -> pd.DataFrame:
    """One row per modelled series: its hyperparameters and how much data they rest on."""
    rows = []
    for name, f in fitted.areas.items():
        rows.append({"series": name, "scope": "areas", "transform": f.transform,
                     **f.params.as_dict(), "break_rate": f.break_rate,
                     "break_sd": float(np.sqrt(f.break_var)), "relative_to_region": f.relative,
                     "n_projected": int((f.last >= 0).sum()), "note": f.base_note})
    for (name, scope), f in fitted.references.items():
        rows.append({"series": name, "scope": scope, "transform": f.transform,
                     **f.params.as_dict(), "break_rate": 0.0, "break_sd": 0.0,
                     "relative_to_region": False,
                     "n_projected": int((f.last >= 0).sum()), "note": ""})
    return pd.DataFrame(rows)
