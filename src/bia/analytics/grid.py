"""Regular metre grids over a study area.

The grid is built from the *training* events only, so adding future events never changes the
cells a forecast is scored on. The rectangle is robust to geocoding outliers (a few
Charlottesville events are geocoded 150 km away): it spans the 1st–99th percentiles plus a
quarter of that range on each side, clipped to the data. The study area is then the cells
within ``support_m`` of a training event ("support", the rectangle being padded by
``support_m``), or the rectangle itself ("bbox"), so PAI is not inflated by lakes or fields
where nothing can happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import ndimage

from bia.analytics.projection import LocalProjection
from bia.analytics.types import AnalyticsError


@dataclass
class Grid:
    proj: LocalProjection
    x0: float
    y0: float
    cell_m: float
    nx: int
    ny: int
    mask: np.ndarray  # bool (ny, nx): True where the cell is in the study area

    @property
    def n_cells(self) -> int:
        return self.nx * self.ny

    @property
    def active(self) -> np.ndarray:
        """Flat indices of study-area cells (row-major), ascending."""
        return np.flatnonzero(self.mask.ravel())

    def cell_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Flat cell index for metric points; -1 outside the study area."""
        col = np.floor((np.asarray(x) - self.x0) / self.cell_m).astype(np.int64)
        row = np.floor((np.asarray(y) - self.y0) / self.cell_m).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        flat = np.where(inside, row * self.nx + col, -1)
        ok = flat >= 0
        flat[ok] = np.where(self.mask.ravel()[flat[ok]], flat[ok], -1)
        return flat

    def centres(self, flat: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        flat = self.active if flat is None else np.asarray(flat)
        row, col = np.divmod(flat, self.nx)
        return self.x0 + (col + 0.5) * self.cell_m, self.y0 + (row + 0.5) * self.cell_m

    def counts(self, cells: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """(ny, nx) array of (weighted) counts; cells of -1 are ignored."""
        ok = cells >= 0
        w = None if weights is None else np.asarray(weights)[ok]
        return np.bincount(cells[ok], weights=w, minlength=self.n_cells).reshape(
            self.ny, self.nx
        ).astype(float)

    def to_frame(self, scores: np.ndarray | None = None) -> pd.DataFrame:
        """One row per study-area cell: ``cell_id,lon_min,lat_min,lon_max,lat_max[,score]``.

        The lon/lat box is the envelope of the metric square's four corners.
        """
        flat = self.active
        row, col = np.divmod(flat, self.nx)
        xs = [self.x0 + (col + dx) * self.cell_m for dx in (0, 1, 0, 1)]
        ys = [self.y0 + (row + dy) * self.cell_m for dy in (0, 0, 1, 1)]
        lons, lats = zip(*(self.proj.inverse(x, y) for x, y in zip(xs, ys, strict=True)),
                         strict=True)
        frame = pd.DataFrame(
            {
                "cell_id": flat,
                "lon_min": np.min(lons, axis=0),
                "lat_min": np.min(lats, axis=0),
                "lon_max": np.max(lons, axis=0),
                "lat_max": np.max(lats, axis=0),
            }
        )
        if scores is not None:
            frame["score"] = np.asarray(scores, float)
        return frame


def _robust_range(v: np.ndarray) -> tuple[float, float]:
    lo, hi = np.quantile(v, [0.01, 0.99]) if v.size >= 100 else (v.min(), v.max())
    pad = 0.25 * (hi - lo)
    return max(float(v.min()), lo - pad), min(float(v.max()), hi + pad)


def build_grid(
    lon: np.ndarray,
    lat: np.ndarray,
    cell_m: float = 200.0,
    *,
    area: str = "support",
    support_m: float = 500.0,
    proj: LocalProjection | None = None,
    max_cells: int = 4_000_000,
) -> Grid:
    """Grid covering the (training) events. See the module docstring for the study area."""
    lon = np.asarray(lon, float)
    lat = np.asarray(lat, float)
    if lon.size == 0:
        raise AnalyticsError("no events to build a grid", "aucun événement pour bâtir la grille")
    if cell_m <= 0:
        raise AnalyticsError("cell size must be positive", "la taille de maille doit être > 0")
    proj = proj or LocalProjection.centred_on(lon, lat)
    x, y = proj.forward(lon, lat)
    (xa, xb), (ya, yb) = _robust_range(x), _robust_range(y)
    if area == "support":  # room for the support ring around the outermost events
        xa, xb, ya, yb = xa - support_m, xb + support_m, ya - support_m, yb + support_m
    x0 = np.floor(xa / cell_m) * cell_m
    y0 = np.floor(ya / cell_m) * cell_m
    nx = int(np.floor(xb / cell_m) - x0 / cell_m) + 1
    ny = int(np.floor(yb / cell_m) - y0 / cell_m) + 1
    if nx * ny > max_cells:
        raise AnalyticsError(
            f"grid of {nx}x{ny} cells is too large; use larger cells",
            f"grille de {nx}×{ny} mailles trop grande : augmentez la taille de maille",
        )
    grid = Grid(proj, float(x0), float(y0), float(cell_m), nx, ny, np.ones((ny, nx), bool))
    if area == "bbox":
        return grid
    if area != "support":
        raise AnalyticsError(f"unknown area {area!r}", f"zone d'étude inconnue : {area!r}")
    occupied = grid.counts(grid.cell_of(x, y)) > 0
    k = max(0, int(np.ceil(support_m / cell_m - 0.5)))
    if k:
        yy, xx = np.mgrid[-k : k + 1, -k : k + 1]
        disk = (xx**2 + yy**2) * cell_m**2 <= support_m**2 + 1e-9
        occupied = ndimage.binary_dilation(occupied, structure=disk)
    grid.mask = occupied
    return grid
