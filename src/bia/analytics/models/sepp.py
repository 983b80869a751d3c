"""Self-exciting point process (SEPP) forecast, fitted by expectation-maximisation.

After Mohler, Short, Brantingham, Schoenberg & Tita (2011), "Self-exciting point process
modeling of crime", JASA 106(493):100–108: the conditional intensity is

    λ(t, x, y) = μ(x, y) + Σ_{t_i < t} θ ω e^{-ω (t - t_i)} · N((x, y) − (x_i, y_i); σ²)

a stationary background plus a triggering kernel by which each event raises the risk nearby
for a while (the "near repeat"). As in Mohler et al. the branching structure is latent and
estimated by EM (Veen & Schoenberg 2008, "Estimation of space-time branching process models
in seismology using an EM-type algorithm", JASA 103:614): the E-step gives each event the
probability of being background or the child of each earlier event; the M-step updates θ, ω,
σ in closed form and re-estimates the background by kernel smoothing of the background
probabilities on the grid. Simplifications (documented, not hidden): the triggering kernel is
parametric (exponential in time, Gaussian in space) rather than a weighted KDE, the
background bandwidth is fixed, and parent candidates are truncated at ``max_days`` and
``max_m``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from bia.analytics.grid import Grid
from bia.analytics.models.common import active, smooth
from bia.analytics.types import SpaceTimeEvents


@dataclass
class SeppFit:
    theta: float
    omega: float  # per day
    sigma_m: float
    background: np.ndarray  # (ny, nx) events per day per cell
    iterations: int
    log: list[tuple[float, float, float]] = field(default_factory=list)


def candidate_pairs(x: np.ndarray, y: np.ndarray, t: np.ndarray, max_m: float,
                    max_days: float) -> tuple[np.ndarray, np.ndarray]:
    """(parent, child) index pairs with 0 < t_child − t_parent ≤ max_days, distance ≤ max_m.

    A Chebyshev-metric KD-tree on (x, y, t·max_m/max_days) finds the space-time box in one
    pass, then the Euclidean distance is checked.
    """
    if len(t) < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    pts = np.column_stack([x, y, t * (max_m / max_days)])
    pairs = cKDTree(pts).query_pairs(max_m, p=np.inf, output_type="ndarray")
    if pairs.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    i, j = pairs[:, 0], pairs[:, 1]
    swap = t[i] > t[j]
    i, j = np.where(swap, j, i), np.where(swap, i, j)
    dt = t[j] - t[i]
    d2 = (x[j] - x[i]) ** 2 + (y[j] - y[i]) ** 2
    keep = (dt > 0) & (d2 <= max_m**2)
    return i[keep].astype(np.int64), j[keep].astype(np.int64)


def fit_sepp(events: SpaceTimeEvents, grid: Grid, start: float, end: float, *,
             background_m: float = 300.0, max_days: float = 60.0, max_m: float = 1000.0,
             theta0: float = 0.3, omega0: float = 0.2, sigma0: float = 200.0,
             iterations: int = 40, tol: float = 1e-4) -> SeppFit:
    """EM estimate of background and triggering on events in ``[start, end)`` inside the grid."""
    ev = events.between(start, end)
    keep = ev.cell >= 0
    x, y, t, cell, w = ev.x[keep], ev.y[keep], ev.t[keep], ev.cell[keep], ev.weight[keep]
    n = len(t)
    span = max(end - start, 1e-9)
    cell_area = grid.cell_m**2
    theta, omega, sigma = theta0, omega0, sigma0
    par, chi = candidate_pairs(x, y, t, max_m, max_days)
    dt = t[chi] - t[par]
    d2 = (x[chi] - x[par]) ** 2 + (y[chi] - y[par]) ** 2
    p_bg = np.ones(n)
    background = np.zeros((grid.ny, grid.nx))
    log: list[tuple[float, float, float]] = []
    it = 0
    for step in range(1, iterations + 1):
        it = step
        # M-step for the background: smoothed background mass, per day and per cell.
        background = smooth(grid.counts(cell, p_bg * w), grid, background_m,
                            edge_correct=True) / span
        mu = background.ravel()[cell] / cell_area  # events / day / m² at each event
        # E-step.
        trig = (theta * w[par] * omega * np.exp(-omega * dt)
                * np.exp(-d2 / (2 * sigma**2)) / (2 * np.pi * sigma**2))
        lam = mu + np.bincount(chi, weights=trig, minlength=n)
        lam = np.maximum(lam, 1e-300)
        p_trig = trig / lam[chi]
        p_bg = mu / lam
        # M-step for the triggering kernel (closed form).
        s = p_trig.sum()
        if s <= 1e-9:
            theta = 1e-6
            log.append((theta, omega, sigma))
            break
        exposure = (w * (1.0 - np.exp(-omega * np.minimum(end - t, max_days)))).sum()
        new_theta = float(min(s / max(exposure, 1e-9), 0.95))
        new_omega = float(max(s / (p_trig * dt).sum(), 3.0 / max_days))
        new_sigma = float(max(np.sqrt((p_trig * d2).sum() / (2 * s)), 1.0))
        change = max(abs(new_theta - theta) / max(theta, 1e-6),
                     abs(new_omega - omega) / omega, abs(new_sigma - sigma) / sigma)
        theta, omega, sigma = new_theta, new_omega, new_sigma
        log.append((theta, omega, sigma))
        if change < tol:
            break
    background = smooth(grid.counts(cell, p_bg * w), grid, background_m,
                            edge_correct=True) / span
    return SeppFit(theta, omega, sigma, background, it, log)


def simulate_hawkes(rng: np.random.Generator, *, mu_per_day: float, days: float,
                    width_m: float, theta: float, omega: float, sigma_m: float
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate the SEPP on a square by its branching structure (for tests and benches).

    Background events are homogeneous Poisson on ``[0, width_m]² × [0, days]``; each event
    has Poisson(θ) children, delayed by Exp(ω) and displaced by N(0, σ²). Returns x, y, t
    sorted by time (children falling outside the window are dropped).
    """
    n0 = rng.poisson(mu_per_day * days)
    xs = [rng.uniform(0, width_m, n0)]
    ys = [rng.uniform(0, width_m, n0)]
    ts = [rng.uniform(0, days, n0)]
    gx, gy, gt = xs[0], ys[0], ts[0]
    while gt.size:
        k = rng.poisson(theta, gt.size)
        px, py, pt = np.repeat(gx, k), np.repeat(gy, k), np.repeat(gt, k)
        gx = px + rng.normal(0, sigma_m, px.size)
        gy = py + rng.normal(0, sigma_m, py.size)
        gt = pt + rng.exponential(1.0 / omega, pt.size)
        inside = (gt < days) & (gx >= 0) & (gx <= width_m) & (gy >= 0) & (gy <= width_m)
        gx, gy, gt = gx[inside], gy[inside], gt[inside]
        xs.append(gx)
        ys.append(gy)
        ts.append(gt)
    x, y, t = np.concatenate(xs), np.concatenate(ys), np.concatenate(ts)
    order = np.argsort(t, kind="stable")
    return x[order], y[order], t[order]


