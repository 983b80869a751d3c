"""Fixtures for intervention documents: real reports, cases and staff through the service layer.

``bia.reports.models`` is imported here until ``bia.core.registry`` lists it, so that the ORM
knows the document tables (migration 0002 creates them in the test databases).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from bia.cases.models import Case
from bia.cases.users import add_user
from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.service import create_report
from bia.reports import models as _reports  # noqa: F401

NOISE = ("Bonsoir. Les voisins du 12 avenue Édouard VII font la fête avec la musique à fond "
         "depuis 23h. Je m'appelle Mme Etcheverry, mon numéro est le 06 12 34 56 78.")
WHEN = datetime(2026, 11, 20, 22, 5, tzinfo=UTC)  # 23:05 in Biarritz


@pytest.fixture
def officers(ctx: Context) -> dict[str, str]:
    """Two agents with matricules, an analyst (may not validate), an agent without matricule."""
    commune_id = ctx.pack().commune_id
    with ctx.session() as session:
        add_user(session, username="dupont", password="motdepasse-solide", role="agent",
                 commune_id=commune_id, full_name="Jean Dupont", badge_number="PM-042")
        add_user(session, username="lafitte", password="motdepasse-solide", role="chef_de_poste",
                 commune_id=commune_id, full_name="Maïté Lafitte", badge_number="PM-007")
        add_user(session, username="analyste", password="motdepasse-solide", role="analyste",
                 commune_id=commune_id, full_name="Anne Alyse")
        add_user(session, username="sansmatricule", password="motdepasse-solide", role="agent",
                 commune_id=commune_id, full_name="Paul Sans")
    return {"dupont": "Jean Dupont", "lafitte": "Maïté Lafitte"}


MakeCase = Callable[..., int]


@pytest.fixture
def make_case(ctx: Context) -> MakeCase:
    """Store a report (as intake does) and the police case opened on it; return the case id."""
    loaded = ctx.pack()

    def _make(*, text: str = NOISE, category: str = "bruit", street: str | None =
              "Avenue Édouard VII", number: str | None = "12", zone: str | None = "centre",
              location_text: str | None = "du 12 avenue Édouard VII",
              received_at: datetime = WHEN, occurred_at: datetime | None = WHEN,
              on_site_at: datetime | None = None, closed_at: datetime | None = None,
              taken_by: str | None = "dupont", outcome: str | None = None,
              contact: dict[str, Any] | None = None, consent: bool = False,
              details: dict[str, Any] | None = None, channel: str = "phone") -> int:
        decision = loaded.router.route(category=category, zone=zone, at=received_at,
                                       emergency=False)
        location = Location(text=location_text, street=street, number=number, zone=zone)
        analysis = Analysis(text=text, category=category, confidence=0.9, location=location,
                            occurred_at=occurred_at, details=details or {})
        with ctx.session() as session:
            report = create_report(session, commune_id=loaded.commune_id, channel=channel,
                                   text=text, analysis=analysis, decision=decision,
                                   received_at=received_at, contact=contact,
                                   contact_consent=consent)
            case = Case(commune_id=loaded.commune_id, report_id=report.id, status="en_cours",
                        taken_by=taken_by, on_site_at=on_site_at, closed_at=closed_at,
                        outcome=outcome, created_at=received_at)
            session.add(case)
            session.flush()
            return case.id

    return _make
