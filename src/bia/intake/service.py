"""Reports: storage, tracking-code look-up, public status wording."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bia.core.errors import NotFound
from bia.core.types import Analysis, RoutingDecision
from bia.intake import codes
from bia.intake.models import Report
from bia.intake.sms import clean_contact

MAX_TEXT = 20_000

# Public wording of each report status (what the resident reads on the tracking page).
STATUS_LABELS = {
    "recu": "Reçu : votre signalement est enregistré.",
    "transmis": "Transmis au service compétent.",
    "en_cours": "Pris en charge : une équipe s'en occupe.",
    "sur_place": "Une équipe est sur place.",
    "traite": "Traité : l'intervention est terminée.",
    "clos": "Clos.",
    "fusionne": "Regroupé avec un signalement identique déjà pris en charge.",
}


def create_report(session: Session, *, commune_id: int, channel: str, text: str,
                  analysis: Analysis, decision: RoutingDecision, received_at: datetime,
                  contact: dict[str, Any] | None = None, contact_consent: bool = False,
                  idempotency_key: str | None = None) -> Report:
    """Insert a report with a fresh tracking code (retrying on the rare collision)."""
    if idempotency_key:
        existing = session.scalar(select(Report).where(Report.idempotency_key == idempotency_key))
        if existing is not None:
            return existing
    if contact_consent and contact and channel != "phone":
        # a typed number is kept in E.164 or refused; a caller ID is kept as the network gave
        # it (the call must never be lost for it) and checked when an SMS is due
        contact = clean_contact(contact)
    loc = analysis.location
    for _ in range(5):
        report = Report(
            commune_id=commune_id, tracking_code=codes.new_code(), channel=channel,
            text=text[:MAX_TEXT], language=analysis.language, category_code=analysis.category,
            confidence=analysis.confidence, emergency=decision.emergency,
            emergency_number=decision.emergency_number, actors=list(decision.actors),
            routing={"rule": decision.rule_id, "explanation": decision.explanation,
                     "handled_when": decision.handled_when, "message": decision.message,
                     "extra_numbers": decision.extra_numbers},
            location_text=loc.text if loc else None, street=loc.street if loc else None,
            number=loc.number if loc else None, lat=loc.lat if loc else None,
            lon=loc.lon if loc else None, zone_code=loc.zone if loc else None,
            occurred_at=analysis.occurred_at, received_at=received_at,
            status="recu" if not decision.actors or decision.actors[0] == "police_municipale"
            else "transmis",
            details=dict(analysis.details), contact=contact if contact_consent else None,
            contact_consent=contact_consent, idempotency_key=idempotency_key,
        )
        try:
            with session.begin_nested():
                session.add(report)
                session.flush()
            return report
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a unique tracking code")


def get_by_code(session: Session, *, code: str) -> Report:
    canonical = codes.normalise(code)
    report = None
    if canonical:
        report = session.scalar(select(Report).where(Report.tracking_code == canonical))
    if report is None:
        raise NotFound("Aucun signalement ne correspond à ce code de suivi.",
                       code="code_suivi_inconnu")
    return report


def followed_report(session: Session, *, report: Report) -> Report:
    """For a report merged into another case, the report whose status it now shares."""
    from bia.cases.models import Case

    case = session.scalar(select(Case).where(Case.report_id == report.id))
    seen = set()
    while case is not None and case.merged_into_id and case.id not in seen:
        seen.add(case.id)
        case = session.get(Case, case.merged_into_id)
    if case is None or case.report_id == report.id:
        return report
    target = session.get(Report, case.report_id)
    return target if target is not None else report
