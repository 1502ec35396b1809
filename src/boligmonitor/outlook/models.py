"""The projection model: a damped local linear trend with known sampling noise.

For each indicator (and each reference series) the yearly values of many areas are modelled on a
transformed scale (logit for shares, log for amounts and counts) as a linear Gaussian
state-space model, the damped local linear trend of Harvey (1989) and Gardner and McKenzie
(1985)::

    y[t]       = level[t] + e[t],                             e[t] ~ N(0, s[t] + irregular_var)
    level[t+1] = level[t] + slope[t] + u[t],                  u[t] ~ N(0, level_var)
    slope[t+1] = drift + damping * (slope[t] - drift) + w[t], w[t] ~ N(0, slope_var)

``s[t]`` is the sampling noise a small area carries, known from its counts: a share of ``n``
persons moves by chance with binomial variance, ``1 / (n p (1 - p))`` on the logit scale. The
four hyperparameters are shared by every area of one indicator and estimated by maximum
likelihood over all of them at once (pooling: a series of 10-15 points cannot estimate four
variances alone, a few hundred series can); each area keeps its own level, slope and sampling
noise. An area's own trend is damped, not towards zero but towards the ``drift`` all areas share
(a national trend of the indicator, estimated with the rest): an area that improved faster than
the country is expected to return to the country's pace, not to stand still. The first
observation of each series only initialises its level (approximate diffuse, as statsmodels'
``approximate_diffuse`` with a burn-in of one); the slope starts from its stationary
distribution, N(drift, slope_var / (1 - damping^2)).

The Kalman filter here is vectorised over series (one numpy operation per year for all areas);
the tests check it against statsmodels' state-space filter on the same model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special
from scipy.optimize import minimize

# The initial level is unknown (approximate diffuse: a variance of 1e6, statsmodels' default,
# and its first observation only initialises it). The initial slope is drawn from its
# stationary distribution, N(drift, slope_var / (1 - damping^2)): a damped slope is a stationary
# AR(1), and treating it as diffuse too would bias the damping down (its loading on the data
# depends on the damping; Francke, Koopman and de Vos, 2010).
DIFFUSE_VARIANCE = 1e6
BURN = 1
# The damping of the trend is kept in the range recommended for short series (Hyndman et al.,
# Forecasting with Exponential Smoothing, 2008, ch. 5): a trend is believed, but not forever.
DAMPING_BOUNDS = (0.80, 0.98)
VAR_BOUNDS = (1e-8, 1.0)
# A one-step prediction error beyond this many standard deviations is taken for a break of the
# level (a renovation, a demolition, a new letting policy), not for noise: P = 0.0005 under
# the model.
BREAK_Z = 3.5
# The hyperparameters are estimated on at most this many series (drawn at random, seeded): a few
# hundred series pin down five parameters; more would add time, not precision. Every series is
# still filtered with them.
MAX_FIT_SERIES = 500
LOG2PI = np.log(2 * np.pi)


@dataclass(frozen=True)
class TrendParams:
    """The hyperparameters of one indicator's model (shared by all its series)."""

    level_var: float
    slope_var: float
    irregular_var: float
    damping: float
    drift: float = 0.0
    loglik: float = float("nan")
    n_obs: int = 0
    n_series: int = 0

    def as_dict(self) -> dict[str, float]:
        return {"level_var": self.level_var, "slope_var": self.slope_var,
                "irregular_var": self.irregular_var, "damping": self.damping,
                "drift": self.drift, "loglik": self.loglik, "n_obs": self.n_obs,
                "n_series": self.n_series}


@dataclass
class Filtered:
    """What the Kalman filter leaves: the state after each year, per series.

    ``level``, ``slope``, ``p11``, ``p12``, ``p22``: (series x years) filtered state means and
    covariance after year t (predicted where year t had no observation). ``innovation``: the
    standardised one-step prediction error of each observation after the burn-in (NaN elsewhere).
    ``n_seen``: how many observations the series had up to and including year t.
    ``residual``: the raw one-step prediction error of each observation (NaN where none).
    """

    level: np.ndarray
    slope: np.ndarray
    p11: np.ndarray
    p12: np.ndarray
    p22: np.ndarray
    innovation: np.ndarray
    n_seen: np.ndarray
    loglik: np.ndarray  # per series
    residual: np.ndarray | None = None


