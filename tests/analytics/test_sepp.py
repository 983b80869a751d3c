"""EM recovers the parameters of a simulated self-exciting process (Mohler et al. 2011)."""

from __future__ import annotations

import numpy as np
import pytest

from bia.analytics.grid import Grid
from bia.analytics.models.sepp import candidate_pairs, fit_sepp, simulate_hawkes
from bia.analytics.projection import LocalProjection
from bia.analytics.types import SpaceTimeEvents


def _square_grid(width: float, cell: float) -> Grid:
    n = int(width / cell)
    return Grid(LocalProjection(0.0, 0.0), 0.0, 0.0, cell, n, n, np.ones((n, n), bool))


def test_em_recovers_known_parameters() -> None:
    rng = np.random.default_rng(1)
    theta, omega, sigma, mu = 0.4, 0.5, 100.0, 5.0
    x, y, t = simulate_hawkes(rng, mu_per_day=mu, days=300, width_m=5000, theta=theta,
                              omega=omega, sigma_m=sigma)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    fit = fit_sepp(ev, grid, 0.0, 300.0, background_m=1000.0)
    assert fit.theta == pytest.approx(theta, rel=0.15)
    assert fit.omega == pytest.approx(omega, rel=0.15)
    assert fit.sigma_m == pytest.approx(sigma, rel=0.15)
    assert fit.background.sum() == pytest.approx(mu, rel=0.15)  # events per day


def test_no_triggering_in_a_poisson_process() -> None:
    rng = np.random.default_rng(2)
    x, y, t = simulate_hawkes(rng, mu_per_day=5, days=200, width_m=5000, theta=0.0,
                              omega=1.0, sigma_m=100)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    fit = fit_sepp(ev, grid, 0.0, 200.0, background_m=1000.0)
    assert fit.theta < 0.08


def test_candidate_pairs_are_exact() -> None:
    rng = np.random.default_rng(0)
    x, y, t = rng.uniform(0, 2000, 300), rng.uniform(0, 2000, 300), np.sort(
        rng.uniform(0, 100, 300))
    i, j = candidate_pairs(x, y, t, 300.0, 10.0)
    got = set(zip(i.tolist(), j.tolist(), strict=True))
    dt = t[None, :] - t[:, None]
    d = np.hypot(x[None, :] - x[:, None], y[None, :] - y[:, None])
    ii, jj = np.nonzero((dt > 0) & (dt <= 10.0) & (d <= 300.0))
    assert got == set(zip(ii.tolist(), jj.tolist(), strict=True))
