"""Communes and their geography: zones (named and grid), streets, landmarks, BAN addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bia.core.coltypes import UTCDateTime, utcnow
from bia.core.db import Base


class Commune(Base):
    __tablename__ = "commune"

    id: Mapped[int] = mapped_column(primary_key=True)
    insee: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    postcode: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    config: Mapped[dict[str, Any]] = mapped_column(JSON)  # commune.yaml as validated
    pack_digest: Mapped[str] = mapped_column(String(32))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Zone(Base):
    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))  # commune | zone | grid
    approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    lat: Mapped[float] = mapped_column(Float)  # representative point
    lon: Mapped[float] = mapped_column(Float)
    parent_code: Mapped[str | None] = mapped_column(String(64))  # grid cell → named zone


class Street(Base):
    """A gazetteer entry: an official street name or a landmark."""

    __tablename__ = "street"
    __table_args__ = (UniqueConstraint("commune_id", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # street | landmark
    name: Mapped[str] = mapped_column(String(200))
    street_type: Mapped[str | None] = mapped_column(String(40))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    zone_code: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(40))


class Address(Base):
    """A house-number address from the Base Adresse Nationale."""

    __tablename__ = "address"
    __table_args__ = (
        UniqueConstraint("commune_id", "ban_id"),
        Index("ix_address_street", "commune_id", "street_name", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    ban_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column(Integer)
    rep: Mapped[str | None] = mapped_column(String(8))
    street_name: Mapped[str] = mapped_column(String(200))
    postcode: Mapped[str] = mapped_column(String(5))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
