"""Named zones and the regular analysis grid of a commune; point-in-zone look-ups.

The grid is built from the commune boundary in a local metric projection (azimuthal
equidistant, shared with :mod:`bia.analytics.projection`), keeping every square cell that
touches the commune. A point is placed in the named zone that contains it, or, for the
coastal points that fall just outside the simplified boundary, in the nearest zone within
``snap_m`` metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import Point, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from bia.analytics.projection import LocalProjection


@dataclass(frozen=True)
class GridCell:
    code: str
    geometry: dict[str, Any]  # GeoJSON polygon in lon/lat
    lat: float
    lon: float
    parent_code: str | None


def _projection(boundary: BaseGeometry) -> LocalProjection:
    centre = boundary.centroid
    return LocalProjection(round(centre.x, 3), round(centre.y, 3))


def _to_metric(geom: BaseGeometry, proj: LocalProjection) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(proj.forward(xy[:, 0], xy[:, 1])))


def _to_lonlat(geom: BaseGeometry, proj: LocalProjection) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: np.column_stack(proj.inverse(xy[:, 0], xy[:, 1])))


def build_grid(boundary_geojson: dict[str, Any], cell_m: int,
               zones: ZoneIndex | None = None) -> list[GridCell]:
    """Square cells of ``cell_m`` metres covering the commune boundary."""
    boundary = shape(boundary_geojson)
    proj = _projection(boundary)
    metric = _to_metric(boundary, proj)
    xmin, ymin, xmax, ymax = metric.bounds
    x0, y0 = math.floor(xmin / cell_m) * cell_m, math.floor(ymin / cell_m) * cell_m
    cells = []
    for col, x in enumerate(np.arange(x0, xmax, cell_m)):
        for row, y in enumerate(np.arange(y0, ymax, cell_m)):
            square = box(x, y, x + cell_m, y + cell_m)
            if not square.intersects(metric):
                continue
            lonlat = _to_lonlat(square, proj)
            centre = lonlat.centroid
            parent = zones.zone_of(centre.y, centre.x) if zones else None
            cells.append(GridCell(code=f"g{cell_m}_{col:03d}_{row:03d}",
                                  geometry=mapping(lonlat), lat=centre.y, lon=centre.x,
                                  parent_code=parent))
    return cells


class ZoneIndex:
    """Point → named zone code, over the ``kind: zone`` features of a pack."""

    def __init__(self, zones_geojson: dict[str, Any], *, snap_m: float = 300.0) -> None:
        features = [f for f in zones_geojson["features"] if f["properties"].get("kind") == "zone"]
        self.codes = [f["properties"]["code"] for f in features]
        self.geoms = [shape(f["geometry"]) for f in features]
        self.tree = STRtree(self.geoms)
        self.snap_deg = snap_m / 111_000.0

    def zone_of(self, lat: float | None, lon: float | None) -> str | None:
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        point = Point(lon, lat)
        for index in self.tree.query(point, predicate="intersects"):
            return self.codes[int(index)]
        index = self.tree.nearest(point)
        if index is None:
            return None
        if self.geoms[int(index)].distance(point) <= self.snap_deg:
            return self.codes[int(index)]
        return None
