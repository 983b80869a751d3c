"""POST requests: an Open311 service request becomes a BIA report through the chat's pipeline.

The client already chose the category (``service_code``), so no NLU runs: the Analysis is
built from the code, the description, the place and the definition's attributes, then
``bia.intake.flows.submit_report`` routes, stores and commits it (case, deliveries) before
the answer is written — the same guarantee as the chat: no confirmation without a stored
report.

Contact fields (email, first_name, last_name, phone) are kept only with an explicit
``contact_consent=true`` (a BIA extension: the standard has no consent field); without it they
are dropped and the notice says so. ``account_id`` and ``device_id`` are never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bia.context import Context, LoadedPack
from bia.core.types import Analysis, Location
from bia.geo.gazetteer import Gazetteer, LandmarkEntry, StreetEntry
from bia.intake.flows import Submitted, place, submit_report
from bia.open311.formats import Open311Error
from bia.open311.mapping import DANGER_ATTRIBUTE, attributes_of, service_category

MAX_DESCRIPTION = 4000
BBOX_MARGIN = 0.01  # degrees (≈ 1 km), as the pack loader allows for coastal points
TRUE = frozenset({"true", "1", "oui", "yes", "on"})
CONTACT_FIELDS = {"email": 120, "first_name": 80, "last_name": 80, "phone": 32}
_ATTRIBUTE = re.compile(r"^attribute\[([^\]]+)\](?:\[\])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class PostedRequest:
    """The POST parameters, whatever the body's encoding (form or JSON)."""

    fields: dict[str, str]
    attributes: dict[str, list[str]]


def from_pairs(pairs: Iterable[tuple[str, Any]]) -> PostedRequest:
    """Form pairs: ``attribute[code]=v`` and ``attribute[code][]=v`` (multivaluelist)."""
    fields: dict[str, str] = {}
    attributes: dict[str, list[str]] = {}
    for key, value in pairs:
        if not isinstance(value, str):
            continue  # uploaded files are not part of GeoReport v2
        match = _ATTRIBUTE.match(key)
        if match:
            attributes.setdefault(match.group(1), []).append(value)
        elif value.strip():
            fields.setdefault(key, value)
    return PostedRequest(fields, attributes)


def from_json(body: Any) -> PostedRequest:
    """A JSON object with the same names; ``attribute`` may also be a nested object."""
    if not isinstance(body, dict):
        raise Open311Error(400, "Corps JSON invalide : un objet est attendu.")
    pairs: list[tuple[str, Any]] = []
    for key, value in body.items():
        if key == "attribute" and isinstance(value, dict):
            for code, item in value.items():
                items = item if isinstance(item, list) else [item]
                pairs.extend((f"attribute[{code}]", str(v)) for v in items)
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            pairs.append((key, str(value)))
        elif isinstance(value, bool):
            pairs.append((key, "true" if value else "false"))
    return from_pairs(pairs)


def gazetteer_of(loaded: LoadedPack) -> Gazetteer:
    """The pack's street index, built once per loaded pack (address_string look-ups)."""
    key = "open311.gazetteer"
    if key not in loaded.extras:
        pack = loaded.pack
        streets = [StreetEntry(name=s["name"], street_type=s.get("street_type") or None,
                               lat=s.get("lat"), lon=s.get("lon"),
                               alias_of=s.get("alias_of") or None) for s in pack.streets]
        landmarks = [LandmarkEntry(id=str(m["id"]), name=m["name"],
                                   aliases=tuple(a.strip() for a in str(m.get("aliases") or "")
                                                 .split("|") if a.strip()),
                                   kind=m.get("kind") or None, lat=m.get("lat"),
                                   lon=m.get("lon"), zone=m.get("zone") or None)
                     for m in pack.landmarks]
        loaded.extras[key] = Gazetteer(streets, landmarks)
    return loaded.extras[key]  # type: ignore[no-any-return]


def _coordinate(posted: PostedRequest, name: str) -> float:
    try:
        return float(posted.fields[name].replace(",", "."))
    except ValueError:
        raise Open311Error(400, f"{name} invalide : « {posted.fields[name]} ».") from None


