"""Photos residents attach to a report: settings, table and data access.

Storage choice: the re-encoded JPEG (a few hundred kB, at most ``BIA_PHOTO_MAX_COUNT`` per
report) is kept **in the database**, in its own table with the bytes deferred. One transaction
then covers the report, its photos, a purge and an erasure (no orphan file after a rollback, no
file surviving a deleted row); `bia backup` / `bia restore` carry them with no extra step; and
several API workers or hosts behind the reverse proxy see the same photos without a shared
file system. Only sanitised bytes are stored (see ``bia.intake.imaging``); the original upload
never touches the disk.

A photo is attached to the dialogue it was sent in; when the dialogue's report is stored (or if
it already was), the photo is attached to the report too, so it follows the report's life.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import lru_cache
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from bia.core.coltypes import UTCDateTime, utcnow
from bia.core.db import Base
from bia.core.errors import Conflict, NotFound
from bia.intake.imaging import CleanPhoto
from bia.intake.models import Conversation, Report

LOCATION_HINT = "position_photo"  # key in report.details, only with the resident's consent


class PhotoSettings(BaseSettings):
    """Limits of the photos residents attach in the web chat."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    photo_max_count: int = Field(
        default=3, ge=0, le=20,
        description="Photos a resident may attach to one report (web chat); 0 turns uploads "
        "off.")
    photo_max_bytes: int = Field(
        default=8_000_000, ge=10_000,
        description="Largest photo file accepted, in bytes; the upload route alone may "
        "receive a body this large (plus the form's overhead), every other route keeps "
        "`BIA_MAX_BODY_BYTES`.")
    photo_max_pixels: int = Field(
        default=50_000_000, ge=10_000,
        description="Largest image accepted, in pixels (width × height), checked before "
        "decoding: a small file announcing a huge image (decompression bomb) is refused.")
    photo_max_dimension: int = Field(
        default=2048, ge=64,
        description="Photos are re-encoded as JPEG no wider or taller than this, in pixels.")
    photo_jpeg_quality: int = Field(
        default=85, ge=30, le=95, description="JPEG quality of the re-encoded photos.")


@lru_cache(maxsize=1)
def get_photo_settings() -> PhotoSettings:
    """Built once per process, never at import time."""
    return PhotoSettings()