@dataclass
class SeppModel:
    """Forecast = background × horizon + expected first-generation offspring in the window.

    Fitted on the last ``fit_days`` of history (and at most ``max_events`` events, keeping the
    most recent), which keeps EM fast on ten-year histories.
    """

    fit_days: float = 365.0
    max_events: int = 20_000
    background_m: float = 300.0
    max_days: float = 60.0
    max_m: float = 1000.0
    iterations: int = 40
    name: str = "sepp"

    def fit(self, history: SpaceTimeEvents, grid: Grid, origin: float) -> SeppFit:
        start = origin - self.fit_days
        recent = history.between(start, origin)
        if len(recent) > self.max_events:
            start = float(recent.t[-self.max_events])
        return fit_sepp(history, grid, start, origin, background_m=self.background_m,
                        max_days=self.max_days, max_m=self.max_m, iterations=self.iterations)

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        fit = self.fit(history, grid, origin)
        recent = history.between(origin - self.max_days, origin)
        age = origin - recent.t
        mass = fit.theta * recent.weight * (
            np.exp(-fit.omega * age) - np.exp(-fit.omega * (age + horizon_days)))
        triggered = smooth(grid.counts(recent.cell, mass), grid, fit.sigma_m)
        return active(fit.background * horizon_days + triggered, grid)
