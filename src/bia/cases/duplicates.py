"""Duplicate detection: a new report near an open case of the same category, within the
category's distance and time window (``duplicate`` in the pack's categories.yaml), is
proposed to the officer for merging."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases.models import Case
from bia.cases.service import OPEN_STATES
from bia.geo.pack import Pack
from bia.intake.models import Report

EARTH_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance; plenty for a few hundred metres inside one commune."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def find_duplicate(session: Session, *, report: Report, pack: Pack) -> tuple[int, float] | None:
    """The nearest open case that this report probably repeats: (case id, metres)."""
    category = pack.categories.get(report.category_code)
    if category is None or report.lat is None or report.lon is None:
        return None
    window = category.duplicate
    since = report.received_at - timedelta(hours=window.hours)
    rows = session.execute(
        select(Case.id, Report.lat, Report.lon).join(Report, Report.id == Case.report_id)
        .where(Case.commune_id == report.commune_id, Case.status.in_(sorted(OPEN_STATES)),
               Report.category_code == report.category_code, Report.id != report.id,
               Report.received_at >= since, Report.lat.is_not(None))
    ).all()
    best: tuple[int, float] | None = None
    for case_id, lat, lon in rows:
        d = distance_m(report.lat, report.lon, lat, lon)
        if d <= window.distance_m and (best is None or d < best[1]):
            best = (case_id, d)
    return best
