"""Gap-free document numbers: MC-2026-000001, MC-2026-000002… per commune, kind and year.

The number is taken from :class:`~bia.reports.models.DocumentCounter` inside the validating
transaction. On PostgreSQL the counter row is locked (``SELECT … FOR UPDATE``) until commit, so
concurrent validations queue on it; on SQLite every writing session already holds the database's
single writer lock from ``BEGIN IMMEDIATE`` (see :mod:`bia.core.db`). Either way a validation
that rolls back takes its increment with it, and the next one reuses the number: the register
has no hole, as a paper main courante has none.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bia.geo.models import Commune
from bia.reports.fields import KIND_PREFIX
from bia.reports.models import DocumentCounter


def _ensure_row(session: Session, commune_id: int, kind: str, year: int) -> None:
    values = {"commune_id": commune_id, "kind": kind, "year": year, "last": 0}
    dialect = session.get_bind().dialect.name
    stmt: Executable
    if dialect == "postgresql":
        stmt = postgresql.insert(DocumentCounter).values(**values).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(DocumentCounter).values(**values).on_conflict_do_nothing()
    else:  # pragma: no cover - BIA runs on SQLite and PostgreSQL only
        raise RuntimeError(f"unsupported database: {dialect}")
    session.execute(stmt)


def allocate(session: Session, *, commune_id: int, kind: str, year: int) -> int:
    """The next number of the year's register; the counter stays locked until commit."""
    _ensure_row(session, commune_id, kind, year)
    key = (DocumentCounter.commune_id == commune_id, DocumentCounter.kind == kind,
           DocumentCounter.year == year)
    last = session.scalar(select(DocumentCounter.last).where(*key).with_for_update())
    number = int(last or 0) + 1
    session.execute(update(DocumentCounter).where(*key).values(last=number)
                    .execution_options(synchronize_session=False))
    return number


def format_number(kind: str, year: int, number: int) -> str:
    return f"{KIND_PREFIX[kind]}-{year}-{number:06d}"


def local_year(session: Session, *, commune_id: int, at: datetime) -> int:
    """The register's year is the commune's civil year at the moment of validation."""
    commune = session.get(Commune, commune_id)
    tz = ZoneInfo(commune.timezone) if commune else ZoneInfo("Europe/Paris")
    return at.astimezone(tz).year


def assign(session: Session, *, commune_id: int, kind: str, at: datetime) -> str:
    year = local_year(session, commune_id=commune_id, at=at)
    return format_number(kind, year, allocate(session, commune_id=commune_id, kind=kind,
                                               year=year))
