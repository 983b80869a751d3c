"""Shared set-up of the document benchmarks: a temporary migrated SQLite database with the
Biarritz pack, two officers, and reports + cases stored through the service layer."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bia.cases.models import Case
from bia.cases.users import add_user
from bia.context import Context, build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.core.types import Analysis, Location
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db
from bia.intake.service import create_report
from bia.reports import models as _reports  # noqa: F401  (until the registry lists it)


def fresh_context() -> Context:
    folder = Path(tempfile.mkdtemp(prefix="bia-bench-"))
    url = f"sqlite:///{folder / 'bia.db'}"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, log_json=False))
    with ctx.session() as session:
        load_pack_into_db(session, pack=load_pack(PROJECT_ROOT / "packs" / "biarritz"))
    commune_id = ctx.pack().commune_id
    with ctx.session() as session:
        add_user(session, username="dupont", password="motdepasse-solide", role="agent",
                 commune_id=commune_id, full_name="Jean Dupont", badge_number="PM-042")
        add_user(session, username="lafitte", password="motdepasse-solide",
                 role="chef_de_poste", commune_id=commune_id, full_name="Maïté Lafitte",
                 badge_number="PM-007")
    return ctx


@dataclass
class Scenario:
    """One resident report and what the console recorded on its case."""

    text: str
    category: str
    received_at: datetime
    street: str | None = None
    number: str | None = None
    location_text: str | None = None
    zone: str | None = None
    occurred_at: datetime | None = None
    contact: dict[str, Any] | None = None
    consent: bool = False
    details: dict[str, Any] | None = None
    channel: str = "phone"
    taken_by: str | None = "dupont"
    on_site_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None


def store(ctx: Context, sc: Scenario) -> int:
    """Store the report (as intake does) and its case; return the case id."""
    loaded = ctx.pack()
    decision = loaded.router.route(category=sc.category, zone=sc.zone, at=sc.received_at,
                                   emergency=False)
    location = (Location(text=sc.location_text, street=sc.street, number=sc.number,
                         zone=sc.zone) if (sc.street or sc.location_text) else None)
    analysis = Analysis(text=sc.text, category=sc.category, confidence=0.9, location=location,
                        occurred_at=sc.occurred_at, details=sc.details or {})
    with ctx.session() as session:
        report = create_report(session, commune_id=loaded.commune_id, channel=sc.channel,
                               text=sc.text, analysis=analysis, decision=decision,
                               received_at=sc.received_at, contact=sc.contact,
                               contact_consent=sc.consent)
        case = Case(commune_id=loaded.commune_id, report_id=report.id, status="clos",
                    taken_by=sc.taken_by, on_site_at=sc.on_site_at, closed_at=sc.closed_at,
                    outcome=sc.outcome, created_at=sc.received_at)
        session.add(case)
        session.flush()
        return case.id
