"""Rows planted at chosen ages, the way intake and cases would have written them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bia.cases.models import Case
from bia.context import Context
from bia.geo.models import Commune
from bia.intake import codes
from bia.intake.models import Conversation, Delivery, Report

NOW = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


class Planter:
    """Creates a report with its case, dialogue and delivery, all dated ``age`` days ago."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        with ctx.session() as session:
            self.commune_id = session.scalar(select(Commune.id).where(
                Commune.insee == ctx.settings.default_commune))

    def report(self, *, age: float, text: str = "Tapage nocturne rue Gambetta vers 23h.",
               contact: dict[str, Any] | None = None, status: str = "recu",
               case_status: str | None = None, closed_age: float | None = None,
               conversation: bool = True, delivery_state: str | None = "sent",
               details: dict[str, Any] | None = None) -> dict[str, Any]:
        at = days_ago(age)
        with self.ctx.session() as session:
            report = Report(
                commune_id=self.commune_id, tracking_code=codes.new_code(), channel="web",
                text=text, category_code="tapage_nocturne", actors=["police_municipale"],
                routing={"rule": "r1"}, location_text="devant le 12 rue Gambetta",
                street="Rue Gambetta", number="12", lat=43.48321, lon=-1.55853,
                zone_code="centre", occurred_at=at, received_at=at,
                updated_at=days_ago(closed_age) if closed_age is not None else at,
                status=status, details=details or {"people": 3},
                contact=contact, contact_consent=contact is not None)
            session.add(report)
            session.flush()
            out: dict[str, Any] = {"report_id": report.id, "code": report.tracking_code}
            if case_status is not None:
                case = Case(commune_id=self.commune_id, report_id=report.id, status=case_status,
                            priority=2, created_at=at, updated_at=at,
                            outcome="Rencontré M. Dupont au 12 rue Gambetta.",
                            closed_at=days_ago(closed_age) if closed_age is not None else None)
                session.add(case)
                session.flush()
                out["case_id"] = case.id
            if conversation:
                conv = Conversation(id=str(uuid.uuid4()), commune_id=self.commune_id,
                                    channel="web", report_id=report.id, created_at=at,
                                    updated_at=at, state={"turns": [text]})
                session.add(conv)
                out["conversation_id"] = conv.id
            if delivery_state is not None:
                delivery = Delivery(commune_id=self.commune_id, report_id=report.id,
                                    actor_code="services_techniques", method="email",
                                    target="st@example.org", state=delivery_state,
                                    payload={"text": text, "location": {"number": "12"}},
                                    created_at=at, next_attempt_at=at)
                session.add(delivery)
                session.flush()
                out["delivery_id"] = delivery.id
        return out


@pytest.fixture
def plant(ctx: Context) -> Callable[..., dict[str, Any]]:
    return Planter(ctx).report