def kalman_filter(y: np.ndarray, s: np.ndarray, params: TrendParams, *,
                  keep: bool = True, breaks: np.ndarray | None = None) -> Filtered:
    """Filter the series ``y`` (series x years, NaN where missing) with sampling variance ``s``.

    ``breaks`` (series x years) marks the years where the level breaks (a renovation, a
    demolition): the level starts afresh there, and that year's observation only re-initialises
    it. With ``keep=False`` only the log-likelihood is computed (for fitting).
    """
    n, m = y.shape
    brk = np.zeros((n, m), bool) if breaks is None else breaks
    phi, mu = params.damping, params.drift
    q1, q2, r = params.level_var, params.slope_var, params.irregular_var
    a1 = np.zeros(n)
    a2 = np.full(n, mu)
    p11 = np.full(n, DIFFUSE_VARIANCE)
    p12 = np.zeros(n)
    p22 = np.full(n, q2 / (1 - phi * phi))
    seen = np.zeros(n, dtype=np.int64)
    ll = np.zeros(n)
    out = None
    if keep:
        out = {k: np.full((n, m), np.nan)
               for k in ("level", "slope", "p11", "p12", "p22", "inn", "res")}
        n_seen = np.zeros((n, m), dtype=np.int64)
    for t in range(m):
        if t > 0:  # predict year t from year t-1
            a1 = a1 + a2
            a2 = mu + phi * (a2 - mu)
            n11 = p11 + 2 * p12 + p22 + q1
            n12 = phi * (p12 + p22)
            n22 = phi * phi * p22 + q2
            p11, p12, p22 = n11, n12, n22
        p11 = p11 + DIFFUSE_VARIANCE * brk[:, t]
        yt = y[:, t]
        obs = ~np.isnan(yt)
        f = p11 + s[:, t] + r
        v = np.where(obs, yt - a1, 0.0)
        fs = np.where(obs, f, 1.0)
        k1 = p11 / fs
        k2 = p12 / fs
        a1 = np.where(obs, a1 + k1 * v, a1)
        a2 = np.where(obs, a2 + k2 * v, a2)
        u11 = p11 - k1 * p11
        u12 = p12 - k1 * p12
        u22 = p22 - k2 * p12
        p11 = np.where(obs, u11, p11)
        p12 = np.where(obs, u12, p12)
        p22 = np.where(obs, u22, p22)
        counted = obs & (seen >= BURN) & ~brk[:, t]
        ll = ll + np.where(counted, -0.5 * (LOG2PI + np.log(fs) + v * v / fs), 0.0)
        seen = seen + obs
        if out is not None:
            out["level"][:, t], out["slope"][:, t] = a1, a2
            out["p11"][:, t], out["p12"][:, t], out["p22"][:, t] = p11, p12, p22
            out["inn"][:, t] = np.where(counted, v / np.sqrt(fs), np.nan)
            out["res"][:, t] = np.where(obs & (seen >= BURN), v, np.nan)
            n_seen[:, t] = seen
    if out is None:
        empty = np.empty((0, 0))
        return Filtered(empty, empty, empty, empty, empty, empty, np.empty((0, 0), int), ll)
    return Filtered(out["level"], out["slope"], out["p11"], out["p12"], out["p22"],
                    out["inn"], n_seen, ll, out["res"])


def _sigmoid(u: np.ndarray) -> np.ndarray:
    return special.expit(u)


def _unpack(u: np.ndarray) -> tuple[np.ndarray, ...]:
    """Level, slope and irregular variances and damping from unconstrained ``u`` (rows of
    five; the fifth, the drift, is used as it is): each is kept inside its bounds by a logistic
    map, so the optimiser needs none."""
    lb, ub = np.log(VAR_BOUNDS[0]), np.log(VAR_BOUNDS[1])
    lo, hi = DAMPING_BOUNDS
    q = np.exp(lb + (ub - lb) * _sigmoid(u[..., :3]))
    return q[..., 0], q[..., 1], q[..., 2], lo + (hi - lo) * _sigmoid(u[..., 3])


def _pack(log_vars: np.ndarray, damping: np.ndarray) -> np.ndarray:
    lb, ub = np.log(VAR_BOUNDS[0]), np.log(VAR_BOUNDS[1])
    lo, hi = DAMPING_BOUNDS
    fv = np.clip((log_vars - lb) / (ub - lb), 1e-6, 1 - 1e-6)
    fd = np.clip((damping - lo) / (hi - lo), 1e-6, 1 - 1e-6)
    return np.concatenate([np.log(fv) - np.log1p(-fv), (np.log(fd) - np.log1p(-fd))[..., None]],
                          axis=-1)


