"""Joint future paths: thousands of draws of every area's coming years, and of the references.

Each draw continues each series from where its Kalman filter left it: the level and slope are
drawn from their filtered distribution at the last observation (so the uncertainty about where
an area stands today is in every path), then carried forward year by year with the model's level
and slope shocks (and, at the rate the history showed, a break of the level), and observed as a
register counts: the irregular noise on the propensity, then the persons of the year's base
drawn one by one (binomial: the sampling noise of a small area, with its skew and its steps of
one person). The level shocks of an area's indicators are drawn together, with the correlation
of the indicators' one-step prediction errors (:func:`~.models.correlation`): a bad year for
employment tends to be a bad year for income too, and listing needs two criteria at once.

The references are drawn once per draw and shared by every area in that draw (the national
conviction share and each region's mean income): a draw where the country's conviction share
falls moves every area's relative threshold at once.

Draws are laid out area-major: row ``i * draws + d`` is draw ``d`` of area ``rows[i]``.
Everything is on the fitted grid of data years; observed values are kept as they are, and only
the years after each series' last observation are drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from boligmonitor.outlook.models import expit
from boligmonitor.outlook.series import (
    INCOME,
    INDICATORS,
    RESIDENTS,
    FittedPanel,
    SeriesFit,
)


@dataclass
class ReferencePaths:
    """Drawn reference values on the grid: ``national[indicator]`` is (draws x years),
    ``regional[indicator]`` (regions x draws x years); observed years hold the observed value."""

    first_year: int
    national: dict[str, np.ndarray]
    regional: dict[str, np.ndarray]


class DrawReferences:
    """The reference values each row of a panel of draws sees (the engine's ``averaged``)."""

    def __init__(self, paths: ReferencePaths, draw: np.ndarray, region: np.ndarray) -> None:
        self.paths = paths
        self.draw = draw
        self.region = region

    def averaged(self, indicator: str, reference: str, years: np.ndarray) -> np.ndarray:
        n = len(self.draw)
        table = self.paths.national if reference == "national" else self.paths.regional
        arr = table.get(indicator)
        if arr is None:
            return np.full(n, np.nan)
        idx = np.asarray(years) - self.paths.first_year
        if (idx < 0).any() or (idx >= arr.shape[-1]).any():
            return np.full(n, np.nan)
        mean = arr[..., idx].mean(axis=-1)
        if reference == "national":
            return mean[self.draw]
        out = mean[np.maximum(self.region, 0), self.draw]
        return np.where(self.region >= 0, out, np.nan)


def _start(f: SeriesFit, rows: np.ndarray, draws: int, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray]:
    """Level and slope of each row, drawn from the filtered state at its last observation."""
    last = np.maximum(f.last[rows], 0)
    flt = f.filtered
    a1, a2 = flt.level[rows, last], flt.slope[rows, last]
    p11 = np.maximum(flt.p11[rows, last], 0.0)
    l11 = np.sqrt(p11)
    with np.errstate(invalid="ignore", divide="ignore"):
        l21 = np.where(l11 > 0, flt.p12[rows, last] / l11, 0.0)
    l22 = np.sqrt(np.maximum(flt.p22[rows, last] - l21**2, 0.0))
    z1 = rng.standard_normal((len(rows), draws))
    z2 = rng.standard_normal((len(rows), draws))
    return a1[:, None] + l11[:, None] * z1, a2[:, None] + l21[:, None] * z1 + l22[:, None] * z2


def _step(f: SeriesFit, level: np.ndarray, slope: np.ndarray, shock: np.ndarray, go: np.ndarray,
          rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    p = f.params
    new_level = level + slope + np.sqrt(p.level_var) * shock
    new_slope = (p.drift + p.damping * (slope - p.drift)
                 + np.sqrt(p.slope_var) * _normal(rng, slope.shape))
    if go.all():
        return new_level, new_slope
    g = go[:, None]
    return np.where(g, new_level, level), np.where(g, new_slope, slope)


def _put(target: np.ndarray, go: np.ndarray, value: np.ndarray) -> None:
    """``target[i] = value[i]`` for the series ``go`` (every draw)."""
    if go.all():
        target[...] = value
    elif go.any():
        target[go] = value[go]


def draw_references(fitted: FittedPanel, draws: int, rng: np.random.Generator
                    ) -> ReferencePaths:
    """Draw every reference series ``draws`` times over the grid."""
    national: dict[str, np.ndarray] = {}
    regional: dict[str, np.ndarray] = {}
    m = len(fitted.years)
    for (indicator, scope), f in fitted.references.items():
        rows = np.arange(f.model.shape[0])
        observed = fitted.reference_observed[(indicator, scope)]
        out = np.repeat(observed[:, None, :], draws, axis=1)
        rows = rows[f.last >= 0]  # a series with too little data stays as observed
        if len(rows):
            last = f.last[rows]
            level, slope = _start(f, rows, draws, rng)
            noise_sd = np.sqrt(f.params.irregular_var)
            for t in range(int(last.min()) + 1, m):
                go = t > last
                level, slope = _step(f, level, slope, rng.standard_normal(level.shape), go, rng)
                y = level + noise_sd * rng.standard_normal(level.shape)
                value = expit(y) if f.transform == "logit" else np.exp(y)
                out[rows, :, t] = np.where(go[:, None], value, out[rows, :, t])
        if scope == "national":
            national[indicator] = out[0]
        else:
            regional[indicator] = out
    return ReferencePaths(fitted.first_year, national, regional)


@dataclass
class AreaDraws:
    """Draws of a chunk of areas, for the grid's data years from index ``start`` on.

    ``values[column]`` and ``bases[share]`` (the share's base in persons) are (rows*draws x
    years) on the natural scale: views of time-major storage (``cube``), so that the engine's
    reads of a year and the drawing of a year are contiguous. ``area`` and ``draw`` say whose
    draw each row is.
    """

    rows: np.ndarray  # the chunk's area indices
    draws: int
    start: int
    values: dict[str, np.ndarray]
    bases: dict[str, np.ndarray]
    is_drawn: dict[str, np.ndarray]  # (rows x years): True where the value was drawn
    has_row: np.ndarray  # (rows*draws x years)

    @property
    def area(self) -> np.ndarray:
        return np.repeat(self.rows, self.draws)

    @property
    def draw(self) -> np.ndarray:
        return np.tile(np.arange(self.draws), len(self.rows))

    def cube(self, column: str) -> np.ndarray:
        """``values[column]`` as (years x rows x draws)."""
        v = self.values[column]
        return v.T.reshape(v.shape[1], len(self.rows), self.draws)

    def copy(self) -> AreaDraws:
        return AreaDraws(self.rows, self.draws, self.start,
                         {k: _time_major_copy(v) for k, v in self.values.items()},
                         {k: _time_major_copy(v) for k, v in self.bases.items()},
                         self.is_drawn, self.has_row)


def _time_major_copy(v: np.ndarray) -> np.ndarray:
    return v.T.copy().T


def draw_areas(fitted: FittedPanel, rows: np.ndarray, draws: int, refs: ReferencePaths,
               rng: np.random.Generator, start: int = 0) -> AreaDraws:
    """Draw the coming years of the areas ``rows``, ``draws`` times each; keep the grid's years
    from index ``start`` on."""
    m = len(fitted.years)
    s = len(rows)
    names = [c for c in INDICATORS if c in fitted.areas]
    fits = [fitted.areas[c] for c in names]
    pos = [INDICATORS.index(c) for c in names]
    chol = np.linalg.cholesky(fitted.correlation[np.ix_(pos, pos)])
    last = {c: f.last[rows] for c, f in zip(names, fits, strict=True)}

    def storage(table: np.ndarray) -> np.ndarray:  # (years x rows x draws), observed repeated
        return np.repeat(table[rows][:, start:].T[:, :, None], draws, axis=2)

    out = {c: storage(fitted.observed[c]) for c in names}
    bases = {c: storage(f.base) for c, f in zip(names, fits, strict=True) if f.base is not None}
    base_last = {c: _at(fitted.areas[c].base, rows, last[c]) for c in bases}
    res_last = {c: _at(fitted.observed.get(RESIDENTS), rows, last[c]) for c in bases}
    state = {c: _start(f, rows, draws, rng) for c, f in zip(names, fits, strict=True)}
    starts = [last[c][last[c] >= 0] for c in names]
    t0 = int(np.concatenate(starts).min()) + 1 if any(len(x) for x in starts) else m
    regional = refs.regional.get(INCOME)
    region = fitted.region_code[rows]
    residents_now = None
    # A series not projected (too few observations) is drawn along but never stored: its
    # diffuse state may overflow, harmlessly.
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(t0, m):
            shocks = _normal(rng, (s, draws, len(names))) @ chol.T.astype(np.float32)
            for k, (c, f) in enumerate(zip(names, fits, strict=True)):
                go = (last[c] >= 0) & (t > last[c])
                level, slope = _step(f, *state[c], shocks[..., k], go, rng)
                if f.break_rate > 0:  # the rare breaks the history showed, at their rate and size
                    _jumps(level, go, f.break_rate, np.sqrt(f.break_var), rng)
                state[c] = (level, slope)
                if c in bases:
                    base = np.broadcast_to(base_last[c][:, None], level.shape)
                    if residents_now is not None:
                        with np.errstate(invalid="ignore", divide="ignore"):
                            moved = base_last[c][:, None] * (residents_now
                                                             / res_last[c][:, None])
                        base = np.where(np.isfinite(moved) & (moved > 0), moved, base)
                    base = np.round(base)  # whole persons, so that a share is a count over them
                    if t >= start:
                        _put(bases[c][t - start], go, base)
                    value = _binomial_share(level, f.params.irregular_var, base, rng)
                else:
                    y = level + np.sqrt(f.params.irregular_var) * _normal(rng, level.shape)
                    ref = None if regional is None else regional[np.maximum(region, 0), :, t]
                    value = _natural(c, f, y, ref, region)
                if c == RESIDENTS:
                    residents_now = value if go.all() else np.where(
                        go[:, None], value, fitted.observed[RESIDENTS][rows, t][:, None])
                if t >= start:
                    _put(out[c][t - start], go, value)
    grid = np.arange(start, m)
    is_drawn = {c: (grid[None, :] > last[c][:, None]) & (last[c] >= 0)[:, None] for c in names}
    has_row = fitted.has_row[rows][:, start:].copy()
    has_row[:, grid > last_data_index(fitted)] = active_areas(fitted)[rows][:, None]

    def flat(cube: np.ndarray) -> np.ndarray:  # (years x rows x draws) -> (rows*draws x years)
        return cube.reshape(m - start, s * draws).T

    return AreaDraws(rows, draws, start, {c: flat(v) for c, v in out.items()},
                     {c: flat(v) for c, v in bases.items()}, is_drawn,
                     np.repeat(has_row, draws, axis=0))


def _natural(c: str, f: SeriesFit, y: np.ndarray, regional: np.ndarray | None,
             region: np.ndarray) -> np.ndarray:
    """A drawn value on its own scale: residents in whole persons, a share from its logit, the
    income from its log (times the region's drawn mean where modelled relative to it)."""
    if c == RESIDENTS:
        return np.round(np.exp(y))
    if f.transform == "logit":
        return expit(y)
    if c == INCOME and f.relative and regional is not None:
        return np.where((region >= 0)[:, None], np.exp(y) * regional, np.nan)
    return np.exp(y)


def _normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal noise (single precision: noise needs no more, and it is drawn faster)."""
    return rng.standard_normal(shape, dtype=np.float32)


def _jumps(level: np.ndarray, go: np.ndarray, rate: float, sd: float,
           rng: np.random.Generator) -> None:
    """Add a break of size N(0, sd^2) to each cell with probability ``rate`` (in place)."""
    n = rng.binomial(level.size, rate)
    if n == 0:
        return
    cells = rng.choice(level.size, size=n, replace=False)
    rows = cells // level.shape[1]
    cells = cells[go[rows]]
    level.reshape(-1)[cells] += sd * rng.standard_normal(len(cells))


def _binomial_share(latent: np.ndarray, irregular_var: float, base: np.ndarray,
                    rng: np.random.Generator) -> np.ndarray:
    """The share a register counts: the propensity (the level plus the irregular noise), then
    the persons of the base drawn one by one (the sampling noise of a small area, with its skew
    and its steps of 1 / base). Where the count's variance is large (n p (1 - p) >= 25) the two
    noises are drawn as one normal on the logit scale (the model's own approximation) and the
    count rounded to whole persons: the same to well within the Monte Carlo noise, and much
    faster. Where the base is unknown the noise is only the model's."""
    p0 = expit(latent)
    known = np.isfinite(base) & (base > 0)
    n = np.where(known, base, 0.0)
    binom_var = n * p0 * (1 - p0)
    with np.errstate(invalid="ignore", divide="ignore"):
        logit_var = irregular_var + np.where(binom_var > 0, 1.0 / binom_var, 0.0)
    p = expit(latent + np.sqrt(logit_var) * _normal(rng, latent.shape))
    count = np.round(n * p)
    small = known & (binom_var < 25)
    if small.any():
        ps = expit(latent[small] + np.sqrt(irregular_var) * rng.standard_normal(small.sum()))
        count[small] = rng.binomial(n[small].astype(np.int64), ps)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known, count / np.where(known, n, 1.0), p)


def _at(arr: np.ndarray | None, rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``arr[rows, index]`` (NaN where ``arr`` is None or the index is -1)."""
    if arr is None:
        return np.full(len(rows), np.nan)
    out = arr[rows, np.maximum(index, 0)]
    return np.where(index >= 0, out, np.nan)


def last_data_index(fitted: FittedPanel) -> int:
    """The grid index of the last data year any area has a row in."""
    years_with_rows = np.flatnonzero(fitted.has_row.any(axis=0))
    return int(years_with_rows.max()) if len(years_with_rows) else -1


def active_areas(fitted: FittedPanel) -> np.ndarray:
    """The areas that have a row in the last data year: the ones projected."""
    end = last_data_index(fitted)
    return fitted.has_row[:, end] if end >= 0 else np.zeros(len(fitted.area_index), bool)
