"""What a printed document shows, computed once for every output format.

PDF and ODT must say the same thing (an officer may print one and archive the other), so both
renderers take a :class:`Sheet` rather than reading rows themselves: header, fields in legal
order with a discreet provenance note, and the validation block.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bia.geo.models import Commune
from bia.reports import textutil
from bia.reports.fields import KIND_TITLES, SOURCE_LABELS, specs
from bia.reports.models import VALIDATED, Document, DocumentVersion

EVIDENCE_LIMIT = 180

DRAFT_NUMBER = "attribué à la validation"  # numbers are gap-free: drafts have none


@dataclass(frozen=True, slots=True)
class Row:
    key: str
    label: str
    value: str
    note: str  # provenance, for discreet display ("" when nothing to say)
    mandatory: bool
    multiline: bool


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    service: str  # "Police municipale de Biarritz"
    commune: str  # "Ville de Biarritz"
    number: str
    version: int
    validated: bool
    rows: list[Row]
    validator: str = ""  # "Jean Dupont, matricule PM-042"
    validated_on: str = ""  # local time, French
    content_hash: str = ""
    legal: str = ("Traitement autorisé par l'arrêté du 14 avril 2009 (NOR IOCD0820014A), "
                  "article 6.")
    extras: dict[str, str] = field(default_factory=dict)


def provenance_note(item: dict[str, object], value: str, *, validated: bool = False) -> str:
    """E.g. « propos du demandeur : "…musique à fond…" · vérifié par l'agent ».

    On a validated version an unconfirmed BIA value was accepted by the validating officer
    as a whole, which is said so rather than "non vérifié".
    """
    source = str(item.get("source") or "officer")
    if not value:
        return ""
    label = SOURCE_LABELS.get(source, source)
    evidence = str(item.get("evidence") or "")
    parts = [label]
    if evidence and evidence != value:
        parts[0] += f" : « {textutil.shorten(evidence, EVIDENCE_LIMIT)} »"
    if source != "officer":
        parts.append("vérifié par l'agent" if item.get("confirmed")
                     else "accepté à la validation" if validated else "non vérifié")
    return "Source : " + " · ".join(parts)


def service_name(commune: Commune) -> str:
    """The internal actor's short name and the commune, e.g. "Police municipale de Biarritz"."""
    for actor in (commune.config or {}).get("actors", []):
        if actor.get("kind") == "internal":
            return f"{actor.get('short_name') or 'Police municipale'} de {commune.name}"
    return f"Police municipale de {commune.name}"


def build_sheet(session: Session, document: Document, version: DocumentVersion) -> Sheet:
    commune = session.get(Commune, document.commune_id)
    name = commune.name if commune else ""
    tz = ZoneInfo(commune.timezone) if commune else ZoneInfo("Europe/Paris")
    validated = version.status == VALIDATED
    rows = []
    for spec in specs(document.kind):
        item = version.fields.get(spec.key) or {}
        value = textutil.clean(item.get("value", ""))
        rows.append(Row(spec.key, spec.label, value,
                        provenance_note(item, value, validated=validated),
                        spec.mandatory, spec.multiline))
    validator = ""
    if validated:
        validator = version.validator_name or version.validated_by or ""
        if version.validator_badge:
            validator += f", matricule {version.validator_badge}"
    when = (version.validated_at.astimezone(tz).strftime("%d/%m/%Y à %H:%M")
            if version.validated_at else "")
    return Sheet(title=KIND_TITLES[document.kind],
                 service=service_name(commune) if commune else "Police municipale",
                 commune=f"Ville de {name}" if name else "", number=document.number or DRAFT_NUMBER,
                 version=version.version, validated=validated, rows=rows,
                 validator=textutil.clean(validator), validated_on=when,
                 content_hash=version.content_hash or "")
