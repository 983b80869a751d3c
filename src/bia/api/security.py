"""HTTP hardening: security headers, request size limits, per-client rate limits.

Rate limits are kept in process memory (a sliding window per client address and route
group); with several workers each holds its own window, so the effective limit is
``workers × limit`` — set the limits accordingly or rate-limit at the reverse proxy too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from bia.api.errors import error_body
from bia.core.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# Swagger UI's page carries one inline bootstrap script; only /docs gets this relaxation.
CSP_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
            "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")

# route groups limited per client (path prefix, method or None for any) → setting name
LIMITED = (
    ("/api/v1/conversations", "POST", "chat"),
    ("/api/v1/analyze", "POST", "analyze"),
    ("/open311/v2/requests", "POST", "open311"),
    ("/api/v1/reports/", "GET", "tracking"),
    ("/suivi/", "GET", "tracking"),
    ("/api/v1/auth/token", "POST", "login"),
    ("/console/connexion", "POST", "login"),
)


class SlidingWindow:
    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: tuple[str, str], limit: int, window_s: float = 60.0) -> tuple[bool, int]:
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - window_s:
                hits.popleft()
            if len(hits) >= limit:
                return False, int(window_s - (now - hits[0])) + 1
            hits.append(now)
            if len(self._hits) > 100_000:  # bound memory under a flood of addresses
                self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - window_s}
            return True, 0


def _group(request: Request) -> str | None:
    path, method = request.url.path, request.method
    for prefix, verb, group in LIMITED:
        if path.startswith(prefix) and (verb is None or verb == method):
            return group
    return None


def client_address(request: Request, trust_proxy: bool) -> str:
    if trust_proxy:
        forwarded = request.headers.get("x-forwarded-for")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "?"


def install_security(app: FastAPI, settings: Settings) -> None:
    window = SlidingWindow()
    limits = {"chat": settings.rate_limit_chat, "analyze": settings.rate_limit_analyze,
              "open311": settings.rate_limit_open311, "tracking": settings.rate_limit_tracking,
              "login": settings.rate_limit_login}
    tiles = settings.map_tile_origin or ""

    @app.middleware("http")
    async def harden(request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_body_bytes:
            return JSONResponse(error_body("trop_volumineux",
                                           "Contenu trop volumineux pour être traité."), 413)
        if settings.rate_limit_enabled:
            group = _group(request)
            if group:
                key = (client_address(request, settings.trust_proxy), group)
                ok, retry = window.allow(key, limits[group])
                if not ok:
                    return JSONResponse(
                        error_body("trop_de_requetes",
                                   "Trop de demandes en peu de temps : réessayez dans "
                                   f"{retry} secondes. En cas d'urgence, appelez le 17 ou le 112."),
                        429, headers={"Retry-After": str(retry)})
        response = await call_next(request)
        headers = response.headers
        docs = request.url.path in ("/docs", "/docs/oauth2-redirect")
        headers.setdefault("Content-Security-Policy",
                           CSP_DOCS if docs else CSP.format(tiles=tiles).replace("  ", " "))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        https = request.url.scheme == "https" or (
            settings.trust_proxy and request.headers.get("x-forwarded-proto") == "https")
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
