"""The pack's nomenclature, actors and routing rules, as stored for a commune."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bia.core.db import Base


class Category(Base):
    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(64))
    parent_code: Mapped[str | None] = mapped_column(String(64))
    severity: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)


class Actor(Base):
    __tablename__ = "actor"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)


class RoutingRule(Base):
    __tablename__ = "routing_rule"
    __table_args__ = (UniqueConstraint("commune_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    category_code: Mapped[str] = mapped_column(String(64))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
