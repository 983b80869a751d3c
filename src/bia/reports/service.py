"""Intervention documents: pre-fill, edit, confirm, validate (freeze), render, export.

The lifecycle is an explicit table (:data:`TRANSITIONS`): a draft is edited in place; validation
freezes it with a SHA-256 content hash, who and when (the first validation also gives the
document the next gap-free number of its register, :mod:`bia.reports.numbering`); any later
change opens the next draft version, leaving the validated one intact. Every
create/edit/confirm/validate is written to the audit log in the caller's transaction. A refused
validation is audited too and that audit row is committed before raising (as
:mod:`bia.cases.users` does for failed logins), because the caller's rollback must not erase
the trace of the attempt.
"""

from __future__ import annotations

import copy
import re
from datetime import date, datetime
from typing import Any, Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bia.cases import audit
from bia.cases.models import Case, StaffUser
from bia.core.coltypes import utcnow
from bia.core.errors import Forbidden, Invalid, InvalidTransition, NotFound
from bia.geo.pack import Pack
from bia.intake.models import Report
from bia.reports import integrity, numbering, textutil
from bia.reports import prefill as prefiller
from bia.reports.fields import DATETIME_HINT, KINDS, spec_map, specs
from bia.reports.models import DRAFT, VALIDATED, Document, DocumentVersion

MAX_FIELD = 20_000
VALIDATOR_ROLES = ("agent", "chef_de_poste", "admin")

# (state of the latest version, action) -> state of the version the action leaves as latest
TRANSITIONS: dict[tuple[str, str], str] = {
    (DRAFT, "modifier"): DRAFT,
    (DRAFT, "confirmer"): DRAFT,
    (DRAFT, "valider"): VALIDATED,
    (VALIDATED, "modifier"): DRAFT,  # opens version n + 1
    (VALIDATED, "confirmer"): DRAFT,  # opens version n + 1
}
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s*(?:à\s*)?(\d{1,2})\s*[h:]\s*(\d{2})?$")


def _audit(session: Session, doc: Document, *, username: str, action: str,
           detail: dict[str, Any]) -> None:
    """Audit rows name fields, never their values: the log is forever, personal data is not."""
    audit.record(session, username=username, action=action, object_type="document",
                 object_id=doc.id, commune_id=doc.commune_id,
                 detail={"kind": doc.kind, "number": doc.number, **detail})


def _refuse(session: Session, doc: Document, error: Exception, *, username: str,
            action: str, detail: dict[str, Any]) -> NoReturn:
    _audit(session, doc, username=username, action=action, detail=detail)
    session.commit()
    raise error


def get_document(session: Session, *, document_id: int, lock: bool = False) -> Document:
    stmt = select(Document).where(Document.id == document_id)
    doc = session.scalar(stmt.with_for_update() if lock else stmt)
    if doc is None:
        raise NotFound("Document introuvable.", code="document_introuvable")
    return doc


def documents_for_case(session: Session, *, case_id: int) -> list[Document]:
    return list(session.scalars(select(Document).where(Document.case_id == case_id)
                                .order_by(Document.kind)))


def _find(session: Session, case_id: int, kind: str) -> Document | None:
    return session.scalar(select(Document).where(Document.case_id == case_id,
                                                 Document.kind == kind))


def prefill(session: Session, *, case_id: int, kind: Literal["main-courante", "rapport"],
            pack: Pack, now: datetime, username: str = "bia") -> Document:
    """The case's document of ``kind``: created as pre-filled draft v1 the first time."""
    if kind not in KINDS:
        raise Invalid(f"Type de document inconnu : {kind}", code="type_document_inconnu")
    existing = _find(session, case_id, kind)
    if existing is not None:
        return existing
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("Dossier introuvable.", code="dossier_introuvable")
    report = session.get(Report, case.report_id)
    if report is None:
        raise NotFound("Signalement introuvable.", code="signalement_introuvable")
    agent = (session.scalar(select(StaffUser).where(StaffUser.username == case.taken_by))
             if case.taken_by else None)
    other = _find(session, case_id, "rapport") if kind == "main-courante" else None
    fields = prefiller.build(kind, prefiller.Inputs(report=report, case=case, agent=agent,
                                                    pack=pack, now=now,
                                                    rapport_number=other.number if other
                                                    else None))
    doc = Document(commune_id=case.commune_id, case_id=case_id, kind=kind, status=DRAFT,
                   current_version=1, requested_at=report.received_at, created_at=now,
                   updated_at=now, created_by=username)
    doc.versions.append(DocumentVersion(version=1, status=DRAFT, fields=fields,
                                        created_at=now, created_by=username))
    try:
        with session.begin_nested():
            session.add(doc)
            session.flush()
    except IntegrityError:  # another officer pre-filled the same document meanwhile
        raced = _find(session, case_id, kind)
        if raced is None:
            raise
        return raced
    # no number yet: it is given at the first validation, so a draft never burns one
    _audit(session, doc, username=username, action="document.create",
           detail={"case_id": case_id, "version": 1,
                   "prefilled": sorted(k for k, v in fields.items() if v["value"])})
    return doc


