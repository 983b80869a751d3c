"""Open311 GeoReport v2 server at ``/open311/v2/`` (HTTP only; the mapping is in bia.open311).

Six resources of the spec: ``discovery``, ``services``, ``services/{code}``, ``requests`` (GET
and POST) and ``requests/{id}``, each in ``.json`` or ``.xml``. Tokens are not needed: every
service is ``realtime``. Errors keep the spec's shape (``[{"code", "description"}]``) and
status codes (404 unknown, 400 invalid), in French. See docs/open311.md.

``jurisdiction_id`` is the commune's INSEE code; optional (the deployment's commune, or the
``X-BIA-Commune`` header, otherwise), an unknown one is a 404. ``api_key`` is accepted and
ignored: BIA asks for no key, abuse is contained by the per-client rate limit on POST.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from bia.api.deps import ContextDep
from bia.context import Context, LoadedPack
from bia.core.errors import BiaError
from bia.geo.models import Commune
from bia.intake.photos import media_urls
from bia.open311 import service, submit
from bia.open311.formats import FORMATS, Open311Error, check_format, error_response, render
from bia.open311.mapping import (
    request_record,
    service_categories,
    service_category,
    service_definition,
    service_entry,
    w3,
)

log = logging.getLogger("bia.open311")
router = APIRouter(prefix="/open311/v2", tags=["open311"])
# The answers are JSON or XML depending on ``.{fmt}``; declared so that the schema says so.
BOTH_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/xml": {}}}}
SPEC = "http://wiki.open311.org/GeoReport_v2"
INSEE = re.compile(r"^\d[\dAB]\d{3}$")
TRUE = frozenset({"true", "1", "oui", "yes"})


def _pack(ctx: Context, request: Request, jurisdiction_id: str | None) -> LoadedPack:
    insee = (jurisdiction_id or "").strip() or request.headers.get("x-bia-commune") or None
    if insee is not None and not INSEE.match(insee):
        raise Open311Error(404, f"jurisdiction_id inconnu : « {insee} » (code INSEE attendu).")
    try:
        return ctx.pack(insee)
    except BiaError:
        raise Open311Error(404, f"jurisdiction_id inconnu : « {insee} ».") from None


def _answer(fmt: str, produce: Callable[[], Response]) -> Response:
    """Run a handler; any failure comes back in the spec's error shape."""
    try:
        check_format(fmt)
        return produce()
    except Open311Error as exc:
        return error_response(fmt, exc)
    except BiaError as exc:
        return error_response(fmt, Open311Error(400 if exc.status != 404 else 404, exc.message))
    except Exception:
        log.exception("open311 failure")
        return error_response(fmt, Open311Error(500, "Erreur interne : le service technique "
                                                     "est prévenu. En cas d'urgence, appelez "
                                                     "le 17 ou le 112."))


def _query(request: Request, name: str) -> str | None:
    return request.query_params.get(name) or None


@router.get("/discovery.{fmt}", summary="Open311 : découverte du service", responses=BOTH_FORMATS)
def discovery(fmt: str, ctx: ContextDep) -> Response:
    def produce() -> Response:
        loaded = ctx.pack()
        with ctx.session() as session:
            loaded_at = session.scalar(select(Commune.loaded_at).where(
                Commune.insee == loaded.pack.commune.insee))
        changeset = w3(loaded_at, loaded) or ""
        base = ctx.settings.public_url.rstrip("/")
        commune = loaded.pack.commune
        return render(fmt, "discovery", {
            "changeset": changeset,
            "contact": f"Police municipale de {commune.name} : {commune.police_desk} ; "
                       f"documentation : {base}/docs",
            "key_service": "Aucune clé n'est nécessaire : api_key est accepté et ignoré.",
            "endpoints": [{"specification": SPEC, "url": f"{base}/open311/v2",
                           "changeset": changeset, "type": "production",
                           "formats": ["text/xml", "application/json"]}],
        })
    return _answer(fmt, produce)


@router.get("/services.{fmt}", summary="Open311 : liste des services", responses=BOTH_FORMATS)
def services(fmt: str, request: Request, ctx: ContextDep) -> Response:
    def produce() -> Response:
        loaded = _pack(ctx, request, _query(request, "jurisdiction_id"))
        return render(fmt, "services",
                      [service_entry(loaded, c) for c in service_categories(loaded)])
    return _answer(fmt, produce)


@router.get("/services/{service_code}.{fmt}", summary="Open311 : définition d'un service",
            responses=BOTH_FORMATS)
