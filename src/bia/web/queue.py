"""The console's queue: filters, one page of cases in queue order, and the total count.

``bia.cases.service.list_cases`` filters by status only and returns no count; the console also
filters by zone, category and period and must show "200 sur 10 000" without loading 10 000 rows,
so it runs its own two bounded queries, ordered by the same :func:`queue_order`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, load_only

from bia.api.cases import CaseSummary, summary
from bia.cases import service as cases
from bia.cases.models import Case
from bia.context import LoadedPack
from bia.intake.models import Report

PAGE_SIZE = 200
PERIODS: dict[str, tuple[str, timedelta | None]] = {
    "tout": ("Toute période", None),
    "2h": ("2 dernières heures", timedelta(hours=2)),
    "24h": ("24 dernières heures", timedelta(hours=24)),
    "7j": ("7 derniers jours", timedelta(days=7)),
    "30j": ("30 derniers jours", timedelta(days=30)),
}
LIST_COLUMNS = (Report.id, Report.category_code, Report.emergency, Report.location_text,
                Report.street, Report.number, Report.lat, Report.lon, Report.zone_code,
                Report.received_at, Report.occurred_at, Report.tracking_code, Report.channel)
STATUS_CHOICES: dict[str, str] = {"ouverts": "Ouverts (non clos)", "tous": "Tous les états",
                                  **cases.STATE_LABELS}


@dataclass(frozen=True)
class QueueFilters:
    zone: str = ""
    category: str = ""
    status: str = "ouverts"
    period: str = "tout"
    page: int = 1

    @classmethod
    def parse(cls, params: Mapping[str, str], loaded: LoadedPack) -> QueueFilters:
        """Unknown values fall back to the default, so a stale bookmark still opens."""
        zone = params.get("zone", "")
        category = params.get("categorie", "")
        status = params.get("etat", "ouverts")
        period = params.get("periode", "tout")
        try:
            page = max(1, min(10_000, int(params.get("page", "1"))))
        except ValueError:
            page = 1
        return cls(zone=zone if zone in loaded.pack.zone_codes else "",
                   category=category if category in loaded.pack.categories else "",
                   status=status if status in STATUS_CHOICES else "ouverts",
                   period=period if period in PERIODS else "tout", page=page)

    def query_string(self, **changes: Any) -> str:
        """The filters as URL parameters (defaults left out), e.g. for pagination links."""
        value = replace(self, **changes)
        params = {"zone": value.zone, "categorie": value.category,
                  "etat": "" if value.status == "ouverts" else value.status,
                  "periode": "" if value.period == "tout" else value.period,
                  "page": "" if value.page == 1 else str(value.page)}
        return urlencode({k: v for k, v in params.items() if v})

    @property
    def active(self) -> bool:
        return bool(self.zone or self.category or self.status != "ouverts"
                    or self.period != "tout")


@dataclass(frozen=True)
class QueueRow:
    case: CaseSummary
    zone_name: str


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    emergencies: int
    filters: QueueFilters

    @property
    def first(self) -> int:
        return (self.filters.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def _filtered(query: Select[Any], filters: QueueFilters, commune_id: int,
              now: datetime) -> Select[Any]:
    query = query.where(Case.commune_id == commune_id)
    if filters.status == "ouverts":
        query = query.where(Case.status.in_(sorted(cases.OPEN_STATES)))
    elif filters.status != "tous":
        query = query.where(Case.status == filters.status)
    delta = PERIODS[filters.period][1]
    if delta is not None:
        query = query.where(Case.created_at >= now - delta)
    if filters.zone:
        query = query.where(Report.zone_code == filters.zone)
    if filters.category:
        query = query.where(Report.category_code == filters.category)
    return query


def zone_names(loaded: LoadedPack) -> dict[str, str]:
    return {f["properties"]["code"]: f["properties"].get("name") or f["properties"]["code"]
            for f in loaded.pack.zones_geojson["features"]
            if f["properties"].get("kind") == "zone"}


def fetch_queue(session: Session, *, loaded: LoadedPack, filters: QueueFilters,
                now: datetime) -> QueuePage:
    """One page of the queue (emergency first, then priority, then age) and its total.

    Cheap at 10,000 open cases: the page's ids are sorted on the narrow case table (the report
    is joined only when a filter needs it), then only those rows are read, and without the
    report's text and JSON columns, which the list does not show.
    """
    def narrow(query: Any) -> Any:
        if filters.zone or filters.category:
            query = query.join(Report, Report.id == Case.report_id)
        return _filtered(query, filters, loaded.commune_id, now)

    ids = list(session.scalars(narrow(select(Case.id)).order_by(*cases.queue_order())
                               .limit(PAGE_SIZE).offset((filters.page - 1) * PAGE_SIZE)))
    total, emergencies = session.execute(narrow(
        select(func.count(Case.id), func.count(Case.id).filter(Case.priority >= 5)))).one()
    rank = {case_id: index for index, case_id in enumerate(ids)}
    rows = session.execute(
        select(Case, Report).join(Report, Report.id == Case.report_id)
        .where(Case.id.in_(ids)).options(load_only(*LIST_COLUMNS))).all() if ids else []
    names = zone_names(loaded)
    items = []
    for case, report in sorted(rows, key=lambda row: rank[row[0].id]):
        item = summary(case, report, loaded)
        items.append(QueueRow(case=item, zone_name=names.get(item.place.zone or "", "")))
    return QueuePage(rows=items, total=int(total), emergencies=int(emergencies or 0),
                     filters=filters)