def _link_rapport_number(session: Session, rapport: Document, *, username: str) -> None:
    """Main courante item 1° b) 6: the rapport's number, if the entry is still a draft."""
    entry = _find(session, rapport.case_id, "main-courante")
    if entry is None or entry.latest.status != DRAFT:
        return
    latest = entry.latest
    if latest.fields.get("numero_rapport", {}).get("value"):
        return
    fields = copy.deepcopy(latest.fields)
    fields["numero_rapport"] = prefiller.entry(rapport.number or "", "case")
    latest.fields = fields
    _audit(session, entry, username=username, action="document.update",
           detail={"version": latest.version, "fields": ["numero_rapport"], "by_bia": True})


def _check_transition(session: Session, doc: Document, action: str, username: str) -> str:
    state = doc.latest.status
    target = TRANSITIONS.get((state, action))
    if target is None:
        _refuse(session, doc, InvalidTransition(
            "Cette version est déjà validée : modifiez le document pour en ouvrir une nouvelle.",
            code="document_deja_valide"), username=username, action="document.refused",
            detail={"action": action, "state": state, "version": doc.latest.version})
    return target


def _working_version(doc: Document, *, username: str) -> tuple[DocumentVersion, bool]:
    """The draft to change: the latest one, or a new one copied from the validated latest."""
    latest = doc.latest
    if latest.status == DRAFT:
        return latest, False
    draft = DocumentVersion(version=latest.version + 1, status=DRAFT,
                            fields=copy.deepcopy(latest.fields), created_at=utcnow(),
                            created_by=username)
    doc.versions.append(draft)
    doc.current_version = draft.version
    doc.status = DRAFT
    return draft, True


def _check_keys(kind: str, keys: list[str]) -> None:
    unknown = [k for k in keys if k not in spec_map(kind)]
    if unknown:
        raise Invalid(f"Champ inconnu pour ce document : {', '.join(map(repr, unknown))}.",
                      code="champ_inconnu", details=unknown)


def update_fields(session: Session, *, document_id: int, fields: dict[str, str],
                  username: str) -> DocumentVersion:
    """Officer's edits: changed values become "officer", unchanged ones count as confirmed."""
    doc = get_document(session, document_id=document_id, lock=True)
    _check_keys(doc.kind, list(fields))
    values = {k: textutil.clean(v) for k, v in fields.items()}
    too_long = [spec_map(doc.kind)[k].label for k, v in values.items() if len(v) > MAX_FIELD]
    if too_long:
        raise Invalid(f"Texte trop long (plus de {MAX_FIELD} caractères) : "
                      f"{', '.join(too_long)}.", code="champ_trop_long", details=too_long)
    _check_transition(session, doc, "modifier", username)
    version, opened = _working_version(doc, username=username)
    stored = copy.deepcopy(version.fields)
    edited, confirmed = [], []
    for key, value in values.items():
        old = stored.get(key) or prefiller.entry("", "officer")
        if value == old.get("value"):
            stored[key] = {**old, "confirmed": True, "by": username}
            confirmed.append(key)
        else:
            stored[key] = {**prefiller.entry(value, "officer", confirmed=True, by=username),
                           "replaced": old.get("source") if old.get("value") else None}
            edited.append(key)
    version.fields = stored
    doc.updated_at = utcnow()
    session.flush()
    _audit(session, doc, username=username, action="document.update",
           detail={"version": version.version, "new_version": opened, "edited": sorted(edited),
                   "confirmed": sorted(confirmed)})
    return version


def confirm_fields(session: Session, *, document_id: int, keys: list[str],
                   username: str) -> DocumentVersion:
    """The officer checked BIA's pre-filled values without changing them."""
    doc = get_document(session, document_id=document_id, lock=True)
    _check_keys(doc.kind, keys)
    empty = [spec_map(doc.kind)[k].label for k in keys
             if not (doc.latest.fields.get(k) or {}).get("value")]
    if empty:
        raise Invalid(f"Impossible de confirmer un champ vide : {', '.join(empty)}.",
                      code="champ_vide", details=empty)
    _check_transition(session, doc, "confirmer", username)
    version, opened = _working_version(doc, username=username)
    stored = copy.deepcopy(version.fields)
    for key in keys:
        stored[key] = {**stored[key], "confirmed": True, "by": username}
    version.fields = stored
    doc.updated_at = utcnow()
    session.flush()
    _audit(session, doc, username=username, action="document.confirm",
           detail={"version": version.version, "new_version": opened, "fields": sorted(keys)})
    return version


def parse_local(text: str, tz: ZoneInfo | None = None) -> datetime | None:
    """A date as officers type it ("20/11/2026 23:10", "20/11/2026 à 23h10"), or None."""
    match = _DATE.match(text.strip())
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    try:
        return datetime(int(year), int(month), int(day), int(hour), int(minute or 0), tzinfo=tz)
    except ValueError:
        return None


