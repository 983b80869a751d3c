"""Photos are personal data: a retention period the purge applies, a place in the person's
export, deletion on request, and an Open311 ``media_url`` that never makes them public."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bia.context import Context
from bia.core.coltypes import utcnow
from bia.intake.models import Report
from bia.intake.photos import Photo
from bia.privacy.purge import purge
from bia.privacy.settings import PrivacySettings
from bia.privacy.subject import erase_subject, export_subject


def _photo_count(ctx: Context) -> int:
    with ctx.session() as session:
        return int(session.scalar(select(func.count(Photo.id))) or 0)


def test_purge_deletes_photos_past_their_period_and_abandoned_ones(
        client: TestClient, ctx: Context, kit: Any, tmp_path: Any) -> None:
    reported = kit.open_chat(client)
    code = kit.finish_report(client, reported)
    assert kit.send_photo(client, reported, kit.camera_photo((640, 480))).status_code == 201
    abandoned = kit.open_chat(client)  # a photo sent, then the resident left
    assert kit.send_photo(client, abandoned, kit.camera_photo((640, 480))).status_code == 201
    privacy = PrivacySettings(audio_dir=tmp_path / "audio")
    assert privacy.retention_photo_days == 90

    later = utcnow() + timedelta(days=40)  # dialogues (30 days) go; the report's photo stays
    dry = purge(ctx, privacy, now=later, dry_run=True)
    assert _photo_count(ctx) == 2
    done = purge(ctx, privacy, now=later)
    assert done.counts["photos_deleted"] == dry.counts["photos_deleted"] == 1
    with ctx.session() as session:
        left = session.scalars(select(Photo)).all()
        report = session.scalar(select(Report).where(Report.tracking_code == code))
        assert len(left) == 1 and report is not None and left[0].report_id == report.id

    much_later = utcnow() + timedelta(days=91)
    assert purge(ctx, privacy, now=much_later).counts["photos_deleted"] == 1
    assert _photo_count(ctx) == 0
    with ctx.session() as session:  # the report itself lives on (text kept 365 days)
        assert session.scalar(select(Report).where(Report.tracking_code == code)) is not None


def test_export_includes_the_photos_and_erase_deletes_them(
        client: TestClient, ctx: Context, agent: dict[str, str], kit: Any) -> None:
    chat = kit.open_chat(client)
    code = kit.finish_report(client, chat)
    sent = kit.send_photo(client, chat, kit.camera_photo(), share=True)
    assert sent.status_code == 201
    case_id, _ = kit.case_of(ctx, code)
    staff_copy = client.get(f"/api/v1/cases/{case_id}/photos/{sent.json()['id']}",
                            headers=agent).content
    privacy = PrivacySettings()

    with ctx.session() as session:
        exported = export_subject(session, privacy, now=utcnow(), tracking_code=code)
    photos = exported["reports"][0]["photos"]
    assert len(photos) == 1
    assert base64.b64decode(photos[0]["jpeg_base64"]) == staff_copy
    assert photos[0]["location"]["lat"] == kit.GPS_DEG[0]
    assert exported["retention_days"]["photo"] == 90

    with ctx.session() as session:
        summary = erase_subject(session, privacy, now=utcnow(), tracking_code=code)
    assert summary["photos_deleted"] == 1
    assert _photo_count(ctx) == 0
    with ctx.session() as session:
        report = session.scalar(select(Report).where(Report.tracking_code == code))
        assert report is not None and "position_photo" not in report.details
    assert client.get(f"/api/v1/cases/{case_id}/photos", headers=agent).json() == []


def test_open311_media_url_points_at_the_photo_for_staff_only(
        client: TestClient, ctx: Context, agent: dict[str, str], kit: Any) -> None:
    chat = kit.open_chat(client)
    code = kit.finish_report(client, chat)
    _, report = kit.case_of(ctx, code)
    before = client.get(f"/open311/v2/requests/{report.id}.json").json()[0]
    assert before["media_url"] is None
    sent = kit.send_photo(client, chat, kit.camera_photo((800, 600)))
    listing = client.get("/open311/v2/requests.json").json()
    record = next(r for r in listing if r["service_request_id"] == str(report.id))
    media = str(record["media_url"])
    assert media.startswith(ctx.settings.public_url) and media.endswith(sent.json()["id"])
    path = media.removeprefix(ctx.settings.public_url)
    assert client.get(path).status_code == 401  # a partner needs a staff token
    assert client.get(path, headers=agent).headers["content-type"] == "image/jpeg"