class Photo(Base):
    """One sanitised photo (JPEG bytes, no metadata). Personal data: retention ``photo``."""

    __tablename__ = "photo"
    __table_args__ = (Index("ix_photo_report", "report_id"),
                      Index("ix_photo_conversation", "conversation_id"),
                      Index("ix_photo_created", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversation.id", ondelete="SET NULL"))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_type: Mapped[str] = mapped_column(String(32), default="image/jpeg")
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True, nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    original_format: Mapped[str] = mapped_column(String(8))
    original_bytes: Mapped[int] = mapped_column(Integer)
    location_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)


def _apply_hint(session: Session, report_id: int, photo: Photo) -> None:
    """The consented GPS position becomes a hint on the report (never its stated place)."""
    if photo.gps_lat is None or photo.gps_lon is None:
        return
    report = session.get(Report, report_id)
    if report is not None and LOCATION_HINT not in (report.details or {}):
        report.details = {**(report.details or {}),
                          LOCATION_HINT: {"lat": photo.gps_lat, "lon": photo.gps_lon}}


def add_photo(session: Session, *, conversation_id: str, commune_id: int, clean: CleanPhoto,
              consent: bool, max_count: int, now: datetime | None = None) -> Photo:
    """Store one sanitised photo for a dialogue (and its report, if already stored)."""
    conv = session.scalar(select(Conversation).where(Conversation.id == conversation_id)
                          .with_for_update())  # serialises two uploads of the same dialogue
    if conv is None or conv.commune_id != commune_id:
        raise NotFound("Conversation introuvable : recommencez.", code="conversation_inconnue")
    mine = Photo.conversation_id == conversation_id
    if conv.report_id is not None:
        mine = or_(mine, Photo.report_id == conv.report_id)
    held = session.scalar(select(func.count(Photo.id)).where(mine))
    if max_count <= 0:
        raise Conflict("L'envoi de photos n'est pas ouvert dans cette commune.",
                       code="photos_fermees")
    if (held or 0) >= max_count:
        raise Conflict(f"Vous avez déjà joint {max_count} photo{'s' if max_count > 1 else ''} "
                       "à ce signalement : c'est le maximum.", code="photos_trop_nombreuses")
    gps = clean.gps if consent else None
    photo = Photo(public_id=uuid.uuid4().hex, commune_id=commune_id,
                  conversation_id=conversation_id, report_id=conv.report_id,
                  created_at=now or utcnow(), content=clean.jpeg, size_bytes=len(clean.jpeg),
                  width=clean.width, height=clean.height, sha256=clean.sha256,
                  original_format=clean.original_format, original_bytes=clean.original_bytes,
                  location_consent=consent, gps_lat=gps[0] if gps else None,
                  gps_lon=gps[1] if gps else None)
    session.add(photo)
    session.flush()
    if conv.report_id is not None:
        _apply_hint(session, conv.report_id, photo)
    return photo


def attach_to_report(session: Session, *, conversation_id: str, report_id: int) -> int:
    """Photos sent before the report was stored now follow it; returns how many."""
    photos = list(session.scalars(select(Photo).where(Photo.conversation_id == conversation_id,
                                                      Photo.report_id.is_(None))))
    for photo in photos:
        photo.report_id = report_id
        _apply_hint(session, report_id, photo)
    return len(photos)


def photos_of_report(session: Session, *, report_id: int) -> list[Photo]:
    """Metadata of a report's photos, oldest first (the bytes stay unloaded)."""
    return list(session.scalars(select(Photo).where(Photo.report_id == report_id)
                                .order_by(Photo.created_at, Photo.id)))


def photo_of_report(session: Session, *, report_id: int, public_id: str) -> Photo:
    photo = session.scalar(select(Photo).where(Photo.report_id == report_id,
                                               Photo.public_id == public_id))
    if photo is None:
        raise NotFound("Photo introuvable.", code="photo_introuvable")
    return photo


def describe(photo: Photo) -> dict[str, Any]:
    """What staff and the data subject see of a photo besides its pixels."""
    return {"id": photo.public_id, "received_at": photo.created_at.isoformat(),
            "width": photo.width, "height": photo.height, "bytes": photo.size_bytes,
            "location_shared": photo.location_consent,
            "location": ({"lat": photo.gps_lat, "lon": photo.gps_lon}
                         if photo.gps_lat is not None else None)}


def delete_photos(session: Session, *, report_ids: list[int],
                  conversation_ids: list[str]) -> int:
    """Delete the photos of these reports and dialogues; returns how many went."""
    clauses = []
    if report_ids:
        clauses.append(Photo.report_id.in_(report_ids))
    if conversation_ids:
        clauses.append(Photo.conversation_id.in_(conversation_ids))
    if not clauses:
        return 0
    ids = list(session.scalars(select(Photo.id).where(or_(*clauses))))
    if ids:
        session.execute(delete(Photo).where(Photo.id.in_(ids)))
    return len(ids)


def photos_due(session: Session, *, cutoff: datetime | None) -> list[int]:
    """Photos past their period, and photos left with neither report nor dialogue."""
    orphan = Photo.report_id.is_(None) & Photo.conversation_id.is_(None)
    where = orphan if cutoff is None else or_(orphan, Photo.created_at < cutoff)
    return list(session.scalars(select(Photo.id).where(where).order_by(Photo.id)))


def delete_by_ids(session: Session, ids: list[int]) -> None:
    for start in range(0, len(ids), 500):
        session.execute(delete(Photo).where(Photo.id.in_(ids[start:start + 500])))


def drop_location_hint(report: Report) -> None:
    if LOCATION_HINT in (report.details or {}):
        report.details = {k: v for k, v in report.details.items() if k != LOCATION_HINT}



def media_urls(session: Session, *, report_ids: list[int], base_url: str) -> dict[int, str]:
    """Open311 ``media_url`` of each report that has a photo and a police case: the staff
    route of its first photo (a bearer token or the console's cookie is needed to read it)."""
    from bia.cases.models import Case

    urls: dict[int, str] = {}
    for start in range(0, len(report_ids), 500):
        rows = session.execute(
            select(Photo.report_id, Case.id, Photo.public_id)
            .join(Case, Case.report_id == Photo.report_id)
            .where(Photo.report_id.in_(report_ids[start:start + 500]))
            .order_by(Photo.created_at, Photo.id))
        for report_id, case_id, public_id in rows:
            if report_id is not None and report_id not in urls:
                urls[report_id] = (f"{base_url.rstrip('/')}/api/v1/cases/{case_id}/photos/"
                                   f"{public_id}")
    return urls
