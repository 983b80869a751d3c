"""Public, anonymous routes: the commune's nomenclature and the tracking of a report."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from bia.api.deps import PackDep, SessionDep
from bia.intake import service as intake

router = APIRouter(prefix="/api/v1", tags=["public"])


class CategoryOut(BaseModel):
    code: str
    label: str
    description: str
    group: str


class TrackingOut(BaseModel):
    tracking_code: str
    category: str
    category_label: str
    status: str
    status_label: str
    handled_by: list[str]
    handled_when: str | None
    received_at: datetime
    last_update: datetime


@router.get("/categories", response_model=list[CategoryOut], summary="Catégories de signalement")
def categories(loaded: PackDep) -> list[CategoryOut]:
    return [CategoryOut(code=c.code, label=c.label, description=c.description, group=c.group)
            for c in loaded.pack.categories.values()]


@router.get("/reports/{tracking_code}", response_model=TrackingOut,
            summary="Suivi public d'un signalement (rien de personnel)")
def track(tracking_code: str, session: SessionDep, loaded: PackDep) -> TrackingOut:
    own = intake.get_by_code(session, code=tracking_code)
    report = intake.followed_report(session, report=own)  # a merged report follows its case
    pack = loaded.pack
    category = pack.categories.get(own.category_code)
    actors = [pack.actors[a].name if a in pack.actors else a for a in report.actors]
    label = intake.STATUS_LABELS.get(report.status, report.status)
    if report is not own:
        label = f"{intake.STATUS_LABELS['fusionne']} {label}"
    return TrackingOut(
        tracking_code=own.tracking_code, category=own.category_code,
        category_label=category.label if category else own.category_code,
        status=report.status, status_label=label,
        handled_by=actors, handled_when=report.routing.get("handled_when"),
        received_at=own.received_at, last_update=max(own.updated_at, report.updated_at),
    )