def problems(kind: str, fields: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(labels of empty mandatory fields, French messages about malformed values)."""
    missing, malformed = [], []
    for spec in specs(kind):
        value = str((fields.get(spec.key) or {}).get("value") or "").strip()
        if spec.mandatory and not value:
            missing.append(spec.label)
        elif value and spec.is_datetime and parse_local(value) is None:
            malformed.append(f"« {spec.label} » : date attendue au format {DATETIME_HINT}")
    start = parse_local(str((fields.get("debut") or {}).get("value") or ""))
    end = parse_local(str((fields.get("fin") or {}).get("value") or ""))
    if start and end and end < start:
        malformed.append("la fin de l'intervention précède son début")
    return missing, malformed


def validate(session: Session, *, document_id: int, username: str,
             now: datetime | None = None) -> DocumentVersion:
    """Freeze the latest draft: who, when, and the SHA-256 of its canonical content."""
    doc = get_document(session, document_id=document_id, lock=True)
    _check_transition(session, doc, "valider", username)
    version = doc.latest
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if user is None or not user.active or user.role not in VALIDATOR_ROLES:
        _refuse(session, doc, Forbidden("Seul un agent de police municipale enregistré peut "
                                        "valider ce document.", code="validation_interdite"),
                username=username, action="document.validate_refused",
                detail={"version": version.version, "reason": "role"})
    missing, malformed = problems(doc.kind, version.fields)
    if not user.badge_number:
        malformed.append("votre compte n'a pas de matricule : demandez à l'administrateur "
                         "de le renseigner")
    if missing or malformed:
        text = "Validation impossible."
        if missing:
            text += f" Champs obligatoires à compléter : {', '.join(missing)}."
        if malformed:
            text += f" À corriger : {' ; '.join(malformed)}."
        _refuse(session, doc, Invalid(text, code="document_incomplet",
                                      details={"missing": missing, "malformed": malformed}),
                username=username, action="document.validate_refused",
                detail={"version": version.version, "missing": len(missing),
                        "malformed": len(malformed)})
    at = (now or utcnow()).replace(microsecond=0)
    numbered = doc.number is None
    if numbered:  # first validation: the next number of the year's register, gap-free
        doc.number = numbering.assign(session, commune_id=doc.commune_id, kind=doc.kind, at=at)
    version.validated_at, version.validated_by = at, username
    version.validator_name = user.full_name or user.username
    version.validator_badge = user.badge_number
    version.content_hash = integrity.digest(canonical_text(doc, version))
    version.status = VALIDATED
    doc.status = VALIDATED
    doc.updated_at = at
    session.flush()
    _audit(session, doc, username=username, action="document.validate",
           detail={"version": version.version, "hash": version.content_hash})
    if numbered and doc.kind == "rapport":
        _link_rapport_number(session, doc, username=username)
    return version


def canonical_text(doc: Document, version: DocumentVersion) -> str:
    return integrity.canonical(number=doc.number, kind=doc.kind, version=version.version,
                               fields=version.fields, validated_by=version.validated_by,
                               validator_name=version.validator_name,
                               validator_badge=version.validator_badge,
                               validated_at=version.validated_at)


def verify(version: DocumentVersion) -> bool:
    """Whether a validated version still matches the hash it was frozen with."""
    if version.status != VALIDATED or not version.content_hash:
        return False
    return integrity.digest(canonical_text(version.document, version)) == version.content_hash


def _version(doc: Document, number: int | None) -> DocumentVersion:
    if number is None:
        return doc.latest
    for version in doc.versions:
        if version.version == number:
            return version
    raise NotFound(f"Version {number} introuvable pour ce document.", code="version_introuvable")


def render(session: Session, *, document_id: int, fmt: Literal["pdf", "odt"],
           version: int | None = None) -> bytes:
    """The document (latest version unless ``version`` is given) as PDF or ODT bytes."""
    from bia.reports import layout, render_odt, render_pdf

    doc = get_document(session, document_id=document_id)
    sheet = layout.build_sheet(session, doc, _version(doc, version))
    if fmt == "pdf":
        return render_pdf.render(sheet)
    if fmt == "odt":
        return render_odt.render(sheet)
    raise Invalid(f"Format inconnu : {fmt} (pdf ou odt).", code="format_inconnu")


def daily_main_courante(session: Session, *, commune_id: int, day: date, tz: ZoneInfo | str,
                        fmt: Literal["csv", "ods"]) -> bytes:
    """The day's main courante entries (local day in ``tz``) for the chef de poste."""
    from bia.reports import exports

    try:
        zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"Fuseau horaire inconnu : {tz}", code="fuseau_inconnu") from None
    return exports.daily(session, commune_id=commune_id, day=day, tz=zone, fmt=fmt)


def prefill_share(document: Document) -> tuple[int, int, int]:
    """(fields filled by BIA, fields typed by the officer, non-empty fields) of the latest version.

    A BIA value the officer rewrote counts as typed: the figure measures typing saved.
    """
    filled = typed = 0
    for item in document.latest.fields.values():
        if not str(item.get("value") or "").strip():
            continue
        if item.get("source") == "officer":
            typed += 1
        else:
            filled += 1
    return filled, typed, filled + typed
