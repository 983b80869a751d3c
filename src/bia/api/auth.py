"""Staff authentication: bearer tokens for API clients, a session cookie with CSRF for the
console, and role checks. Every route under ``/api/v1/cases`` needs a staff identity."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.api.deps import ContextDep, SessionDep
from bia.cases import tokens
from bia.cases.models import StaffUser
from bia.cases.users import authenticate
from bia.context import Context
from bia.core.errors import Forbidden, Unauthorized

COOKIE = "bia_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

router = APIRouter(prefix="/api/v1/auth", tags=["authentification"])


@dataclass(frozen=True)
class Staff:
    id: int
    username: str
    role: str
    commune_id: int | None
    full_name: str | None
    badge_number: str | None
    via_cookie: bool
    csrf: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    role: str


@router.post("/token", response_model=TokenOut, summary="Jeton d'accès (agents)")
def token(username: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=256)],
          session: SessionDep, ctx: ContextDep) -> TokenOut:
    user = authenticate(session, username=username, password=password)
    value, claims = tokens.issue(ctx.settings.secret_key, username=user.username, role=user.role)
    return TokenOut(access_token=value, expires_in=claims.expires - int(time.time()),
                    role=user.role)


def current_staff(request: Request, ctx: ContextDep) -> Staff:
    """The staff member behind the bearer token or the console cookie (read-only look-up,
    so that checking who calls never takes the database write lock)."""
    with ctx.read_session() as session:
        return staff_of(request, session, ctx)


def staff_of(request: Request, session: Session, ctx: Context) -> Staff:
    header = request.headers.get("authorization", "")
    via_cookie = False
    if header.lower().startswith("bearer "):
        raw = header[7:].strip()
    elif request.cookies.get(COOKIE):
        raw, via_cookie = request.cookies[COOKIE], True
    else:
        raise Unauthorized("Authentification requise.")
    claims = tokens.verify(ctx.settings.secret_key, raw)
    if via_cookie and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or request.query_params.get("csrf")
        if not sent or sent != claims.csrf:
            raise Forbidden("Jeton anti-CSRF manquant ou invalide.", code="csrf_invalide")
    user = session.scalar(select(StaffUser).where(StaffUser.username == claims.username))
    if user is None or not user.active:
        raise Unauthorized("Compte désactivé ou inconnu.", code="compte_inactif")
    return Staff(id=user.id, username=user.username, role=user.role, commune_id=user.commune_id,
                 full_name=user.full_name, badge_number=user.badge_number,
                 via_cookie=via_cookie, csrf=claims.csrf)


StaffDep = Annotated[Staff, Depends(current_staff)]


def require_roles(*roles: str):  # type: ignore[no-untyped-def]
    """Dependency: the staff member must hold one of ``roles``."""

    def check(staff: StaffDep) -> Staff:
        if staff.role not in roles:
            raise Forbidden("Votre rôle ne permet pas d'accéder à cette ressource.")
        return staff

    return check


CASE_ROLES = ("agent", "chef_de_poste", "admin")
CaseStaff = Annotated[Staff, Depends(require_roles(*CASE_ROLES))]


def set_session_cookie(response: Response, value: str, *, secure: bool) -> None:
    response.set_cookie(COOKIE, value, httponly=True, samesite="strict", secure=secure,
                        max_age=tokens.TOKEN_TTL_S, path="/")
