"""How BIA's nomenclature, statuses and reports map onto Open311 GeoReport v2.

Services
    One service per pack category except ``information`` (a question, not something to fix):
    ``service_code`` = category code, ``service_name`` = its French label, ``description`` =
    its description, ``group`` = its analytics group, ``type`` = ``realtime`` (the request id
    comes back at once: the report is stored before the answer), ``keywords`` = group + code.
    ``metadata`` is true only for categories whose pack entry carries an ``emergency`` block:
    their definition has an attribute about immediate danger (see :func:`attributes_of`).

Statuses (``report.status`` → Open311 ``status``)
    open   ← ``recu``, ``en_cours``, ``sur_place``
    closed ← ``traite``, ``clos``, ``fusionne`` (duplicate), ``transmis``
    ``transmis`` is closed because BIA's part is over: the report was handed to a partner
    (police nationale, services techniques…) that does not report back; FixMyStreet's
    Open311 treats referrals the same way. ``status_notes`` carries the French label of the
    detailed status so the client can tell "traité" from "transmis".

Extensions (only with ``extensions=true``, per the wiki's « Extended Attributes » practice)
    ``extended_attributes``: ``bia_status`` (detailed status) and ``bia_status_label``,
    ``emergency``, ``emergency_number``, ``channel``, ``agency_responsible_id`` (actor id),
    ``zone`` and ``zone_name``, ``handled_when``, ``restricted``; on POST also
    ``tracking_code`` (the resident's key to the tracking page — never in a GET answer).

Personal data
    GET answers never carry contact details, the raw location text, house numbers, the
    police's outcome notes or media URLs. Coordinates are rounded to 3 decimals (≈ 110 m),
    the address is the official street name (no number) or the zone name. The description is
    published only for requests made through Open311 (whose client showed it as public),
    scrubbed by :func:`bia.open311.redact.scrub`. Requests of restricted categories (offences
    against persons, rescue, home watch, neighbour disputes, any emergency) never appear in
    lists; looked up by id they show only their status, without place nor description.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bia.context import LoadedPack
from bia.geo.packschema import ActorSpec, CategorySpec
from bia.intake.models import Report
from bia.intake.service import STATUS_LABELS

NOT_A_SERVICE = frozenset({"information"})
OPEN = frozenset({"recu", "en_cours", "sur_place"})
CLOSED = frozenset({"traite", "clos", "fusionne", "transmis"})
COORD_DECIMALS = 3
DANGER_ATTRIBUTE = "danger_immediat"
YES_NO = [{"key": "oui", "name": "Oui"}, {"key": "non", "name": "Non"}]


@dataclass(frozen=True)
class PublicationPolicy:
    """Which requests the public feed may show. Defaults suit the Biarritz pack's groups.

    Kept here rather than in the pack because the pack schema has no such field yet; a
    ``public: false`` per category in ``categories.yaml`` would be the lasting home.
    """

    public_groups: frozenset[str] = frozenset({"tranquillite", "circulation", "cadre_de_vie"})
    withheld_categories: frozenset[str] = frozenset({"conflit_voisinage"})
    max_public_severity: int = 3
    describe_channels: frozenset[str] = field(default_factory=lambda: frozenset({"open311"}))

    def restricted(self, report: Report, category: CategorySpec | None) -> bool:
        if report.emergency or category is None:
            return True
        return (category.group not in self.public_groups
                or category.code in self.withheld_categories
                or category.severity > self.max_public_severity)


DEFAULT_POLICY = PublicationPolicy()


def service_categories(loaded: LoadedPack) -> list[CategorySpec]:
    return [c for c in loaded.pack.categories.values() if c.code not in NOT_A_SERVICE]


def service_category(loaded: LoadedPack, code: str) -> CategorySpec | None:
    category = loaded.pack.categories.get(code)
    return None if category is None or code in NOT_A_SERVICE else category


def attributes_of(loaded: LoadedPack, category: CategorySpec) -> list[dict[str, Any]]:
    """Attributes worth asking, all drawn from the pack's ``emergency`` block.

    A category that is always an emergency (fire, medical, sea) gets an informational
    attribute (``variable: false``) giving the number to call; one that may become an
    emergency gets a yes/no question whose "oui" makes BIA treat the report as one.
    """
    spec = category.emergency
    if spec is None:
        return []
    number = spec.number or loaded.pack.commune.emergency_numbers.get("police", "17")
    if spec.always:
        return [{"variable": False, "code": "urgence", "datatype": "string", "required": False,
                 "datatype_description": None, "order": 1,
                 "description": f"Urgence : appelez d'abord le {number} (ou le 112). "
                                "Le signalement sera aussi enregistré.", "values": []}]
    when = spec.when or "un danger immédiat pour une personne"
    return [{"variable": True, "code": DANGER_ATTRIBUTE, "datatype": "singlevaluelist",
             "required": False, "datatype_description": "oui ou non", "order": 1,
             "description": f"C'est une urgence si : {when}. Est-ce le cas en ce moment ? "
                            f"Si oui, appelez d'abord le {number}.",
             "values": YES_NO}]


def service_entry(loaded: LoadedPack, category: CategorySpec) -> dict[str, Any]:
    return {"service_code": category.code, "service_name": category.label,
            "description": category.description,
            "metadata": bool(attributes_of(loaded, category)), "type": "realtime",
            "keywords": ", ".join(dict.fromkeys([category.group, category.code])),
            "group": category.group}


def service_definition(loaded: LoadedPack, category: CategorySpec) -> dict[str, Any]:
    return {"service_code": category.code, "attributes": attributes_of(loaded, category)}


def open311_status(report_status: str) -> str:
    return "open" if report_status in OPEN else "closed"


def statuses_for(open311: str) -> frozenset[str]:
    return OPEN if open311 == "open" else CLOSED


_ARTICLE = re.compile(r"^(?:l['’]|la\s|le\s|les\s)", re.IGNORECASE)


def agency_name(actor: ActorSpec | None) -> str | None:
    """The actor's name as an agency name: "la Police municipale de X" → "Police municipale…"."""
    if actor is None:
        return None
    name = _ARTICLE.sub("", actor.name.strip())
    return name[:1].upper() + name[1:]


