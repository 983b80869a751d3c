"""Staff routes for police cases: the queue, a case with its history, actions.

Every read of a case and every change is written to the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy import select

from bia.api.auth import CaseStaff
from bia.api.deps import CaseId, ContextDep, SessionDep
from bia.cases import audit
from bia.cases import service as cases
from bia.cases.models import AuditLog, Case
from bia.context import LoadedPack
from bia.intake.models import Report
from bia.intake.outbox import enqueue_notice
from bia.intake.service import STATUS_LABELS

router = APIRouter(prefix="/api/v1/cases", tags=["dossiers (police municipale)"])


class Place(BaseModel):
    text: str | None
    street: str | None
    number: str | None
    lat: float | None
    lon: float | None
    zone: str | None


class CaseSummary(BaseModel):
    id: int
    status: str
    status_label: str
    priority: int
    emergency: bool
    category: str
    category_label: str
    place: Place
    received_at: datetime
    occurred_at: datetime | None
    assigned_unit: str | None
    taken_by: str | None
    tracking_code: str
    channel: str


class HistoryItem(BaseModel):
    at: datetime
    username: str
    action: str
    detail: dict[str, Any]


class CaseDetail(CaseSummary):
    text: str
    details: dict[str, Any]
    actors: list[str]
    routing: dict[str, Any]
    outcome: str | None
    allowed_actions: list[str]
    history: list[HistoryItem]


class ActionIn(BaseModel):
    action: Literal["prendre", "affecter", "sur_place", "clore", "transferer", "fusionner",
                    "rouvrir"]
    unit: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=4000)
    into: int | None = None


def _pack_for(ctx: ContextDep, staff_commune: int | None) -> LoadedPack:
    """Staff see the cases of their own commune (the deployment's default for admins)."""
    return ctx.pack_of(staff_commune) if staff_commune else ctx.pack()


def summary(case: Case, report: Report, loaded: LoadedPack) -> CaseSummary:
    category = loaded.pack.categories.get(report.category_code)
    return CaseSummary(
        id=case.id, status=case.status, status_label=cases.STATE_LABELS.get(case.status, case.status),
        priority=case.priority, emergency=report.emergency, category=report.category_code,
        category_label=category.label if category else report.category_code,
        place=Place(text=report.location_text, street=report.street, number=report.number,
                    lat=report.lat, lon=report.lon, zone=report.zone_code),
        received_at=report.received_at, occurred_at=report.occurred_at,
        assigned_unit=case.assigned_unit, taken_by=case.taken_by,
        tracking_code=report.tracking_code, channel=report.channel)


def detail(session: SessionDep, case: Case, loaded: LoadedPack) -> CaseDetail:
    report = session.get(Report, case.report_id)
    assert report is not None
    history = session.scalars(select(AuditLog).where(
        AuditLog.object_type == "case", AuditLog.object_id == str(case.id),
        AuditLog.action != "case.read").order_by(AuditLog.id))
    allowed = [a for a, (sources, _) in cases.TRANSITIONS.items() if case.status in sources]
    return CaseDetail(
        **summary(case, report, loaded).model_dump(), text=report.text, details=report.details,
        actors=report.actors, routing=report.routing, outcome=case.outcome,
        allowed_actions=allowed,
        history=[HistoryItem(at=h.at, username=h.username, action=h.action, detail=h.detail)
                 for h in history])


@router.get("", response_model=list[CaseSummary], summary="File des dossiers")
def list_cases(
    session: SessionDep, ctx: ContextDep, staff: CaseStaff,
    status: Annotated[list[str] | None, Query(description="États (répétable) ; « ouverts » "
                                               "pour tous les états non clos")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CaseSummary]:
    loaded = _pack_for(ctx, staff.commune_id)
    statuses = list(status or [])
    if "ouverts" in statuses:
        statuses = [s for s in statuses if s != "ouverts"] + sorted(cases.OPEN_STATES)
    rows = cases.list_cases(session, commune_id=loaded.commune_id, statuses=statuses or None,
                            limit=limit, offset=offset)
    audit.record(session, username=staff.username, action="case.list", object_type="case",
                 commune_id=loaded.commune_id, detail={"status": statuses, "count": len(rows)})
    return [summary(case, report, loaded) for case, report in rows]


@router.get("/{case_id}", response_model=CaseDetail, summary="Un dossier et son historique")
def get_case(case_id: CaseId, session: SessionDep, ctx: ContextDep, staff: CaseStaff) -> CaseDetail:
    loaded = _pack_for(ctx, staff.commune_id)
    case = cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)
    audit.record(session, username=staff.username, action="case.read", object_type="case",
                 object_id=case.id, commune_id=case.commune_id)
    return detail(session, case, loaded)


@router.post("/{case_id}/actions", response_model=CaseDetail, summary="Faire avancer un dossier")
def act(case_id: CaseId, body: ActionIn, session: SessionDep, ctx: ContextDep,
        staff: CaseStaff) -> CaseDetail:
    loaded = _pack_for(ctx, staff.commune_id)
    case = cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)
    def notify(report: Report) -> None:
        category = loaded.pack.categories.get(report.category_code)
        enqueue_notice(session, report=report,
                       status_label=STATUS_LABELS.get(report.status, report.status),
                       category_label=category.label if category else report.category_code,
                       public_url=ctx.settings.public_url)

    cases.apply(session, case=case, action=body.action, username=staff.username,
                data=body.model_dump(exclude_none=True), notify=notify)
    return detail(session, case, loaded)
