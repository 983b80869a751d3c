"""What the case page shows, in words an agent reads at a glance (labels, not codes).

Kept apart from the route so that the wording can be tested and changed without HTTP.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bia.api.cases import CaseDetail
from bia.cases import service as cases
from bia.context import LoadedPack
from bia.intake.photos import LOCATION_HINT
from bia.web.queue import zone_names

PRIORITY_LABELS = {5: "Urgence", 4: "Haute", 3: "Moyenne", 2: "Normale", 1: "Basse"}
DETAIL_LABELS = {
    "people": "Nombre de personnes", "plate": "Immatriculation", "weapon": "Arme",
    "injured": "Blessé(s)", "vehicle": "Véhicule", "animal": "Animal",
}
DOCUMENTS = (("rapport", "pdf", "Rapport d'intervention (PDF)"),
             ("rapport", "odt", "Rapport d'intervention (ODT, modifiable)"),
             ("main-courante", "pdf", "Main courante (PDF)"),
             ("main-courante", "odt", "Main courante (ODT, modifiable)"))
CHANNELS = {"web": "Discussion en ligne", "phone": "Téléphone", "open311": "Open311",
            "api": "API"}


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    note: str = ""
    refused: bool = False


@dataclass(frozen=True)
class ActionForm:
    """One action the case's state allows; ``field`` is the extra input it needs, if any."""

    action: str
    label: str
    field: str | None = None
    field_label: str = ""
    required: bool = False
    hint: str = ""


@dataclass
class CaseView:
    priority_label: str
    zone_name: str
    actors: list[str]
    facts: list[tuple[str, str]]
    history: list[HistoryLine]
    actions: list[ActionForm]
    documents: list[tuple[str, str]]
    channel: str
    routing: dict[str, Any] = field(default_factory=dict)


FORMS = {
    "prendre": ActionForm("prendre", "Prendre en charge"),
    "affecter": ActionForm("affecter", "Affecter un équipage", "unit", "Équipage affecté",
                           True, "Exemple : Patrouille 2, VTT 1"),
    "sur_place": ActionForm("sur_place", "Équipage sur place"),
    "clore": ActionForm("clore", "Clore le dossier", "outcome", "Suite donnée", True,
                        "Ce qui a été constaté et fait ; figurera au rapport."),
    "transferer": ActionForm("transferer", "Transférer à un partenaire", "outcome",
                             "Partenaire et motif", False,
                             "Exemple : Police nationale, faits hors compétence."),
    "fusionner": ActionForm("fusionner", "Fusionner avec un autre dossier", "into",
                            "Numéro du dossier qui regroupe", True,
                            "Le dossier principal reste ouvert ; celui-ci y est rattaché."),
    "rouvrir": ActionForm("rouvrir", "Rouvrir le dossier"),
}


def _history_line(item: Any) -> HistoryLine:
    action = item.action.removeprefix("case.")
    data = item.detail or {}
    if action == "refused":
        label = cases.ACTION_LABELS.get(str(data.get("action")), str(data.get("action")))
        return HistoryLine(item.at, item.username, f"Action refusée : {label}",
                           str(data.get("reason", "")).replace("_", " "), refused=True)
    to = data.get("to")  # "Pris en charge par agent1" reads better than the action's name
    what = cases.STATE_LABELS.get(to, to) if to else cases.ACTION_LABELS.get(action, action)
    what = what[:1].upper() + what[1:]
    note = " · ".join(str(data[k]) for k in ("unit", "outcome") if data.get(k))
    if data.get("into"):
        note = f"dossier n° {data['into']}"
    return HistoryLine(item.at, item.username, what, note)


def _facts(case: CaseDetail, zone: str) -> list[tuple[str, str]]:
    place = case.place
    address = " ".join(p for p in (place.number, place.street) if p) or "non précisée"
    facts = [("Catégorie", case.category_label),
             ("Urgence", "Oui" if case.emergency else "Non"),
             ("Adresse reconnue", address),
             ("Lieu tel que dit", place.text or "—"),
             ("Zone", zone or "hors zone nommée"),
             ("Canal", CHANNELS.get(case.channel, case.channel)),
             ("Code de suivi", case.tracking_code)]
    if place.lat is not None and place.lon is not None:
        facts.append(("Coordonnées", f"{place.lat:.5f}, {place.lon:.5f}"))
    hint = case.details.get(LOCATION_HINT)
    if isinstance(hint, dict) and hint.get("lat") is not None:
        facts.append(("Position de la photo (accord du résident)",
                      f"{hint['lat']:.5f}, {hint['lon']:.5f}"))
    for key, value in sorted(case.details.items()):
        if value in (None, "", [], {}) or key == LOCATION_HINT:
            continue
        shown = "Oui" if value is True else "Non" if value is False else (
            ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        facts.append((DETAIL_LABELS.get(key, key.replace("_", " ").capitalize()), shown))
    return facts


def build(case: CaseDetail, loaded: LoadedPack) -> CaseView:
    pack = loaded.pack
    zone = zone_names(loaded).get(case.place.zone or "", case.place.zone or "")
    return CaseView(
        priority_label=PRIORITY_LABELS.get(case.priority, str(case.priority)),
        zone_name=zone,
        actors=[pack.actors[a].name if a in pack.actors else a for a in case.actors],
        facts=_facts(case, zone),
        history=[_history_line(h) for h in case.history],
        actions=[FORMS[a] for a in case.allowed_actions if a in FORMS],
        documents=[(f"/api/v1/cases/{case.id}/documents/{kind}.{ext}", label)
                   for kind, ext, label in DOCUMENTS],
        channel=CHANNELS.get(case.channel, case.channel),
        routing=case.routing or {},
    )


def streets_geojson(loaded: LoadedPack) -> bytes:
    """Lines from ``streets.geojson`` in the pack folder if it is on this host, else points."""
    path = loaded.pack.root / "streets.geojson"
    if path.is_file():
        data = json.loads(path.read_text(encoding="utf-8"))
        features = [{"type": "Feature", "geometry": f["geometry"],
                     "properties": {"name": f.get("properties", {}).get("name", "")}}
                    for f in data.get("features", []) if f.get("geometry")]
    else:
        features = [{"type": "Feature", "properties": {"name": s["name"]},
                     "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]}}
                    for s in loaded.pack.streets]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      separators=(",", ":")).encode()
