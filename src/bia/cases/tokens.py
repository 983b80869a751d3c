"""Signed, expiring staff tokens (bearer for API clients, the same value in the console cookie).

A token is ``base64url(json).base64url(hmac_sha256)``; the account is re-read on every request,
so deactivating a user or changing a role takes effect at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from bia.core.errors import Unauthorized

TOKEN_TTL_S = 12 * 3600  # one shift


@dataclass(frozen=True)
class TokenClaims:
    username: str
    role: str
    expires: int
    csrf: str  # double-submit value the console echoes in forms and X-CSRF-Token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(secret: str, *, username: str, role: str, ttl_s: int = TOKEN_TTL_S,
          now: float | None = None) -> tuple[str, TokenClaims]:
    claims = TokenClaims(username=username, role=role,
                         expires=int((now or time.time()) + ttl_s), csrf=secrets.token_urlsafe(16))
    body = _b64(json.dumps(claims.__dict__, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}", claims


def verify(secret: str, token: str, *, now: float | None = None) -> TokenClaims:
    refused = Unauthorized("Session invalide ou expirée : reconnectez-vous.",
                           code="jeton_invalide")
    try:
        body, mac = token.split(".", 1)
        expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(mac)):
            raise refused
        claims = TokenClaims(**json.loads(_unb64(body)))
    except (ValueError, TypeError, json.JSONDecodeError):
        raise refused from None
    if claims.expires < (now or time.time()):
        raise refused
    return claims
