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

Daily cycle. Mohler's background is stationary in time, so a night-shift forecast would be a
third of a daily one. Here the background is separable, ``μ(x, y)·g(h)``, with ``g`` a
24-bin hour-of-day profile in local time (time-average 1), estimated in the same M-step:
``g(h) ∝ Σ_{i: h_i = h} p_bg,i / exposure(h)`` (the ML update of a piecewise-constant
temporal background, as in the space-time background of Mohler 2014, "Marked point process
hotspot maps for homicide and gun crime prediction in Chicago", IJF 30:491), lightly shrunk
towards flat. Forecasts integrate ``g`` over the window.

Speed. Each EM iteration evaluates the kernel on every candidate pair (19 million on one
year of the Biarritz demo, whose events cluster on a few streets). Pairs whose spatial
factor is below e^-18 (beyond 6σ) or temporal factor below e^-25 under the current
parameters are dropped as the EM proceeds (``prune``): their responsibilities are zero to
double precision against any background.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

from bia.analytics.grid import Grid
from bia.analytics.models.common import active, smooth
from bia.analytics.timeprofile import fit_profile, local_bins, window_exposure, window_share
from bia.analytics.types import SpaceTimeEvents


@dataclass
class SeppFit:
    theta: float
    omega: float  # per day
    sigma_m: float
    background: np.ndarray  # (ny, nx) events per day per cell (time-average)
    iterations: int
    log: list[tuple[float, float, float]] = field(default_factory=list)
    daily: np.ndarray = field(default_factory=lambda: np.ones(24))  # g(hour), mean 1
    tz: str | None = None
    pairs: int = 0

    def background_mass(self, start: float, end: float) -> np.ndarray:
        """(ny, nx) expected background events in ``[start, end)``: μ(s)·∫g."""
        return self.background * window_share(self.daily, start, end, self.tz, "day")


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
             iterations: int = 40, tol: float = 1e-4, daily_cycle: bool = True,
             tz: str | None = None, cycle_strength: float = 24.0,
             prune: bool = True, warm: SeppFit | None = None) -> SeppFit:
    """EM estimate of background (with its daily cycle) and triggering on events in
    ``[start, end)`` inside the grid. ``tz`` is the zone of the cycle's local hours.

    ``warm`` (a fit on the same grid) starts EM from its parameters *and* its background,
    so a refit on nearly the same events converges in a few iterations.
    """
    ev = events.between(start, end)
    keep = ev.cell >= 0
    x, y, t, cell, w = ev.x[keep], ev.y[keep], ev.t[keep], ev.cell[keep], ev.weight[keep]
    n = len(t)
    span = max(end - start, 1e-9)
    cell_area = grid.cell_m**2
    theta, omega, sigma = theta0, omega0, sigma0
    if warm is not None:
        theta, omega, sigma = max(warm.theta, 0.01), warm.omega, warm.sigma_m
    par, chi = candidate_pairs(x, y, t, max_m, max_days)
    n_pairs = int(par.size)
    dt = t[chi] - t[par]
    d2 = (x[chi] - x[par]) ** 2 + (y[chi] - y[par]) ** 2
    wpar = w[par]
    hours = local_bins(t, tz, "day")
    hour_exposure = window_exposure(start, end, tz, "day")
    daily = np.ones(24)
    p_bg = np.ones(n)
    background = np.zeros((grid.ny, grid.nx))
    log: list[tuple[float, float, float]] = []
    it = 0
    for step in range(1, iterations + 1):
        it = step
        # M-step for the background: smoothed background mass, per day and per cell, and
        # its hour-of-day shape.
        if step == 1 and warm is not None and warm.background.shape == background.shape:
            background = warm.background
            daily = warm.daily if daily_cycle else daily
        else:
            background = smooth(grid.counts(cell, p_bg * w), grid, background_m,
                                edge_correct=True) / span
            if daily_cycle and n:
                daily = fit_profile(hours, hour_exposure, p_bg * w, None, cycle_strength)
        mu = background.ravel()[cell] / cell_area * daily[hours]  # events / day / m²
        # E-step.
        trig = (theta * wpar * omega * np.exp(-omega * dt)
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
        if prune and dt.size:
            near = (d2 <= (6.0 * sigma) ** 2) & (omega * dt <= 25.0)
            if near.mean() < 0.8:  # copying only pays when it removes enough
                par, chi, dt, d2, wpar = par[near], chi[near], dt[near], d2[near], wpar[near]
    background = smooth(grid.counts(cell, p_bg * w), grid, background_m,
                        edge_correct=True) / span
    if daily_cycle and n:
        daily = fit_profile(hours, hour_exposure, p_bg * w, None, cycle_strength)
    return SeppFit(theta, omega, sigma, background, it, log, daily, tz, n_pairs)


def simulate_hawkes(rng: np.random.Generator, *, mu_per_day: float, days: float,
                    width_m: float, theta: float, omega: float, sigma_m: float,
                    daily: np.ndarray | None = None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate the SEPP on a square by its branching structure (for tests and benches).

    Background events are Poisson on ``[0, width_m]² × [0, days]``, uniform in space and,
    with ``daily`` (24 relative intensities by hour of day, t = 0 at midnight), following
    that daily cycle; each event has Poisson(θ) children, delayed by Exp(ω) and displaced by
    N(0, σ²). Returns x, y, t sorted by time (children falling outside the window are
    dropped).
    """
    n0 = rng.poisson(mu_per_day * days)
    xs = [rng.uniform(0, width_m, n0)]
    ys = [rng.uniform(0, width_m, n0)]
    if daily is None:
        ts = [rng.uniform(0, days, n0)]
    else:
        p = np.asarray(daily, float) / np.sum(daily)
        day = rng.integers(0, int(np.ceil(days)), n0)
        hour = rng.choice(24, n0, p=p)
        start = day + (hour + rng.uniform(0, 1, n0)) / 24.0
        ts = [np.where(start < days, start, rng.uniform(0, days, n0))]
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
    daily_cycle: bool = True
    tz: str | None = None
    warm: SeppFit | None = None
    prune: bool = True
    pilot_days: float | None = None
    name: str = "sepp"
    last_fit: SeppFit | None = field(default=None, repr=False, compare=False)

    def fit(self, history: SpaceTimeEvents, grid: Grid, origin: float) -> SeppFit:
        """EM fit on the recent history. With ``warm`` (an earlier fit on nearly the same
        events, e.g. the previous forecast of the same commune), EM starts from its
        parameters and parent candidates are looked for within 8σ of it only: a refit after
        a few new events then takes a second instead of tens of seconds.

        Without ``warm`` but with ``pilot_days``, a first fit on the last ``pilot_days``
        only serves as the warm start (the interactive API's cold start; backtests and the
        CLI keep the plain cold start, so their figures do not depend on it)."""
        start = origin - self.fit_days
        recent = history.between(start, origin)
        if len(recent) > self.max_events:
            start = float(recent.t[-self.max_events])
        warm = self.warm
        if warm is None and self.pilot_days and origin - start > self.pilot_days:
            warm = fit_sepp(history, grid, origin - self.pilot_days, origin,
                            background_m=self.background_m, max_days=self.max_days,
                            max_m=self.max_m, iterations=self.iterations,
                            daily_cycle=self.daily_cycle, tz=self.tz, prune=self.prune)
            if len(history.between(origin - self.pilot_days, origin)) < 200:
                warm = None  # too few events to say anything about the kernel
        max_m = self.max_m
        if warm is not None:
            max_m = min(self.max_m, max(8.0 * warm.sigma_m, 2.0 * grid.cell_m))
        self.last_fit = fit_sepp(history, grid, start, origin, background_m=self.background_m,
                                 max_days=self.max_days, max_m=max_m,
                                 iterations=self.iterations, daily_cycle=self.daily_cycle,
                                 tz=self.tz, warm=warm, prune=self.prune)
        return self.last_fit

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        fit = self.fit(history, grid, origin)
        recent = history.between(origin - self.max_days, origin)
        age = origin - recent.t
        mass = fit.theta * recent.weight * (
            np.exp(-fit.omega * age) - np.exp(-fit.omega * (age + horizon_days)))
        triggered = smooth(grid.counts(recent.cell, mass), grid, fit.sigma_m)
        return active(fit.background_mass(origin, origin + horizon_days) + triggered, grid)
