"""Retention periods and privacy settings (prefix ``BIA_``), kept apart from the core settings
until the lead merges them.

Each field of :data:`RETENTION_FIELDS` is one kind of data the purge job knows;
`bia privacy register` prints every one of them, so adding a kind there documents it for the
register at once. A period of 0 disables the purge of that kind (the register then says so, for
the city to justify), except for recordings: ``BIA_AUDIO_RETENTION_DAYS`` is shared with the
phone channel, where 0 means "do not keep recordings at all". The legal basis of each default
is in ``docs/privacy.md``.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bia.core.settings import PROJECT_ROOT


class PrivacySettings(BaseSettings):
    """How long each kind of personal data is kept, and the keys used to pseudonymise."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    retention_contact_days: int = Field(
        default=90, ge=0,
        description="Days a resident's contact (phone, e-mail) is kept after the report is "
        "closed or transmitted; it never outlives the free text. 0 disables.")
    retention_text_days: int = Field(
        default=365, ge=0,
        description="Days the resident's own words (text, transcript, place as said) are kept "
        "after reception; then replaced by a pseudonymised summary. 0 disables.")
    retention_conversation_days: int = Field(
        default=30, ge=0,
        description="Days a dialogue state (chat or call in progress) is kept after its last "
        "turn; then deleted. 0 disables.")
    retention_case_days: int = Field(
        default=1095, ge=0,
        description="Days a report and its police case (main courante-like record, documents) "
        "are kept after recording (arrêté du 14 avril 2009, art. 7: 3 years at most); then "
        "deleted. 0 disables.")
    retention_audit_days: int = Field(
        default=1095, ge=0,
        description="Days an audit-log row is kept; older rows are dropped as a whole prefix "
        "of the hash chain behind a recorded checkpoint. 0 keeps the audit log for ever.")
    retention_delivery_days: int = Field(
        default=90, ge=0,
        description="Days a sent or dead outbox delivery (a copy of the report sent to a "
        "partner) is kept after creation; pending ones are never purged. 0 disables.")
    retention_photo_days: int = Field(
        default=90, ge=0,
        description="Days a photo attached by a resident is kept after upload (it may show "
        "faces or plates); never longer than the text. Photos of a dialogue that never became "
        "a report go with the dialogue. 0 disables.")
    audio_retention_days: int = Field(
        default=30, ge=0,
        description="Days a call recording is kept (file age); 0: recordings are not kept at "
        "all. Same variable as the phone channel's, which also purges hourly.")
    audio_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "audio",
        description="Where call recordings are kept (same variable as the phone channel's); "
        "the purge deletes files older than `BIA_AUDIO_RETENTION_DAYS` in it.")
    pseudonym_secret: str = Field(
        default="change-me-pseudonym",
        description="HMAC key of stable pseudonyms of identifiers (contacts in the audit log, "
        "analytics exports). Set it in production and keep it out of exports.")
    pseudonym_cell_m: int = Field(
        default=100, ge=10,
        description="Grid cell in metres to which positions are snapped once pseudonymised.")
    controller_name: str | None = Field(
        default=None,
        description="Data controller printed in the register (default: the commune of the "
        "pack, represented by its mayor).")
    dpo_contact: str = Field(
        default="dpd@mairie.example",
        description="Contact of the data protection officer (DPD) printed in the register "
        "and in answers to data-subject requests.")

    @model_validator(mode="after")
    def _copies_not_after_text(self) -> PrivacySettings:
        """A copy must not outlive its source: deliveries carry the text, so they may not be
        kept longer than the text itself (otherwise purging the text would be theatre)."""
        text = self.retention_text_days
        if text and self.retention_delivery_days and self.retention_delivery_days > text:
            raise ValueError("BIA_RETENTION_DELIVERY_DAYS ne peut dépasser "
                             "BIA_RETENTION_TEXT_DAYS (les envois contiennent le texte)")
        if text and (not self.retention_photo_days or self.retention_photo_days > text):
            raise ValueError("BIA_RETENTION_PHOTO_DAYS ne peut dépasser "
                             "BIA_RETENTION_TEXT_DAYS (une photo en dit autant que le texte)")
        return self

    def days(self, kind: str) -> int:
        return int(getattr(self, RETENTION_FIELDS[kind]))

    def period(self, kind: str) -> timedelta | None:
        """The retention period of ``kind`` (``contact``, ``text``…), None when never purged."""
        days = self.days(kind)
        if days <= 0:
            return timedelta(0) if kind in KEEP_NOTHING_AT_ZERO else None
        return timedelta(days=days)


# kind of data -> the setting holding its period, in the order the register prints them
RETENTION_FIELDS: dict[str, str] = {
    "contact": "retention_contact_days", "text": "retention_text_days",
    "audio": "audio_retention_days", "conversation": "retention_conversation_days",
    "case": "retention_case_days", "audit": "retention_audit_days",
    "delivery": "retention_delivery_days", "photo": "retention_photo_days",
}
KEEP_NOTHING_AT_ZERO = frozenset({"audio"})
RETENTION_KINDS: tuple[str, ...] = tuple(RETENTION_FIELDS)


@lru_cache(maxsize=1)
def get_privacy_settings() -> PrivacySettings:
    """Built once per process, never at import time."""
    return PrivacySettings()
