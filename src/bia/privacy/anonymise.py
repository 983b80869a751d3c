"""What "anonymise a report" means, shared by the retention purge and by erasure requests.

A report past its text period, or whose author asked for erasure, keeps what the commune
needs for statistics and for the police record (category, street, zone, times, status,
routing) and loses what points at a person: the resident's own words (replaced by a
pseudonymised summary), the house number, the exact position (snapped to a grid), the
contact, and the copies of the text sent to partners.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, null, select
from sqlalchemy.orm import Session

from bia.cases.models import Case
from bia.intake.models import Conversation, Delivery, Report
from bia.privacy.pseudonymize import pseudonymize_point, pseudonymize_text, pseudonymize_value

SUMMARY_MARK = "[texte d'origine supprimé"
SUMMARY_LIMIT = 280
AUDIO_KEYS = ("audio", "audio_path", "recording", "recording_path")
AUDIO_HOLDERS = ("phone",)  # the phone channel nests its call record under details["phone"]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def is_summarised(text: str | None) -> bool:
    return bool(text) and str(text).startswith(SUMMARY_MARK)


def summary_of(report: Report, *, now: datetime, reason: str) -> str:
    """The text kept in place of the resident's words.

    It says when and why the words went (a reader of an old file must not think the resident
    said nothing), and keeps a short pseudonymised excerpt because the description of the
    nuisance is what the police record and the statistics are about.
    """
    place = report.street or report.zone_code or "lieu non précisé"
    excerpt = _shorten(pseudonymize_text(report.text or ""), SUMMARY_LIMIT)
    return (f"{SUMMARY_MARK} le {now:%Y-%m-%d} ({reason})] Catégorie : "
            f"{report.category_code}. Lieu : {place}. Résumé pseudonymisé : {excerpt}")


def _without_audio(details: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in details.items() if k not in AUDIO_KEYS}
    for holder in AUDIO_HOLDERS:
        if isinstance(out.get(holder), dict):
            out[holder] = {k: v for k, v in out[holder].items() if k not in AUDIO_KEYS}
    return out


def audio_files(report: Report, audio_dir: Path) -> list[Path]:
    """Recordings of this report: paths named in its details, and files named after its code
    (the phone channel writes ``<day>/<tracking code>-<digest>.wav``)."""
    details = report.details or {}
    holders = [details, *(details.get(h) for h in AUDIO_HOLDERS)]
    found = {Path(v) for holder in holders if isinstance(holder, dict)
             for k, v in holder.items() if k in AUDIO_KEYS and isinstance(v, str) and v}
    if audio_dir.is_dir() and report.tracking_code:
        found.update(audio_dir.rglob(f"{report.tracking_code}-*"))
    return sorted(p for p in found if p.is_file())


def _privacy_marks(report: Report, **marks: str) -> dict[str, Any]:
    details = dict(report.details or {})
    privacy = dict(details.get("privacy") or {})
    privacy.update(marks)
    details["privacy"] = privacy
    return details


def scrub_text(session: Session, report: Report, *, now: datetime, reason: str,
               cell_m: int) -> None:
    """Replace the resident's words and door-level place; also in copies sent to partners."""
    if not is_summarised(report.text):
        report.text = summary_of(report, now=now, reason=reason)
    if report.location_text:
        report.location_text = pseudonymize_text(report.location_text)
    report.number = None
    if report.lat is not None and report.lon is not None:
        report.lat, report.lon = pseudonymize_point(report.lat, report.lon, cell_m)
    details = _without_audio(dict(report.details or {}))
    privacy = details.pop("privacy", {})
    report.details = {**pseudonymize_value(details), "privacy": privacy}
    report.details = _privacy_marks(report, text_purged_at=now.isoformat())
    for case in session.scalars(select(Case).where(Case.report_id == report.id)):
        if case.outcome:
            case.outcome = pseudonymize_text(case.outcome)
    for delivery in session.scalars(select(Delivery).where(Delivery.report_id == report.id)):
        payload = dict(delivery.payload or {})
        if "text" in payload:
            payload["text"] = report.text
        if isinstance(payload.get("location"), dict):
            payload["location"] = {**payload["location"], "number": None,
                                   "text": report.location_text, "lat": report.lat,
                                   "lon": report.lon}
        payload.pop("contact", None)
        delivery.payload = payload


def drop_contact(report: Report, *, now: datetime) -> None:
    """Remove the contact (SQL NULL, not JSON null, so later scans skip the row)."""
    report.contact = null()  # type: ignore[assignment]
    report.details = _privacy_marks(report, contact_purged_at=now.isoformat())


def drop_conversations(session: Session, report_ids: list[int]) -> int:
    """Delete the dialogues that produced these reports (they hold the full transcript)."""
    if not report_ids:
        return 0
    result = session.execute(delete(Conversation).where(Conversation.report_id.in_(report_ids)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def anonymise_report(session: Session, report: Report, *, now: datetime, reason: str,
                     cell_m: int) -> None:
    """Everything at once, as for an erasure request: words, place, contact, dialogues."""
    scrub_text(session, report, now=now, reason=reason, cell_m=cell_m)
    drop_contact(report, now=now)
    drop_conversations(session, [report.id])
    report.details = _privacy_marks(report, erased_at=now.isoformat())
