"""Read the three pack files the demo generator needs (zones, landmarks, streets + geometry)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

NUMERIC = ("lat", "lon", "centroid_lat", "centroid_lon", "length_m")


def _rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows: list[dict[str, Any]] = list(csv.DictReader(fh))
    for r in rows:
        for key in NUMERIC:
            if r.get(key) not in (None, ""):
                r[key] = float(r[key])
    return rows


def load_pack(pack_dir: Path) -> dict[str, Any]:
    """``{"zones_geojson", "landmarks", "streets"}`` ready for ``generate_history``.

    Each street row gets the ``geometry`` of its feature in streets.geojson when present, so
    that synthetic places fall along the street lines.
    """
    zones = json.loads((pack_dir / "zones.geojson").read_text(encoding="utf-8"))
    landmarks = _rows(pack_dir / "landmarks.csv")
    streets = _rows(pack_dir / "streets.csv")
    geo_path = pack_dir / "streets.geojson"
    if geo_path.is_file():
        fc = json.loads(geo_path.read_text(encoding="utf-8"))
        geoms = {f["properties"]["name"]: f["geometry"] for f in fc["features"]}
        for s in streets:
            if s["name"] in geoms:
                s["geometry"] = geoms[s["name"]]
    return {"zones_geojson": zones, "landmarks": landmarks, "streets": streets}
