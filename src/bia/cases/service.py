"""Police cases: an explicit transition table; an invalid transition raises and is audited."""

from __future__ import annotations

from collections.abc import Callable
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


def _refuse(session: Session, case: Case, action: str, username: str, message: str,
            code: str = "transition_invalide") -> InvalidTransition:
    audit.record(session, username=username, action="case.refused", object_type="case",
                 object_id=case.id, commune_id=case.commune_id,
                 detail={"action": action, "status": case.status, "reason": code})
    session.commit()  # the refusal stays in the audit log whatever the caller does
    return InvalidTransition(message, code=code)


def _missing_data(action: str, data: dict[str, Any]) -> tuple[str, str] | None:
    if action == "affecter" and not str(data.get("unit") or "").strip():
        return "Indiquez l'équipage affecté.", "equipage_manquant"
    if action == "clore" and not str(data.get("outcome") or "").strip():
        return "Indiquez la suite donnée pour clore le dossier.", "issue_manquante"
    if action == "fusionner" and not isinstance(data.get("into"), int):
        return "Indiquez le dossier avec lequel fusionner.", "fusion_sans_cible"
    return None


def apply(session: Session, *, case: Case, action: str, username: str,
          data: dict[str, Any] | None = None, now: datetime | None = None,
          notify: Callable[[Report], Any] | None = None) -> TransitionResult:
    """Apply ``action`` to ``case`` or raise InvalidTransition (the refusal is audited too)."""
    data = data or {}
    now = now or utcnow()
    if action not in TRANSITIONS:
        raise _refuse(session, case, action, username, f"Action inconnue : {action}.",
                      "action_inconnue")
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        raise _refuse(session, case, action, username,
                      f"Impossible de « {ACTION_LABELS[action]} » un dossier à l'état "
                      f"« {STATE_LABELS.get(case.status, case.status)} ».")
    missing = _missing_data(action, data)
    if missing:
        raise _refuse(session, case, action, username, *missing)
    if action == "fusionner":
        target_case = session.get(Case, data["into"])
        if (target_case is None or target_case.id == case.id
                or target_case.commune_id != case.commune_id
                or target_case.status not in OPEN_STATES):
            raise _refuse(session, case, action, username,
                          "Le dossier cible doit être un autre dossier ouvert de la commune.",
                          "fusion_cible_invalide")
        case.merged_into_id = target_case.id
    previous = case.status
    case.status = target
    case.updated_at = now
    if action == "prendre":
        case.taken_by = username
    elif action == "affecter":
        case.assigned_unit = str(data["unit"]).strip()[:64]
        case.taken_by = case.taken_by or username
    elif action == "sur_place":
        case.on_site_at = now
    elif action == "clore":
        case.outcome = str(data["outcome"]).strip()[:4000]
        case.closed_at = now
    elif action == "rouvrir":
        case.closed_at = None
    report = session.get(Report, case.report_id)
    if report is not None:
        changed = report.status != REPORT_STATUS[target]
        report.status = REPORT_STATUS[target]
        report.updated_at = now
        if changed and notify is not None:
            notify(report)
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
