"""Photos: residents attach them in the web chat; staff see them with the case.

The upload route takes the body itself (``multipart/form-data``: ``photo``, and
``partager_position`` when the resident agreed to share the photo's position), so that the
size limit applies while reading: the security middleware lets this route alone receive
``BIA_PHOTO_MAX_BYTES`` (plus the form's overhead). Only the sanitised JPEG is stored. Every staff
view of a photo is written to the audit log, like any read of personal data.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from bia.api.auth import CaseStaff
from bia.api.deps import CaseId, ContextDep, PackDep, SessionDep
from bia.api.security import photo_settings_of
from bia.cases import audit
from bia.cases import service as cases
from bia.context import Context, LoadedPack
from bia.core.errors import BiaError, Invalid, NotFound
from bia.intake.imaging import CleanPhoto, PhotoRefused, clean_photo
from bia.intake.photos import (
    PhotoSettings,
    add_photo,
    describe,
    photo_of_report,
    photos_of_report,
)

router = APIRouter(tags=["photos"])
PUBLIC_ID = re.compile(r"^[0-9a-f]{32}$")
YES = {"1", "on", "oui", "true", "yes"}

UPLOAD_BODY = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["photo"],
        "properties": {
            "photo": {"type": "string", "format": "binary",
                      "description": "La photo (JPEG, PNG ou WebP). Elle est réencodée en JPEG "
                      "et débarrassée de toutes ses métadonnées."},
            "partager_position": {"type": "string", "enum": ["oui", "non"],
                                  "description": "« oui » : la position GPS de la photo est "
                                  "jointe au signalement (rien d'autre n'en est gardé)."}}}}}}}


class PhotoOut(BaseModel):
    id: str
    width: int
    height: int
    bytes: int
    location_shared: bool
    location_found: bool
    count: int
    max: int
    message: str


def _message(clean: CleanPhoto, consent: bool) -> str:
    if consent and clean.gps:
        return ("Photo reçue. Sa position GPS est jointe au signalement, comme vous l'avez "
                "accepté ; ses autres informations ont été retirées.")
    if consent:
        return ("Photo reçue. Elle ne contenait pas de position : précisez le lieu dans la "
                "discussion.")
    return "Photo reçue. Ses informations cachées (dont la position) ont été retirées."


def _store(ctx: Context, loaded: LoadedPack, conversation_id: str, clean: CleanPhoto,
           consent: bool, photos: PhotoSettings) -> PhotoOut:
    from sqlalchemy import func, select

    from bia.intake.photos import Photo

    with ctx.session() as session:
        photo = add_photo(session, conversation_id=conversation_id,
                          commune_id=loaded.commune_id, clean=clean, consent=consent,
                          max_count=photos.photo_max_count)
        where = Photo.conversation_id == conversation_id
        if photo.report_id is not None:
            where = where | (Photo.report_id == photo.report_id)
        count = session.scalar(select(func.count(Photo.id)).where(where)) or 0
        return PhotoOut(id=photo.public_id, width=photo.width, height=photo.height,
                        bytes=photo.size_bytes, location_shared=photo.gps_lat is not None,
                        location_found=clean.gps is not None, count=count,
                        max=photos.photo_max_count, message=_message(clean, consent))


async def _read_form(request: Request) -> tuple[Any, bool]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise Invalid("Envoyez la photo dans un formulaire (multipart/form-data, champ "
                      "« photo »).", code="photo_manquante")
    try:
        form = await request.form(max_files=1, max_fields=4, max_part_size=1024)
    except (BiaError, HTTPException):
        raise  # an oversize body (413) or our own refusal
    except Exception:  # malformed multipart: the client's fault, said plainly
        raise Invalid("Formulaire illisible : renvoyez la photo.", code="formulaire_invalide"
                      ) from None
    upload = form.get("photo")
    consent = str(form.get("partager_position") or "").strip().lower() in YES
    return upload, consent


@router.post("/api/v1/conversations/{conversation_id}/photos", status_code=201,
             response_model=PhotoOut, openapi_extra=UPLOAD_BODY,
             summary="Joindre une photo au signalement en cours",
             responses={413: {"description": "Photo trop volumineuse"},
                        422: {"description": "Fichier refusé (pas une photo, illisible…)"},
                        409: {"description": "Nombre maximal de photos atteint"}})
async def upload_photo(conversation_id: str, request: Request, ctx: ContextDep,
                       loaded: PackDep) -> PhotoOut:
    photos = photo_settings_of(request.app)
    if len(conversation_id) > 36:
        raise NotFound("Conversation introuvable : recommencez.", code="conversation_inconnue")
    upload, consent = await _read_form(request)
    if not isinstance(upload, UploadFile):
        raise Invalid("Aucune photo reçue : choisissez un fichier (champ « photo »).",
                      code="photo_manquante")
    try:
        data = await upload.read(photos.photo_max_bytes + 1)
    finally:
        await upload.close()
    clean = await run_in_threadpool(
        clean_photo, data, max_bytes=photos.photo_max_bytes,
        max_pixels=photos.photo_max_pixels, max_dimension=photos.photo_max_dimension,
        quality=photos.photo_jpeg_quality, keep_gps=consent)
    return await run_in_threadpool(_store, ctx, loaded, conversation_id, clean, consent, photos)


class StaffPhotoOut(BaseModel):
    id: str
    url: str
    received_at: str
    width: int
    height: int
    bytes: int
    location_shared: bool
    location: dict[str, float] | None


def _case_report(session: Any, ctx: Context, staff: Any, case_id: int) -> tuple[Any, LoadedPack]:
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    case = cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)
    return case, loaded


def photo_url(case_id: int, public_id: str) -> str:
    return f"/api/v1/cases/{case_id}/photos/{public_id}"


@router.get("/api/v1/cases/{case_id}/photos", response_model=list[StaffPhotoOut],
            tags=["dossiers (police municipale)"], summary="Photos jointes au dossier")
def list_photos(case_id: CaseId, session: SessionDep, ctx: ContextDep,
                staff: CaseStaff) -> list[StaffPhotoOut]:
    case, _ = _case_report(session, ctx, staff, case_id)
    rows = photos_of_report(session, report_id=case.report_id)
    audit.record(session, username=staff.username, action="photo.list", object_type="photos",
                 object_id=case.id, commune_id=case.commune_id, detail={"count": len(rows)})
    return [StaffPhotoOut(url=photo_url(case.id, p.public_id), **describe(p)) for p in rows]


@router.get("/api/v1/cases/{case_id}/photos/{photo_id}", tags=["dossiers (police municipale)"],
            summary="Une photo jointe au dossier (JPEG)",
            responses={200: {"content": {"image/jpeg": {}}}})
def get_photo(case_id: CaseId, photo_id: str, session: SessionDep, ctx: ContextDep,
              staff: CaseStaff) -> Response:
    case, _ = _case_report(session, ctx, staff, case_id)
    if not PUBLIC_ID.match(photo_id):
        raise PhotoRefused("Identifiant de photo invalide.", code="photo_introuvable")
    photo = photo_of_report(session, report_id=case.report_id, public_id=photo_id)
    audit.record(session, username=staff.username, action="photo.read", object_type="photo",
                 object_id=photo.public_id, commune_id=case.commune_id,
                 detail={"case": case.id})
    return Response(photo.content, media_type="image/jpeg", headers={
        "Cache-Control": "private, no-store",
        "Content-Disposition": f'inline; filename="photo-{case.id}-{photo.id}.jpg"'})
