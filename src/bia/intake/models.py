"""Reports from residents, their conversations, and the outbox of forwarded deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bia.core.coltypes import UTCDateTime, utcnow
from bia.core.db import Base


class Report(Base):
    """One resident report. Stored before the resident is told it was received."""

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_commune_status", "commune_id", "status", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # web | phone | open311 | api
    text: Mapped[str] = mapped_column(Text)  # the resident's words or the call transcript
    language: Mapped[str] = mapped_column(String(8), default="fr")
    category_code: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    emergency_number: Mapped[str | None] = mapped_column(String(16))
    actors: Mapped[list[str]] = mapped_column(JSON, default=list)
    routing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # rule, explanation
    location_text: Mapped[str | None] = mapped_column(String(300))
    street: Mapped[str | None] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(16))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    zone_code: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    status: Mapped[str] = mapped_column(String(24), default="recu")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # optional contact, only with consent; purged after its retention period
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    contact_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)


class Conversation(Base):
    """A dialogue in progress (web chat, phone call, terminal)."""

    __tablename__ = "conversation"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Delivery(Base):
    """An outbox row: one forwarded report to one target. Only failures are retried."""

    __tablename__ = "delivery"
    __table_args__ = (Index("ix_delivery_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    report_id: Mapped[int] = mapped_column(ForeignKey("report.id", ondelete="CASCADE"))
    actor_code: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))  # email | webhook | sms
    target: Mapped[str] = mapped_column(String(300))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending|sent|failed|dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
