"""Fixtures for the Biarritz pack data files (packs/biarritz/*.csv, *.geojson)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "packs" / "biarritz"
SHARED_GEO = ROOT.parent / "shared" / "data" / "geo"
_TO_M = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def to_m(geom: Any) -> Any:
    """Lambert-93 metres, for areas and distances."""
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_M.transform(xy[:, 0], xy[:, 1])))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session", name="to_m")
def to_m_fixture() -> Any:
    """A function: WGS84 geometry → Lambert-93 metres."""
    return to_m


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def shared_geo() -> Path:
    """../shared/data/geo (the sources); tests needing it skip when it is absent."""
    return SHARED_GEO


@pytest.fixture(scope="session")
def pack_dir() -> Path:
    return PACK


@pytest.fixture(scope="session")
def zones_fc() -> dict[str, Any]:
    return json.loads((PACK / "zones.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def commune(zones_fc: dict[str, Any]) -> Any:
    (feat,) = [f for f in zones_fc["features"] if f["properties"]["kind"] == "commune"]
    return shape(feat["geometry"])


@pytest.fixture(scope="session")
def zones(zones_fc: dict[str, Any]) -> dict[str, Any]:
    return {f["properties"]["code"]: shape(f["geometry"]) for f in zones_fc["features"]
            if f["properties"]["kind"] == "zone"}


@pytest.fixture(scope="session")
def landmarks() -> list[dict[str, str]]:
    return read_csv(PACK / "landmarks.csv")


@pytest.fixture(scope="session")
def streets() -> list[dict[str, str]]:
    return read_csv(PACK / "streets.csv")


@pytest.fixture(scope="session")
def streets_fc() -> dict[str, Any]:
    return json.loads((PACK / "streets.geojson").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def coastline(commune: Any) -> Any:
    """The sea side of the simplified commune ring (Bidart border → Anglet border)."""
    from shapely.geometry import LineString

    ring = list(commune.exterior.coords)[:-1]
    i = ring.index((-1.57802, 43.46381))
    ring = ring[i:] + ring[:i]
    j = ring.index((-1.54982, 43.49433))
    path = ring[: j + 1]
    if (-1.53459, 43.46948) in path:
        path = [ring[0]] + ring[j:][::-1]
    return LineString(path)