def loglik_batch(y: np.ndarray, s: np.ndarray, u: np.ndarray,
                 breaks: np.ndarray | None = None) -> np.ndarray:
    """The log-likelihood summed over the series of ``y`` for each row of ``u`` (unconstrained
    parameter vectors, see :func:`_unpack`): one filter pass for many parameter vectors at once
    (a value and its finite differences, or a grid). ``breaks`` as in :func:`kalman_filter`.

    The same recursions as :func:`kalman_filter`, written for speed: a missing observation sets
    the gains to zero instead of branching.
    """
    q1, q2, r, phi = (v[:, None] for v in _unpack(u))
    mu = u[:, 4:5]
    shape = (u.shape[0], y.shape[0])
    a1, a2 = np.zeros(shape), np.broadcast_to(mu, shape).copy()
    p11, p12 = np.full(shape, DIFFUSE_VARIANCE), np.zeros(shape)
    p22 = np.broadcast_to(q2 / (1 - phi * phi), shape).copy()
    obs_all = ~np.isnan(y)
    seen_before = np.cumsum(obs_all, axis=1) - obs_all  # observations before year t
    counted_all = obs_all & (seen_before >= BURN)
    if breaks is not None:
        counted_all &= ~breaks
    obs_f = obs_all.astype(float)
    counted_f = counted_all.astype(float)
    y0 = np.where(obs_all, y, 0.0)
    total = np.zeros(shape)
    for t in range(y.shape[1]):
        if t > 0:
            a1 = a1 + a2
            a2 = mu + phi * (a2 - mu)
            p11, p12, p22 = p11 + 2 * p12 + p22 + q1, phi * (p12 + p22), phi * phi * p22 + q2
        if breaks is not None and breaks[:, t].any():
            p11 = p11 + DIFFUSE_VARIANCE * breaks[:, t]
        f = p11 + (s[:, t] + r)
        o = obs_f[:, t]
        v = (y0[:, t] - a1) * o
        k1, k2 = p11 * o / f, p12 * o / f
        a1 = a1 + k1 * v
        a2 = a2 + k2 * v
        p22 = p22 - k2 * p12
        p12 = p12 - k1 * p12
        p11 = p11 - k1 * p11
        total += (np.log(f) + v * v / f) * counted_f[:, t]
    return -0.5 * (LOG2PI * counted_f.sum() + total.sum(axis=1))


def fit(y: np.ndarray, s: np.ndarray, breaks: np.ndarray | None = None,
        start: TrendParams | None = None) -> TrendParams:
    """Estimate the hyperparameters by maximum likelihood pooled over all series of ``y``.

    A series with one observation adds nothing (it only initialises the level). With no usable
    observation the result is a flat, quiet model (and ``n_obs`` 0).
    A coarse grid, evaluated in one batched filter pass, finds the basin (the likelihood of
    short series can have a second mode where the slope takes over the level's noise); BFGS
    refines the best grid point (and the second best where it is within 2 log-likelihood units),
    on parameters mapped inside :data:`VAR_BOUNDS` and :data:`DAMPING_BOUNDS`, with
    forward-difference gradients from one batched pass each. The precision asked (gradient of
    the mean log-likelihood below 3e-4) is far finer than the hyperparameters are known. With
    ``start`` (a fit of the same series, say before breaks were found) BFGS starts there.
    """
    counts = (~np.isnan(y)).sum(axis=1)
    n_obs = int(np.maximum(counts - BURN, 0).sum())
    if n_obs == 0:
        return TrendParams(VAR_BOUNDS[0], VAR_BOUNDS[0], VAR_BOUNDS[0], DAMPING_BOUNDS[0],
                           0.0, float("nan"), 0, 0)
    keep = counts > BURN
    if keep.sum() > MAX_FIT_SERIES:
        chosen = np.random.default_rng(0).choice(np.flatnonzero(keep), MAX_FIT_SERIES,
                                                 replace=False)
        keep = np.zeros(len(keep), bool)
        keep[chosen] = True
        n_obs = int(np.maximum(counts[keep] - BURN, 0).sum())
    brk = np.zeros(y.shape, bool) if breaks is None else breaks
    y, s, brk = y[keep], s[keep], brk[keep]
    cols = np.flatnonzero((~np.isnan(y)).any(axis=0))
    span = slice(cols[0], cols[-1] + 1)
    y, s, brk = y[:, span], s[:, span], brk[:, span]
    n_obs = max(n_obs - int((brk & ~np.isnan(y)).sum()), 1)
    d = np.diff(np.where(brk, np.nan, y), axis=1)
    brk = brk if brk.any() else None
    d = d[~np.isnan(d)]
    scale = float(np.var(d)) if len(d) > 1 else 1e-4
    scale = min(max(scale, 1e-6), 0.5)
    step = 1e-5

    def nll_grad(u: np.ndarray) -> tuple[float, np.ndarray]:
        values = -loglik_batch(y, s, np.vstack([u, u + step * np.eye(5)]), brk) / n_obs
        values = np.where(np.isfinite(values), values, 1e10)
        return float(values[0]), (values[1:] - values[0]) / step

    logs = np.log(scale * np.array([1e-3, 1e-2, 1e-1, 1.0]))
    g1, g2, g3, g4 = np.meshgrid(logs, logs - np.log(10.0), logs, np.array([0.84, 0.9, 0.96]),
                                 indexing="ij")
    drift = float(np.median(d)) if len(d) else 0.0
    grid = _pack(np.stack([g1.ravel(), g2.ravel(), g3.ravel()], axis=-1), g4.ravel())
    grid = np.column_stack([grid, np.full(len(grid), drift)])
    if start is not None:
        grid = np.column_stack([
            _pack(np.log(np.clip([[start.level_var, start.slope_var, start.irregular_var]],
                                 *VAR_BOUNDS)), np.array([start.damping])),
            [[start.drift]]])
    values = -loglik_batch(y, s, grid, brk)
    order = np.argsort(np.where(np.isfinite(values), values, np.inf), kind="stable")
    best = None
    for k in order[:2]:
        if best is not None and values[k] - values[order[0]] > 2.0:
            break  # the second basin is far behind: not worth refining
        res = minimize(nll_grad, grid[k], jac=True, method="BFGS",
                       options={"maxiter": 60, "gtol": 3e-4})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None
    q1, q2, r, phi = (float(v) for v in _unpack(best.x))
    return TrendParams(q1, q2, r, phi, float(best.x[4]), float(-best.fun * n_obs), n_obs,
                       int(keep.sum()))


