"""Photos over HTTP, on SQLite and PostgreSQL: what staff get back is a clean JPEG with nothing
of the camera's metadata; the GPS position survives only as the report's location hint, and
only when the resident ticked the box; bad files are refused in French and the report lives on."""

from __future__ import annotations

import io
import zlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select

from bia.api.app import create_app
from bia.cases.models import AuditLog
from bia.context import Context
from bia.core.settings import Settings
from bia.intake.models import Report
from bia.intake.photos import Photo, PhotoSettings


def _fetch(client: TestClient, headers: dict[str, str], case_id: int) -> list[dict[str, object]]:
    listed = client.get(f"/api/v1/cases/{case_id}/photos", headers=headers)
    assert listed.status_code == 200, listed.text
    return listed.json()  # type: ignore[no-any-return]


def test_staff_get_a_clean_jpeg_without_any_camera_metadata(
        client: TestClient, ctx: Context, agent: dict[str, str], kit: Any) -> None:
    chat = kit.open_chat(client)
    original = kit.camera_photo(orientation=6)  # a portrait shot from a phone held upright
    sent = kit.send_photo(client, chat, original, name="IMG_0042.jpg")
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert "retirées" in body["message"] and body["location_shared"] is False
    assert (body["width"], body["height"]) == (1365, 2048)  # turned upright, shrunk
    code = kit.finish_report(client, chat)  # the photo came first; it follows the report

    case_id, report = kit.case_of(ctx, code)
    assert "position_photo" not in report.details
    photos = _fetch(client, agent, case_id)
    assert len(photos) == 1 and photos[0]["location"] is None
    image = client.get(str(photos[0]["url"]), headers=agent)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert "no-store" in image.headers["cache-control"]
    data = image.content
    for secret in kit.SECRETS:
        assert secret not in data, secret
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == "JPEG" and decoded.size == (1365, 2048)
    assert dict(decoded.getexif()) == {}
    assert not {"exif", "icc_profile", "xmp", "comment"} & set(decoded.info)
    # the yellow square, turned with the photo (EXIF orientation 6: a quarter turn clockwise)
    assert decoded.getpixel((850, 750))[0] > 150 and decoded.getpixel((300, 750))[0] < 100

    # personal data read by staff: audited; closed to anonymous users and analysts
    with ctx.session() as session:
        actions = list(session.scalars(select(AuditLog.action).where(
            AuditLog.action.in_(("photo.list", "photo.read")))))
    assert sorted(actions) == ["photo.list", "photo.read"]
    assert client.get(str(photos[0]["url"])).status_code == 401
    analyst = client.post("/api/v1/auth/token",
                          data={"username": "analyste1", "password": "un-mot-de-passe-long"})
    other = {"Authorization": f"Bearer {analyst.json()['access_token']}"}
    assert client.get(str(photos[0]["url"]), headers=other).status_code == 403


def test_consented_gps_is_kept_only_as_the_location_hint(
        client: TestClient, ctx: Context, agent: dict[str, str], kit: Any) -> None:
    chat = kit.open_chat(client)
    code = kit.finish_report(client, chat)  # a photo sent after the report joins it directly
    sent = kit.send_photo(client, chat, kit.camera_photo(), share=True)
    assert sent.status_code == 201, sent.text
    assert sent.json()["location_shared"] is True and "position GPS" in sent.json()["message"]

    case_id, report = kit.case_of(ctx, code)
    hint = report.details["position_photo"]
    assert (hint["lat"], hint["lon"]) == pytest.approx(kit.GPS_DEG, abs=1e-5)
    assert report.street == "Rue Mazagran"  # the place the resident said stays the place
    photos = _fetch(client, agent, case_id)
    assert photos[0]["location"] == pytest.approx({"lat": kit.GPS_DEG[0], "lon": kit.GPS_DEG[1]},
                                                  abs=1e-5)
    data = client.get(str(photos[0]["url"]), headers=agent).content
    for secret in kit.SECRETS:  # the image itself keeps nothing, not even the position
        assert secret not in data, secret

    # PNG and WebP come back as JPEG too; a photo without GPS says so
    for fmt in ("PNG", "WEBP"):
        answer = kit.send_photo(client, chat, kit.camera_photo((900, 600), fmt, gps=False),
                            name=f"x.{fmt.lower()}", declared="application/octet-stream",
                            share=True)
        assert answer.status_code == 201, answer.text
        assert answer.json()["location_found"] is False
        assert "ne contenait pas de position" in answer.json()["message"]
    assert len(_fetch(client, agent, case_id)) == 3
    fourth = kit.send_photo(client, chat, kit.camera_photo((300, 200)))
    assert fourth.status_code == 409 and "maximum" in fourth.json()["error"]["message"]


