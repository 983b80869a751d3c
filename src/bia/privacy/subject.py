"""Data-subject rights: what BIA holds about one person (access, RGPD art. 15) and its erasure
(art. 17), found by tracking code or by contact.

A resident is known to BIA only through a report's tracking code, the contact given with
consent, or a phone number or e-mail said in the text or a dialogue, so the search covers all
four. Erasure anonymises rather than deletes: the police record keeps its non-personal fields
(category, street, times, status), which the commune must keep under the arrêté of 14 April
2009, while everything that names the resident goes. Both are audited; the audit row names the
contact only by its keyed pseudonym, so the audit log does not become a copy of the contact.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import Case
from bia.core.errors import Invalid, NotFound
from bia.intake.models import Conversation, Delivery, Report
from bia.intake.photos import Photo, delete_photos, describe, drop_location_hint
from bia.intake.service import STATUS_LABELS, get_by_code
from bia.privacy.anonymise import anonymise_report, audio_files
from bia.privacy.pseudonymize import EMAIL, PHONE, keyed_pseudonym, normalize_identifier
from bia.privacy.settings import RETENTION_KINDS, PrivacySettings
from bia.reports.models import Document

PRIVACY_USER = "cli:privacy"


def _identifiers_in(text: str) -> set[str]:
    found = {normalize_identifier(m.group(0)) for m in EMAIL.finditer(text)}
    found |= {normalize_identifier(m.group(0)) for m in PHONE.finditer(text)}
    return found


def _contact_matches(contact: dict[str, Any] | None, wanted: str) -> bool:
    values = (contact or {}).values()
    return any(isinstance(v, str) and v.strip() and normalize_identifier(v) == wanted
               for v in values)


def find_reports(session: Session, *, tracking_code: str | None = None,
                 contact: str | None = None) -> list[tuple[Report, str]]:
    """Reports of the person, each with how it was matched (code, contact or text)."""
    if tracking_code:
        return [(get_by_code(session, code=tracking_code), "tracking_code")]
    if not contact:
        raise Invalid("Indiquez un code de suivi ou un contact.", code="demande_incomplete")
    wanted = normalize_identifier(contact)
    found: list[tuple[Report, str]] = []
    for report in session.scalars(select(Report).order_by(Report.id)).yield_per(500):
        if _contact_matches(report.contact, wanted):
            found.append((report, "contact"))
        elif wanted in _identifiers_in(report.text or ""):
            found.append((report, "text"))
    return found


def find_conversations(session: Session, *, report_ids: list[int],
                       contact: str | None) -> list[Conversation]:
    """Dialogues of those reports, and any dialogue whose state mentions the contact."""
    wanted = normalize_identifier(contact) if contact else None
    found = []
    for conv in session.scalars(select(Conversation).order_by(Conversation.created_at)):
        if conv.report_id in report_ids or (
                wanted and wanted in _identifiers_in(json.dumps(conv.state, ensure_ascii=False))):
            found.append(conv)
    return found


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _photos_json(session: Session, where: Any) -> list[dict[str, Any]]:
    """The person's photos, as stored (sanitised JPEG, base64) with what is known of them."""
    return [{**describe(p), "jpeg_base64": base64.b64encode(p.content).decode()}
            for p in session.scalars(select(Photo).where(where)
                                     .order_by(Photo.created_at, Photo.id))]


def _report_json(session: Session, report: Report, matched_by: str) -> dict[str, Any]:
    case = session.scalar(select(Case).where(Case.report_id == report.id))
    documents = [] if case is None else [
        {"kind": d.kind, "number": d.number, "status": d.status, "version": d.current_version}
        for d in session.scalars(select(Document).where(Document.case_id == case.id))]
    deliveries = session.scalars(select(Delivery).where(Delivery.report_id == report.id))
    return {
        "matched_by": matched_by, "tracking_code": report.tracking_code,
        "channel": report.channel, "received_at": _iso(report.received_at),
        "occurred_at": _iso(report.occurred_at), "updated_at": _iso(report.updated_at),
        "status": report.status, "status_label": STATUS_LABELS.get(report.status),
        "category_code": report.category_code, "text": report.text,
        "language": report.language,
        "location": {"text": report.location_text, "street": report.street,
                     "number": report.number, "lat": report.lat, "lon": report.lon,
                     "zone": report.zone_code},
        "contact": report.contact, "contact_consent": report.contact_consent,
        "details": report.details, "actors": report.actors,
        "photos": _photos_json(session, Photo.report_id == report.id),
        "case": None if case is None else {
            "id": case.id, "status": case.status, "priority": case.priority,
            "assigned_unit": case.assigned_unit, "outcome": case.outcome,
            "created_at": _iso(case.created_at), "on_site_at": _iso(case.on_site_at),
            "closed_at": _iso(case.closed_at), "documents": documents},
        "deliveries": [{"actor": d.actor_code, "method": d.method, "state": d.state,
                        "created_at": _iso(d.created_at), "sent_at": _iso(d.sent_at)}
                       for d in deliveries],
    }


