"""Reading a commune pack's gazetteer files: streets, landmarks and the street lines."""

from __future__ import annotations

import csv
from pathlib import Path

from bia.geo.corners import LazyCorners
from bia.geo.gazetteer import LandmarkEntry, StreetEntry


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def read_streets(path: Path) -> list[StreetEntry]:
    with path.open(encoding="utf-8") as f:
        return [StreetEntry(name=row["name"], street_type=row.get("street_type") or None,
                            lat=_float(row.get("lat")), lon=_float(row.get("lon")),
                            alias_of=row.get("alias_of") or None)
                for row in csv.DictReader(f)]


def read_landmarks(path: Path) -> list[LandmarkEntry]:
    """``landmarks.csv`` (optional: none when the file is absent)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as f:
        return [
            LandmarkEntry(
                id=row["id"],
                name=row["name"],
                aliases=tuple(a.strip() for a in (row.get("aliases") or "").split("|")
                              if a.strip()),
                kind=row.get("kind") or None,
                lat=_float(row.get("lat")),
                lon=_float(row.get("lon")),
                zone=row.get("zone") or None,
            )
            for row in csv.DictReader(f)
        ]


def read_pack(pack_dir: Path) -> tuple[list[StreetEntry], list[LandmarkEntry], LazyCorners | None]:
    """Streets, landmarks and (when ``streets.geojson`` is there) the corner finder."""
    lines = pack_dir / "streets.geojson"
    return (read_streets(pack_dir / "streets.csv"), read_landmarks(pack_dir / "landmarks.csv"),
            LazyCorners(lines) if lines.is_file() else None)
