"""The outlook's state-space model: the vectorised Kalman filter is statsmodels' filter on the
same model, the pooled fit recovers known hyperparameters, and the shares' transform keeps
interior shares unbiased."""

from __future__ import annotations

import numpy as np
import pytest

from boligmonitor.outlook.models import (
    TrendParams,
    _pack,
    expit,
    fit,
    forecast,
    kalman_filter,
    loglik_batch,
    share_to_model,
)

sm = pytest.importorskip("statsmodels.api")


def _statsmodels_filter(y: np.ndarray, s: np.ndarray, p: TrendParams):
    # The level approximately diffuse, the slope from its stationary distribution.
    mod = sm.tsa.statespace.MLEModel(
        y, k_states=2, initialization="known", initial_state=np.array([0.0, p.drift]),
        initial_state_cov=np.diag([1e6, p.slope_var / (1 - p.damping**2)]),
        loglikelihood_burn=1)
    mod.ssm["state_intercept"] = np.array([[0.0], [(1 - p.damping) * p.drift]])
    mod.ssm["design"] = np.array([[1.0, 0.0]])
    mod.ssm["transition"] = np.array([[1.0, 1.0], [0.0, p.damping]])
    mod.ssm["selection"] = np.eye(2)
    mod.ssm["state_cov"] = np.diag([p.level_var, p.slope_var])
    mod.ssm["obs_cov"] = (s + p.irregular_var).reshape(1, 1, -1)
    return mod.ssm.filter()


def test_the_filter_is_statsmodels_filter_on_the_same_model():
    rng = np.random.default_rng(1)
    p = TrendParams(0.002, 0.0005, 0.001, 0.9, drift=0.03)
    ys = np.cumsum(rng.normal(0.02, 0.05, (3, 15)), axis=1) + rng.normal(0, 0.05, (3, 15))
    ys[1, 6] = np.nan  # a missing year is skipped, not zero
    s = rng.uniform(0.001, 0.01, ys.shape)
    ours = kalman_filter(ys, s, p)
    for i in range(3):
        ref = _statsmodels_filter(ys[i], s[i], p)
        assert ours.loglik[i] == pytest.approx(np.nansum(ref.llf_obs[1:]), rel=1e-9)
        assert ours.level[i] == pytest.approx(ref.filtered_state[0], rel=1e-7, abs=1e-9)
        assert ours.slope[i] == pytest.approx(ref.filtered_state[1], rel=1e-6, abs=1e-9)
        assert ours.p11[i] == pytest.approx(ref.filtered_state_cov[0, 0], rel=1e-6)
    # and the h-step forecasts are statsmodels' forecasts of the state
    mean, var = forecast(ours, p, np.full(3, 14), 3)
    ref = _statsmodels_filter(ys[0], s[0], p)
    a, pcov = ref.filtered_state[:, -1], ref.filtered_state_cov[:, :, -1]
    t = np.array([[1.0, 1.0], [0.0, p.damping]])
    c = np.array([0.0, (1 - p.damping) * p.drift])
    for h in range(3):
        a, pcov = c + t @ a, t @ pcov @ t.T + np.diag([p.level_var, p.slope_var])
        assert mean[0, h] == pytest.approx(a[0], rel=1e-9)
        assert var[0, h] == pytest.approx(pcov[0, 0], rel=1e-9)


def test_the_pooled_fit_recovers_the_hyperparameters_of_simulated_series():
    rng = np.random.default_rng(7)
    true = TrendParams(0.004, 0.0004, 0.002, 0.9, drift=-0.05)
    n, m = 400, 14
    s = np.full((n, m), 0.003)  # known sampling noise, as from a base of a few hundred
    level = rng.normal(0, 1, n)
    slope = rng.normal(true.drift, np.sqrt(true.slope_var / (1 - true.damping**2)), n)
    y = np.empty((n, m))
    for t in range(m):
        y[:, t] = level + rng.normal(0, np.sqrt(s[:, t] + true.irregular_var))
        level = level + slope + rng.normal(0, np.sqrt(true.level_var), n)
        slope = (true.drift + true.damping * (slope - true.drift)
                 + rng.normal(0, np.sqrt(true.slope_var), n))
    got = fit(y, s)
    assert got.level_var == pytest.approx(true.level_var, rel=0.3)
    assert got.irregular_var == pytest.approx(true.irregular_var, rel=0.4)
    assert got.slope_var == pytest.approx(true.slope_var, rel=0.4)
    assert got.damping == pytest.approx(true.damping, abs=0.03)
    assert got.drift == pytest.approx(true.drift, abs=0.01)
    assert got.n_series == n and got.n_obs == n * (m - 1)


def test_interior_shares_keep_their_value_and_shares_of_zero_get_half_a_person():
    share = np.array([[0.6, 0.0, 0.25]])
    base = np.array([[500.0, 99.0, np.nan]])
    z, s, mean = share_to_model(share, base)
    assert expit(z[0, 0]) == pytest.approx(0.6)
    assert expit(z[0, 1]) == pytest.approx(0.5 / 100)
    assert expit(z[0, 2]) == pytest.approx(0.25)
    assert s[0, 2] == 0.0  # no base, no known sampling noise
    assert s[0, 0] == pytest.approx(1 / (500 * mean[0] * (1 - mean[0])))


def test_the_fast_likelihood_is_the_filters_with_gaps_and_breaks():
    rng = np.random.default_rng(2)
    y = np.cumsum(rng.normal(0, 0.1, (6, 12)), axis=1)
    y[1, :3] = np.nan
    y[2, 5] = np.nan
    breaks = np.zeros(y.shape, bool)
    breaks[3, 7] = True
    s = rng.uniform(0, 0.01, y.shape)
    p = TrendParams(0.003, 0.0002, 0.002, 0.87, drift=-0.02)
    u = np.column_stack([_pack(np.log([[p.level_var, p.slope_var, p.irregular_var]]),
                               np.array([p.damping])), [[p.drift]]])
    for brk in (None, breaks):
        want = kalman_filter(y, s, p, breaks=brk).loglik.sum()
        assert loglik_batch(y, s, u, brk)[0] == pytest.approx(want, rel=1e-9)
