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


def test_em_recovers_a_known_daily_cycle_of_the_background() -> None:
    rng = np.random.default_rng(3)
    hours = np.arange(24)
    true = 1.0 + 0.8 * np.cos(2 * np.pi * (hours + 0.5 - 23.0) / 24.0)  # peak near 23:00
    x, y, t = simulate_hawkes(rng, mu_per_day=20, days=200, width_m=5000, theta=0.3,
                              omega=0.5, sigma_m=100.0, daily=true)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    fit = fit_sepp(ev, grid, 0.0, 200.0, background_m=1000.0)
    expected = true / true.mean()
    # ~170 background events per hour bin: ±8 % noise per bin
    assert np.abs(fit.daily - expected).mean() < 0.1
    assert np.abs(fit.daily - expected).max() < 0.35
    assert np.corrcoef(fit.daily, expected)[0, 1] > 0.97
    assert int(np.argmax(fit.daily)) in (22, 23, 0)
    assert fit.theta == pytest.approx(0.3, rel=0.2)  # the cycle does not leak into triggering
    # A night window (22:00-06:00) holds far more background than a third of a day.
    night = fit.background_mass(10 + 22 / 24, 11 + 6 / 24).sum()
    morning = fit.background_mass(11 + 6 / 24, 11 + 14 / 24).sum()
    assert night > 2.5 * morning
    flat = fit_sepp(ev, grid, 0.0, 200.0, background_m=1000.0, daily_cycle=False)
    assert np.allclose(flat.daily, 1.0)


def test_a_flat_background_gives_a_flat_cycle() -> None:
    rng = np.random.default_rng(4)
    x, y, t = simulate_hawkes(rng, mu_per_day=20, days=150, width_m=5000, theta=0.2,
                              omega=0.5, sigma_m=100.0)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    fit = fit_sepp(ev, grid, 0.0, 150.0, background_m=1000.0)
    assert np.abs(fit.daily - 1.0).max() < 0.3


def test_warm_start_refit_matches_the_cold_fit() -> None:
    from bia.analytics.models.sepp import SeppModel

    rng = np.random.default_rng(5)
    x, y, t = simulate_hawkes(rng, mu_per_day=5, days=300, width_m=5000, theta=0.4,
                              omega=0.5, sigma_m=100.0)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    cold = SeppModel()
    a = cold.predict(ev, grid, 290.0, 1.0, np.random.default_rng(0))
    warm = SeppModel(warm=cold.last_fit)
    b = warm.predict(ev, grid, 290.0, 1.0, np.random.default_rng(0))
    assert warm.last_fit is not None and cold.last_fit is not None
    assert warm.last_fit.pairs <= cold.last_fit.pairs
    assert warm.last_fit.iterations < cold.last_fit.iterations / 2
    assert np.corrcoef(a, b)[0, 1] > 0.99 and b.sum() == pytest.approx(a.sum(), rel=0.05)


def test_a_pilot_fit_on_recent_days_gives_the_same_forecast() -> None:
    from bia.analytics.models.sepp import SeppModel

    rng = np.random.default_rng(6)
    x, y, t = simulate_hawkes(rng, mu_per_day=5, days=300, width_m=5000, theta=0.4,
                              omega=0.5, sigma_m=60.0)
    grid = _square_grid(5000, 250)
    ev = SpaceTimeEvents(x, y, t, grid.cell_of(x, y), np.ones(t.size))
    cold = SeppModel()
    a = cold.predict(ev, grid, 290.0, 1.0, np.random.default_rng(0))
    piloted = SeppModel(pilot_days=60.0)
    b = piloted.predict(ev, grid, 290.0, 1.0, np.random.default_rng(0))
    assert piloted.last_fit is not None and cold.last_fit is not None
    assert piloted.last_fit.pairs < cold.last_fit.pairs / 2  # candidates within 8σ only
    assert piloted.last_fit.sigma_m == pytest.approx(cold.last_fit.sigma_m, rel=0.05)
    assert np.corrcoef(a, b)[0, 1] > 0.99 and b.sum() == pytest.approx(a.sum(), rel=0.05)
