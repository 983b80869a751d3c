"""Intervention files of a case: pre-filled main courante entry and rapport d'intervention.

The officer reads the pre-filled fields (each with its source), edits, confirms and
validates; the file is downloaded as PDF or ODT. The chef de poste exports the day's main
courante as CSV or ODS.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from bia.api.auth import CaseStaff, Staff, require_roles
from bia.api.deps import CaseId, ContextDep, SessionDep
from bia.cases import service as cases
from bia.core.coltypes import utcnow
from bia.core.errors import NotFound
from bia.reports import service as documents
from bia.reports.fields import specs
from bia.reports.models import Document

router = APIRouter(tags=["documents d'intervention"])
Kind = Literal["main-courante", "rapport"]
MEDIA = {"pdf": "application/pdf", "odt": "application/vnd.oasis.opendocument.text",
         "csv": "text/csv; charset=utf-8",
         "ods": "application/vnd.oasis.opendocument.spreadsheet"}
ChefStaff = Annotated[Staff, Depends(require_roles("chef_de_poste", "admin"))]


class FieldOut(BaseModel):
    value: Any
    source: str | None = None
    evidence: str | None = None
    confirmed: bool = False


class FormField(BaseModel):
    key: str
    label: str
    mandatory: bool
    datetime: bool


class DocumentOut(BaseModel):
    id: int
    kind: str
    number: str | None
    status: str
    version: int
    fields: dict[str, Any]
    content_hash: str | None
    validated_by: str | None
    prefilled: int
    typed: int
    total: int
    form: list[FormField]


class FieldsIn(BaseModel):
    fields: dict[str, Annotated[str, Field(max_length=20_000)]] = Field(default_factory=dict)
    confirm: list[str] = Field(default_factory=list)


def _document(session: SessionDep, ctx: ContextDep, staff: Staff, case_id: int,
              kind: Kind) -> Document:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)  # scope + 404
    return documents.prefill(session, case_id=case_id, kind=kind, pack=loaded.pack,
                             now=utcnow(), username=staff.username)


def _out(doc: Document) -> DocumentOut:
    latest = doc.latest
    filled, typed, total = documents.prefill_share(doc)
    return DocumentOut(id=doc.id, kind=doc.kind, number=doc.number, status=doc.status,
                       version=latest.version, fields=latest.fields,
                       content_hash=latest.content_hash, validated_by=latest.validated_by,
                       prefilled=filled, typed=typed, total=total,
                       form=[FormField(key=f.key, label=f.label, mandatory=f.mandatory,
                                       datetime=f.is_datetime) for f in specs(doc.kind)])


@router.get("/api/v1/cases/{case_id}/documents/{name}", summary="Document pré-rempli "
            "(JSON, ou fichier avec l'extension .pdf / .odt)",
            responses={200: {"content": {MEDIA["pdf"]: {}, MEDIA["odt"]: {}}}})
def get_document(case_id: CaseId, name: str, session: SessionDep, ctx: ContextDep,
                 staff: CaseStaff,
                 version: Annotated[int | None, Query(ge=1)] = None) -> Any:
    kind, _, fmt = name.partition(".")
    if kind not in ("main-courante", "rapport") or fmt not in ("", "pdf", "odt"):
        raise NotFound("Document inconnu : main-courante ou rapport, en .pdf ou .odt.",
                       code="document_inconnu")
    doc = _document(session, ctx, staff, case_id, kind)  # type: ignore[arg-type]
    if not fmt:
        return _out(doc)
    content = documents.render(session, document_id=doc.id, fmt=fmt,  # type: ignore[arg-type]
                               version=version)
    filename = f"{doc.number or kind}.{fmt}"
    return Response(content, media_type=MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.put("/api/v1/cases/{case_id}/documents/{kind}", response_model=DocumentOut,
            summary="Compléter ou corriger des champs, confirmer des champs pré-remplis")
def edit_document(case_id: CaseId, kind: Kind, body: FieldsIn, session: SessionDep,
                  ctx: ContextDep, staff: CaseStaff) -> DocumentOut:
    doc = _document(session, ctx, staff, case_id, kind)
    if body.fields:
        documents.update_fields(session, document_id=doc.id, fields=body.fields,
                                username=staff.username)
    if body.confirm:
        documents.confirm_fields(session, document_id=doc.id, keys=body.confirm,
                                 username=staff.username)
    session.refresh(doc)
    return _out(doc)


@router.post("/api/v1/cases/{case_id}/documents/{kind}/validation", response_model=DocumentOut,
             summary="Valider (fige une version : empreinte, auteur, date)")
def validate_document(case_id: CaseId, kind: Kind, session: SessionDep, ctx: ContextDep,
                      staff: CaseStaff) -> DocumentOut:
    doc = _document(session, ctx, staff, case_id, kind)
    documents.validate(session, document_id=doc.id, username=staff.username)
    session.refresh(doc)
    return _out(doc)


@router.get("/api/v1/main-courante/{day}.{fmt}", summary="Main courante du jour (chef de poste)",
            responses={200: {"content": {MEDIA["csv"]: {}, MEDIA["ods"]: {}}}})
def daily(day: date, fmt: Literal["csv", "ods"], session: SessionDep, ctx: ContextDep,
          staff: ChefStaff) -> Response:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    content = documents.daily_main_courante(session, commune_id=loaded.commune_id, day=day,
                                            tz=loaded.pack.tz, fmt=fmt)
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="main-courante-{day.isoformat()}.{fmt}"'})
