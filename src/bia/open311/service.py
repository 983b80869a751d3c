"""Read side of Open311: query reports with the GeoReport v2 filters.

Data access only (session passed in, keyword-only arguments, no HTTP types). Parameters
arrive as raw strings and are checked here so that a bad one becomes the spec's 400 with a
French description rather than a framework validation error in another shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.context import LoadedPack
from bia.core.coltypes import utcnow
from bia.intake.models import Report
from bia.open311.formats import Open311Error
from bia.open311.mapping import (
    DEFAULT_POLICY,
    NOT_A_SERVICE,
    PublicationPolicy,
    statuses_for,
)

MAX_REQUESTS = 1000
MAX_SPAN = timedelta(days=90)


@dataclass(frozen=True)
class RequestQuery:
    """GET requests filters once parsed; ``ids`` overrides every other filter (spec)."""

    ids: list[int]
    codes: list[str]
    start: datetime
    end: datetime
    report_statuses: frozenset[str] | None


def split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def parse_w3(value: str, name: str, loaded: LoadedPack) -> datetime:
    """W3C datetime; without a zone the commune's local time is assumed (lenient reading)."""
    try:
        # a "+01:00" offset left unescaped in a query string arrives as " 01:00"
        text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip()).replace("Z", "+00:00")
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Open311Error(400, f"{name} invalide : « {value} » (format attendu : "
                                "2026-01-31T00:00:00Z).") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=loaded.pack.tz)
    return moment


def parse_query(loaded: LoadedPack, *, service_request_id: str | None, service_code: str | None,
                start_date: str | None, end_date: str | None, status: str | None,
                now: datetime | None = None) -> RequestQuery:
    now = now or utcnow()
    ids: list[int] = []
    for raw in split(service_request_id)[:MAX_REQUESTS]:
        if not raw.isdigit():
            raise Open311Error(400, f"service_request_id invalide : « {raw} ».")
        ids.append(int(raw))
    start = parse_w3(start_date, "start_date", loaded) if start_date else None
    end = parse_w3(end_date, "end_date", loaded) if end_date else None
    if start and end and end < start:
        raise Open311Error(400, "end_date précède start_date.")
    if start and end and end - start > MAX_SPAN:
        raise Open311Error(400, "La période demandée ne peut dépasser 90 jours.")
    if start is None and end is None:
        end, start = now, now - MAX_SPAN
    elif start is None:
        assert end is not None
        start = end - MAX_SPAN
    elif end is None:
        end = min(start + MAX_SPAN, max(now, start))
    wanted = split(status)
    bad = [s for s in wanted if s not in ("open", "closed")]
    if bad:
        raise Open311Error(400, f"status invalide : « {bad[0]} » (valeurs : open, closed).")
    report_statuses = frozenset().union(*(statuses_for(s) for s in wanted)) if wanted else None
    return RequestQuery(ids=ids, codes=split(service_code), start=start, end=end,
                        report_statuses=report_statuses)


def public_codes(loaded: LoadedPack, policy: PublicationPolicy) -> list[str]:
    """Category codes whose requests may be listed (restricted ones are only looked up by id)."""
    return [c.code for c in loaded.pack.categories.values()
            if c.code not in NOT_A_SERVICE and c.group in policy.public_groups
            and c.code not in policy.withheld_categories
            and c.severity <= policy.max_public_severity]


def find_requests(session: Session, *, loaded: LoadedPack, query: RequestQuery,
                  policy: PublicationPolicy = DEFAULT_POLICY) -> list[Report]:
    stmt = select(Report).where(Report.commune_id == loaded.commune_id)
    if query.ids:
        stmt = stmt.where(Report.id.in_(query.ids))
    else:
        codes = public_codes(loaded, policy)
        if query.codes:
            codes = [c for c in codes if c in set(query.codes)]
        stmt = stmt.where(Report.category_code.in_(codes), Report.emergency.is_(False),
                          Report.received_at >= query.start, Report.received_at <= query.end)
        if query.report_statuses is not None:
            stmt = stmt.where(Report.status.in_(sorted(query.report_statuses)))
    stmt = stmt.order_by(Report.received_at.desc(), Report.id.desc()).limit(MAX_REQUESTS)
    return list(session.scalars(stmt))


def get_request(session: Session, *, loaded: LoadedPack, request_id: str) -> Report:
    report = session.get(Report, int(request_id)) if request_id.isdigit() else None
    if report is None or report.commune_id != loaded.commune_id \
            or report.category_code in NOT_A_SERVICE:
        raise Open311Error(404, f"Aucune demande ne porte l'identifiant « {request_id} ».")
    return report
