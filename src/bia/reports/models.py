"""Intervention documents (main courante entries, rapports) and their versions.

A :class:`Document` is one file per case and kind; its content lives in
:class:`DocumentVersion` rows. A draft version is a working copy the officer edits in place; a
validated version is frozen (hash, who, when) and the ORM refuses to change it, so a later edit
has to create the next version. Users and agents are referenced by username string, as in the
audit log, so that a document outlives a staff account.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bia.core.coltypes import UTCDateTime, utcnow
from bia.core.db import Base
from bia.core.errors import Conflict

DRAFT = "brouillon"
VALIDATED = "valide"


class Document(Base):
    """One intervention file of a case; ``status``/``current_version`` mirror the latest version."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("case_id", "kind"),
        UniqueConstraint("commune_id", "number", name="uq_document_commune_number"),
        Index("ix_document_day", "commune_id", "kind", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # main-courante | rapport
    # MC-2026-000042: given at the first validation, gap-free per commune, kind and year
    number: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the report's reception
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.version",
        cascade="all, delete-orphan", passive_deletes=True)

    @property
    def latest(self) -> DocumentVersion:
        return self.versions[-1]


class DocumentVersion(Base):
    """The content of a document at one version; frozen once validated."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    # key -> {"value", "source", "evidence", "confirmed", "by"}; always reassigned, never mutated
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validated_by: Mapped[str | None] = mapped_column(String(64))
    validator_name: Mapped[str | None] = mapped_column(String(120))
    validator_badge: Mapped[str | None] = mapped_column(String(32))  # matricule
    content_hash: Mapped[str | None] = mapped_column(String(64))  # SHA-256, hex

    document: Mapped[Document] = relationship(back_populates="versions")


class DocumentCounter(Base):
    """The last number given per commune, document kind and year (see :mod:`numbering`).

    The row is locked while a validation allocates, so numbers follow 1, 2, 3… with no gap: a
    validation that rolls back rolls the counter back with it.
    """

    __tablename__ = "document_counter"

    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id", ondelete="CASCADE"),
                                            primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


@event.listens_for(DocumentVersion, "before_update")
def _refuse_changing_a_validated_version(_mapper: Any, _conn: Any,
                                         target: DocumentVersion) -> None:
    """A validated version is evidence: the ORM never rewrites it (edits make a new version)."""
    history = inspect(target).attrs.status.history
    previous = (history.deleted or history.unchanged or [None])[0]
    if previous == VALIDATED:
        raise Conflict("Une version validée ne peut plus être modifiée.",
                       code="version_figee")
