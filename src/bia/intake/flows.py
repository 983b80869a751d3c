"""Work across domains for a resident's report: route, store, open a case, queue deliveries.

The report is committed here, before any confirmation goes back to the resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bia.cases.duplicates import find_duplicate
from bia.cases.models import Case
from bia.cases.service import open_case
from bia.context import Context, LoadedPack
from bia.core.coltypes import utcnow
from bia.core.types import Analysis, RoutingDecision
from bia.geo.ban import find_address
from bia.intake.models import Delivery
from bia.intake.outbox import enqueue_deliveries
from bia.intake.service import create_report
from bia.ops.metrics import count_report

INTERNAL_ACTOR = "police_municipale"


@dataclass(frozen=True)
class Submitted:
    report_id: int
    tracking_code: str
    case_id: int | None
    decision: RoutingDecision


def place(ctx: Context | None, loaded: LoadedPack, analysis: Analysis) -> None:
    """Refine the location with BAN house numbers when imported, then fill its zone."""
    loc = analysis.location
    if loc is None:
        return
    if ctx is not None and loc.street and loc.number:
        with ctx.session() as session:
            address = find_address(session, commune_id=loaded.commune_id, street=loc.street,
                                   number=loc.number)
            if address is not None:
                loc.lat, loc.lon = address.lat, address.lon
    if loc.zone is None:
        loc.zone = loaded.zones.zone_of(loc.lat, loc.lon)


def decide(loaded: LoadedPack, analysis: Analysis, at: datetime) -> RoutingDecision:
    zone = analysis.location.zone if analysis.location else None
    return loaded.router.route(category=analysis.category, zone=zone, at=at,
                               emergency=analysis.emergency,
                               emergency_number=analysis.emergency_number,
                               extra_numbers=analysis.extra_numbers)


def submit_report(ctx: Context, loaded: LoadedPack, *, channel: str, text: str,
                  analysis: Analysis, at: datetime | None = None,
                  decision: RoutingDecision | None = None,
                  contact: dict[str, Any] | None = None, contact_consent: bool = False,
                  idempotency_key: str | None = None) -> Submitted:
    """Store a report durably (committed) and return its tracking code."""
    received = utcnow()
    decision = decision or decide(loaded, analysis, at or received)
    pack = loaded.pack
    with ctx.session() as session:
        report = create_report(session, commune_id=loaded.commune_id, channel=channel, text=text,
                               analysis=analysis, decision=decision, received_at=received,
                               contact=contact, contact_consent=contact_consent,
                               idempotency_key=idempotency_key)
        existing = session.scalar(select(Case.id).where(Case.report_id == report.id))
        if existing is not None or session.scalar(
                select(Delivery.id).where(Delivery.report_id == report.id)):
            # an idempotent retry of a report already stored: nothing more to do
            return Submitted(report_id=report.id, tracking_code=report.tracking_code,
                             case_id=existing, decision=decision)
        case_id = None
        duplicate = find_duplicate(session, report=report, pack=pack)
        if duplicate is not None:  # proposed to the officer, never merged automatically
            report.details = {**report.details, "doublon_possible": {
                "dossier": duplicate[0], "distance_m": round(duplicate[1])}}
        if INTERNAL_ACTOR in report.actors:
            category = pack.categories.get(report.category_code)
            case_id = open_case(session, report=report,
                                severity=category.severity if category else 2).id
        enqueue_deliveries(session, report=report, pack=pack,
                           public_url=ctx.settings.public_url)
        result = Submitted(report_id=report.id, tracking_code=report.tracking_code,
                           case_id=case_id, decision=decision)
    count_report(channel)  # after the commit: counts stored reports only
    return result
