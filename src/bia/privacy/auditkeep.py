"""Retention of the audit log without breaking its hash chain.

The audit log holds personal data too (usernames, case ids, details), so it cannot be kept for
ever; but each row's hash covers the previous one, so deleting rows at random would make
:func:`bia.cases.audit.verify_chain` fail. Only a whole *prefix* of the chain is dropped, and
before dropping it a ``audit.checkpoint`` row is appended (inside the chain, so it is itself
tamper-evident) naming the hash of the last dropped row: the new first row's ``prev_hash``.
:func:`verify_chain` here accepts a chain that starts at such a checkpointed anchor; deleting
one more old row, or forging the anchor, still shows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.audit import GENESIS
from bia.cases.models import AuditLog

CHECKPOINT = "audit.checkpoint"


def prefix_to_drop(session: Session, *, cutoff: datetime) -> tuple[int | None, int]:
    """(id of the last row to drop, number of rows) for rows older than ``cutoff``.

    The prefix stops before the first row at or after the cutoff even if a later row is older
    (clock skew between workers): rows are only ever dropped from the start of the chain.
    """
    first_kept = session.scalar(select(func.min(AuditLog.id)).where(AuditLog.at >= cutoff))
    query = select(func.max(AuditLog.id))
    if first_kept is not None:
        query = query.where(AuditLog.id < first_kept)
    last_dropped = session.scalar(query)
    if last_dropped is None:
        return None, 0
    count = session.scalar(select(func.count()).select_from(AuditLog)
                           .where(AuditLog.id <= last_dropped)) or 0
    return int(last_dropped), int(count)


def drop_prefix(session: Session, *, cutoff: datetime, username: str) -> int:
    """Drop the audit rows older than ``cutoff`` behind a checkpoint; the number dropped."""
    last_dropped, count = prefix_to_drop(session, cutoff=cutoff)
    if last_dropped is None:
        return 0
    anchor = session.get(AuditLog, last_dropped)
    assert anchor is not None
    detail: dict[str, Any] = {"dropped_through_id": last_dropped, "dropped_rows": count,
                              "anchor_hash": anchor.hash,
                              "anchor_at": anchor.at.isoformat(timespec="microseconds"),
                              "cutoff": cutoff.isoformat()}
    # the checkpoint is appended first: it is the newest row, so never part of the prefix
    audit.record(session, username=username, action=CHECKPOINT, object_type="audit_log",
                 object_id=last_dropped, detail=detail)
    session.execute(delete(AuditLog).where(AuditLog.id <= last_dropped))
    return count


def _start_hash(session: Session, first: AuditLog) -> str | None:
    """The hash the chain may start from: GENESIS, or a checkpoint's anchor."""
    if first.prev_hash == GENESIS:
        return GENESIS
    for checkpoint in session.scalars(select(AuditLog).where(AuditLog.action == CHECKPOINT)
                                      .order_by(AuditLog.id.desc())):
        detail = checkpoint.detail or {}
        if (detail.get("anchor_hash") == first.prev_hash
                and int(detail.get("dropped_through_id", first.id)) < first.id):
            return first.prev_hash
    return None


def verify_chain(session: Session) -> tuple[bool, int | None]:
    """(True, None) when intact, else (False, id of the first bad row); checkpoint-aware.

    Same contract as :func:`bia.cases.audit.verify_chain`, which it should replace once the
    audit log is purged (the lead merges it there).
    """
    first = session.scalar(select(AuditLog).order_by(AuditLog.id).limit(1))
    if first is None:
        return True, None
    prev = _start_hash(session, first)
    if prev is None:
        return False, first.id
    for row in session.scalars(select(AuditLog).order_by(AuditLog.id)):
        expected = audit._digest(prev, row.at, row.username, row.action, row.object_type,
                                 row.object_id, row.detail, row.commune_id)
        if row.prev_hash != prev or row.hash != expected:
            return False, row.id
        prev = row.hash
    return True, None