def forecast(flt: Filtered, params: TrendParams, origin: np.ndarray, horizon: int,
             rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The h-step state forecasts (h = 1..horizon) of the series ``rows`` (default: all) from
    the year ``origin`` (an index per series): the mean of the level and its variance (without
    observation noise). Returns two (series x horizon) arrays.
    """
    rows = np.arange(len(origin)) if rows is None else rows
    a1, a2 = flt.level[rows, origin], flt.slope[rows, origin]
    p11, p12, p22 = flt.p11[rows, origin], flt.p12[rows, origin], flt.p22[rows, origin]
    phi, mu, q1, q2 = params.damping, params.drift, params.level_var, params.slope_var
    mean = np.empty((len(origin), horizon))
    var = np.empty((len(origin), horizon))
    for h in range(horizon):
        a1 = a1 + a2
        a2 = mu + phi * (a2 - mu)
        p11, p12, p22 = p11 + 2 * p12 + p22 + q1, phi * (p12 + p22), phi * phi * p22 + q2
        mean[:, h], var[:, h] = a1, p11
    return mean, var


def correlation(innovations: list[np.ndarray]) -> np.ndarray:
    """The correlation of the standardised innovations of several indicators of the same areas
    and years (pairwise complete), made positive definite. Used to draw their shocks jointly."""
    k = len(innovations)
    r = np.eye(k)
    for i in range(k):
        for j in range(i + 1, k):
            a, b = innovations[i], innovations[j]
            ok = ~np.isnan(a) & ~np.isnan(b)
            if ok.sum() >= 10:
                c = np.corrcoef(a[ok], b[ok])[0, 1]
                r[i, j] = r[j, i] = 0.0 if not np.isfinite(c) else c
    w, v = np.linalg.eigh(r)
    w = np.clip(w, 1e-3, None)
    r = (v * w) @ v.T
    d = np.sqrt(np.diag(r))
    return r / np.outer(d, d)


# --- transforms ---------------------------------------------------------------------------------

def logit(p: np.ndarray) -> np.ndarray:
    return special.logit(p)


def expit(z: np.ndarray) -> np.ndarray:
    return special.expit(z)


def share_to_model(share: np.ndarray, base: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shares (series x years) and their bases (persons, NaN where unknown) to the logit scale,
    with the binomial sampling variance of each year and each series' mean share.

    A share of 0 or 1 has no logit: it is moved half a person towards the middle
    (``0.5 / (n + 1)``; 1e-4 where the base is unknown); other shares are kept as they are, so
    that a projection back-transforms to the share's own scale without bias at the median. The
    sampling variance uses the series' mean share (a single year's share is itself noisy) and
    the year's base: ``1 / (n p (1 - p))``, the binomial variance on the logit scale.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        has_base = np.isfinite(base) & (base > 0)
        edge = np.where(has_base, 0.5 / (base + 1.0), 1e-4)
        adj = np.clip(share, edge, 1 - edge)
        known = ~np.isnan(share)
        count = known.sum(axis=1, keepdims=True)
        total = np.where(known, adj, 0.0).sum(axis=1, keepdims=True)
        mean = np.where(count > 0, total / np.maximum(count, 1), 0.5)
        s = np.where(has_base, sampling_variance(base, mean), 0.0)
    return np.where(np.isnan(share), np.nan, logit(adj)), s, mean[:, 0]


def sampling_variance(base: np.ndarray, share: np.ndarray) -> np.ndarray:
    """The binomial sampling variance of a share of ``base`` persons on the logit scale."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(base > 0, 1.0 / (base * share * (1 - share)), 0.0)
