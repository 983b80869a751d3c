"""The gazetteer finds the official street however a resident writes it, and nothing else."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bia.geo.gazetteer import Gazetteer, LandmarkEntry, StreetEntry

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "packs" / "biarritz"
SHARED = ROOT.parent / "shared" / "data" / "geo"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    """Biarritz streets from the shared OSM extract (independent of the pack being written)."""
    with (SHARED / "biarritz_streets.csv").open(encoding="utf-8") as f:
        streets = [
            StreetEntry(r["name"], r["street_type"], float(r["label_lat"]), float(r["label_lon"]))
            for r in csv.DictReader(f)
            if r["commune"] == "Biarritz"
        ]
    landmarks = [
        LandmarkEntry(
            "mairie", "Hôtel de Ville", ("mairie", "hôtel de ville"), "lieu", 43.4834, -1.5585
        ),
        LandmarkEntry("gare-du-midi", "Gare du Midi", (), "lieu", 43.4793, -1.558),
        LandmarkEntry("halles", "Les Halles", ("marché",), "lieu", 43.4807, -1.5596),
    ]
    return Gazetteer(streets, landmarks)


@pytest.mark.parametrize(
    ("said", "official"),
    [
        ("rue gambeta", "Rue Gambetta"),
        ("av edouard 7", "Avenue Édouard VII"),
        ("avenue edouard vii", "Avenue Édouard VII"),
        ("bd du gal de gaulle", "Boulevard du Général de Gaulle"),
        ("BOULEVARD DU GENERAL DE GAULLE", "Boulevard du Général de Gaulle"),
        ("av. du Mal Joffre", "Avenue du Maréchal Joffre"),
        ("avenue Foch", "Avenue du Maréchal Foch"),
        ("rue du Dr Laborde", "Rue du Docteur Laborde"),
        ("place Clemenceau", "Place Georges Clemenceau"),
        ("rue du port vieux", "Rue du Port-Vieux"),
        ("au rond point de l'europe", "Rond-Point de l'Europe"),
        ("ca se passe vers gambetta", "Rue Gambetta"),  # no type word, distinctive name
    ],
)
def test_spellings_find_the_official_name(gaz: Gazetteer, said: str, official: str) -> None:
    loc = gaz.find(f"il y a un souci {said} ce soir")
    assert loc is not None and loc.street == official
    assert loc.lat is not None and loc.zone is None  # the zone is the geo layer's job


@pytest.mark.parametrize(
    ("said", "number"),
    [
        ("au 12 rue Gambetta", "12"),
        ("12 bis rue Gambetta", "12 bis"),
        ("rue Gambetta n°12", "12"),
        ("devant le 12 rue Gambetta", "12"),
        ("rue Gambetta, au numéro 30", "30"),
    ],
)
def test_house_numbers(gaz: Gazetteer, said: str, number: str) -> None:
    loc = gaz.find(said)
    assert loc is not None and loc.street == "Rue Gambetta" and loc.number == number


def test_times_and_counts_are_not_house_numbers(gaz: Gazetteer) -> None:
    loc = gaz.find("depuis 23 h rue Gambetta, 3 jeunes")
    assert loc is not None and loc.number is None


@pytest.mark.parametrize(
    "text",
    [
        "la poste est fermée",
        "il fait beau sur la plage",
        "ça ne marche plus",
        "pas de bruit",
        "mon voisin laisse sa haie déborder",
        "on s'est disputés dix fois",
        "le port est calme",
    ],
)
def test_common_words_are_not_streets(gaz: Gazetteer, text: str) -> None:
    loc = gaz.find(text)
    assert loc is None or loc.street is None


def test_landmark_and_corner(gaz: Gazetteer) -> None:
    loc = gaz.find("c'est en face de la mairie")
    assert loc is not None and loc.landmark == "Hôtel de Ville" and loc.street is None
    corner = gaz.find_places("au coin de la rue Gambetta et de la rue Mazagran")
    assert corner[0].name == "Rue Gambetta" and corner[0].cross_street == "Rue Mazagran"


def test_negated_street_is_skipped(gaz: Gazetteer) -> None:
    loc = gaz.find("non pardon c'est rue de la Poste, pas rue de la Paix")
    assert loc is not None and loc.street == "Rue de la Poste"


def test_from_pack_finds_a_street_in_a_long_message() -> None:
    if not (PACK / "streets.csv").is_file():
        pytest.skip("pack not written yet")
    gaz = Gazetteer.from_pack(PACK)  # its speed is measured by bench/nlu_speed.py
    text = "bonsoir, musique très forte au 9 rue Mazagran depuis 23h, c'est insupportable"
    loc = gaz.find(text)
    assert loc.street == "Rue Mazagran" and loc.number == "9"


def _metres_to_street(lat: float, lon: float, name: str) -> float:
    """Great-circle distance from a point to a street's OSM line (read independently)."""
    import json
    import math

    from shapely.geometry import Point, shape
    from shapely.ops import nearest_points

    data = json.loads((PACK / "streets.geojson").read_text(encoding="utf-8"))
    lines = [shape(f["geometry"]) for f in data["features"] if f["properties"]["name"] == name]
    best = math.inf
    for line in lines:
        near = nearest_points(line, Point(lon, lat))[0]
        dlat, dlon = math.radians(near.y - lat), math.radians(near.x - lon)
        a = (math.sin(dlat / 2) ** 2
             + math.cos(math.radians(lat)) * math.cos(math.radians(near.y)) * math.sin(dlon / 2) ** 2)
        best = min(best, 2 * 6_371_000 * math.asin(math.sqrt(a)))
    return best


def test_a_corner_is_placed_where_the_two_streets_meet() -> None:
    if not (PACK / "streets.geojson").is_file():
        pytest.skip("pack has no street lines")
    gaz = Gazetteer.from_pack(PACK)
    alone = gaz.find("rue Gambetta")
    corner = gaz.find("au coin de la rue Gambetta et de la rue Mazagran")
    assert corner.street == "Rue Gambetta" and corner.cross_street == "Rue Mazagran"
    # the point is on both streets, not the first street's own point
    assert _metres_to_street(corner.lat, corner.lon, "Rue Gambetta") < 40
    assert _metres_to_street(corner.lat, corner.lon, "Rue Mazagran") < 40
    assert (round(corner.lat, 5), round(corner.lon, 5)) != (round(alone.lat, 5), round(alone.lon, 5))
    assert corner.as_dict()["cross_street"] == "Rue Mazagran"


def test_streets_that_never_meet_keep_the_first_streets_point() -> None:
    if not (PACK / "streets.geojson").is_file():
        pytest.skip("pack has no street lines")
    gaz = Gazetteer.from_pack(PACK)
    far = gaz.find("au coin de la rue Gambetta et de l'avenue de la Milady")
    assert far.street == "Rue Gambetta"
    if far.cross_street:  # recognised as a corner, but the streets are kilometres apart
        assert _metres_to_street(far.lat, far.lon, "Avenue de la Milady") > 500
        assert (far.lat, far.lon) == (gaz.find("rue Gambetta").lat, gaz.find("rue Gambetta").lon)
