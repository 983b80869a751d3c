"""SYNTHETIC history of Biarritz municipal-police interventions, for demos and benchmarks.

Nothing here is real data: every row is drawn from made-up but plausible rates (see
``bia.demo.profiles``) and carries ``synthetic = True``. The point is to give the console and
the analytics something with the structure a real history has, so that their outputs can be
looked at and checked:

* a seaside-resort season (July–August ≈ 3 × December–February), nights and Friday/Saturday
  nights heavier for noise, drunkenness and gatherings, daytime parking and rubbish;
* hot spots (Port Vieux, rue du Port-Vieux, Halles, place Clemenceau, Grande Plage…) on top of
  a background spread along the streets of the pack;
* recurring weekly patterns (``profiles.RECURRING``) and near-repeat chains (an event followed
  by a few same-category events close by in the following days; Johnson & Bowers 2004,
  "The burglary as clue to the future", for the idea).

Method: hourly Poisson counts per category over local (Europe/Paris) hours, whose intensity
is share × seasonal curve^exponent × hour profile × weekly factor, rescaled day by day so the
total follows the common seasonal curve; places are drawn per event. Only
``numpy.random.default_rng(seed)`` is used: same inputs and seed → identical frame.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bia.demo import profiles as P
from bia.demo.space import Space

TZ = "Europe/Paris"
COLUMNS = ["external_id", "occurred_at", "lat", "lon", "category", "source", "zone", "street",
           "synthetic"]


def _season_curve(doy: np.ndarray, year_days: np.ndarray) -> np.ndarray:
    """Common seasonal level per day-of-year (periodic linear interpolation of MONTH_LEVEL)."""
    mid = (np.arange(12) + 0.5) * 365.25 / 12
    frac = (doy - 1) * 365.25 / year_days
    xs = np.concatenate([[mid[-1] - 365.25], mid, [mid[0] + 365.25]])
    ys = np.concatenate([[P.MONTH_LEVEL[-1]], P.MONTH_LEVEL, [P.MONTH_LEVEL[0]]])
    return np.interp(frac, xs, ys)


def _hour_grid(start: date, years: int) -> pd.DatetimeIndex:
    t0 = pd.Timestamp(start).tz_localize(TZ)
    end = pd.Timestamp(start.replace(year=start.year + years)).tz_localize(TZ)
    return pd.date_range(t0, end, freq="h", inclusive="left")


def _intensity(grid: pd.DatetimeIndex, cats: list[str], total: float) -> np.ndarray:
    """Expected counts per (hour, category), summing to ``total``."""
    hour = grid.hour.to_numpy()
    dow = grid.day_of_week.to_numpy()
    night_dow = np.where(hour < 6, (dow - 1) % 7, dow)  # 01:00 Saturday is Friday night
    weekend_night = np.isin(night_dow, (4, 5)) & ((hour >= 20) | (hour < 6))
    day_key = (grid.year.to_numpy() * 1000 + grid.day_of_year.to_numpy())
    year_days = np.where(grid.is_leap_year, 366, 365)
    season = _season_curve(grid.day_of_year.to_numpy(), year_days)
    lam = np.empty((len(grid), len(cats)))
    for j, c in enumerate(cats):
        prof = P.CATEGORIES[c]
        col = season ** prof.season * P.HOUR_PROFILES[prof.hours][hour]
        if prof.nightlife:
            col = col * np.where(weekend_night, 1.8, 1.0)
        elif prof.hours in ("day", "morning"):
            col = col * np.where(dow == 6, 0.6, 1.0)
        if c == "depot_sauvage":
            col = col * np.where(dow == 0, 1.4, 1.0)  # rubbish left over the weekend
        lam[:, j] = col / col.sum() * prof.share
    # day by day, bring the all-category total back onto the common seasonal curve
    _, day_idx = np.unique(day_key, return_inverse=True)
    per_day = np.bincount(day_idx, weights=lam.sum(axis=1))
    target = np.bincount(day_idx, weights=season) / np.bincount(day_idx)
    lam *= (target / per_day)[day_idx][:, None]
    return lam * (total / lam.sum())


def _recurring(grid: pd.DatetimeIndex, space: Space, rng: np.random.Generator
               ) -> tuple[list[pd.DatetimeIndex], list[str], list[np.ndarray]]:
    times, cats, xys = [], [], []
    days = pd.date_range(grid[0].normalize(), grid[-1].normalize(), freq="D")
    for rec in P.RECURRING:
        if space.anchor(rec.anchor) is None:
            continue
        sel = np.isin(days.day_of_week, rec.weekdays)
        if rec.season is not None:
            (m0, d0), (m1, d1) = rec.season
            md = days.month * 100 + days.day
            sel &= (md >= m0 * 100 + d0) & (md <= m1 * 100 + d1)
        chosen = days[sel]
        n = rng.poisson(rec.mean, len(chosen))
        base = chosen.repeat(n)
        offs = rng.uniform(rec.start_hour * 3600, (rec.start_hour + rec.hours) * 3600, n.sum())
        # wall-clock offsets from local midnight, DST-safe via naive arithmetic then localise
        naive = base.tz_localize(None) + pd.to_timedelta(offs.round(), unit="s")
        local = naive.tz_localize(TZ, ambiguous="NaT", nonexistent="shift_forward")
        keep = ~local.isna()
        k = int(keep.sum())
        times.append(local[keep])
        cats += [rec.category] * k
        xys.append(space.around(rec.anchor, rec.sd_m, k, rng))
    return times, cats, xys


def _hours_like(c_idx: np.ndarray, cats: list[str], rng: np.random.Generator) -> np.ndarray:
    """A local hour per event, drawn from its category's hour profile."""
    out = np.zeros(len(c_idx), dtype=int)
    for j in np.unique(c_idx):
        rows = np.nonzero(c_idx == j)[0]
        prof = P.HOUR_PROFILES[P.CATEGORIES[cats[j]].hours]
        out[rows] = rng.choice(24, size=len(rows), p=prof / prof.sum())
    return out


