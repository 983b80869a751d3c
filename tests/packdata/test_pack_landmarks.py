"""landmarks.csv: places residents name, inside the commune and in the right zone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape

BEACHES = ["grande-plage", "miramar", "port-vieux", "cote-des-basques", "marbella", "milady"]
EXPECTED_ZONE = {
    **{b: "littoral" for b in BEACHES},
    "rocher-de-la-vierge": "littoral",
    "phare": "littoral",
    "halles": "centre",
    "port-des-pecheurs": "centre",
    "place-clemenceau": "centre",
    "mairie": "centre",
    "gare-du-midi": "centre",
    "place-sainte-eugenie": "centre",
    "eglise-saint-martin": "saint_martin",
    "gare-biarritz": "la_negresse",
    "stade-aguilera": "aguilera",
    "aeroport": "iraty_parme",
}
# landmark → a pack street it stands on or next to, and the greatest plausible distance (m)
ON_STREET = {
    "halles": ("Rue des Halles", 80),
    "place-clemenceau": ("Place Georges Clemenceau", 40),
    "place-sainte-eugenie": ("Place Sainte-Eugénie", 40),
    "mairie": ("Avenue Édouard VII", 80),
    "port-vieux": ("Place du Port Vieux", 150),
    "port-des-pecheurs": ("Allée Port des Pêcheurs", 120),
    "grande-plage": ("Quai de la Grande Plage", 120),
    "eglise-saint-martin": ("Rue Saint-Martin", 80),
    "stade-aguilera": ("Rue Cino Del Duca", 150),
    "phare": ("Esplanade Elisabeth II", 150),
    "rocher-de-la-vierge": ("Passerelle de la Vierge", 120),
    "gare-biarritz": ("Rue Chapelet", 150),
}


def test_columns_ids_and_aliases(landmarks: list[dict[str, str]], pack_dir: Path) -> None:
    header = (pack_dir / "landmarks.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "id,name,aliases,kind,lat,lon,zone"
    ids = [r["id"] for r in landmarks]
    assert len(ids) == len(set(ids)) >= 30
    for r in landmarks:
        aliases = r["aliases"].split("|")
        assert all(a and a == a.lower().strip() for a in aliases), r["id"]
        assert r["kind"] and r["name"]


def test_the_original_18_pois_are_kept(landmarks: list[dict[str, str]]) -> None:
    original = {"grande-plage", "cote-des-basques", "miramar", "marbella", "milady",
                "port-vieux", "rocher-de-la-vierge", "phare", "casino", "hotel-du-palais",
                "villa-belza", "port-des-pecheurs", "musee-de-la-mer", "halles", "gare-du-midi",
                "parking-casino", "parking-sainte-eugenie", "parking-bellevue"}
    assert original <= {r["id"] for r in landmarks}


def test_every_landmark_is_inside_or_near_the_commune(
    landmarks: list[dict[str, str]], commune: Any, coastline: Any, to_m: Any
) -> None:
    coast_m = to_m(coastline)
    for r in landmarks:
        p = Point(float(r["lon"]), float(r["lat"]))
        assert commune.contains(p) or coast_m.distance(to_m(p)) < 150, r["id"]


def test_zone_column_is_the_zone_the_point_falls_in(
    landmarks: list[dict[str, str]], zones: dict[str, Any]
) -> None:
    for r in landmarks:
        p = Point(float(r["lon"]), float(r["lat"]))
        nearest = min(zones, key=lambda c: zones[c].distance(p))
        assert r["zone"] == nearest, r["id"]


@pytest.mark.parametrize("lm_id,zone", sorted(EXPECTED_ZONE.items()))
def test_expected_zone(landmarks: list[dict[str, str]], lm_id: str, zone: str) -> None:
    (row,) = [r for r in landmarks if r["id"] == lm_id]
    assert row["zone"] == zone


def test_residents_words_find_the_beaches(landmarks: list[dict[str, str]]) -> None:
    by_alias = {a: r["id"] for r in landmarks for a in r["aliases"].split("|")}
    assert by_alias["grande plage"] == "grande-plage"
    assert by_alias["plage centrale"] == "grande-plage"
    assert by_alias["cote des basques"] == "cote-des-basques"
    assert by_alias["les halles"] == "halles"


@pytest.mark.parametrize("lm_id", sorted(ON_STREET))
def test_landmark_sits_by_its_street(
    landmarks: list[dict[str, str]], streets_fc: dict[str, Any], lm_id: str, to_m: Any
) -> None:
    street, max_m = ON_STREET[lm_id]
    (row,) = [r for r in landmarks if r["id"] == lm_id]
    (feat,) = [f for f in streets_fc["features"] if f["properties"]["name"] == street]
    d = to_m(shape(feat["geometry"])).distance(to_m(Point(float(row["lon"]), float(row["lat"]))))
    assert d < max_m, f"{lm_id} is {d:.0f} m from {street}"
