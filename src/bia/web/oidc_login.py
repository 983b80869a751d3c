"""Console routes of the OpenID Connect login (:mod:`bia.web.oidc` does the protocol).

``/console/connexion/oidc`` sends the browser to the provider; the provider sends it back to
``/console/connexion/oidc/retour`` (register ``BIA_PUBLIC_URL`` + that path as redirect URI at
the provider). A refusal lands on the login page with a French message; success sets the same
session cookie as a password login.
"""

from __future__ import annotations

import html

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bia.api.auth import set_session_cookie
from bia.api.deps import ContextDep
from bia.cases import audit, tokens
from bia.context import Context
from bia.core.errors import BiaError, NotFound
from bia.web import oidc
from bia.web.console import _login_page
from bia.web.render import security_headers
from bia.web.session import is_https, safe_next

router = APIRouter(prefix="/console/connexion/oidc", include_in_schema=False)
PENDING_COOKIE = "bia_oidc"
CALLBACK = "/console/connexion/oidc/retour"


def _settings() -> oidc.OidcSettings:
    cfg = oidc.OidcSettings()
    if not cfg.enabled:
        raise NotFound("La connexion par le compte de la Ville n'est pas configurée.",
                       code="oidc_non_configure")
    return cfg


def redirect_uri(ctx: Context) -> str:
    return ctx.settings.public_url.rstrip("/") + CALLBACK


def _refused(request: Request, ctx: Context, exc: BiaError) -> Response:
    response = _login_page(request, ctx, error=exc.message, status_code=exc.status)
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK)
    response.headers["Cache-Control"] = "no-store"
    return response


def _same_site_hop(ctx: Context, target: str) -> HTMLResponse:
    """A page that moves on to ``target`` by itself. A 303 would keep the navigation the
    provider started cross-site, and the browser would then withhold our SameSite=Strict
    session cookie from the very next request; a refresh from our own page is same-site."""
    url = html.escape(target, quote=True)
    return HTMLResponse(
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={url}"><title>Connexion réussie</title>'
        f'</head><body><p>Connexion réussie. <a href="{url}">Continuer vers la console</a>'
        f'</p></body></html>',
        headers={**security_headers(ctx.settings), "Cache-Control": "no-store"})


@router.get("")
def oidc_start(request: Request, ctx: ContextDep) -> Response:
    cfg = _settings()
    try:
        url, pending = oidc.start(cfg, redirect_uri=redirect_uri(ctx),
                                  suite=safe_next(request.query_params.get("suite")))
    except BiaError as exc:
        return _refused(request, ctx, exc)
    response = RedirectResponse(url, status_code=303)
    # Lax, not Strict: the provider's redirect back is a cross-site top-level navigation
    response.set_cookie(PENDING_COOKIE, pending.seal(ctx.settings.secret_key), httponly=True,
                        samesite="lax", secure=is_https(request), path=CALLBACK, max_age=600)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/retour")
def oidc_callback(request: Request, ctx: ContextDep) -> Response:
    cfg = _settings()
    params = request.query_params
    audited = False
    try:
        pending = oidc.Pending.open(ctx.settings.secret_key, request.cookies.get(PENDING_COOKIE))
        oidc.check_state(pending, params.get("state"))
        if params.get("error"):
            raise oidc.OidcError("Le fournisseur d'identité a refusé la connexion "
                                 f"({params['error'][:60]}).", code="oidc_refus_fournisseur")
        code = params.get("code")
        if not code or len(code) > 2048:
            raise oidc.OidcError("Réponse du fournisseur d'identité sans code de connexion.",
                                 code="oidc_code_absent")
        answer = oidc.exchange(cfg, code=code, redirect_uri=redirect_uri(ctx), pending=pending)
        claims = oidc.verify_id_token(cfg, str(answer["id_token"]), nonce=pending.nonce)
        claims = oidc.with_userinfo(cfg, claims, answer.get("access_token"))
        audited = True  # from here on, login_user audits its own refusals
        with ctx.session() as session:
            user = oidc.login_user(session, cfg, claims,
                                   default_commune=ctx.settings.default_commune)
            value, _ = tokens.issue(ctx.settings.secret_key, username=user.username,
                                    role=user.role)
    except BiaError as exc:
        if not audited:  # a forged, replayed or expired answer: traced, with no account named
            with ctx.session() as session:
                audit.record(session, username="(oidc)", action="auth.failure",
                             object_type="staff_user",
                             detail={"method": "oidc", "reason": exc.code})
        return _refused(request, ctx, exc)
    response = _same_site_hop(ctx, safe_next(pending.suite))
    set_session_cookie(response, value, secure=is_https(request))
    response.delete_cookie(PENDING_COOKIE, path=CALLBACK)
    response.headers["Cache-Control"] = "no-store"
    return response

