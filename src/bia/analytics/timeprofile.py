"""Time-of-day shape: hour-of-day / hour-of-week profiles and their integral over a window.

A one-shift forecast is not a weekly rate divided by 21: noise peaks on Friday and Saturday
nights, parking in the daytime. This module learns a periodic profile ``g`` (24 bins for the
hour of day, 168 for the hour of week, in the commune's local time) normalised so that its
time average is 1, per group of events (a category family or a zone) and shrunk towards the
global profile by empirical-Bayes pseudo-counts (the gamma–Poisson posterior mean, as in
Clayton & Kaldor 1987, "Empirical Bayes estimates of age-standardized relative risks for use
in disease mapping", Biometrics 43:671): a group with few events keeps the city-wide shape, a
group with many gets its own. A window's share of a period-long rate is then
``∫_window g(t) dt / period`` instead of ``horizon / period``.

Pure functions of arrays; times are days since 1970-01-01 UTC as elsewhere in ``analytics``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bia.analytics.types import AnalyticsError, SpaceTimeEvents

if TYPE_CHECKING:  # pragma: no cover
    from bia.analytics.grid import Grid

HOURS = {"day": 24, "week": 168}


def local_bins(t_days: np.ndarray, tz: str | None, period: str = "week") -> np.ndarray:
    """Hour-of-day (0–23) or hour-of-week (0 = Monday 00:00, 0–167) in local time."""
    t = np.asarray(t_days, float)
    if t.size == 0:
        return np.zeros(0, np.int64)
    if tz in (None, "", "UTC"):
        hours = np.floor(t * 24.0).astype(np.int64)
        hod = np.mod(hours, 24)
        dow = np.mod(np.floor(t).astype(np.int64) + 3, 7)  # 1970-01-01 was a Thursday
    else:
        idx = pd.DatetimeIndex(pd.to_datetime(np.round(t * 86400.0), unit="s", utc=True)
                               ).tz_convert(tz)
        hod = np.asarray(idx.hour, np.int64)
        dow = np.asarray(idx.day_of_week, np.int64)
    return hod if period == "day" else dow * 24 + hod


def window_exposure(start: float, end: float, tz: str | None, period: str = "week"
                    ) -> np.ndarray:
    """Time (days) that ``[start, end)`` spends in each local hour bin (partial hours too)."""
    n_bins = HOURS[period]
    out = np.zeros(n_bins)
    if end <= start:
        return out
    edges = np.arange(np.floor(start * 24.0), np.ceil(end * 24.0) + 1.0) / 24.0
    lo = np.maximum(edges[:-1], start)
    hi = np.minimum(edges[1:], end)
    # Bin of each UTC hour from its middle (robust to the DST hour and rounding).
    bins = local_bins((edges[:-1] + edges[1:]) / 2.0, tz, period)
    np.add.at(out, bins, np.maximum(hi - lo, 0.0))
    return out


def window_share(profile: np.ndarray, start: float, end: float, tz: str | None,
                 period: str = "week") -> float:
    """``∫_[start,end) g(t) dt`` in days for a profile ``g`` of time-average 1.

    Equals ``end - start`` for a flat profile, so it directly replaces the flat scaling.
    """
    return float(window_exposure(start, end, tz, period) @ np.asarray(profile, float))


def fit_profile(bins: np.ndarray, exposure: np.ndarray, weights: np.ndarray | None = None,
                prior: np.ndarray | None = None, strength: float = 0.0) -> np.ndarray:
    """Profile of time-average 1 from event bins and the time spent in each bin.

    ``g[b] ∝ (n_b + strength·q_b) / exposure_b`` where ``q`` is the prior profile's share of
    events per bin; ``strength`` is the prior's weight in events.
    """
    n_bins = exposure.size
    counts = np.bincount(bins, weights=weights, minlength=n_bins).astype(float)
    total_exposure = float(exposure.sum())
    if prior is None:
        prior = np.ones(n_bins)
    q = prior * exposure
    q = q / q.sum() if q.sum() > 0 else np.full(n_bins, 1.0 / n_bins)
    mass = counts + strength * q
    rate = np.divide(mass, exposure, out=np.zeros(n_bins), where=exposure > 0)
    avg = float(rate @ exposure) / max(total_exposure, 1e-12)
    if avg <= 0:
        return np.ones(n_bins)
    return rate / avg


@dataclass
class TimeProfile:
    """A global profile plus shrunk per-group profiles (see the module docstring)."""

    period: str
    tz: str | None
    overall: np.ndarray
    groups: Mapping[str, np.ndarray] = field(default_factory=dict)
    counts: Mapping[str, float] = field(default_factory=dict)

    def of(self, group: str | None) -> np.ndarray:
        return self.groups.get(str(group), self.overall) if group is not None else self.overall

    def share(self, start: float, end: float, group: str | None = None) -> float:
        return window_share(self.of(group), start, end, self.tz, self.period)

    def multipliers(self, start: float, end: float, groups: list[str]) -> np.ndarray:
        """For each group, the profiled window share over the flat one (1 = flat)."""
        expo = window_exposure(start, end, self.tz, self.period)
        flat = max(end - start, 1e-12)
        return np.array([float(expo @ self.of(g)) / flat for g in groups])


def learn_profile(t_days: np.ndarray, start: float, end: float, *, tz: str | None,
                  period: str = "week", groups: np.ndarray | None = None,
                  weights: np.ndarray | None = None, strength: float = 200.0,
                  global_strength: float = 24.0) -> TimeProfile:
    """Learn a :class:`TimeProfile` from the events of ``[start, end)``.

    The global profile is itself shrunk towards flat by ``global_strength`` pseudo-events
    (a short history should not invent a shape); each group towards the global profile by
    ``strength`` pseudo-events.
    """
    t = np.asarray(t_days, float)
    keep = (t >= start) & (t < end)
    bins = local_bins(t[keep], tz, period)
    w = None if weights is None else np.asarray(weights, float)[keep]
    expo = window_exposure(start, end, tz, period)
    overall = fit_profile(bins, expo, w, None, global_strength)
    out: dict[str, np.ndarray] = {}
    counts: dict[str, float] = {}
    if groups is not None:
        g = np.asarray(groups, object)[keep].astype(str)
        for name in np.unique(g):
            sel = g == name
            out[str(name)] = fit_profile(bins[sel], expo, None if w is None else w[sel],
                                         overall, strength)
            counts[str(name)] = float(sel.sum() if w is None else w[sel].sum())
    return TimeProfile(period, tz, overall, out, counts)


PROFILE_MODES = ("flat", "global", "category", "block")


def cell_multipliers(history: SpaceTimeEvents, grid: Grid, origin: float, horizon: float, *,
                     tz: str | None, by: str = "category", lookback_days: float = 730.0,
                     block_m: float = 1000.0, strength: float = 200.0) -> np.ndarray:
    """Per study-area cell, ``∫_window g_cell / ∫_window 1`` for an hour-of-week profile.

    ``by`` chooses whose shape a cell follows: ``flat`` (1 everywhere: the scaled weekly
    rate), ``global`` (the city's), ``category`` (the mix of the category profiles, weighted
    by the cell's own category mix over the lookback, so a cell of night noise follows the
    noise profile) or ``block`` (the profile of the ``block_m`` square the cell lies in).
    Group profiles are shrunk towards the global one (see :func:`learn_profile`).
    """
    n = int(grid.mask.sum())
    if by not in PROFILE_MODES:
        raise AnalyticsError(f"unknown time profile {by!r}",
                             f"profil horaire inconnu : {by!r} ({', '.join(PROFILE_MODES)})")
    past = history.between(origin - lookback_days, origin)
    if by == "flat" or len(past) == 0 or horizon <= 0:
        return np.ones(n)
    start = max(origin - lookback_days, float(past.t[0]) if len(past) else origin)
    if by == "global":
        prof = learn_profile(past.t, start, origin, tz=tz, weights=past.weight)
        return np.full(n, prof.multipliers(origin, origin + horizon, ["*"])[0])
    if by == "category" and past.category.size == len(past):
        labels = past.category.astype(str)
    else:  # blocks of block_m: the group of each event is its block
        k = max(1, int(round(block_m / grid.cell_m)))
        row, col = np.divmod(np.maximum(past.cell, 0), grid.nx)
        labels = np.char.add(np.char.add((row // k).astype(str), ":"), (col // k).astype(str))
    prof = learn_profile(past.t, start, origin, tz=tz, groups=labels, weights=past.weight,
                         strength=strength)
    names = sorted(prof.groups)
    mult = prof.multipliers(origin, origin + horizon, names)
    overall = prof.multipliers(origin, origin + horizon, ["*"])[0]
    code = {g: i for i, g in enumerate(names)}
    gi = np.array([code[str(g)] for g in labels], np.int64)
    ok = past.cell >= 0
    # cells × groups counts of the lookback; a cell without events follows the city.
    mix = np.zeros((grid.n_cells, len(names)))
    np.add.at(mix, (past.cell[ok], gi[ok]), past.weight[ok])
    mix = mix[grid.active]
    tot = mix.sum(axis=1)
    prior = 1.0  # one pseudo-event at the city's mix
    out = (mix @ mult + prior * overall) / (tot + prior)
    return np.asarray(out, float)