def generate_history(
    *,
    zones_geojson: dict[str, Any],
    landmarks: list[dict[str, Any]],
    streets: list[dict[str, Any]],
    start: date,
    years: int,
    rate_per_year: int = 17000,
    seed: int,
) -> pd.DataFrame:
    """A SYNTHETIC frame of interventions (see the module docstring); one row per event.

    ``streets`` are rows of the pack's streets.csv (``name``, ``lat``, ``lon``, ``length_m``);
    when a row also has ``geometry`` (its GeoJSON from streets.geojson, see
    ``bia.demo.pack.load_pack``) places are drawn along the street lines, otherwise around
    the label points.
    """
    if years < 1:
        raise ValueError("years must be >= 1")
    rng = np.random.default_rng(seed)
    space = Space(zones_geojson, landmarks, streets)
    cats = list(P.CATEGORIES)
    shares = np.array([P.CATEGORIES[c].share for c in cats])
    grid = _hour_grid(start, years)
    n_years = len(grid) / (24 * 365.2425)

    rec_times, rec_cats, rec_xy = _recurring(grid, space, rng)
    n_rec = sum(len(t) for t in rec_times)
    chain_p = np.array([P.NEAR_REPEAT_PROB.get(c, 0.0) for c in cats])
    growth = 1.0 + float((shares / shares.sum() * chain_p).sum()) * (1.0 + P.NEAR_REPEAT_EXTRA)
    base_total = max(rate_per_year * n_years - n_rec, 0.0) / growth

    lam = _intensity(grid, cats, base_total)
    counts = rng.poisson(lam)
    h_idx, c_idx = np.nonzero(counts)
    reps = counts[h_idx, c_idx]
    h_idx, c_idx = np.repeat(h_idx, reps), np.repeat(c_idx, reps)
    t = grid[h_idx] + pd.to_timedelta(rng.integers(0, 3600, len(h_idx)), unit="s")
    xy = space.sample(c_idx, cats, rng)

    # near-repeat chains
    parents = np.nonzero(rng.random(len(c_idx)) < chain_p[c_idx])[0]
    kids = 1 + rng.poisson(P.NEAR_REPEAT_EXTRA, len(parents))
    par = np.repeat(parents, kids)
    delay_days = np.minimum(rng.geometric(0.45, len(par)), P.NEAR_REPEAT_MAX_DAYS)
    kid_hours = _hours_like(c_idx[par], cats, rng)
    parent_local = t[par].tz_convert(TZ)
    kid_naive = (parent_local.tz_localize(None).normalize()
                 + pd.to_timedelta(delay_days, unit="D") + pd.to_timedelta(kid_hours, unit="h")
                 + pd.to_timedelta(rng.integers(0, 3600, len(par)), unit="s"))
    kid_t = kid_naive.tz_localize(TZ, ambiguous="NaT", nonexistent="shift_forward")
    kid_xy = space.near(xy[par], P.NEAR_REPEAT_SD_M, rng)

    all_t = t.append([kid_t, *rec_times]) if rec_times else t.append(kid_t)
    all_c = np.concatenate([np.array(cats, dtype=object)[c_idx],
                            np.array(cats, dtype=object)[c_idx[par]],
                            np.array(rec_cats, dtype=object)])
    all_xy = np.vstack([xy, kid_xy, *rec_xy]) if rec_xy else np.vstack([xy, kid_xy])
    # round first, so that zone and street are those of the published coordinates
    lon, lat = (np.round(v, 6) for v in space.to_lonlat(all_xy))
    all_xy = space.from_lonlat(lon, lat)
    ok = ~all_t.isna() & (all_t < grid[-1] + pd.Timedelta(hours=1)) & space.inside(all_xy)
    all_t, all_c, all_xy, lon, lat = all_t[ok], all_c[ok], all_xy[ok], lon[ok], lat[ok]

    patrol = np.array([P.CATEGORIES[c].patrol for c in all_c])
    source = np.where(rng.random(len(all_c)) < patrol, "patrol", "resident")
    frame = pd.DataFrame({
        "occurred_at": all_t.tz_convert("UTC"),
        "lat": lat,
        "lon": lon,
        "category": all_c.astype(str),
        "source": source,
        "zone": space.zone_of(all_xy),
        "street": space.street_of(all_xy),
        "synthetic": True,
    })
    order = np.lexsort((frame["lon"].to_numpy(), frame["lat"].to_numpy(),
                        frame["occurred_at"].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "external_id", [f"demo-{i:06d}" for i in range(1, len(frame) + 1)])
    return frame[COLUMNS]
