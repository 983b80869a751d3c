"""Where two streets meet: "au coin de la rue Gambetta et de la rue Mazagran".

A resident who names a corner gives a better position than either street alone, whose point
in ``streets.csv`` may lie hundreds of metres away along a long avenue.  The pack's
``streets.geojson`` (OpenStreetMap lines) holds each street's geometry; the corner is the
middle of the shortest segment between the two lines, accepted when the streets come within
``max_gap_m`` of each other (OSM lines of crossing streets share a node or nearly so; a
small gap covers streets separated by a square or a roundabout).

Geometries are read on the first corner asked for, so loading a gazetteer stays cheap.
"""

from __future__ import annotations

import json
import math
import threading
from functools import lru_cache
from pathlib import Path

import shapely
from shapely.geometry import MultiLineString

_M_PER_DEG_LAT = 110_540.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


class StreetCorners:
    """Street lines of one pack, in local metres, and the corners between them."""

    def __init__(self, lines: dict[str, list[list[tuple[float, float]]]],
                 max_gap_m: float = 60.0) -> None:
        lats = [lat for parts in lines.values() for part in parts for _, lat in part]
        self._lat0 = sum(lats) / len(lats) if lats else 0.0
        self._kx = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(self._lat0))
        self.max_gap_m = max_gap_m
        self._geoms = {
            name: MultiLineString([[self._to_m(lon, lat) for lon, lat in part] for part in parts
                                   if len(part) >= 2])
            for name, parts in lines.items()
        }
        self.corner = lru_cache(maxsize=4096)(self._corner)

    @classmethod
    def from_geojson(cls, path: Path, max_gap_m: float = 60.0) -> StreetCorners:
        """Lines by street name from a GeoJSON of (Multi)LineString features named ``name``."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        lines: dict[str, list[list[tuple[float, float]]]] = {}
        for feature in data.get("features", []):
            name = (feature.get("properties") or {}).get("name")
            geom = feature.get("geometry") or {}
            coords = geom.get("coordinates") or []
            if not name or geom.get("type") not in ("LineString", "MultiLineString"):
                continue
            parts = [coords] if geom["type"] == "LineString" else coords
            lines.setdefault(name, []).extend(
                [[(float(x), float(y)) for x, y, *_ in part] for part in parts])
        return cls(lines, max_gap_m)

    def __contains__(self, name: str) -> bool:
        return name in self._geoms

    def _to_m(self, lon: float, lat: float) -> tuple[float, float]:
        return lon * self._kx, lat * _M_PER_DEG_LAT

    def _corner(self, street_a: str, street_b: str) -> tuple[float, float] | None:
        """(lat, lon) where the two streets meet, or None when they do not come close."""
        a, b = self._geoms.get(street_a), self._geoms.get(street_b)
        if a is None or b is None or a.is_empty or b.is_empty or street_a == street_b:
            return None
        link = shapely.shortest_line(a, b)
        if link is None or link.length > self.max_gap_m:
            return None
        (x1, y1), (x2, y2) = link.coords
        x, y = (x1 + x2) / 2, (y1 + y2) / 2
        return round(y / _M_PER_DEG_LAT, 6), round(x / self._kx, 6)


class LazyCorners:
    """Reads ``streets.geojson`` the first time a corner is asked for (thread-safe)."""

    def __init__(self, path: Path, max_gap_m: float = 60.0) -> None:
        self.path = Path(path)
        self.max_gap_m = max_gap_m
        self._loaded: StreetCorners | None = None
        self._failed = False
        self._lock = threading.Lock()

    def corner(self, street_a: str, street_b: str) -> tuple[float, float] | None:
        if self._loaded is None and not self._failed:
            with self._lock:
                if self._loaded is None and not self._failed:
                    try:
                        self._loaded = StreetCorners.from_geojson(self.path, self.max_gap_m)
                    except (OSError, ValueError, TypeError, KeyError):
                        self._failed = True  # a damaged file: keep the first street's point
        return self._loaded.corner(street_a, street_b) if self._loaded else None
