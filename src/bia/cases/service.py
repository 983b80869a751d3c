"""Police cases: an explicit transition table; an invalid transition raises and is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import Case
from bia.core.coltypes import utcnow
from bia.core.errors import InvalidTransition, NotFound
from bia.intake.models import Report

# action → (states it may start from, resulting state)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "prendre": (frozenset({"nouveau"}), "pris_en_charge"),
    "affecter": (frozenset({"nouveau", "pris_en_charge", "equipage_affecte"}), "equipage_affecte"),
    "sur_place": (frozenset({"pris_en_charge", "equipage_affecte"}), "sur_place"),
    "clore": (frozenset({"nouveau", "pris_en_charge", "equipage_affecte", "sur_place"}), "clos"),
    "transferer": (frozenset({"nouveau", "pris_en_charge", "equipage_affecte"}), "transfere"),
    "fusionner": (frozenset({"nouveau", "pris_en_charge", "equipage_affecte"}), "fusionne"),
    "rouvrir": (frozenset({"clos"}), "pris_en_charge"),
}
OPEN_STATES = frozenset({"nouveau", "pris_en_charge", "equipage_affecte", "sur_place"})
STATE_LABELS = {
    "nouveau": "Nouveau", "pris_en_charge": "Pris en charge", "equipage_affecte": "Équipage affecté",
    "sur_place": "Sur place", "clos": "Clos", "transfere": "Transféré", "fusionne": "Fusionné",
}
ACTION_LABELS = {
    "prendre": "prendre en charge", "affecter": "affecter un équipage", "sur_place": "sur place",
    "clore": "clore", "transferer": "transférer à un partenaire", "fusionner": "fusionner",
    "rouvrir": "rouvrir",
}
# what the resident reads for each case state (report.status)
REPORT_STATUS = {
    "nouveau": "recu", "pris_en_charge": "en_cours", "equipage_affecte": "en_cours",
    "sur_place": "sur_place", "clos": "traite", "transfere": "transmis", "fusionne": "fusionne",
}


@dataclass(frozen=True)
class TransitionResult:
    case: Case
    previous: str


def priority_for(report: Report, severity: int) -> int:
    """5 for an emergency, else the category's severity (1–4)."""
    return 5 if report.emergency else max(1, min(4, severity))


def open_case(session: Session, *, report: Report, severity: int) -> Case:
    case = Case(commune_id=report.commune_id, report_id=report.id, status="nouveau",
                priority=priority_for(report, severity), created_at=report.received_at)
    session.add(case)
    session.flush()
    return case


def get_case(session: Session, *, case_id: int, commune_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or case.commune_id != commune_id:
        raise NotFound(f"Dossier {case_id} introuvable.", code="dossier_introuvable")
    return case


def apply(session: Session, *, case: Case, action: str, username: str,
          data: dict[str, Any] | None = None, now: datetime | None = None) -> TransitionResult:
    """Apply ``action`` to ``case`` or raise InvalidTransition (the refusal is audited too)."""
    data = data or {}
    now = now or utcnow()
    if action not in TRANSITIONS:
        raise InvalidTransition(f"Action inconnue : {action}.", code="action_inconnue")
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        audit.record(session, username=username, action="case.refused", object_type="case",
                     object_id=case.id, commune_id=case.commune_id,
                     detail={"action": action, "status": case.status})
        session.commit()  # keep the refusal in the audit log
        raise InvalidTransition(
            f"Impossible de « {ACTION_LABELS[action]} » un dossier à l'état "
            f"« {STATE_LABELS.get(case.status, case.status)} ».")
    previous = case.status
    case.status = target
    case.updated_at = now
    if action == "prendre":
        case.taken_by = username
    elif action == "affecter":
        case.assigned_unit = str(data.get("unit") or "").strip()[:64] or None
        if not case.assigned_unit:
            raise InvalidTransition("Indiquez l'équipage affecté.", code="equipage_manquant")
        case.taken_by = case.taken_by or username
    elif action == "sur_place":
        case.on_site_at = now
    elif action == "clore":
        case.outcome = str(data.get("outcome") or "").strip()[:4000] or None
        if not case.outcome:
            raise InvalidTransition("Indiquez la suite donnée pour clore le dossier.",
                                    code="issue_manquante")
        case.closed_at = now
    elif action == "rouvrir":
        case.closed_at = None
    report = session.get(Report, case.report_id)
    if report is not None:
        report.status = REPORT_STATUS[target]
        report.updated_at = now
    audit.record(session, username=username, action=f"case.{action}", object_type="case",
                 object_id=case.id, commune_id=case.commune_id,
                 detail={"from": previous, "to": target,
                         **{k: v for k, v in data.items() if k in ("unit", "outcome", "into")}})
    session.flush()
    return TransitionResult(case=case, previous=previous)


def queue_order() -> tuple[Any, ...]:
    """Emergency first, then priority, then the oldest."""
    return (sql_case((Case.priority >= 5, 0), else_=1), Case.priority.desc(), Case.created_at)


def list_cases(session: Session, *, commune_id: int, statuses: list[str] | None = None,
               limit: int = 200, offset: int = 0) -> list[tuple[Case, Report]]:
    query = (select(Case, Report).join(Report, Report.id == Case.report_id)
             .where(Case.commune_id == commune_id))
    if statuses:
        query = query.where(Case.status.in_(statuses))
    query = query.order_by(*queue_order()).limit(limit).offset(offset)
    return [(row[0], row[1]) for row in session.execute(query)]
