"""The retention purge (`bia purge`): apply every period in one transaction, then audit it.

Order matters: reports past the main-courante period are deleted first (no point in
summarising what goes), then texts and contacts of the remaining ones are anonymised, then
dialogues, finished deliveries and recordings go, and last the audit log loses its old prefix
behind a checkpoint. The purge's own audit row is written after the prefix drop, so it is never
dropped by the purge that wrote it. A dry run runs the same selection and changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import Case
from bia.context import Context
from bia.intake.models import Conversation, Delivery, Report
from bia.intake.photos import delete_by_ids as delete_photos_by_ids
from bia.privacy import auditkeep, retention
from bia.privacy.anonymise import drop_contact, scrub_text
from bia.privacy.retention import Cutoffs, PurgePlan
from bia.privacy.settings import RETENTION_KINDS, PrivacySettings

log = logging.getLogger("bia.privacy")
PURGE_USER = "cli:purge"


@dataclass(frozen=True)
class PurgeResult:
    now: datetime
    dry_run: bool
    counts: dict[str, int]
    audio_files: list[str]


def plan_purge(session: Session, privacy: PrivacySettings, now: datetime) -> PurgePlan:
    """What is past its period as of ``now`` (reads only)."""
    cut = Cutoffs.of(privacy, now)
    plan = PurgePlan()
    plan.expired_reports = retention.expired_reports(session, cut)
    gone = set(plan.expired_reports)
    plan.texts = retention.texts_due(session, cut, gone)
    plan.contacts = retention.contacts_due(session, cut, gone)
    plan.conversations = retention.conversations_due(session, cut, gone)
    plan.deliveries = retention.deliveries_due(session, cut, gone)
    plan.photos = retention.photos_due(session, cut, gone, set(plan.conversations))
    plan.audio_files = retention.audio_files_due(privacy.audio_dir, cut)
    if cut.audit is not None:
        plan.audit_rows = auditkeep.prefix_to_drop(session, cutoff=cut.audit)[1]
    return plan


def _delete_reports(session: Session, ids: list[int]) -> None:
    """Delete reports with their cases (documents follow by ON DELETE CASCADE)."""
    for chunk in retention.chunks(ids):
        case_ids = list(session.scalars(select(Case.id).where(Case.report_id.in_(chunk))))
        for cases in retention.chunks(case_ids):
            # a younger case merged into an expiring one keeps its own life
            session.execute(update(Case).where(Case.merged_into_id.in_(cases))
                            .values(merged_into_id=None))
            session.execute(delete(Case).where(Case.id.in_(cases)))
        session.execute(delete(Conversation).where(Conversation.report_id.in_(chunk)))
        session.execute(delete(Delivery).where(Delivery.report_id.in_(chunk)))
        session.execute(delete(Report).where(Report.id.in_(chunk)))


def _delete_audio(files: list[Path]) -> list[str]:
    removed = []
    for path in files:
        try:
            path.unlink()
            removed.append(str(path))
        except FileNotFoundError:
            continue  # another purge got there first
    return removed


def apply_plan(session: Session, plan: PurgePlan, privacy: PrivacySettings,
               now: datetime) -> list[str]:
    """Carry out ``plan`` in the caller's transaction; returns the audio files removed."""
    cut = Cutoffs.of(privacy, now)
    _delete_reports(session, plan.expired_reports)
    for rid in plan.texts:
        report = session.get(Report, rid)
        if report is not None:
            scrub_text(session, report, now=now, reason="durée de conservation échue",
                       cell_m=privacy.pseudonym_cell_m)
    for rid in plan.contacts:
        report = session.get(Report, rid)
        if report is not None:
            drop_contact(report, now=now)
    for conv_chunk in retention.chunks(plan.conversations):
        session.execute(delete(Conversation).where(Conversation.id.in_(conv_chunk)))
    for del_chunk in retention.chunks(plan.deliveries):
        session.execute(delete(Delivery).where(Delivery.id.in_(del_chunk)))
    delete_photos_by_ids(session, plan.photos)
    session.flush()
    if cut.audit is not None:
        plan.audit_rows = auditkeep.drop_prefix(session, cutoff=cut.audit, username=PURGE_USER)
    # files last: a failed transaction above leaves the recordings in place
    return [str(p) for p in plan.audio_files]


def run_purge(session: Session, privacy: PrivacySettings, *, now: datetime,
              dry_run: bool = False) -> PurgeResult:
    """Plan, and unless ``dry_run`` apply and audit, the purge as of ``now``.

    The audio files are deleted by the caller once the transaction committed
    (:func:`delete_audio_files`): a rollback must not lose recordings whose report survives.
    """
    plan = plan_purge(session, privacy, now)
    if dry_run:
        return PurgeResult(now=now, dry_run=True, counts=plan.counts(),
                           audio_files=[str(p) for p in plan.audio_files])
    files = apply_plan(session, plan, privacy, now)
    counts = plan.counts()
    audit.record(session, username=PURGE_USER, action="privacy.purge", object_type="retention",
                 detail={"as_of": now.isoformat(), "counts": counts,
                         "periods_days": {kind: privacy.days(kind)
                                          for kind in RETENTION_KINDS}})
    log.info("purge done", extra={"counts": counts})
    return PurgeResult(now=now, dry_run=False, counts=counts, audio_files=files)


def delete_audio_files(result: PurgeResult) -> int:
    """Remove the recordings a committed purge listed; the number actually removed."""
    if result.dry_run:
        return 0
    return len(_delete_audio([Path(p) for p in result.audio_files]))


def purge(ctx: Context, privacy: PrivacySettings, *, now: datetime,
          dry_run: bool = False) -> PurgeResult:
    """The whole job: one transaction, then the recordings once it has committed."""
    with ctx.session() as session:
        result = run_purge(session, privacy, now=now, dry_run=dry_run)
        if dry_run:
            session.rollback()
    delete_audio_files(result)
    return result
