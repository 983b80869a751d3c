"""Real photos made by Pillow (with a camera's metadata planted), a chat that ends in a stored
report, and a staff token to look at the case."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageCms, ImageDraw
from sqlalchemy import select

from bia.cases.models import Case
from bia.cases.users import add_user
from bia.context import Context
from bia.intake.models import Report

PASSWORD = "un-mot-de-passe-long"
NIGHT = "2026-11-21T00:40:00+01:00"
# the Rocher de la Vierge, Biarritz: 43°29'1.2"N 1°33'59.3"W
GPS_DMS = {1: "N", 2: (43.0, 29.0, 1.2), 3: "W", 4: (1.0, 33.0, 59.3)}
GPS_DEG = (43.483667, -1.566472)
SECRETS = (b"Jean Dupont", b"PHONE-X-SERIAL-123", b"commentaire secret", b"ICC_PROFILE",
           b"xmpmeta", b"Exif")


def camera_photo(size: tuple[int, int] = (3000, 2000), fmt: str = "JPEG", *,
                 gps: bool = True, orientation: int | None = None) -> bytes:
    """A photo as a phone writes it: owner, serial number, GPS, ICC profile, XMP, comment."""
    image = Image.new("RGB", size, (40, 90, 160))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 4, size[1] // 4, size[0] // 2, size[1] // 2), fill=(230, 200, 20))
    exif = Image.Exif()
    exif[0x010F] = "ACME"  # Make
    exif[0x013B] = "Jean Dupont"  # Artist
    exif[0xA431] = "PHONE-X-SERIAL-123"  # BodySerialNumber
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = dict(GPS_DMS)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    extra = {"comment": b"commentaire secret"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif, icc_profile=icc,
               xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Jean Dupont</x:xmpmeta>', **extra)
    return out.getvalue()


@dataclass
class Chat:
    conversation_id: str
    tracking_code: str | None = None

    @property
    def upload_url(self) -> str:
        return f"/api/v1/conversations/{self.conversation_id}/photos"


def open_chat(client: TestClient) -> Chat:
    opened = client.post("/api/v1/conversations", json={"channel": "web", "at": NIGHT})
    assert opened.status_code == 200
    return Chat(opened.json()["id"])


def finish_report(client: TestClient, chat: Chat) -> str:
    """Tell the assistant about a noisy party until it gives a tracking code."""
    url = f"/api/v1/conversations/{chat.conversation_id}/messages"
    for text in ("Des jeunes cassent des bouteilles et crient très fort", "c'est au 4 rue Mazagran",
                 "depuis 23h", "oui c'est bien ça", "non"):
        turn = client.post(url, json={"text": text, "at": NIGHT}).json()
        if turn["state"]["tracking_code"]:
            chat.tracking_code = turn["state"]["tracking_code"]
            return str(chat.tracking_code)
    raise AssertionError("the dialogue gave no tracking code")


def send_photo(client: TestClient, chat: Chat, data: bytes, *, name: str = "photo.jpg",
               declared: str = "image/jpeg", share: bool = False) -> object:
    form = {"partager_position": "oui"} if share else {}
    return client.post(chat.upload_url, files={"photo": (name, data, declared)}, data=form)


def case_of(ctx: Context, tracking_code: str) -> tuple[int, Report]:
    with ctx.session() as session:
        report = session.scalar(select(Report).where(Report.tracking_code == tracking_code))
        assert report is not None
        case_id = session.scalar(select(Case.id).where(Case.report_id == report.id))
        assert case_id is not None, "the report should open a police case"
        session.expunge(report)
        return case_id, report


@pytest.fixture
def agent(client: TestClient, ctx: Context) -> dict[str, str]:
    with ctx.session() as session:
        add_user(session, username="agent1", password=PASSWORD, role="agent",
                 commune_id=ctx.pack().commune_id)
        add_user(session, username="analyste1", password=PASSWORD, role="analyste",
                 commune_id=ctx.pack().commune_id)
    token = client.post("/api/v1/auth/token",
                        data={"username": "agent1", "password": PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


class Kit:
    """The helpers above, handed to tests as a fixture (test folders are not packages)."""

    GPS_DEG = GPS_DEG
    SECRETS = SECRETS
    PASSWORD = PASSWORD
    camera_photo = staticmethod(camera_photo)
    open_chat = staticmethod(open_chat)
    finish_report = staticmethod(finish_report)
    send_photo = staticmethod(send_photo)
    case_of = staticmethod(case_of)


@pytest.fixture(scope="session")
def kit() -> type[Kit]:
    return Kit
