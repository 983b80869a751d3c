"""Recurring nuisances: the same kind of event, at the same place, at the same time of week.

Method (a scan over places × time-of-week windows with a false-discovery-rate control):

1. Places: for each category, candidate centres are the events with the most neighbours
   within ``radius_m`` (greedy, one mean-shift step), as in the density-based seeding of
   DBSCAN (Ester et al. 1996). A place's events are those within ``radius_m`` of its centre.
2. Windows: each weekday (or every day) × a run of 1 to ``max_hours`` local hours. The day
   starts at ``day_start`` (06:00), so "Friday 23:00–02:00" is one window of Friday's night.
   Day-precision data (all times at midnight) are scanned by weekday only.
3. Test: the statistic ``k`` is the number of distinct weeks (or days, for "every day") in
   which the window holds one of the place's events — each week counts once, so a pattern
   must keep coming back, one bad night is not enough (and at least ``min_weeks`` are
   required). Under the null hypothesis the place's ``n`` events follow the time-of-week
   profile ``q`` of the same category elsewhere in the city (leave-place-out, with a uniform
   prior of ``prior_events`` pseudo-events), so the number of them in the window is
   Binomial(n, q); since ``k`` never exceeds that number, ``P(Binomial(n, q) ≥ k)`` is a
   valid (conservative) p-value. This is a Bernoulli scan statistic in the spirit of
   Kulldorff (1997, "A spatial scan statistic", Comm. Stat. Theory Methods 26:1481),
   conditional on the place's total and with exact binomial tails instead of Monte Carlo.
4. All windows of all places and categories are corrected together by Benjamini–Hochberg;
   the best window per event set is kept, and patterns sharing most of their events with a
   stronger one are dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import cKDTree

from bia.analytics.multitest import benjamini_hochberg
from bia.analytics.projection import LocalProjection

DAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")


@dataclass
class RecurringPattern:
    lat: float
    lon: float
    radius_m: float
    category: str
    weekdays: list[int]
    hours: list[int]
    count: int
    weeks: int
    first: pd.Timestamp
    last: pd.Timestamp
    p_value: float
    q_value: float
    expected: float
    event_ids: list[str] = field(default_factory=list)
    explanation: str = ""

    def as_dict(self, with_events: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "lat": round(self.lat, 6), "lon": round(self.lon, 6),
            "radius_m": self.radius_m, "category": self.category,
            "weekdays": self.weekdays, "hours": self.hours, "count": self.count,
            "weeks": self.weeks, "first": self.first.isoformat(),
            "last": self.last.isoformat(), "p_value": float(f"{self.p_value:.3g}"),
            "q_value": float(f"{self.q_value:.3g}"),
            "expected": round(self.expected, 3),
            "explanation": self.explanation,
        }
        if with_events:
            d["event_ids"] = self.event_ids
        return d


@dataclass
class _Candidate:
    category: str
    members: np.ndarray  # indices into the category frame
    day: int  # 0-6, or 7 for every day
    start: int  # first bin (shifted hours)
    length: int
    hits: int  # distinct weeks (days for every-day windows)
    n: int
    q: float
    p: float
    events: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))


def _places(x: np.ndarray, y: np.ndarray, radius: float, min_events: int,
            max_places: int) -> list[np.ndarray]:
    tree = cKDTree(np.column_stack([x, y]))
    counts = tree.query_ball_point(np.column_stack([x, y]), radius, return_length=True)
    order = np.argsort(-counts, kind="stable")
    centres: list[tuple[float, float]] = []
    places: list[np.ndarray] = []
    for i in order:
        if counts[i] < min_events or len(places) >= max_places:
            break
        if centres and np.min(np.hypot(np.array(centres)[:, 0] - x[i],
                                       np.array(centres)[:, 1] - y[i])) < radius:
            continue
        near = np.asarray(tree.query_ball_point([x[i], y[i]], radius))
        cx, cy = float(x[near].mean()), float(y[near].mean())
        members = np.asarray(tree.query_ball_point([cx, cy], radius), dtype=np.int64)
        if members.size >= min_events:
            centres.append((cx, cy))
            places.append(np.sort(members))
    return places


def _scan_place(members: np.ndarray, day: np.ndarray, hbin: np.ndarray, week: np.ndarray,
                dayno: np.ndarray, profile: np.ndarray, bins: int, max_len: int,
                min_weeks: int, category: str
                ) -> tuple[list[_Candidate], int]:
    """Candidates reaching ``min_weeks``, and the number of windows tested (for BH)."""
    d, h, wk, dn = day[members], hbin[members], week[members], dayno[members]
    n = members.size
    w0 = wk.min()
    occ = np.zeros((7, bins, int(wk.max() - w0) + 1), bool)
    occ[d, h, wk - w0] = True
    counts = np.zeros((7, bins))
    np.add.at(counts, (d, h), 1)
    out: list[_Candidate] = []
    tested = 0
    acc = np.zeros_like(occ)
    for length in range(1, min(max_len, bins) + 1):
        if length == 1:
            acc = occ.copy()
        else:
            acc[:, : bins - length + 1] |= occ[:, length - 1 :]
        for start in range(bins - length + 1):
            end = start + length - 1
            for dd in range(7):
                if counts[dd, start] == 0 or counts[dd, end] == 0:
                    continue
                tested += 1
                hits = int(acc[dd, start].sum())
                if hits < min_weeks:
                    continue
                q = float(profile[dd, start : end + 1].sum())
                p = float(stats.binom.sf(hits - 1, n, q))
                out.append(_Candidate(category, members, dd, start, length, hits, n, q, p))
            # Every day, same hours: distinct days with an event in the window.
            inwin = (h >= start) & (h <= end)
            if counts[:, start].sum() and counts[:, end].sum():
                tested += 1
                hits = int(np.unique(dn[inwin]).size)
                if hits >= max(min_weeks, 7) and np.unique(d[inwin]).size >= 5:
                    q = float(profile[:, start : end + 1].sum())
                    p = float(stats.binom.sf(hits - 1, n, q))
                    out.append(_Candidate(category, members, 7, start, length, hits, n, q,
                                          p))
    return out, tested


def find_recurring(events: pd.DataFrame, *, tz: str = "Europe/Paris",
                   radius_m: float = 150.0, min_weeks: int = 4, max_hours: int = 6,
                   day_start: int = 6, fdr: float = 0.05, prior_events: float = 24.0,
                   max_places: int = 400, max_patterns: int = 100
                   ) -> list[RecurringPattern]:
    """Recurring patterns, strongest (smallest p-value) first. See the module docstring."""
    if events.empty:
        return []
    local = events["t"].dt.tz_convert(tz)
    day_precision = bool((local.dt.hour.eq(0) & local.dt.minute.eq(0)).mean() > 0.95)
    shift = 0 if day_precision else day_start
    service = local - pd.Timedelta(hours=shift)
    day = service.dt.day_of_week.to_numpy()
    bins = 1 if day_precision else 24
    hbin = np.zeros(len(events), np.int64) if day_precision else (
        (local.dt.hour.to_numpy() - shift) % 24)
    dayno = (service.dt.tz_localize(None).dt.normalize() - pd.Timestamp("1970-01-05")
             ).dt.days.to_numpy()
    week = dayno // 7
    proj = LocalProjection.centred_on(events["lon"].to_numpy(), events["lat"].to_numpy())
    x, y = proj.forward(events["lon"].to_numpy(), events["lat"].to_numpy())
    cats = events["category"].astype(str).to_numpy()
    candidates: list[_Candidate] = []
    n_tests = 0
    for cat in pd.unique(cats):
        idx = np.flatnonzero(cats == cat)
        if idx.size < min_weeks:
            continue
        total = np.zeros((7, bins))
        np.add.at(total, (day[idx], hbin[idx]), 1)
        for members in _places(x[idx], y[idx], radius_m, min_weeks, max_places):
            glob = idx[members]
            own = np.zeros((7, bins))
            np.add.at(own, (day[glob], hbin[glob]), 1)
            rest = total - own
            profile = (rest + prior_events / (7 * bins)) / (rest.sum() + prior_events)
            found, tested = _scan_place(glob, day, hbin, week, dayno, profile, bins,
                                        max_hours, min_weeks, str(cat))
            candidates.extend(found)
            n_tests += tested
    if not candidates:
        return []
    q = benjamini_hochberg(np.array([c.p for c in candidates]), n_tests)
    keep = [(c, qq) for c, qq in zip(candidates, q, strict=True) if qq <= fdr]
    keep.sort(key=lambda cq: (cq[0].p, -cq[0].hits, cq[0].length))
    chosen: list[tuple[_Candidate, float]] = []
    used: set[int] = set()
    for c, qq in keep:
        m = c.members
        inwin = (hbin[m] >= c.start) & (hbin[m] < c.start + c.length)
        if c.day < 7:
            inwin &= day[m] == c.day
        ev = m[inwin]
        if len(used.intersection(ev.tolist())) > 0.5 * ev.size:
            continue
        c.events = ev
        used.update(ev.tolist())
        chosen.append((c, qq))
        if len(chosen) >= max_patterns:
            break
    return [_pattern(c, qq, events, local, x, y, proj, day_precision, shift)
            for c, qq in chosen]


def _pattern(c: _Candidate, q: float, events: pd.DataFrame, local: pd.Series, x: np.ndarray,
             y: np.ndarray, proj: LocalProjection, day_precision: bool,
             shift: int) -> RecurringPattern:
    ev = np.sort(c.events)
    cx, cy = float(x[ev].mean()), float(y[ev].mean())
    radius = float(np.ceil(max(np.hypot(x[ev] - cx, y[ev] - cy).max(), 10.0) / 10.0) * 10.0)
    lon, lat = proj.inverse(np.array([cx]), np.array([cy]))
    times = local.iloc[ev]
    hours = [0, 24] if day_precision else [
        (c.start + shift) % 24, (c.start + c.length + shift) % 24]
    # Report the calendar weekday on which the window starts: a 04:00-05:00 window of
    # Friday's service day (which runs to 06:00) is a Saturday-morning window.
    after_midnight = not day_precision and c.start + shift >= 24
    weekdays = list(range(7)) if c.day == 7 else [(c.day + after_midnight) % 7]
    p = RecurringPattern(
        lat=float(lat[0]), lon=float(lon[0]), radius_m=radius, category=c.category,
        weekdays=weekdays, hours=hours, count=int(ev.size), weeks=c.hits,
        first=times.min(), last=times.max(), p_value=c.p, q_value=q,
        expected=c.n * c.q,
        event_ids=[str(e) for e in events["event_id"].iloc[ev]] if "event_id" in events
        else [])
    p.explanation = explain(p, every_day=c.day == 7, day_precision=day_precision)
    return p


def _date_fr(t: pd.Timestamp) -> str:
    return f"{t.day} {MONTHS_FR[t.month - 1]} {t.year}"


def _num_fr(v: float) -> str:
    return f"{v:.1f}".replace(".", ",") if v >= 0.1 else "moins de 0,1"


def explain(p: RecurringPattern, *, every_day: bool = False,
            day_precision: bool = False) -> str:
    """A plain-French sentence: what, where, when, since when, and why it is not chance."""
    unit, diff = ("jours", "différents") if every_day else ("semaines", "différentes")
    start, end = p.hours
    overnight = not day_precision and end < start and end != 0
    if every_day:
        when = "toutes les nuits" if overnight else "tous les jours"
    elif overnight:
        d = p.weekdays[0]
        when = f"dans la nuit du {DAYS_FR[d]} au {DAYS_FR[(d + 1) % 7]}"
    else:
        when = f"le {DAYS_FR[p.weekdays[0]]}"
    if not day_precision:
        when += f" entre {start} h et {end} h" if not overnight else f", de {start} h à {end} h"
    return (
        f"« {p.category} » revient au même endroit {when} : {p.count} événements dans un "
        f"rayon de {p.radius_m:.0f} m autour du point {p.lat:.5f}, {p.lon:.5f}, sur "
        f"{p.weeks} {unit} {diff}, depuis le {_date_fr(p.first)} (dernier le "
        f"{_date_fr(p.last)}). Si ces événements tombaient au hasard de la semaine comme "
        f"ailleurs en ville, on en attendrait {_num_fr(p.expected)} à ce créneau : ce n'est "
        f"pas une coïncidence (p = {p.p_value:.1e})."
    )