def definition(service_code: str, fmt: str, request: Request, ctx: ContextDep) -> Response:
    def produce() -> Response:
        loaded = _pack(ctx, request, _query(request, "jurisdiction_id"))
        category = service_category(loaded, service_code)
        if category is None:
            raise Open311Error(404, f"Service inconnu : « {service_code} ».")
        return render(fmt, "service_definition", service_definition(loaded, category))
    return _answer(fmt, produce)


@router.get("/requests.{fmt}", summary="Open311 : demandes (90 derniers jours, 1 000 au plus)",
            responses=BOTH_FORMATS)
def list_requests(fmt: str, request: Request, ctx: ContextDep) -> Response:
    def produce() -> Response:
        loaded = _pack(ctx, request, _query(request, "jurisdiction_id"))
        query = service.parse_query(
            loaded, service_request_id=_query(request, "service_request_id"),
            service_code=_query(request, "service_code"),
            start_date=_query(request, "start_date"), end_date=_query(request, "end_date"),
            status=_query(request, "status"))
        extensions = (_query(request, "extensions") or "").lower() in TRUE
        with ctx.session() as session:
            reports = service.find_requests(session, loaded=loaded, query=query)
            media = media_urls(session, report_ids=[r.id for r in reports],
                               base_url=ctx.settings.public_url)
            records = [request_record(r, loaded, extensions=extensions, media_url=media.get(r.id))
                       for r in reports]
        return render(fmt, "service_requests", records)
    return _answer(fmt, produce)


@router.get("/requests/{service_request_id}.{fmt}", summary="Open311 : une demande",
            responses=BOTH_FORMATS)
def one_request(service_request_id: str, fmt: str, request: Request,
                ctx: ContextDep) -> Response:
    def produce() -> Response:
        loaded = _pack(ctx, request, _query(request, "jurisdiction_id"))
        extensions = (_query(request, "extensions") or "").lower() in TRUE
        with ctx.session() as session:
            report = service.get_request(session, loaded=loaded, request_id=service_request_id)
            media = media_urls(session, report_ids=[report.id], base_url=ctx.settings.public_url)
            record = request_record(report, loaded, extensions=extensions,
                                    media_url=media.get(report.id))
        return render(fmt, "service_requests", [record])
    return _answer(fmt, produce)


async def _posted(request: Request) -> submit.PostedRequest:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body: Any = json.loads(await request.body() or b"{}")
        except ValueError:
            raise Open311Error(400, "Corps JSON illisible.") from None
        posted = submit.from_json(body)
    else:
        form = await request.form()
        posted = submit.from_pairs(form.multi_items())
    for key, value in request.query_params.multi_items():  # some clients put them in the URL
        if key not in posted.fields and not key.startswith("attribute["):
            posted.fields[key] = value
    return posted


@router.post("/requests.{fmt}", summary="Open311 : créer une demande (formulaire ou JSON)",
             responses=BOTH_FORMATS)
async def create_request(fmt: str, request: Request, ctx: ContextDep) -> Response:
    try:
        posted = await _posted(request) if fmt in FORMATS else None
    except Open311Error as exc:
        return error_response(fmt, exc)

    def produce() -> Response:
        assert posted is not None
        loaded = _pack(ctx, request, posted.fields.get("jurisdiction_id"))
        done, dropped = submit.submit(ctx, loaded, posted,
                                      request.headers.get("idempotency-key"))
        notice = done.decision.message
        if dropped:
            notice += (" Vos coordonnées n'ont pas été conservées : ajoutez "
                       "contact_consent=true pour être recontacté.")
        answer: dict[str, Any] = {"service_request_id": str(done.report_id),
                                  "service_notice": notice, "account_id": None}
        if posted.fields.get("extensions", "").lower() in TRUE:
            answer["extended_attributes"] = {
                "tracking_code": done.tracking_code,
                "emergency": done.decision.emergency,
                "emergency_number": done.decision.emergency_number,
                "agency_responsible_id": done.decision.actors[0] if done.decision.actors
                else None,
                "handled_when": done.decision.handled_when,
            }
        return render(fmt, "service_requests", [answer])
    return _answer(fmt, produce)


@router.api_route("/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                  include_in_schema=False)
def not_found(rest: str, request: Request) -> Response:
    stem, _, fmt = rest.rpartition(".")
    fmt = fmt if stem else "json"
    if stem in ("discovery", "services", "requests") or stem.startswith(("services/",
                                                                          "requests/")):
        return error_response(fmt, Open311Error(405, f"Méthode {request.method} non autorisée "
                                                     f"sur /open311/v2/{rest}."))
    return error_response(fmt, Open311Error(404, f"Ressource Open311 inconnue : /{rest}."))