def _png_bomb() -> bytes:
    """A valid PNG announcing 20,000 × 20,000 pixels in a few hundred kilobytes."""
    image = Image.new("1", (20_000, 20_000))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


@pytest.fixture(scope="module")
def bad_files(kit: Any) -> dict[str, tuple[str, bytes, str, str]]:
    jpeg = kit.camera_photo((800, 600))
    svg = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
           b'height="10"><script>alert(1)</script></svg>')
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + zlib.compress(b"x" * 500)
    return {  # name: (file name, bytes, declared type, words of the French answer)
        "text": ("photo.jpg", b"Ceci n'est pas une photo.\n" * 20, "image/jpeg",
                 "pas une photo"),
        "truncated": ("photo.jpg", jpeg[: len(jpeg) // 2], "image/jpeg", "illisible"),
        "bomb": ("bombe.png", _png_bomb(), "image/png", "trop grande"),
        "svg": ("dessin.svg", svg, "image/svg+xml", "pas une photo"),
        "pdf": ("scan.pdf", pdf, "application/pdf", "pas une photo"),
        "empty": ("vide.jpg", b"", "image/jpeg", "vide"),
    }


def test_bad_files_are_refused_in_french_and_the_report_is_not_lost(
        client: TestClient, ctx: Context, bad_files: dict[str, tuple[str, bytes, str, str]],
        kit: Any) -> None:
    assert len(bad_files["bomb"][1]) < 8_000_000  # small on the wire, huge once decoded
    chat = kit.open_chat(client)
    code = kit.finish_report(client, chat)
    for kind, (name, data, declared, words) in bad_files.items():
        answer = kit.send_photo(client, chat, data, name=name, declared=declared)
        assert 400 <= answer.status_code < 500, (kind, answer.status_code)
        assert answer.status_code == 422, (kind, answer.text)
        assert words in answer.json()["error"]["message"], (kind, answer.json())
    missing = client.post(chat.upload_url, data={"partager_position": "oui"})
    assert missing.status_code == 422 and "photo" in missing.json()["error"]["message"]
    nowhere = client.post("/api/v1/conversations/inconnue/photos",
                          files={"photo": ("p.jpg", kit.camera_photo((200, 100)),
                                           "image/jpeg")})
    assert nowhere.status_code == 404 and "introuvable" in nowhere.json()["error"]["message"]

    with ctx.session() as session:
        assert session.scalar(select(func.count(Photo.id))) == 0
        assert session.scalar(select(Report).where(Report.tracking_code == code)) is not None
    assert client.get(f"/api/v1/reports/{code}").status_code == 200
    good = kit.send_photo(client, chat, kit.camera_photo((640, 480)))  # the resident retries
    assert good.status_code == 201


def test_size_limits_and_the_upload_rate_limit(ctx: Context, settings: Settings,
                                               kit: Any) -> None:
    app = create_app(settings.model_copy(update={"rate_limit_photos": 3}), context=ctx)
    app.state.photo_settings = PhotoSettings(photo_max_bytes=150_000)
    noise = Image.frombytes("RGB", (400, 400), bytes(range(256)) * 1875)
    out = io.BytesIO()
    noise.save(out, "PNG")
    big = out.getvalue() + b"\0" * 200_000  # over the photo limit, under nothing else
    with TestClient(app) as client:
        chat = kit.open_chat(client)
        too_big = kit.send_photo(client, chat, big, name="grande.png", declared="image/png")
        assert too_big.status_code == 413
        assert "volumineu" in too_big.json()["error"]["message"]
        answers = [kit.send_photo(client, chat, kit.camera_photo((300, 200))).status_code
                   for _ in range(3)]
        assert answers == [201, 201, 429]  # the 413 counted too: three tries a minute
        limited = kit.send_photo(client, chat, kit.camera_photo((300, 200)))
        assert "réessayez" in limited.json()["error"]["message"]
        assert client.post(f"/api/v1/conversations/{chat.conversation_id}/messages",
                           json={"text": "bonjour"}).status_code == 200  # chat unaffected


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_cut_off_photo_is_refused_even_after_weasyprint_loaded(
        fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when it is
    imported (every server that renders a PDF): a truncated upload must still be refused."""
    from PIL import ImageFile

    from bia.intake.imaging import PhotoRefused, clean_photo

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    buffer = io.BytesIO()
    Image.effect_noise((320, 240), 60).convert("RGB").save(buffer, fmt)
    whole = buffer.getvalue()
    limits = {"max_bytes": 8_000_000, "max_pixels": 40_000_000, "max_dimension": 2048}
    assert clean_photo(whole, **limits).width == 320  # the whole file is fine
    with pytest.raises(PhotoRefused, match="incomplète"):
        clean_photo(whole[: len(whole) * 2 // 3], **limits)
