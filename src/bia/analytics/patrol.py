"""Patrol plan: which cells each crew covers during a shift, and how much forecast risk.

Each crew gets a compact patch of ``patch_cells × patch_cells`` grid cells (600 m square at
200 m cells: walkable, one car's beat). Patches are chosen greedily, each time the one that
adds most uncovered forecast risk: coverage is submodular, so the greedy plan is within
(1 − 1/e) of the best possible (Nemhauser, Wolsey & Fisher 1978, "An analysis of
approximations for maximizing submodular set functions", Math. Programming 14:265). Within a
patch the crew's time is split in proportion to each cell's risk (the optimal allocation of
search effort for exponential detection is close to proportional at these scales; Koopman
1957) and visits are ordered by a nearest-neighbour tour from the riskiest cell.

The plan covers places, never people (DESIGN.md rule 12).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import ndimage

from bia.analytics.grid import Grid


@dataclass
class Visit:
    cell_id: int
    lat: float
    lon: float
    start: pd.Timestamp
    end: pd.Timestamp
    risk: float


@dataclass
class CrewPlan:
    crew: int
    cell_ids: list[int]
    lat: float
    lon: float
    risk: float
    visits: list[Visit] = field(default_factory=list)


@dataclass
class PatrolPlan:
    shift_start: pd.Timestamp
    shift_end: pd.Timestamp
    crews: list[CrewPlan]
    total_risk: float
    covered_risk: float
    area_share: float

    @property
    def covered_share(self) -> float:
        return self.covered_risk / self.total_risk if self.total_risk > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "shift_start": self.shift_start.isoformat(), "shift_end": self.shift_end.isoformat(),
            "covered_share": round(self.covered_share, 4),
            "area_share": round(self.area_share, 4),
            "explanation": self.explanation(),
            "crews": [{
                "crew": c.crew, "lat": round(c.lat, 6), "lon": round(c.lon, 6),
                "risk": c.risk, "cell_ids": c.cell_ids,
                "visits": [{"cell_id": v.cell_id, "lat": round(v.lat, 6),
                            "lon": round(v.lon, 6), "start": v.start.isoformat(),
                            "end": v.end.isoformat(), "risk": v.risk} for v in c.visits],
            } for c in self.crews],
        }

    def explanation(self) -> str:
        pct = f"{self.covered_share * 100:.0f}".replace(".", ",")
        area = f"{self.area_share * 100:.1f}".replace(".", ",")
        return (f"{len(self.crews)} équipage(s) couvrent {pct} % du risque prévu pour ce "
                f"créneau en patrouillant {area} % de la surface.")


def plan_patrols(grid: Grid, scores: np.ndarray, *, n_crews: int,
                 shift_start: pd.Timestamp, shift_hours: float = 8.0,
                 patch_cells: int = 3, min_visit_min: float = 10.0) -> PatrolPlan:
    """Greedy patrol plan for one shift from per-cell scores (order of ``grid.active``)."""
    risk = np.zeros(grid.n_cells)
    risk[grid.active] = np.maximum(np.asarray(scores, float), 0.0)
    field2d = risk.reshape(grid.ny, grid.nx).copy()
    total = float(field2d.sum())
    start = pd.Timestamp(shift_start)
    end = start + pd.Timedelta(hours=shift_hours)
    crews: list[CrewPlan] = []
    covered = 0.0
    half = patch_cells // 2
    for crew in range(1, n_crews + 1):
        sums = ndimage.uniform_filter(field2d, size=patch_cells, mode="constant")
        r, c = np.unravel_index(int(np.argmax(sums)), sums.shape)
        if sums[r, c] <= 0:
            break
        rows = slice(max(r - half, 0), min(r + half + 1, grid.ny))
        cols = slice(max(c - half, 0), min(c + half + 1, grid.nx))
        patch = np.zeros_like(field2d, bool)
        patch[rows, cols] = True
        patch &= grid.mask & (field2d > 0)
        flat = np.flatnonzero(patch.ravel())
        cell_risk = field2d.ravel()[flat]
        covered += float(cell_risk.sum())
        field2d[patch] = 0.0
        xs, ys = grid.centres(flat)
        lon, lat = grid.proj.inverse(xs, ys)
        order = _tour(xs, ys, int(np.argmax(cell_risk)))
        minutes = shift_hours * 60.0
        alloc = np.maximum(cell_risk / cell_risk.sum() * minutes, min_visit_min)
        alloc = alloc / alloc.sum() * minutes
        visits, t = [], start
        for i in order:
            t_end = t + pd.Timedelta(minutes=float(alloc[i]))
            visits.append(Visit(int(flat[i]), float(lat[i]), float(lon[i]), t.round("s"),
                                t_end.round("s"), float(cell_risk[i])))
            t = t_end
        cx, cy = float(np.average(xs, weights=cell_risk)), float(np.average(ys, weights=cell_risk))
        clon, clat = grid.proj.inverse(np.array([cx]), np.array([cy]))
        crews.append(CrewPlan(crew, [int(f) for f in flat], float(clat[0]), float(clon[0]),
                              float(cell_risk.sum()), visits))
    n_covered = sum(len(c.cell_ids) for c in crews)
    return PatrolPlan(start, end, crews, total, covered,
                      n_covered / max(int(grid.mask.sum()), 1))


def _tour(x: np.ndarray, y: np.ndarray, first: int) -> list[int]:
    """Nearest-neighbour visiting order starting at ``first``."""
    left = set(range(len(x)))
    order = [first]
    left.remove(first)
    while left:
        cur = order[-1]
        nxt = min(left, key=lambda j: (x[j] - x[cur]) ** 2 + (y[j] - y[cur]) ** 2)
        order.append(nxt)
        left.remove(nxt)
    return order
