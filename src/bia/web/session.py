"""Console sessions for HTML pages: who is logged in, login CSRF, safe redirects.

The JSON API answers 401/403 in JSON; a page must instead redirect to the login form or show a
French refusal page, so pages read the same signed cookie through :func:`current_staff` but
turn its errors into navigation.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse

from bia.api.auth import CASE_ROLES, COOKIE, Staff, staff_of
from bia.context import Context, LoadedPack
from bia.core.errors import BiaError

LOGIN_CSRF_COOKIE = "bia_login_csrf"
LOGIN_PATH = "/console/connexion"


def staff_from_cookie(request: Request, ctx: Context) -> Staff | None:
    """The staff member of this browser session, or None (expired, forged, deactivated)."""
    if not request.cookies.get(COOKIE) and not request.headers.get("authorization"):
        return None
    with ctx.read_session() as session:
        try:
            return staff_of(request, session, ctx)
        except BiaError:
            return None


def oidc_label() -> str | None:
    """The single sign-on button's text when an identity provider is configured, else None."""
    from bia.web.oidc import OidcSettings

    cfg = OidcSettings()
    return cfg.oidc_label if cfg.enabled else None


def may_use_console(staff: Staff) -> bool:
    return staff.role in CASE_ROLES


def pack_for(ctx: Context, staff: Staff) -> LoadedPack:
    """Staff see their own commune; an admin without one sees the deployment's default."""
    return ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()


def safe_next(value: str | None) -> str:
    """Only redirect inside the staff pages after login (no open redirect)."""
    if value and value.startswith(("/console", "/analyse")) and not value.startswith("//") \
            and "\\" not in value and not value.startswith(LOGIN_PATH):
        return value
    return "/console"


def to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"{LOGIN_PATH}?suite={quote(target, safe='/')}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def login_csrf_ok(request: Request, sent: str | None) -> bool:
    """Double submit before any session exists: the form field must match our cookie."""
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(expected and sent and hmac.compare_digest(expected, sent))


def session_csrf_ok(expected: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(expected, str(sent))


def is_https(request: Request) -> bool:
    return request.url.scheme == "https"
