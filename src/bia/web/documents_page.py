"""The officer's page for a case's intervention file: main courante entry or rapport.

Every field of the legal list is shown as a labelled input, with the pre-filled value's source
in plain French (the resident's own words, the geocoder, the clock, the case file) and a
"confirmé" box. The page is rendered on the server; ``console-document.js`` saves, confirms and
validates through the JSON API (``bia.api.documents``) with the CSRF header, so the rules and
their French refusals live in ``bia.reports.service`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bia.api.deps import ContextDep
from bia.cases import audit
from bia.cases import service as cases
from bia.core.coltypes import utcnow
from bia.core.errors import NotFound
from bia.reports import service as documents
from bia.reports.fields import DATETIME_HINT, KIND_TITLES, specs
from bia.web.console import _common, _guard
from bia.web.render import page
from bia.web.session import pack_for

router = APIRouter(prefix="/console", include_in_schema=False)
KINDS = ("rapport", "main-courante")


@dataclass(frozen=True)
class FieldView:
    key: str
    label: str
    mandatory: bool
    multiline: bool
    datetime: bool
    value: str
    source: str  # "" when the field is empty and nobody typed it
    evidence: str
    confirmed: bool
    by: str


def source_text(entry: dict[str, Any]) -> tuple[str, str]:
    """(where the value comes from, the resident's words if any), in plain French."""
    source = entry.get("source") or ""
    evidence = str(entry.get("evidence") or "")
    if not entry.get("value"):  # nothing to vouch for yet, whoever last touched it
        return "", ""
    if source == "transcript":
        return "d'après les propos du déclarant", evidence
    if source == "officer":
        by = entry.get("by")
        return (f"saisi par l'agent {by}" if by else "saisi par l'agent"), ""
    return {"geocoder": "d'après le géocodage de l'adresse",
            "routing": "d'après l'orientation du signalement",
            "clock": "d'après l'horloge de BIA (heure de réception ou de traitement)",
            "case": "d'après le dossier d'intervention"}.get(source, source), evidence


def field_views(kind: str, fields: dict[str, Any]) -> list[FieldView]:
    views = []
    for spec in specs(kind):
        entry = fields.get(spec.key) or {}
        source, evidence = source_text(entry)
        views.append(FieldView(
            key=spec.key, label=spec.label, mandatory=spec.mandatory,
            multiline=spec.multiline, datetime=spec.is_datetime,
            value=str(entry.get("value") or ""), source=source, evidence=evidence,
            confirmed=bool(entry.get("confirmed")), by=str(entry.get("by") or "")))
    return views


def hash_groups(value: str | None) -> list[str]:
    """The SHA-256 in groups of 8, so that it wraps on a tablet and reads aloud in chunks."""
    return [value[i:i + 8] for i in range(0, len(value), 8)] if value else []


@router.get("/dossiers/{case_id}/documents/{kind}")
def document_page(case_id: int, kind: str, request: Request, ctx: ContextDep) -> Response:
    staff = _guard(request, ctx)
    if isinstance(staff, Response):
        return staff
    loaded = pack_for(ctx, staff)
    try:
        if kind not in KINDS:
            raise NotFound("Document inconnu : main courante ou rapport d'intervention.",
                           code="document_inconnu")
        with ctx.session() as session:
            case = cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)
            doc = documents.prefill(session, case_id=case.id, kind=kind,  # type: ignore[arg-type]
                                    pack=loaded.pack, now=utcnow(), username=staff.username)
            audit.record(session, username=staff.username, action="document.read",
                         object_type="document", object_id=doc.id,
                         commune_id=doc.commune_id,
                         detail={"kind": doc.kind, "number": doc.number,
                                 "version": doc.latest.version})
            latest = doc.latest
            filled, typed, total = documents.prefill_share(doc)
            validated = next((v for v in sorted(doc.versions, key=lambda v: -v.version)
                              if v.status == documents.VALIDATED), None)
            info = {
                "id": doc.id, "kind": doc.kind, "number": doc.number, "status": latest.status,
                "version": latest.version, "prefilled": filled, "typed": typed,
                "total": total, "case_status": case.status,
                "case_status_label": cases.STATE_LABELS.get(case.status, case.status),
            }
            last = None
            if validated is not None:
                at = validated.validated_at
                last = {"version": validated.version,
                        "at": at.replace(tzinfo=UTC) if at and at.tzinfo is None else at,
                        "by": validated.validator_name or validated.validated_by,
                        "badge": validated.validator_badge or "",
                        "hash": validated.content_hash or "",
                        "hash_groups": hash_groups(validated.content_hash),
                        "is_latest": validated.version == latest.version}
            views = field_views(kind, latest.fields)
    except NotFound as exc:
        return page(request, ctx.settings, "console/introuvable.html", status_code=404,
                    message=exc.message, **_common(ctx, staff, loaded))
    base = f"/api/v1/cases/{case_id}/documents/{kind}"
    other = "main-courante" if kind == "rapport" else "rapport"
    return page(request, ctx.settings, "console/document.html", doc=info, fields=views,
                validated=last, case_id=case_id, title=KIND_TITLES[kind],
                other_title=KIND_TITLES[other],
                other_href=f"/console/dossiers/{case_id}/documents/{other}",
                api=base, downloads=[(f"{base}.pdf", "Télécharger le PDF"),
                                     (f"{base}.odt", "Télécharger l'ODT (modifiable)")],
                hint=DATETIME_HINT, csrf=staff.csrf, **_common(ctx, staff, loaded))
