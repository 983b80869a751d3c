"""Which rows are past their retention period, per kind of data.

Selection is kept apart from action so that ``bia purge --dry-run`` runs exactly the same
queries as the real purge and can show what would go. Every function takes ``now`` so that
tests (and an operator catching up) can purge "as of" a date.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases.models import Case
from bia.cases.service import OPEN_STATES
from bia.intake.models import Conversation, Delivery, Report
from bia.privacy.anonymise import SUMMARY_MARK
from bia.privacy.settings import PrivacySettings

# report statuses after which BIA no longer needs to call the resident back
CLOSED_REPORT_STATUSES = frozenset({"traite", "clos", "fusionne", "transmis"})
FINISHED_DELIVERY_STATES = ("sent", "dead")


@dataclass(frozen=True)
class Cutoffs:
    """For each kind, the instant before which data is past its period (None: kept)."""

    now: datetime
    contact: datetime | None
    text: datetime | None
    audio: datetime | None
    conversation: datetime | None
    case: datetime | None
    audit: datetime | None
    delivery: datetime | None
    photo: datetime | None = None

    @classmethod
    def of(cls, privacy: PrivacySettings, now: datetime) -> Cutoffs:
        def cut(kind: str) -> datetime | None:
            period = privacy.period(kind)
            return None if period is None else now - period
        return cls(now=now, contact=cut("contact"), text=cut("text"), audio=cut("audio"),
                   conversation=cut("conversation"), case=cut("case"), audit=cut("audit"),
                   delivery=cut("delivery"), photo=cut("photo"))


@dataclass
class PurgePlan:
    """Ids (or files) due for each action; ``counts`` is what the purge reports."""

    expired_reports: list[int] = field(default_factory=list)
    texts: list[int] = field(default_factory=list)
    contacts: list[int] = field(default_factory=list)
    conversations: list[str] = field(default_factory=list)
    deliveries: list[int] = field(default_factory=list)
    audio_files: list[Path] = field(default_factory=list)
    photos: list[int] = field(default_factory=list)
    audit_rows: int = 0

    def counts(self) -> dict[str, int]:
        return {"reports_deleted": len(self.expired_reports), "texts_summarised": len(self.texts),
                "contacts_removed": len(self.contacts),
                "conversations_deleted": len(self.conversations),
                "deliveries_deleted": len(self.deliveries),
                "audio_files_deleted": len(self.audio_files),
                "photos_deleted": len(self.photos),
                "audit_rows_dropped": self.audit_rows}


def expired_reports(session: Session, cut: Cutoffs) -> list[int]:
    """Reports (with their case and documents) past the main-courante period."""
    if cut.case is None:
        return []
    return list(session.scalars(select(Report.id).where(Report.received_at < cut.case)
                                .order_by(Report.id)))


def texts_due(session: Session, cut: Cutoffs, skip: set[int]) -> list[int]:
    if cut.text is None:
        return []
    rows = session.scalars(select(Report.id).where(Report.received_at < cut.text,
                                                   ~Report.text.startswith(SUMMARY_MARK))
                           .order_by(Report.id))
    return [rid for rid in rows if rid not in skip]


def _closed_at(report_status: str, report_updated: datetime, case_status: str | None,
               case_closed: datetime | None, case_updated: datetime | None) -> datetime | None:
    """When BIA stopped needing the resident: the case's closure, else the report's end."""
    if case_status is not None:
        return None if case_status in OPEN_STATES else (case_closed or case_updated)
    return report_updated if report_status in CLOSED_REPORT_STATUSES else None


def contacts_due(session: Session, cut: Cutoffs, skip: set[int]) -> list[int]:
    """Contacts kept ``contact`` days after closure, and never longer than the text.

    Only the columns needed are read: most reports carry no contact (JSON ``null``), and the
    scan must stay cheap on years of reports.
    """
    if cut.contact is None and cut.text is None:
        return []
    due: list[int] = []
    seen: set[int] = set(skip)
    query = (select(Report.id, Report.contact, Report.status, Report.updated_at,
                    Report.received_at, Case.status, Case.closed_at, Case.updated_at)
             .outerjoin(Case, Case.report_id == Report.id)
             .where(Report.contact.is_not(None)).order_by(Report.id))
    for rid, contact, status, updated, received, c_status, c_closed, c_updated in (
            session.execute(query)):
        if not contact or rid in seen:
            continue
        seen.add(rid)
        closed = _closed_at(status, updated, c_status, c_closed, c_updated)
        if (cut.contact is not None and closed is not None and closed < cut.contact) or (
                cut.text is not None and received < cut.text):
            due.append(rid)
    return due


def conversations_due(session: Session, cut: Cutoffs, skip_reports: set[int]) -> list[str]:
    """Dialogues idle past their period (those of expiring reports go with the report)."""
    if cut.conversation is None:
        return []
    rows = session.execute(select(Conversation.id, Conversation.report_id)
                           .where(Conversation.updated_at < cut.conversation))
    return [cid for cid, rid in rows if rid is None or rid not in skip_reports]


def deliveries_due(session: Session, cut: Cutoffs, skip_reports: set[int]) -> list[int]:
    """Finished deliveries only: a pending one is work still to do, not an archive."""
    if cut.delivery is None:
        return []
    rows = session.execute(select(Delivery.id, Delivery.report_id)
                           .where(Delivery.created_at < cut.delivery,
                                  Delivery.state.in_(FINISHED_DELIVERY_STATES)))
    return [did for did, rid in rows if rid not in skip_reports]


def audio_files_due(folder: Path, cut: Cutoffs) -> list[Path]:
    """Recordings older than the audio period, by file modification time."""
    if cut.audio is None or not folder.is_dir():
        return []
    limit = cut.audio.timestamp()
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime < limit)


def chunks(ids: list[int] | list[str], size: int = 500) -> Iterator[list[int] | list[str]]:
    """Bound IN-lists: SQLite and PostgreSQL both cap bound parameters per statement."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def photos_due(session: Session, cut: Cutoffs, skip_reports: set[int],
               conversations: set[str]) -> list[int]:
    """Photos past their period; photos of a dialogue purged now that never became a report;
    photos left with neither (an expiring report takes its own photos with it)."""
    from bia.intake.photos import Photo
    from bia.intake.photos import photos_due as due

    ids = set(due(session, cutoff=cut.photo))
    for chunk in chunks(sorted(conversations)):
        ids |= set(session.scalars(select(Photo.id).where(Photo.conversation_id.in_(chunk),
                                                          Photo.report_id.is_(None))))
    if skip_reports:
        for chunk in chunks(sorted(ids)):
            ids -= {pid for pid, rid in session.execute(
                select(Photo.id, Photo.report_id).where(Photo.id.in_(chunk)))
                if rid in skip_reports}
    return sorted(ids)