def locate(loaded: LoadedPack, posted: PostedRequest) -> Location:
    """lat/long (WGS84) or address_string; the point must lie in the commune."""
    has_lat, has_long = "lat" in posted.fields, "long" in posted.fields
    address = posted.fields.get("address_string", "").strip()[:300] or None
    if has_lat != has_long:
        raise Open311Error(400, "lat et long doivent être envoyés ensemble.")
    if not has_lat and not address:
        message = ("address_id n'est pas pris en charge : envoyez lat et long ou address_string."
                   if "address_id" in posted.fields else
                   "Lieu manquant : envoyez lat et long, ou address_string.")
        raise Open311Error(400, message)
    found = gazetteer_of(loaded).find(address) if address else None
    location = Location(text=address, street=found.street if found else None,
                        number=found.number if found else None,
                        landmark=found.landmark if found else None,
                        lat=found.lat if found else None, lon=found.lon if found else None)
    if has_lat:
        lat, lon = _coordinate(posted, "lat"), _coordinate(posted, "long")
        lon_min, lat_min, lon_max, lat_max = loaded.pack.commune.bbox
        if not (lat_min - BBOX_MARGIN <= lat <= lat_max + BBOX_MARGIN
                and lon_min - BBOX_MARGIN <= lon <= lon_max + BBOX_MARGIN):
            raise Open311Error(400, f"Ce point ({lat}, {lon}) est hors de la commune de "
                                    f"{loaded.pack.commune.name}.")
        location.lat, location.lon = lat, lon
        location.zone = loaded.zones.zone_of(lat, lon)
    return location


def _check_attributes(definition: list[dict[str, Any]], posted: PostedRequest) -> dict[str, Any]:
    known = {a["code"]: a for a in definition if a["variable"]}
    kept: dict[str, Any] = {}
    for code, attribute in known.items():
        values = posted.attributes.get(code, [])
        if attribute["required"] and not values:
            raise Open311Error(400, f"attribute[{code}] est obligatoire pour ce service.")
        allowed = {str(v["key"]) for v in attribute.get("values", [])}
        for value in values:
            if allowed and value not in allowed:
                raise Open311Error(400, f"attribute[{code}] : valeur « {value} » inconnue "
                                        f"(valeurs : {', '.join(sorted(allowed))}).")
        if values:
            kept[code] = values if attribute["datatype"] == "multivaluelist" else values[0]
    return kept


def _contact(posted: PostedRequest) -> tuple[dict[str, str] | None, bool]:
    contact = {k: posted.fields[k].strip()[:limit] for k, limit in CONTACT_FIELDS.items()
               if posted.fields.get(k, "").strip()}
    consent = posted.fields.get("contact_consent", "").strip().lower() in TRUE
    return (contact or None), consent


def build_analysis(loaded: LoadedPack, posted: PostedRequest) -> tuple[Analysis, str]:
    """The Analysis the chat would have produced, from what the client chose."""
    code = posted.fields.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, "service_code manquant.")
    category = service_category(loaded, code)
    if category is None:
        raise Open311Error(404, f"Service inconnu : « {code} ».")
    description = _CONTROL.sub("", posted.fields.get("description", "")).strip()
    if len(description) > MAX_DESCRIPTION:
        raise Open311Error(400, "description trop longue (4 000 caractères au plus).")
    location = locate(loaded, posted)
    attributes = _check_attributes(attributes_of(loaded, category), posted)
    spec = category.emergency
    emergency = bool(spec and (spec.always or attributes.get(DANGER_ATTRIBUTE) == "oui"))
    number = None
    if emergency and spec:
        number = spec.number or loaded.pack.commune.emergency_numbers.get("police")
    details: dict[str, Any] = {"source": "open311"}
    if attributes:
        details["open311_attributes"] = attributes
    media = posted.fields.get("media_url", "").strip()
    if media.startswith(("https://", "http://")) and len(media) <= 500:
        details["media_url"] = media  # staff only: a photo may show faces or plates
    text = description or f"(sans description) {category.label}"
    analysis = Analysis(text=text, category=code, confidence=1.0, emergency=emergency,
                        emergency_number=number, location=location,
                        extra_numbers=list(spec.extra_numbers) if spec and emergency else [],
                        details=details)
    return analysis, text


def submit(ctx: Context, loaded: LoadedPack, posted: PostedRequest,
           idempotency_key: str | None = None) -> tuple[Submitted, bool]:
    """Store the request (committed) and return it, with whether contact details were dropped."""
    analysis, text = build_analysis(loaded, posted)
    if "lat" not in posted.fields:
        place(ctx, loaded, analysis)  # BAN precision for "12 rue X", then the zone
    contact, consent = _contact(posted)
    submitted = submit_report(ctx, loaded, channel="open311", text=text, analysis=analysis,
                              contact=contact if consent else None,
                              contact_consent=consent and contact is not None,
                              idempotency_key=f"open311:{idempotency_key[:70]}"
                              if idempotency_key else None)
    return submitted, contact is not None and not consent
