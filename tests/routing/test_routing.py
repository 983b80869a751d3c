"""Routing follows the Biarritz spec table: actors, on-duty hours, seasons, numbers."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bia.geo.pack import Pack
from bia.routing.coverage import coverage_errors, yearly_summary
from bia.core.settings import PROJECT_ROOT
from bia.routing.engine import route

SHARED = PROJECT_ROOT.parent / "shared"

PARIS = ZoneInfo("Europe/Paris")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


@pytest.mark.parametrize(("category", "when", "first"), [
    ("bruit", "2026-11-20 23:00", "police_municipale"),
    ("bruit", "2026-11-21 04:00", "police_nationale"),  # PM off duty 03:00–07:00
    ("bruit", "2026-07-21 04:00", "police_municipale"),  # summer: PM 24 h/24
    ("bruit", "2026-09-16 04:00", "police_nationale"),  # the season ends 15 September
    ("bruit", "2026-06-15 04:00", "police_municipale"),
    ("rassemblement", "2026-02-01 02:59", "police_municipale"),
    ("rassemblement", "2026-02-01 03:00", "police_nationale"),
    ("stationnement", "2026-11-21 04:00", "police_municipale"),  # queued, never bounced
    ("vehicule_abandonne", "2026-03-03 10:00", "police_municipale"),
    ("depot_sauvage", "2026-11-21 23:00", "services_techniques"),
    ("eclairage", "2026-11-21 10:00", "services_techniques"),
    ("vol_cambriolage", "2026-11-21 10:00", "police_nationale"),
    ("rodeo_vitesse", "2026-11-21 10:00", "police_nationale"),
    ("conflit_voisinage", "2026-11-21 10:00", "mediation"),
    ("otv", "2026-11-21 05:00", "police_municipale"),
])
def test_first_actor_follows_the_spec(pack: Pack, category: str, when: str, first: str) -> None:
    decision = route(pack, category=category, zone=None, at=at(when), emergency=False)
    assert decision.actors[0] == first
    assert decision.emergency_number is None


@pytest.mark.parametrize(("category", "number", "first"), [
    ("incendie", "18", "pompiers"),
    ("urgence_medicale", "15", "samu"),
    ("secours_mer", "196", "secours_en_mer"),
    ("agression_violence", "17", "police_nationale"),
    ("vol_cambriolage", "17", "police_nationale"),
    ("ivresse", "15", "samu"),
    ("accident", "18", "pompiers"),
    ("voirie", "17", "police_nationale"),
])
def test_emergencies_give_the_number_first(pack: Pack, category: str, number: str,
                                           first: str) -> None:
    decision = route(pack, category=category, zone=None, at=at("2026-11-20 22:00"),
                     emergency=True)
    assert decision.emergency_number == number
    assert decision.actors[0] == first
    assert decision.message.startswith(f"Appelez tout de suite le {number}")


def test_information_has_no_actor_and_domestic_violence_gives_3919(pack: Pack) -> None:
    info = route(pack, category="information", zone=None, at=at("2026-11-20 10:00"),
                 emergency=False)
    assert info.actors == []
    vif = route(pack, category="violences_intrafamiliales", zone=None,
                at=at("2026-11-20 10:00"), emergency=False)
    assert "3919" in vif.extra_numbers and "3919" in vif.message


def test_off_duty_resident_is_told_when(pack: Pack) -> None:
    parked = route(pack, category="stationnement", zone=None, at=at("2026-11-21 04:10"),
                   emergency=False)
    assert "aujourd'hui à partir de 07 h" in parked.message
    saturday = route(pack, category="depot_sauvage", zone=None, at=at("2026-11-21 15:00"),
                     emergency=False)
    assert "lundi 23 à partir de 08 h" in saturday.message
    assert "Services techniques" in saturday.message
    assert "Règle « depot-sauvage »" in saturday.explanation


def test_routing_is_complete_for_every_category_hour_and_zone(pack: Pack) -> None:
    assert coverage_errors(pack) == []
    summary = yearly_summary(pack, 2026)
    # PM is off duty 4 h a night outside 15 June–15 September (3 h on the DST night)
    assert summary["bruit"]["police_nationale"] == pytest.approx(4 * (365 - 93), abs=2)
    assert sum(summary["bruit"].values()) == 8760


def test_routing_matches_the_labelled_dev_set_actors(pack: Pack) -> None:
    """Given the right category and emergency flag, the first actor is the labelled one."""
    rows = [json.loads(line) for line in (SHARED / "nlu" / "dev.jsonl").read_text().splitlines()
            if line.strip()]
    wrong = []
    for row in rows:
        expect = row["expect"]
        category = expect["category"]
        if isinstance(category, list):
            category = category[0]
        decision = route(pack, category=category, zone=None,
                         at=datetime.fromisoformat(row["at"]), emergency=expect["emergency"])
        if (decision.actors[:1] or [None])[0] != expect["actor"]:
            wrong.append((row["id"], category, decision.actors, expect["actor"]))
    assert wrong == []
