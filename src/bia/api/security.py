"""HTTP hardening: security headers, request size limits, per-client rate limits.

Size: every request body is limited to ``BIA_MAX_BODY_BYTES``, except the photo upload route,
which may receive ``BIA_PHOTO_MAX_BYTES`` plus the form's overhead. The limit is checked on the
announced ``Content-Length`` and again while the body is read (a chunked body announces none).

Rate limits: a sliding window per (client address, route group). With
``BIA_RATE_LIMIT_REDIS_URL`` the windows live in Redis (a sorted set per key, trimmed, counted
and appended by one Lua script, so the check is atomic and timed by Redis's clock), and every
worker and host shares one budget: the limit is global. Without it, or while Redis cannot be
reached, each process counts alone. A public-safety line must not go down because its limiter
did: a Redis failure is logged (at most once a minute), requests keep being served under the
per-process windows, and Redis is tried again a few seconds later.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bia.api.errors import error_body
from bia.core.settings import Settings
from bia.intake.photos import PhotoSettings, get_photo_settings

log = logging.getLogger("bia.security")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: {tiles}; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
# Swagger UI's page carries one inline bootstrap script; only /docs gets this relaxation.
CSP_DOCS = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' "
            "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")

PHOTO_UPLOAD = re.compile(r"^/api/v1/conversations/[^/]+/photos/?$")
FORM_OVERHEAD = 64_000  # multipart boundaries, part headers and the consent field
# route groups limited per client (path prefix, method or None for any) → setting name;
# the photo upload is matched first (its path starts like the chat's)
LIMITED = (
    ("/api/v1/conversations", "POST", "chat"),
    ("/api/v1/analyze", "POST", "analyze"),
    ("/open311/v2/requests", "POST", "open311"),
    ("/api/v1/reports/", "GET", "tracking"),
    ("/api/v1/conversations/", "GET", "tracking"),  # resuming a chat: a look-up by secret id
    ("/suivi/", "GET", "tracking"),
    ("/api/v1/auth/token", "POST", "login"),
    ("/console/connexion", "POST", "login"),
    ("/console/connexion/oidc", "GET", "login"),  # OpenID Connect start and callback
)
TOO_LARGE = "Contenu trop volumineux pour être traité."


def photo_settings_of(app: Any) -> PhotoSettings:
    """The app's photo limits, read once per app (a test may set ``app.state.photo_settings``)."""
    state = app.state
    if not hasattr(state, "photo_settings"):
        state.photo_settings = get_photo_settings()
    return state.photo_settings  # type: ignore[no-any-return]


def body_too_large() -> HTTPException:
    """Raised while a body is read; an HTTPException so that FastAPI's body parsing lets it
    through (it turns other errors into a 400) and the handler answers 413 in French."""
    return HTTPException(status_code=413, detail=TOO_LARGE)


class BodyLimit:
    """Pure ASGI: refuse an announced oversize body at once, count the bytes of the others."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app, self.settings = app, settings

    def limit(self, scope: Scope) -> int:
        if scope.get("method") == "POST" and PHOTO_UPLOAD.match(scope.get("path", "")):
            return photo_settings_of(scope["app"]).photo_max_bytes + FORM_OVERHEAD
        return self.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            response = JSONResponse(error_body("trop_volumineux", TOO_LARGE), 413)
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise body_too_large()
            return message

        await self.app(scope, counted, send)


class Limiter(Protocol):
    async def allow(self, key: tuple[str, str], limit: int,
                    window_s: float = 60.0) -> tuple[bool, int]: ...


class SlidingWindow:
    """In-process windows: exact for one worker, ``workers × limit`` for several."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: tuple[str, str], limit: int, window_s: float = 60.0) -> tuple[bool, int]:
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

    async def allow(self, key: tuple[str, str], limit: int,
                    window_s: float = 60.0) -> tuple[bool, int]:
        return self.check(key, limit, window_s)


# KEYS[1] the window; ARGV: window in ms, limit, a unique member. Redis's own clock, so that
# workers on several hosts agree. Returns {allowed (1/0), milliseconds until a slot frees}.
SLIDING_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, window - (now - tonumber(oldest[2]))}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
"""


class RedisWindow:
    """Windows shared through Redis; falls back to in-process windows when Redis fails."""

    RETRY_AFTER_S = 5.0  # after a failure, Redis is left alone this long (no added latency)
    WARN_EVERY_S = 60.0

    def __init__(self, url: str, prefix: str, *, timeout_s: float = 0.5) -> None:
        self.url, self.prefix, self.timeout_s = url, prefix, timeout_s
        self.fallback = SlidingWindow()
        self._client: Any = None
        self._script: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._down_until = 0.0
        self._warned_at = -1e9
        self.failures = 0

    def _connect(self) -> Any:
        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:  # a client belongs to one loop
            self._client = aioredis.Redis.from_url(
                self.url, socket_timeout=self.timeout_s, socket_connect_timeout=self.timeout_s,
                retry_on_timeout=False, health_check_interval=30)
            self._script = self._client.register_script(SLIDING_LUA)
            self._loop = loop
        return self._script

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        now = time.monotonic()
        self._down_until = now + self.RETRY_AFTER_S
        self._client = None
        if now - self._warned_at >= self.WARN_EVERY_S:
            self._warned_at = now
            log.warning("rate limiter: Redis unreachable (%s: %s); requests are served and "
                        "counted per process until it is back", type(exc).__name__, exc)

    async def allow(self, key: tuple[str, str], limit: int,
                    window_s: float = 60.0) -> tuple[bool, int]:
        if time.monotonic() < self._down_until:
            return self.fallback.check(key, limit, window_s)
        client_key = f"{self.prefix}{key[1]}:{key[0]}"
        try:
            script = self._connect()
            allowed, wait_ms = await asyncio.wait_for(
                script(keys=[client_key], args=[int(window_s * 1000), limit, uuid.uuid4().hex]),
                timeout=self.timeout_s * 4)
        except Exception as exc:  # noqa: BLE001 — any Redis trouble must fail open
            self._failed(exc)
            return self.fallback.check(key, limit, window_s)
        if int(allowed):
            return True, 0
        return False, max(1, -(-int(wait_ms) // 1000))


def build_limiter(settings: Settings) -> Limiter:
    if settings.rate_limit_redis_url:
        return RedisWindow(settings.rate_limit_redis_url, settings.rate_limit_redis_prefix)
    return SlidingWindow()


def _group(request: Request) -> str | None:
    path, method = request.url.path, request.method
    if method == "POST" and PHOTO_UPLOAD.match(path):
        return "photos"
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
    limiter = build_limiter(settings)
    app.state.rate_limiter = limiter
    limits = {"chat": settings.rate_limit_chat, "analyze": settings.rate_limit_analyze,
              "open311": settings.rate_limit_open311, "tracking": settings.rate_limit_tracking,
              "login": settings.rate_limit_login, "photos": settings.rate_limit_photos}
    tiles = settings.map_tile_origin or ""
    # added first, so it runs inside ``harden``: its 413 answers get the security headers too
    app.add_middleware(BodyLimit, settings=settings)

    @app.middleware("http")
    async def harden(request: Request,
                     call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if settings.rate_limit_enabled:
            group = _group(request)
            if group:
                key = (client_address(request, settings.trust_proxy), group)
                ok, retry = await limiter.allow(key, limits[group])
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
