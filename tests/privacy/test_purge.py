"""The retention purge: rows planted at different ages go, or are anonymised, or stay."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from bia.cases import audit
from bia.cases.models import AuditLog, Case
from bia.context import Context
from bia.intake.models import Conversation, Delivery, Report
from bia.privacy import auditkeep
from bia.privacy.purge import purge
from bia.privacy.settings import RETENTION_FIELDS, PrivacySettings

from .conftest import NOW, days_ago

PERSONAL = "Je m'appelle Jean Dupont, 06 12 34 56 78, jean.dupont@example.fr : tapage rue Gambetta."
CONTACT = {"phone": "06 12 34 56 78", "email": "jean.dupont@example.fr"}


@pytest.fixture
def privacy(tmp_path: Path) -> PrivacySettings:
    return PrivacySettings(audio_dir=tmp_path / "audio")


def snapshot(ctx: Context) -> dict[str, list[Any]]:
    with ctx.engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
                for t in ("report", "case_file", "conversation", "delivery", "audit_log")}


def plant_audit(ctx: Context, ages: list[float]) -> None:
    """Audit rows dated in the past, chained exactly as audit.record chains them."""
    with ctx.session() as session:
        prev = session.scalar(select(AuditLog.hash).order_by(AuditLog.id.desc()).limit(1))
        prev = prev or audit.GENESIS
        for n, age in enumerate(ages):
            at = days_ago(age)
            detail = {"n": n}
            digest = audit._digest(prev, at, "agent1", "case.read", "case", str(n), detail, None)
            session.add(AuditLog(at=at, username="agent1", action="case.read", object_type="case",
                                 object_id=str(n), detail=detail, prev_hash=prev, hash=digest))
            session.flush()
            prev = digest


def test_purge_applies_each_period_and_keeps_the_rest(
        ctx: Context, plant: Callable[..., dict[str, Any]], privacy: PrivacySettings) -> None:
    ancient = plant(age=1200, case_status="clos", closed_age=1190, contact=CONTACT)
    old = plant(age=400, text=PERSONAL, contact=CONTACT, case_status="clos", closed_age=390)
    closed = plant(age=120, contact=CONTACT, case_status="clos", closed_age=100)
    recent = plant(age=60, contact=CONTACT, case_status="clos", closed_age=50)
    still_open = plant(age=200, contact=CONTACT, case_status="pris_en_charge",
                       delivery_state="pending")
    forwarded = plant(age=150, contact=CONTACT, status="transmis", closed_age=150)
    fresh = plant(age=5, text=PERSONAL, contact=CONTACT)
    plant_audit(ctx, [1300, 1200, 1100, 20, 10])
    privacy.audio_dir.mkdir()
    old_audio, new_audio = privacy.audio_dir / "old.wav", privacy.audio_dir / "new.wav"
    for path, age in ((old_audio, 40), (new_audio, 10)):
        path.write_bytes(b"RIFF")
        os.utime(path, (days_ago(age).timestamp(), days_ago(age).timestamp()))

    before = snapshot(ctx)
    dry = purge(ctx, privacy, now=NOW, dry_run=True)
    assert snapshot(ctx) == before  # a dry run changes nothing
    assert old_audio.exists()

    result = purge(ctx, privacy, now=NOW)
    assert result.counts == dry.counts
    assert result.counts == {
        "reports_deleted": 1, "texts_summarised": 1, "contacts_removed": 3,
        "conversations_deleted": 5, "deliveries_deleted": 3, "audio_files_deleted": 1,
        "photos_deleted": 0, "audit_rows_dropped": 3}
    assert not old_audio.exists() and new_audio.exists()

    with ctx.session() as session:
        assert session.get(Report, ancient["report_id"]) is None
        assert session.get(Case, ancient["case_id"]) is None

        r_old = session.get(Report, old["report_id"])
        assert r_old is not None and r_old.contact is None
        for secret in ("Dupont", "06 12 34 56 78", "jean.dupont@example.fr"):
            assert secret not in r_old.text
            assert secret not in json.dumps(r_old.details, ensure_ascii=False)
        assert "Gambetta" in r_old.text and "tapage_nocturne" in r_old.text
        assert r_old.number is None and (r_old.lat, r_old.lon) != (43.48321, -1.55853)
        case_old = session.get(Case, old["case_id"])
        assert case_old is not None and "Dupont" not in (case_old.outcome or "")
        assert case_old.status == "clos"  # the police record keeps its non-personal fields

        assert session.get(Report, closed["report_id"]).contact is None
        assert session.get(Report, forwarded["report_id"]).contact is None
        assert session.get(Report, recent["report_id"]).contact == CONTACT
        assert session.get(Report, still_open["report_id"]).contact == CONTACT
        r_fresh = session.get(Report, fresh["report_id"])
        assert r_fresh.text == PERSONAL and r_fresh.contact == CONTACT

        assert session.get(Conversation, fresh["conversation_id"]) is not None
        assert session.get(Conversation, recent["conversation_id"]) is None
        assert session.get(Delivery, still_open["delivery_id"]) is not None  # pending: kept
        assert session.get(Delivery, recent["delivery_id"]) is not None  # 60 days < 90
        assert session.get(Delivery, closed["delivery_id"]) is None

        ok, bad = auditkeep.verify_chain(session)
        assert (ok, bad) == (True, None)
        actions = [a for (a,) in session.execute(select(AuditLog.action).order_by(AuditLog.id))]
        assert actions == ["case.read", "case.read", auditkeep.CHECKPOINT, "privacy.purge"]
        row = session.scalar(select(AuditLog).where(AuditLog.action == "privacy.purge"))
        assert row is not None and row.detail["counts"] == result.counts

    again = purge(ctx, privacy, now=NOW)  # idempotent: nothing left to do
    assert set(again.counts.values()) == {0}


def test_audit_prefix_drop_keeps_tampering_visible(ctx: Context,
                                                   privacy: PrivacySettings) -> None:
    plant_audit(ctx, [1500, 1400, 1300, 30, 20, 10])
    purge(ctx, privacy, now=NOW)
    purge(ctx, privacy, now=NOW + timedelta(days=1077))  # a second prefix, a second checkpoint
    with ctx.session() as session:
        assert auditkeep.verify_chain(session) == (True, None)
        first = session.scalar(select(AuditLog).order_by(AuditLog.id).limit(1))
        assert first is not None
        session.delete(first)  # one more old row gone, without a checkpoint
    with ctx.session() as session:
        ok, bad = auditkeep.verify_chain(session)
    assert not ok and bad is not None


def test_zero_disables_a_period(ctx: Context, plant: Callable[..., dict[str, Any]],
                                tmp_path: Path) -> None:
    keep_all = PrivacySettings(audio_dir=tmp_path, **{
        field: 0 for kind, field in RETENTION_FIELDS.items() if kind != "audio"})
    plant(age=5000, text=PERSONAL, contact=CONTACT, case_status="clos", closed_age=4000)
    recording = tmp_path / "2027-06-01" / "call.wav"
    recording.parent.mkdir()
    recording.write_bytes(b"RIFF")
    os.utime(recording, (days_ago(1).timestamp(), days_ago(1).timestamp()))
    result = purge(ctx, keep_all, now=NOW)
    assert set(result.counts.values()) == {0} and recording.exists()
    # for recordings, 0 means "not kept at all", as for the phone channel sharing the variable
    none_kept = PrivacySettings(audio_dir=tmp_path, audio_retention_days=0)
    assert purge(ctx, none_kept, now=NOW).counts["audio_files_deleted"] == 1
    assert not recording.exists()


def test_deliveries_may_not_outlive_the_text() -> None:
    with pytest.raises(ValueError):
        PrivacySettings(retention_text_days=30, retention_delivery_days=90)
