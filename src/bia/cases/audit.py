"""Append-only audit log with a hash chain: each row hashes its content and the previous hash.

Changing or deleting a past row breaks every later hash, which :func:`verify_chain` detects.
Writers serialise on the last row (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bia.cases.models import AuditLog
from bia.core.coltypes import utcnow

GENESIS = "0" * 64
AUDIT_LOCK_KEY = 6_420_064_122  # any constant, unique to the audit chain


def _digest(prev: str, at: datetime, username: str, action: str, object_type: str,
            object_id: str | None, detail: dict[str, Any], commune_id: int | None) -> str:
    body = json.dumps([prev, at.isoformat(timespec="microseconds"), username, action,
                       object_type, object_id, detail, commune_id],
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def record(session: Session, *, username: str, action: str, object_type: str,
           object_id: str | int | None = None, detail: dict[str, Any] | None = None,
           commune_id: int | None = None) -> AuditLog:
    """Append one audit row in the caller's transaction.

    Concurrent writers must not read the same last hash (that would fork the chain): on
    PostgreSQL a transaction-scoped advisory lock serialises them (a row lock on the last row
    would not: a waiter re-reads that same row, not the one inserted meanwhile); SQLite's
    transactions already hold the single write lock from their start.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})
    last = session.execute(
        select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1).with_for_update()
    ).scalar()
    prev = last or GENESIS
    at = utcnow()
    oid = None if object_id is None else str(object_id)
    body = detail or {}
    row = AuditLog(at=at, commune_id=commune_id, username=username, action=action,
                   object_type=object_type, object_id=oid, detail=body, prev_hash=prev,
                   hash=_digest(prev, at, username, action, object_type, oid, body, commune_id))
    session.add(row)
    session.flush()
    return row


def verify_chain(session: Session) -> tuple[bool, int | None]:
    """(True, None) when intact, else (False, id of the first bad row).

    Checkpoint-aware: once the purge has dropped the oldest rows (behind a checkpoint row),
    the chain is verified from that checkpoint (see :mod:`bia.privacy.auditkeep`).
    """
    from bia.privacy.auditkeep import verify_chain as verify_from_checkpoint

    return verify_from_checkpoint(session)


def verify_from_genesis(session: Session) -> tuple[bool, int | None]:
    """The chain from its very first row (before any purge)."""
    prev = GENESIS
    for row in session.scalars(select(AuditLog).order_by(AuditLog.id)):
        expected = _digest(prev, row.at, row.username, row.action, row.object_type,
                           row.object_id, row.detail, row.commune_id)
        if row.prev_hash != prev or row.hash != expected:
            return False, row.id
        prev = row.hash
    return True, None
