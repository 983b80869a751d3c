"""Router for the NLU benchmark: the lead's ``bia.routing`` over the pack when it loads, else
the spec table (``spec/biarritz-routing.md``) written out here.  Benchmark code only."""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bia.core.types import Location, RoutingDecision

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


def pm_on_duty(at: datetime) -> bool:
    local = at.astimezone(ZoneInfo("Europe/Paris"))
    if (6, 15) <= (local.month, local.day) <= (9, 15):
        return True
    return local.hour >= 7 or local.hour < 3


class SpecRouter:
    """The spec's category table as a router (first actor only matters here)."""

    def route(
        self,
        *,
        category: str,
        zone: str | None,
        at: datetime,
        emergency: bool,
        emergency_number: str | None = None,
        extra_numbers: list[str] | None = None,
    ) -> RoutingDecision:
        rule = RULE.get(category, "PMPN")
        on = pm_on_duty(at)
        first = (PM if on else PN) if rule == "PMPN" else PM if rule == "PMQ" else rule
        actors = [first] if first else []
        if emergency and emergency_number in NUMBER_ACTOR:
            owner = NUMBER_ACTOR[emergency_number]
            actors = [owner, *[a for a in actors if a != owner]]
        return RoutingDecision(
            category=category,
            actors=actors,
            emergency=emergency,
            emergency_number=emergency_number if emergency else None,
            extra_numbers=list(extra_numbers or []),
            on_duty=True,
            handled_when="dans les meilleurs délais",
            message=f"Votre signalement est transmis à {first}.",
            explanation="table de la spécification",
        )


def make_router(pack_dir: Path) -> tuple[Any, Any, str]:
    """(router, locate, description)."""
    try:
        from bia.geo.pack import load_pack
        from bia.geo.zones import ZoneIndex
        from bia.routing.engine import PackRouter

        pack = load_pack(pack_dir)
        zones = ZoneIndex(pack.zones_geojson)
        lm_zone = {row["name"]: row.get("zone") or None for row in pack.landmarks}

        def locate(loc: Location) -> Location:
            zone = lm_zone.get(loc.landmark or "") if loc.landmark and not loc.street else None
            return dataclasses.replace(loc, zone=zone or zones.zone_of(loc.lat, loc.lon))

        return PackRouter(pack), locate, f"bia.routing.PackRouter over {pack_dir}"
    except Exception as exc:  # noqa: BLE001 - the benchmark must run while the lead works
        zones_by_landmark: dict[str, str] = {}
        path = pack_dir / "landmarks.csv"
        if path.is_file():
            with path.open(encoding="utf-8") as f:
                zones_by_landmark = {r["name"]: r.get("zone") or "" for r in csv.DictReader(f)}

        def locate_fallback(loc: Location) -> Location:
            return dataclasses.replace(loc, zone=zones_by_landmark.get(loc.landmark or "") or None)

        return SpecRouter(), locate_fallback, f"spec table (bia.routing unavailable: {exc!r})"
