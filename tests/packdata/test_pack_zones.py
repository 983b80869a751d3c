"""zones.geojson: the commune and approximate named zones that partition it."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape

REQUIRED = {"centre", "littoral", "saint_charles", "beaurivage", "saint_martin", "la_negresse",
            "iraty_parme"}


def test_collection_members_say_the_zones_are_approximate(zones_fc: dict[str, Any]) -> None:
    assert zones_fc["type"] == "FeatureCollection"
    assert zones_fc["name"] and zones_fc["attribution"]
    assert "approximate" in zones_fc["note"].lower()
    commune = [f for f in zones_fc["features"] if f["properties"]["kind"] == "commune"]
    assert [f["properties"] for f in commune] == [
        {"kind": "commune", "code": "64122", "name": "Biarritz"}
    ]
    for f in zones_fc["features"]:
        p = f["properties"]
        if p["kind"] == "zone":
            assert p["approximate"] is True
            assert p["name"] and p["description"]
            assert p["code"].isidentifier() and p["code"].islower()


def test_required_zones_and_a_plausible_count(zones: dict[str, Any]) -> None:
    assert set(zones) >= REQUIRED
    assert 8 <= len(zones) <= 12


def test_commune_is_the_ign_boundary(commune: Any, to_m: Any, shared_geo: Path) -> None:
    assert 11.5e6 < to_m(commune).area < 13.0e6  # official area 11.66 km², simplified ring
    source = shared_geo / "biarritz_commune_64122.geojson"
    if source.is_file():
        ign = shape(json.loads(source.read_text(encoding="utf-8"))["features"][0]["geometry"])
        ring = [tuple(c) for c in commune.exterior.coords]
        idx = [ring.index(tuple(c)) for c in ign.exterior.coords[:-1]]
        assert idx == sorted(idx) or idx[::-1] == sorted(idx)  # same vertices, same order
        # only zone vertices within ~8 cm of its edges were added: < 0.002 % of the area
        assert abs(to_m(ign).area - to_m(commune).area) < 200.0


def test_zones_do_not_overlap(zones: dict[str, Any], to_m: Any) -> None:
    for (a, ga), (b, gb) in itertools.combinations(zones.items(), 2):
        assert to_m(ga.intersection(gb)).area < 1.0, (a, b)


def test_zones_cover_the_commune(zones: dict[str, Any], commune: Any, to_m: Any) -> None:
    total = sum(to_m(g).area for g in zones.values())
    assert abs(total - to_m(commune).area) < 1.0
    from shapely import union_all

    assert to_m(commune.symmetric_difference(union_all(list(zones.values())))).area < 1.0
    for code, g in zones.items():
        assert g.is_valid and to_m(g).area > 100_000, code  # no sliver zone


def test_littoral_runs_along_the_whole_coast(
    zones: dict[str, Any], coastline: Any, to_m: Any
) -> None:
    littoral = zones["littoral"]
    # every 100 m along the coast, the littoral is within ~30 m, except along the port des
    # Pêcheurs, which the routing spec puts in the centre
    n = int(to_m(coastline).length // 100)
    points = [coastline.interpolate(i / n, normalized=True) for i in range(n + 1)]
    far = [p for p in points if littoral.distance(p) > 3e-4]
    assert len(far) <= 5
    assert all(zones["centre"].distance(p) < 3e-4 for p in far)


def test_spec_example_address_is_in_the_centre(zones: dict[str, Any]) -> None:
    # "devant le 12 avenue Édouard VII" → lat 43.4836, lon -1.5597, zone centre (routing spec)
    p = Point(-1.5597, 43.4836)
    assert [c for c, g in zones.items() if g.covers(p)] == ["centre"]
