"""The police console: login, the live queue, one case, and the pack's map layers.

Pages are rendered on the server (fast on a tablet, readable by screen readers without
scripts); actions are posted by ``console-case.js`` to the JSON API with the CSRF header, so
the transition rules and their French refusals live in one place (``bia.cases.service``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from bia.api.auth import COOKIE, Staff, set_session_cookie
from bia.api.cases import detail
from bia.api.deps import ContextDep
from bia.api.stream import queue_signature
from bia.cases import audit, tokens
from bia.cases import service as cases
from bia.cases.users import authenticate
from bia.context import Context, LoadedPack
from bia.core.errors import BiaError, NotFound
from bia.web import casepage
from bia.web.queue import PERIODS, STATUS_CHOICES, QueueFilters, fetch_queue, zone_names
from bia.web.render import page, security_headers, tile_attribution, tile_url
from bia.web.session import (
    LOGIN_CSRF_COOKIE,
    LOGIN_PATH,
    is_https,
    login_csrf_ok,
    may_use_console,
    new_login_csrf,
    oidc_label,
    pack_for,
    safe_next,
    session_csrf_ok,
    staff_from_cookie,
    to_login,
)

router = APIRouter(prefix="/console", include_in_schema=False)
ROLE_LABELS = {"agent": "Agent", "chef_de_poste": "Chef de poste", "analyste": "Analyste",
               "admin": "Administrateur"}


def _guard(request: Request, ctx: Context) -> Staff | Response:
    """A console page needs a live session and a police role; anything else is navigation."""
    staff = staff_from_cookie(request, ctx)
    if staff is None:
        return to_login(request)
    if not may_use_console(staff):
        return page(request, ctx.settings, "console/refuse.html", status_code=403,
                    **_common(ctx, staff, ctx.pack()))
    return staff


def _common(ctx: Context, staff: Staff | None, loaded: LoadedPack) -> dict[str, Any]:
    return {"staff": staff, "role_label": ROLE_LABELS.get(staff.role, staff.role) if staff else "",
            "commune": loaded.pack.commune, "tiles": tile_url(ctx.settings),
            "tiles_attribution": tile_attribution(ctx.settings)}


def _login_page(request: Request, ctx: Context, *, error: str | None = None,
                notice: str | None = None, username: str = "", status_code: int = 200
                ) -> Response:
    token = new_login_csrf()
    response = page(request, ctx.settings, "console/connexion.html", status_code=status_code,
                    error=error, notice=notice, username=username, csrf=token,
                    oidc_label=oidc_label(),
                    suite=safe_next(request.query_params.get("suite")),
                    **_common(ctx, None, ctx.pack()))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=is_https(request), path=LOGIN_PATH, max_age=3600)
    return response


@router.get("/connexion")
def login_form(request: Request, ctx: ContextDep) -> Response:
    staff = staff_from_cookie(request, ctx)
    if staff is not None and may_use_console(staff):
        return RedirectResponse(safe_next(request.query_params.get("suite")), status_code=303)
    notice = "Vous êtes déconnecté." if request.query_params.get("sortie") else None
    return _login_page(request, ctx, notice=notice)


@router.post("/connexion")
def login(request: Request, ctx: ContextDep,
          username: Annotated[str, Form(max_length=64)] = "",
          password: Annotated[str, Form(max_length=256)] = "",
          csrf: Annotated[str, Form(max_length=100)] = "",
          suite: Annotated[str, Form(max_length=500)] = "/console") -> Response:
    if not login_csrf_ok(request, csrf):
        return _login_page(request, ctx, username=username, status_code=403,
                           error="Le formulaire a expiré : merci de vous identifier à nouveau.")
    if not username.strip() or not password:
        return _login_page(request, ctx, username=username, status_code=422,
                           error="Saisissez votre identifiant et votre mot de passe.")
    try:
        with ctx.session() as session:
            user = authenticate(session, username=username.strip(), password=password)
            value, _ = tokens.issue(ctx.settings.secret_key, username=user.username,
                                    role=user.role)
    except BiaError as exc:  # wrong password, unknown account, lockout: the service's French
        return _login_page(request, ctx, username=username, status_code=exc.status,
                           error=exc.message)
    response = RedirectResponse(safe_next(suite), status_code=303)
    set_session_cookie(response, value, secure=is_https(request))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/deconnexion")
def logout(request: Request, ctx: ContextDep,
           csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    raw = request.cookies.get(COOKIE)
    if raw:  # a live session leaves only with its own CSRF value (no forced logout)
        try:
            claims = tokens.verify(ctx.settings.secret_key, raw)
        except BiaError:
            claims = None
        if claims is not None and not session_csrf_ok(claims.csrf, csrf):
            return RedirectResponse("/console", status_code=303)
    response = RedirectResponse(f"{LOGIN_PATH}?sortie=1", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def _queue_context(ctx: Context, staff: Staff, request: Request) -> dict[str, Any]:
    loaded = pack_for(ctx, staff)
    filters = QueueFilters.parse(request.query_params, loaded)
    with ctx.session() as session:
        signature = queue_signature(session, commune_id=loaded.commune_id)
        queue = fetch_queue(session, loaded=loaded, filters=filters, now=datetime.now(UTC))
        audit.record(session, username=staff.username, action="case.list", object_type="case",
                     commune_id=loaded.commune_id,
                     detail={"via": "console", "filtres": filters.query_string(),
                             "count": len(queue.rows)})
    return {"queue": queue, "signature": signature, "now": datetime.now(UTC),
            "zones": zone_names(loaded), "categories": loaded.pack.categories,
            "statuses": STATUS_CHOICES, "periods": {k: v[0] for k, v in PERIODS.items()},
            **_common(ctx, staff, loaded)}


@router.get("")
def queue_page(request: Request, ctx: ContextDep) -> Response:
    staff = _guard(request, ctx)
    if isinstance(staff, Response):
        return staff
    return page(request, ctx.settings, "console/file.html", **_queue_context(ctx, staff, request))


@router.get("/file")
def queue_fragment(request: Request, ctx: ContextDep) -> Response:
    """The queue section alone, fetched by the page when the SSE stream says it changed."""
    staff = staff_from_cookie(request, ctx)
    if staff is None or not may_use_console(staff):
        return Response(status_code=401, headers=security_headers(ctx.settings))
    return page(request, ctx.settings, "console/_file.html", **_queue_context(ctx, staff, request))


@router.get("/dossiers/{case_id}")
def case_page(case_id: int, request: Request, ctx: ContextDep) -> Response:
    staff = _guard(request, ctx)
    if isinstance(staff, Response):
        return staff
    loaded = pack_for(ctx, staff)
    try:
        with ctx.session() as session:
            case = cases.get_case(session, case_id=case_id, commune_id=loaded.commune_id)
            audit.record(session, username=staff.username, action="case.read",
                         object_type="case", object_id=case.id, commune_id=case.commune_id)
            info = detail(session, case, loaded)
    except NotFound as exc:
        return page(request, ctx.settings, "console/introuvable.html", status_code=404,
                    message=exc.message, **_common(ctx, staff, loaded))
    return page(request, ctx.settings, "console/dossier.html",
                view=casepage.build(info, loaded), case=info, csrf=staff.csrf,
                **_common(ctx, staff, loaded))


def _geojson(body: bytes, digest: str) -> Response:
    """Pack layers change only with the pack: cache them, keyed by the pack's digest."""
    headers = {"Cache-Control": "private, max-age=3600", "ETag": f'"{digest}"',
               "X-Content-Type-Options": "nosniff"}
    return Response(body, media_type="application/geo+json", headers=headers)


@router.get("/carte/zones.geojson")
def zones_layer(request: Request, ctx: ContextDep) -> Response:
    """The commune's boundary and named zones, drawn even when no tile server is reachable."""
    staff = staff_from_cookie(request, ctx)
    if staff is None:
        return Response(status_code=401)
    loaded = pack_for(ctx, staff)
    body = loaded.extras.get("web.zones")
    if body is None:
        body = loaded.extras["web.zones"] = json.dumps(loaded.pack.zones_geojson).encode()
    return _geojson(body, loaded.pack.digest)


@router.get("/carte/rues.geojson")
def streets_layer(request: Request, ctx: ContextDep) -> Response:
    """Street lines from the pack folder when present, else the gazetteer's points."""
    staff = staff_from_cookie(request, ctx)
    if staff is None:
        return Response(status_code=401)
    loaded = pack_for(ctx, staff)
    body = loaded.extras.get("web.streets")
    if body is None:
        body = loaded.extras["web.streets"] = casepage.streets_geojson(loaded)
    return _geojson(body, loaded.pack.digest)