def w3(moment: datetime | None, loaded: LoadedPack) -> str | None:
    """W3C datetime with the commune's UTC offset (the spec requires a zone)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(loaded.pack.tz).isoformat(timespec="seconds")


def zone_names(loaded: LoadedPack) -> dict[str, str]:
    key = "open311.zone_names"
    if key not in loaded.extras:
        loaded.extras[key] = {f["properties"]["code"]: f["properties"].get("name") or
                              f["properties"]["code"]
                              for f in loaded.pack.zones_geojson["features"]
                              if f["properties"].get("kind") == "zone"}
    return loaded.extras[key]  # type: ignore[no-any-return]


def public_address(report: Report, loaded: LoadedPack) -> str:
    """Most specific to most general, without a house number: street, zone, postcode, commune."""
    commune = loaded.pack.commune
    parts = [report.street, zone_names(loaded).get(report.zone_code or "")]
    parts.append(f"{commune.postcode} {commune.name}")
    return ", ".join(p for p in parts if p)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, COORD_DECIMALS)


def known_names(report: Report) -> list[str]:
    contact = report.contact or {}
    return [str(contact.get(k) or "") for k in ("first_name", "last_name")]


def request_record(report: Report, loaded: LoadedPack, *, extensions: bool = False,
                   policy: PublicationPolicy = DEFAULT_POLICY,
                   media_url: str | None = None) -> dict[str, Any]:
    """One GET request entry, in the spec's field order, with nothing personal in it.

    ``media_url`` is the staff route of the report's first photo: the photo itself is never
    public (it may show faces or plates), reading it needs a staff token.
    """
    from bia.open311.redact import scrub

    pack = loaded.pack
    category = pack.categories.get(report.category_code)
    restricted = policy.restricted(report, category)
    actor = pack.actors.get(report.actors[0]) if report.actors else None
    description = None
    if not restricted and report.channel in policy.describe_channels:
        description = scrub(report.text, known_names=known_names(report))
    record: dict[str, Any] = {
        "service_request_id": str(report.id),
        "status": open311_status(report.status),
        "status_notes": STATUS_LABELS.get(report.status),
        "service_name": category.label if category else report.category_code,
        "service_code": report.category_code,
        "description": description or None,
        "agency_responsible": agency_name(actor),
        "service_notice": None if restricted else (report.routing or {}).get("message"),
        "requested_datetime": w3(report.received_at, loaded),
        "updated_datetime": w3(report.updated_at, loaded),
        "expected_datetime": None,
        "address": None if restricted else public_address(report, loaded),
        "address_id": None,
        "zipcode": pack.commune.postcode,
        "lat": None if restricted else _round(report.lat),
        "long": None if restricted else _round(report.lon),
        "media_url": None if restricted else media_url,
    }
    if extensions:
        record["extended_attributes"] = {
            "bia_status": report.status,
            "bia_status_label": STATUS_LABELS.get(report.status),
            "emergency": bool(report.emergency),
            "emergency_number": report.emergency_number,
            "channel": report.channel,
            "agency_responsible_id": actor.id if actor else None,
            "zone": None if restricted else report.zone_code,
            "zone_name": None if restricted else zone_names(loaded).get(report.zone_code or ""),
            "handled_when": (report.routing or {}).get("handled_when"),
            "restricted": restricted,
        }
    return record
