"""Forecasts by named zone (quartier): cell intensities aggregated by area overlap.

Why aggregate cells rather than fit one model per zone: the models estimate an expected
count per 200 m cell, a scale far finer than a quartier (0.3–3 km² in Biarritz), and they
draw their strength from space (neighbour counts, kernels, near-repeat triggering). Eleven
zone series would each be a short, noisy count series with none of that, and a new zoning
(another commune, redrawn quartiers) would need a refit. With the intensity taken as uniform
within a cell, the expected count of a zone is ``Σ_c score_c · |c ∩ zone| / |c|`` — exact
for cells inside the zone, an areal interpolation for the boundary cells (Goodchild & Lam
1980, "Areal interpolation: a variant of the traditional spatial problem", Geo-Processing
1:297). Zone totals then add up to the forecast over the zones, and any zoning is free.

The zone backtest judges the ranking of zones: Spearman's rank correlation between forecast
and observed zone counts per window, and the hit rate of the top-k zones (share of the
window's events that fell in the k zones ranked highest) against the best possible (the k
zones that turned out busiest).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.stats import spearmanr

from bia.analytics.grid import Grid
from bia.analytics.types import AnalyticsError

ZONE_COLUMNS = ["zone", "name", "expected", "area_km2", "per_km2", "share", "rank"]


@dataclass
class ZoneOverlay:
    """Fractions of each study-area cell lying in each zone (n_active × n_zones)."""

    codes: list[str]
    names: list[str]
    weights: np.ndarray
    area_km2: np.ndarray

    def aggregate(self, scores: np.ndarray) -> np.ndarray:
        return np.asarray(scores, float) @ self.weights

    def frame(self, scores: np.ndarray) -> pd.DataFrame:
        """One row per zone: expected events, per km², share of the zones' total and rank
        (1 = highest expected count)."""
        expected = self.aggregate(scores)
        total = float(expected.sum())
        frame = pd.DataFrame({
            "zone": self.codes, "name": self.names, "expected": expected,
            "area_km2": self.area_km2,
            "per_km2": np.divide(expected, self.area_km2, out=np.zeros_like(expected),
                                 where=self.area_km2 > 0),
            "share": expected / total if total > 0 else np.zeros_like(expected)})
        frame["rank"] = frame["expected"].rank(ascending=False, method="first").astype(int)
        return frame.sort_values("rank").reset_index(drop=True)[ZONE_COLUMNS]


def zones_from_geojson(geojson: Mapping[str, Any], *, field: str = "code",
                       kind: str | None = "zone") -> tuple[dict[str, Any], dict[str, str]]:
    """Shapes by ``field`` (and display names) of the features of ``kind`` (a pack's zones
    have kind "zone"; the commune feature is skipped). Without such a property, every
    feature counts."""
    feats = [f for f in geojson.get("features", []) if f.get("geometry")]
    if kind and any((f.get("properties") or {}).get("kind") == kind for f in feats):
        feats = [f for f in feats if (f.get("properties") or {}).get("kind") == kind]
    shapes, names = {}, {}
    for i, f in enumerate(feats):
        props = f.get("properties") or {}
        code = str(props.get(field) or props.get("name") or i)
        shapes[code] = shapely.geometry.shape(f["geometry"])
        names[code] = str(props.get("name") or code)
    if not shapes:
        raise AnalyticsError("no zones in the GeoJSON", "aucune zone dans le fichier GeoJSON")
    return shapes, names


def overlay(grid: Grid, zones: Mapping[str, Any], names: Mapping[str, str] | None = None
            ) -> ZoneOverlay:
    """Area overlap of the grid's study-area cells with lon/lat zone polygons."""
    codes = list(zones)
    flat = grid.active
    row, col = np.divmod(flat, grid.nx)
    x0 = grid.x0 + col * grid.cell_m
    y0 = grid.y0 + row * grid.cell_m
    boxes = shapely.box(x0, y0, x0 + grid.cell_m, y0 + grid.cell_m)
    tree = shapely.STRtree(boxes)
    weights = np.zeros((flat.size, len(codes)))
    areas = np.zeros(len(codes))
    cell_area = grid.cell_m**2
    for j, code in enumerate(codes):
        metric = shapely.transform(zones[code], lambda xy: np.column_stack(
            grid.proj.forward(xy[:, 0], xy[:, 1])))
        metric = shapely.make_valid(metric)
        areas[j] = metric.area / 1e6
        hit = tree.query(metric, predicate="intersects")
        if hit.size:
            weights[hit, j] = shapely.area(shapely.intersection(boxes[hit], metric)) / cell_area
    return ZoneOverlay(codes, [str((names or {}).get(c, c)) for c in codes], weights, areas)


