from __future__ import annotations

from sqlalchemy import update

from bia.cases import audit
from bia.cases.models import AuditLog
from bia.context import Context


def test_hash_chain_verifies_and_detects_tampering(ctx: Context) -> None:
    with ctx.session() as session:
        for n in range(5):
            audit.record(session, username="agent1", action="case.read", object_type="case",
                         object_id=n, detail={"n": n})
    with ctx.session() as session:
        assert audit.verify_chain(session) == (True, None)
        third = session.query(AuditLog).order_by(AuditLog.id).offset(2).first()
        assert third is not None
        session.execute(update(AuditLog).where(AuditLog.id == third.id)
                        .values(detail={"n": 99}))
    with ctx.session() as session:
        ok, bad_id = audit.verify_chain(session)
    assert not ok and bad_id == third.id
