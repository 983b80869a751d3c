"""Fixtures of the conversation tests: a gazetteer built from the pack (or from the shared
OSM extract while the pack is absent), one trained NLU per session, and a small fake router
implementing the spec table (tests only)."""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bia.conversation.nlu import LocalNlu
from bia.core.types import Location, RoutingDecision
from bia.geo.gazetteer import Gazetteer, LandmarkEntry, StreetEntry

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "packs" / "biarritz"
SHARED = ROOT.parent / "shared" / "data" / "geo"

PM, PN, ST = "police_municipale", "police_nationale", "services_techniques"
RULE = {
    "bruit": "PMPN",
    "rassemblement": "PMPN",
    "ivresse": "PMPN",
    "mendicite": "PMPN",
    "rodeo_vitesse": PN,
    "stationnement": "PMQ",
    "vehicule_abandonne": "PMQ",
    "depot_sauvage": ST,
    "dejections": ST,
    "tags_degradations": ST,
    "eclairage": ST,
    "voirie": ST,
    "animal": "PMPN",
    "vol_cambriolage": PN,
    "agression_violence": PN,
    "violences_intrafamiliales": PN,
    "stupefiants": PN,
    "escroquerie": PN,
    "incendie": "pompiers",
    "urgence_medicale": "samu",
    "secours_mer": "secours_en_mer",
    "accident": "PMPN",
    "otv": "PMQ",
    "objet_perdu_trouve": "PMQ",
    "conflit_voisinage": "mediation",
    "information": None,
    "autre": "PMPN",
}
NUMBER_ACTOR = {"17": PN, "18": "pompiers", "15": "samu", "196": "secours_en_mer"}


def build_gazetteer() -> Gazetteer:
    if (PACK / "streets.csv").is_file():
        return Gazetteer.from_pack(PACK)
    with (SHARED / "biarritz_streets.csv").open(encoding="utf-8") as f:
        streets = [
            StreetEntry(r["name"], r["street_type"], float(r["label_lat"]), float(r["label_lon"]))
            for r in csv.DictReader(f)
            if r["commune"] == "Biarritz"
        ]
    with (SHARED / "biarritz_pois.csv").open(encoding="utf-8") as f:
        landmarks = [
            LandmarkEntry(r["id"], r["name"], (), r["category"], float(r["lat"]), float(r["lon"]))
            for r in csv.DictReader(f)
        ]
    landmarks.append(
        LandmarkEntry("mairie", "Hôtel de Ville", ("mairie", "la mairie"), "lieu", 43.4834, -1.5585)
    )
    return Gazetteer(streets, landmarks)


class FakeRouter:
    """The spec's category table (first actor, PM duty hours), for tests only."""

    def __init__(self) -> None:
        self.calls: list[dict] = []

    def route(
        self,
        *,
        category: str,
        zone: str | None,
        at: datetime,
        emergency: bool,
        emergency_number: str | None,
        extra_numbers: list[str],
    ) -> RoutingDecision:
        self.calls.append(
            dict(
                category=category, zone=zone, emergency=emergency, emergency_number=emergency_number
            )
        )
        local = at.astimezone(ZoneInfo("Europe/Paris"))
        on = (6, 15) <= (local.month, local.day) <= (9, 15) or local.hour >= 7 or local.hour < 3
        rule = RULE[category]
        first = (PM if on else PN) if rule == "PMPN" else PM if rule == "PMQ" else rule
        actors = [first] if first else []
        if emergency and emergency_number in NUMBER_ACTOR:
            owner = NUMBER_ACTOR[emergency_number]
            actors = [owner, *[a for a in actors if a != owner]]
        return RoutingDecision(
            category,
            actors,
            emergency,
            emergency_number,
            list(extra_numbers),
            True,
            "dans les meilleurs délais",
            f"Votre signalement est transmis à {actors[0] if actors else 'personne'}.",
            "table de la spécification",
        )


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return build_gazetteer()


@pytest.fixture(scope="session")
def nlu(gazetteer: Gazetteer, tmp_path_factory: pytest.TempPathFactory) -> LocalNlu:
    return LocalNlu(gazetteer, cache_dir=tmp_path_factory.mktemp("nlu-cache"))


@pytest.fixture()
def router() -> FakeRouter:
    return FakeRouter()


@pytest.fixture()
def locate():
    def _locate(loc: Location) -> Location:
        zone = "littoral" if (loc.landmark or "").lower().startswith("plage") else "centre"
        return dataclasses.replace(loc, zone=zone)

    return _locate


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)
