"""Local metric projection for metre grids.

An azimuthal equidistant projection centred on the data keeps distances from the centre exact
and distortion under 0.1 % within ~30 km, which is enough for city-sized grids and avoids
choosing a UTM zone or Lambert-93 (French only) per city.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from pyproj import CRS, Transformer


@dataclass(frozen=True)
class LocalProjection:
    lon0: float
    lat0: float

    @classmethod
    def centred_on(cls, lon: np.ndarray, lat: np.ndarray) -> LocalProjection:
        """Centre on the median point, rounded so that nearby data sets share a projection."""
        if len(lon) == 0:
            return cls(0.0, 0.0)
        return cls(round(float(np.median(lon)), 3), round(float(np.median(lat)), 3))

    @cached_property
    def crs(self) -> CRS:
        return CRS.from_proj4(
            f"+proj=aeqd +lat_0={self.lat0} +lon_0={self.lon0} +x_0=0 +y_0=0 "
            "+ellps=WGS84 +units=m +no_defs"
        )

    @cached_property
    def _fwd(self) -> Transformer:
        return Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)

    @cached_property
    def _inv(self) -> Transformer:
        return Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

    def forward(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._fwd.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x, float), np.asarray(y, float)

    def inverse(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self._inv.transform(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(lon, float), np.asarray(lat, float)