def _conversation_json(conv: Conversation) -> dict[str, Any]:
    return {"id": conv.id, "channel": conv.channel, "created_at": _iso(conv.created_at),
            "updated_at": _iso(conv.updated_at), "state": conv.state,
            "report_tracking_code": None}


def _query(tracking_code: str | None, contact: str | None) -> dict[str, str]:
    return {"tracking_code": tracking_code} if tracking_code else {"contact": contact or ""}


def _subject_ref(privacy: PrivacySettings, tracking_code: str | None,
                 contact: str | None) -> str:
    return tracking_code or keyed_pseudonym(contact or "", privacy.pseudonym_secret)


def export_subject(session: Session, privacy: PrivacySettings, *, now: datetime,
                   tracking_code: str | None = None,
                   contact: str | None = None) -> dict[str, Any]:
    """Everything held about the person, as JSON-ready data; audited."""
    matches = find_reports(session, tracking_code=tracking_code, contact=contact)
    if not matches and not contact:
        raise NotFound("Aucune donnée ne correspond à cette demande.", code="aucune_donnee")
    codes = {r.id: r.tracking_code for r, _ in matches}
    conversations = find_conversations(session, report_ids=list(codes), contact=contact)
    reports = [_report_json(session, r, how) for r, how in matches]
    by_report: dict[int, list[dict[str, Any]]] = {}
    others = []
    for conv in conversations:
        data = _conversation_json(conv)
        if conv.report_id in codes:
            data["report_tracking_code"] = codes[conv.report_id]
            by_report.setdefault(conv.report_id, []).append(data)
        else:
            data["photos"] = _photos_json(session, (Photo.conversation_id == conv.id)
                                          & Photo.report_id.is_(None))
            others.append(data)
    for (report, _), data in zip(matches, reports, strict=True):
        data["conversations"] = by_report.get(report.id, [])
    audit.record(session, username=PRIVACY_USER, action="privacy.export",
                 object_type="data_subject",
                 object_id=_subject_ref(privacy, tracking_code, contact),
                 detail={"by": "tracking_code" if tracking_code else "contact",
                         "reports": sorted(codes.values()),
                         "conversations": len(conversations)})
    return {
        "generated_at": now.isoformat(), "query": _query(tracking_code, contact),
        "dpo_contact": privacy.dpo_contact,
        "retention_days": {k: privacy.days(k) for k in RETENTION_KINDS},
        "reports": reports, "other_conversations": others,
    }


def erase_subject(session: Session, privacy: PrivacySettings, *, now: datetime,
                  tracking_code: str | None = None,
                  contact: str | None = None) -> dict[str, Any]:
    """Anonymise the person's reports and delete their dialogues; audited.

    Cases keep their status, times, unit and priority (the police record); validated
    intervention documents are legal records and are not rewritten (RGPD art. 17-3-b).
    """
    matches = find_reports(session, tracking_code=tracking_code, contact=contact)
    report_ids = [r.id for r, _ in matches]
    conversations = find_conversations(session, report_ids=report_ids, contact=contact)
    photos = delete_photos(session, report_ids=report_ids,
                           conversation_ids=[c.id for c in conversations])
    for conv in conversations:
        session.delete(conv)
    session.flush()
    recordings = [p for r, _ in matches for p in audio_files(r, privacy.audio_dir)]
    for report, _ in matches:
        drop_location_hint(report)
        anonymise_report(session, report, now=now, reason="demande d'effacement",
                         cell_m=privacy.pseudonym_cell_m)
    codes = sorted(r.tracking_code for r, _ in matches)
    documents = 0
    if report_ids:
        documents = len(list(session.scalars(
            select(Document.id).join(Case, Case.id == Document.case_id)
            .where(Case.report_id.in_(report_ids)))))
    for path in recordings:  # the caller's voice is personal data too
        path.unlink(missing_ok=True)
    summary = {"reports_anonymised": len(matches), "conversations_deleted": len(conversations),
               "audio_files_deleted": len(recordings), "photos_deleted": photos,
               "documents_kept": documents}
    audit.record(session, username=PRIVACY_USER, action="privacy.erase",
                 object_type="data_subject",
                 object_id=_subject_ref(privacy, tracking_code, contact),
                 detail={"by": "tracking_code" if tracking_code else "contact",
                         "reports": codes, **summary})
    return {"query": _query(tracking_code, contact), "reports": codes, **summary}