def zone_forecast(grid: Grid, scores: np.ndarray, zones: Mapping[str, Any],
                  names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Expected count and risk rank per zone for a cell forecast (see the docstring)."""
    return overlay(grid, zones, names).frame(scores)


def rank_scores(predicted: np.ndarray, observed: np.ndarray, top: Sequence[int] = (1, 3)
                ) -> dict[str, float]:
    """Spearman ρ and top-k hit rates (forecast and oracle) for one window of zone counts."""
    out: dict[str, float] = {}
    total = float(observed.sum())
    if np.ptp(predicted) > 0 and np.ptp(observed) > 0:
        out["spearman"] = float(spearmanr(predicted, observed).statistic)
    else:
        out["spearman"] = float("nan")
    for k in top:
        best = np.argsort(-predicted, kind="stable")[:k]
        oracle = np.sort(observed)[::-1][:k]
        out[f"hit_top{k}"] = float(observed[best].sum() / total) if total else float("nan")
        out[f"oracle_top{k}"] = float(oracle.sum() / total) if total else float("nan")
    return out


def zone_backtest(events: pd.DataFrame, zones: Mapping[str, Any], start: str | pd.Timestamp,
                  end: str | pd.Timestamp, horizon: str | pd.Timedelta = "7d", *,
                  models: Sequence[str] = ("naive", "kde", "learned", "sepp", "ensemble"),
                  cell_m: float = 200.0, category: str | None = None, seed: int = 0,
                  tz: str | None = None, step: str | pd.Timedelta | None = None
                  ) -> pd.DataFrame:
    """Rolling-origin backtest of zone rankings: one row per (model, window) with Spearman
    ρ and top-1/top-3 hit rates (see the module docstring). Train on the past only."""
    from bia.analytics.backtest import windows
    from bia.analytics.forecast import grid_for, prepare, select_category
    from bia.analytics.models import get_model
    from bia.analytics.stats import zone_of
    from bia.analytics.types import to_days

    h, t0, starts = windows(start, end, horizon, step)
    ev = select_category(events, category).sort_values("t", kind="stable")
    grid = grid_for(ev[ev["t"] < t0], cell_m)
    ov = overlay(grid, zones)
    data = prepare(ev, grid)
    code = {c: j for j, c in enumerate(ov.codes)}
    zone_idx = zone_of(ev, zones).map(code).fillna(-1).to_numpy(np.int64)
    hd = h / pd.Timedelta(1, "D")
    rows = []
    for k, o in enumerate(starts):
        od = float(to_days(o))
        a = int(np.searchsorted(data.t, od, side="left"))
        b = int(np.searchsorted(data.t, od + hd, side="left"))
        zi = zone_idx[a:b]
        observed = np.bincount(zi[zi >= 0], minlength=len(ov.codes)).astype(float)
        if observed.sum() == 0:
            continue
        history = data.before(od)
        done: dict[str, np.ndarray] = {}
        for name in models:
            model = get_model(name)
            if tz is not None and hasattr(model, "tz"):
                model.tz = tz  # type: ignore[attr-defined]
            members = getattr(model, "members", None)
            if members and all(m in done for m in members):
                scores = model.combine(done)  # type: ignore[attr-defined]
            else:
                scores = model.predict(history, grid, od, hd, np.random.default_rng([seed, k]))
            done[name] = scores
            predicted = ov.aggregate(np.maximum(scores, 0.0))
            rows.append({"model": name, "origin": o, "events": observed.sum(),
                         "predicted": predicted.sum(), **rank_scores(predicted, observed)})
    return pd.DataFrame(rows)
