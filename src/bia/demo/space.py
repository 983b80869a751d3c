"""Where synthetic events happen: the commune, its zones, hot spots and streets, in metres.

Works in a local equirectangular plane around Biarritz (error < 0.1 % over the commune), which
is plenty for jitter of tens of metres and 200 m cells.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import shape

from bia.demo import profiles as P

LAT0, LON0 = 43.475, -1.56
KY = 111_132.0  # metres per degree of latitude at 43.5°
KX = 111_320.0 * math.cos(math.radians(LAT0))


def _to_xy(lon: Any, lat: Any) -> np.ndarray:
    return np.column_stack([(np.asarray(lon, float) - LON0) * KX,
                            (np.asarray(lat, float) - LAT0) * KY])


def _lines(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry["type"] == "LineString":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiLineString":
        return list(geometry["coordinates"])
    return []


class Space:
    def __init__(self, zones_geojson: dict[str, Any], landmarks: list[dict[str, Any]],
                 streets: list[dict[str, Any]]) -> None:
        feats = zones_geojson["features"]
        self.zone_codes = [f["properties"]["code"] for f in feats
                           if f["properties"].get("kind") == "zone"]
        self.zone_geoms = [shape(f["geometry"]) for f in feats
                           if f["properties"].get("kind") == "zone"]
        communes = [shape(f["geometry"]) for f in feats
                    if f["properties"].get("kind") == "commune"]
        self.commune = communes[0] if communes else shapely.union_all(self.zone_geoms)
        shapely.prepare(self.commune)
        for g in self.zone_geoms:
            shapely.prepare(g)
        self.anchors: dict[str, np.ndarray] = {}
        for s in streets:
            self.anchors[s["name"]] = _to_xy([s["lon"]], [s["lat"]])[0]
        for lm in landmarks:
            self.anchors[lm["id"]] = _to_xy([lm["lon"]], [lm["lat"]])[0]
        self._build_segments(streets)

    # ---- streets ------------------------------------------------------------------------
    def _build_segments(self, streets: list[dict[str, Any]]) -> None:
        a, b, owner = [], [], []
        self.street_names = [s["name"] for s in streets]
        for i, s in enumerate(streets):
            geom = s.get("geometry")
            parts = _lines(geom) if isinstance(geom, dict) else []
            if not parts:  # no geometry: label point → centroid, a stand-in segment
                lon2 = s.get("centroid_lon", s["lon"])
                lat2 = s.get("centroid_lat", s["lat"])
                parts = [[[float(s["lon"]), float(s["lat"])], [float(lon2), float(lat2)]]]
            for line in parts:
                xy = _to_xy([p[0] for p in line], [p[1] for p in line])
                a.append(xy[:-1])
                b.append(xy[1:])
                owner += [i] * (len(xy) - 1)
        self.seg_a, self.seg_b = np.vstack(a), np.vstack(b)
        self.seg_owner = np.array(owner)
        self.seg_len = np.maximum(np.hypot(*(self.seg_b - self.seg_a).T), 1.0)
        mid = (self.seg_a + self.seg_b) / 2
        self.seg_zone = self.zone_of(mid)
        # densified points for the nearest-street lookup (every ~10 m)
        k = np.ceil(self.seg_len / 10).astype(int)
        rep = np.repeat(np.arange(len(k)), k + 1)
        frac = np.concatenate([np.linspace(0, 1, n + 1) for n in k])
        pts = self.seg_a[rep] + (self.seg_b[rep] - self.seg_a[rep]) * frac[:, None]
        self._tree = cKDTree(pts)
        self._pt_owner = self.seg_owner[rep]

    def street_of(self, xy: np.ndarray) -> np.ndarray:
        _, idx = self._tree.query(xy)
        return np.array(self.street_names, dtype=object)[self._pt_owner[idx]]

    # ---- zones and commune --------------------------------------------------------------
    def to_lonlat(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return xy[:, 0] / KX + LON0, xy[:, 1] / KY + LAT0

    def from_lonlat(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return _to_xy(lon, lat)

    def inside(self, xy: np.ndarray) -> np.ndarray:
        lon, lat = self.to_lonlat(xy)
        return shapely.contains_xy(self.commune, lon, lat)

    def zone_of(self, xy: np.ndarray) -> np.ndarray:
        lon, lat = self.to_lonlat(xy)
        out = np.full(len(xy), None, dtype=object)
        for code, g in zip(self.zone_codes, self.zone_geoms, strict=True):
            hit = (out == None) & shapely.intersects_xy(g, lon, lat)  # noqa: E711
            out[hit] = code
        missing = np.nonzero(out == None)[0]  # noqa: E711
        inside = self.inside(xy[missing]) if len(missing) else np.zeros(0, bool)
        for i in missing[inside]:  # on a rounded shared edge: nearest zone
            p = shapely.Point(lon[i], lat[i])
            out[i] = self.zone_codes[int(np.argmin([g.distance(p) for g in self.zone_geoms]))]
        return out

    # ---- sampling -----------------------------------------------------------------------
    def anchor(self, name: str) -> np.ndarray | None:
        return self.anchors.get(name)

    def _keep_inside(self, draw: Any, n: int, fallback: np.ndarray | None,
                     rng: np.random.Generator) -> np.ndarray:
        """Call ``draw(idx)`` until every row is inside the commune (≤ 30 rounds)."""
        xy = draw(np.arange(n))
        bad = np.nonzero(~self.inside(xy))[0]
        for _ in range(30):
            if not len(bad):
                return xy
            xy[bad] = draw(bad)
            bad = bad[~self.inside(xy[bad])]
        if len(bad) and fallback is not None:
            xy[bad] = fallback[bad]
        return xy

    def around(self, anchor: str, sd_m: float, n: int, rng: np.random.Generator) -> np.ndarray:
        centre = self.anchors[anchor]
        fallback = np.repeat(centre[None, :], n, axis=0)
        return self._keep_inside(lambda idx: centre + rng.normal(0, sd_m, (len(idx), 2)), n,
                                 fallback, rng)

    def near(self, xy: np.ndarray, sd_m: float, rng: np.random.Generator) -> np.ndarray:
        return self._keep_inside(lambda idx: xy[idx] + rng.normal(0, sd_m, (len(idx), 2)),
                                 len(xy), xy.copy(), rng)

    def _along_streets(self, n: int, weights: np.ndarray, rng: np.random.Generator
                       ) -> np.ndarray:
        seg = rng.choice(len(weights), size=n, p=weights)
        t = rng.random(n)[:, None]
        pts = self.seg_a[seg] + (self.seg_b[seg] - self.seg_a[seg]) * t
        return pts + rng.normal(0, 6.0, (n, 2))

    def _street_weights(self, category: str) -> np.ndarray:
        zf = P.CATEGORY_ZONE_WEIGHT.get(category, {})
        w = np.array([0.0 if z is None else P.ZONE_WEIGHT.get(z, 1.0) * zf.get(z, 1.0)
                      for z in self.seg_zone])
        w = w * self.seg_len
        return w / w.sum()

    def sample(self, c_idx: np.ndarray, cats: list[str], rng: np.random.Generator
               ) -> np.ndarray:
        """One place per event of category ``cats[c_idx[i]]``: hot spot or along a street."""
        xy = np.empty((len(c_idx), 2))
        for j, cat in enumerate(cats):
            rows = np.nonzero(c_idx == j)[0]
            if not len(rows):
                continue
            spots = [h for h in P.HOTSPOTS if cat in h.weights and h.anchor in self.anchors]
            hot_share = P.CATEGORIES[cat].hot if spots else 0.0
            weights = self._street_weights(cat)
            if spots:
                w = np.array([h.weights[cat] for h in spots])
                pick = rng.choice(len(spots), size=len(rows), p=w / w.sum())
                centres = np.array([self.anchors[h.anchor] for h in spots])[pick]
                sds = np.array([h.sd_m for h in spots])[pick]
            else:
                centres, sds = np.zeros((len(rows), 2)), np.zeros(len(rows))
            is_hot = rng.random(len(rows)) < hot_share
            draw = _Draw(self, is_hot, centres, sds, weights, rng)
            fallback = None
            if spots:
                fallback = np.where(is_hot[:, None], centres,
                                    self._along_streets(len(rows), weights, rng))
            xy[rows] = self._keep_inside(draw, len(rows), fallback, rng)
        return xy


class _Draw:
    """Draws rows ``idx`` of one category: at their hot spot, or along a street."""

    def __init__(self, space: Space, is_hot: np.ndarray, centres: np.ndarray, sds: np.ndarray,
                 weights: np.ndarray, rng: np.random.Generator) -> None:
        self.space, self.is_hot, self.centres, self.sds = space, is_hot, centres, sds
        self.weights, self.rng = weights, rng

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        out = np.empty((len(idx), 2))
        hot = self.is_hot[idx]
        if hot.any():
            k = idx[hot]
            out[hot] = self.centres[k] + self.rng.normal(0, 1, (len(k), 2)) * self.sds[k, None]
        if (~hot).any():
            out[~hot] = self.space._along_streets(int((~hot).sum()), self.weights, self.rng)
        return out
