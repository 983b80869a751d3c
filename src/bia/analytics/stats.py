"""Zone statistics for any period: counts, rates, time-of-week profiles and trend tests.

Zones are named shapely polygons in lon/lat (a commune pack's districts, say) or the cells of
a metre grid. A change between a period and a baseline is judged by the exact conditional
test for two Poisson rates (Przyborowski & Wileński 1940, "Homogeneity of results in testing
samples from Poisson series", Biometrika 31:313; see Krishnamoorthy & Thomson 2004, J. Stat.
Plan. Inference 119:23): given ``c1 + c0`` events, under equal rates ``c1`` is
Binomial(c1 + c0, T1 / (T1 + T0)). It is exact for small counts, where a χ² or z test
misleads, and BH-corrected across zones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

import numpy as np
import pandas as pd
import shapely
from scipy import stats
from shapely import Geometry, contains_xy

from bia.analytics.forecast import grid_for, prepare
from bia.analytics.multitest import benjamini_hochberg
from bia.analytics.projection import LocalProjection
from bia.analytics.recurring import DAYS_FR
from bia.analytics.types import to_utc

Instant: TypeAlias = str | pd.Timestamp


def in_period(events: pd.DataFrame, start: str | pd.Timestamp | None,
              end: str | pd.Timestamp | None) -> pd.DataFrame:
    """Events in ``[start, end)``; ``None`` leaves a side open."""
    keep = np.ones(len(events), bool)
    if start is not None:
        keep &= (events["t"] >= to_utc(start)).to_numpy()
    if end is not None:
        keep &= (events["t"] < to_utc(end)).to_numpy()
    return events[keep]


def _days(start: str | pd.Timestamp, end: str | pd.Timestamp) -> float:
    return float((to_utc(end) - to_utc(start)) / pd.Timedelta(1, "D"))


def zone_of(events: pd.DataFrame, zones: Mapping[str, Geometry]) -> pd.Series:
    """Name of the first zone containing each event (``None`` outside every zone)."""
    out = pd.Series([None] * len(events), index=events.index, dtype=object)
    lon, lat = events["lon"].to_numpy(float), events["lat"].to_numpy(float)
    for name, geom in zones.items():
        inside = contains_xy(geom, lon, lat) & out.isna().to_numpy()
        out[inside] = name
    return out


def counts_by_zone(events: pd.DataFrame, zones: Mapping[str, Geometry],
                   start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.DataFrame:
    """Per zone: count, events per day, per km² and per km² per year over ``[start, end)``."""
    ev = in_period(events, start, end)
    counts = zone_of(ev, zones).value_counts()
    days = _days(start, end)
    rows = []
    for name, geom in zones.items():
        c = geom.centroid
        proj = LocalProjection(round(c.x, 3), round(c.y, 3))
        km2 = shapely.transform(
            geom, lambda xy, p=proj: np.column_stack(p.forward(xy[:, 0], xy[:, 1]))).area / 1e6
        n = int(counts.get(name, 0))
        rows.append({"zone": name, "count": n, "per_day": n / days, "area_km2": km2,
                     "per_km2": n / km2 if km2 else np.nan,
                     "per_km2_year": n / km2 / days * 365.25 if km2 else np.nan})
    return pd.DataFrame(rows)


def counts_by_grid(events: pd.DataFrame, *, cell_m: float = 200.0,
                   area: str = "support") -> pd.DataFrame:
    """One row per grid cell with its count (the grid is built on these events)."""
    grid = grid_for(events, cell_m, area)
    data = prepare(events, grid, source_weights={})
    frame = grid.to_frame()
    frame["count"] = grid.counts(data.cell).ravel()[grid.active].astype(int)
    return frame


def counts_by_category(events: pd.DataFrame) -> pd.DataFrame:
    c = events["category"].astype(str).value_counts()
    return pd.DataFrame({"category": c.index, "count": c.to_numpy(),
                         "share": c.to_numpy() / max(len(events), 1)})


def hour_weekday(events: pd.DataFrame, tz: str = "Europe/Paris") -> pd.DataFrame:
    """7 × 24 counts (rows: lundi…dimanche, columns: local hour 0…23)."""
    local = events["t"].dt.tz_convert(tz)
    table = np.zeros((7, 24), int)
    np.add.at(table, (local.dt.day_of_week.to_numpy(), local.dt.hour.to_numpy()), 1)
    return pd.DataFrame(table, index=list(DAYS_FR), columns=list(range(24)))


def rate_change_test(count: int, exposure: float, base_count: int,
                     base_exposure: float) -> dict[str, float]:
    """Exact conditional test of equal Poisson rates (see the module docstring).

    Returns the rate ratio, its exact 95 % interval (Clopper–Pearson on the binomial
    proportion, mapped to the ratio scale) and the two-sided p-value.
    """
    n = int(count) + int(base_count)
    share = exposure / (exposure + base_exposure)
    scale = base_exposure / exposure
    ratio = (count / exposure) / (base_count / base_exposure) if base_count else np.inf
    if n == 0:
        return {"ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": 1.0}
    res = stats.binomtest(int(count), n, share)
    ci = res.proportion_ci(confidence_level=0.95, method="exact")

    def to_ratio(p: float) -> float:
        return p / (1 - p) * scale if p < 1 else np.inf

    return {"ratio": float(ratio), "ci_low": float(to_ratio(ci.low)),
            "ci_high": float(to_ratio(ci.high)), "p_value": float(res.pvalue)}


def trend(events: pd.DataFrame, period: tuple[Instant, Instant],
          baseline: tuple[Instant, Instant], *,
          zones: Mapping[str, Geometry] | None = None, by_category: bool = False,
          fdr: float = 0.05) -> pd.DataFrame:
    """Change of rate between ``period`` and ``baseline`` per zone (and category).

    Without ``zones`` the whole area is one zone. ``verdict`` is French: "hausse
    significative", "baisse significative" or "variation dans le bruit" (BH q > fdr).
    """
    t1, t0 = _days(*period), _days(*baseline)
    frames = []
    for label, (a, b) in (("period", period), ("baseline", baseline)):
        ev = in_period(events, a, b).copy()
        ev["zone"] = zone_of(ev, zones) if zones else "ensemble"
        ev["which"] = label
        frames.append(ev)
    both = pd.concat(frames)
    keys = ["zone", "category"] if by_category else ["zone"]
    both = both[both["zone"].notna()]
    table = both.groupby(keys + ["which"]).size().unstack("which", fill_value=0)
    for col in ("period", "baseline"):
        if col not in table:
            table[col] = 0
    rows = []
    for key, r in table.iterrows():
        res = rate_change_test(int(r["period"]), t1, int(r["baseline"]), t0)
        d = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        d.update(count=int(r["period"]), baseline_count=int(r["baseline"]),
                 expected=r["baseline"] * t1 / t0, **res)
        rows.append(d)
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["q_value"] = benjamini_hochberg(out["p_value"].to_numpy())
    sig = out["q_value"] <= fdr
    out["verdict"] = np.where(sig & (out["count"] > out["expected"]), "hausse significative",
                              np.where(sig, "baisse significative", "variation dans le bruit"))
    return out.sort_values("p_value", kind="stable").reset_index(drop=True)
