"""Jinja2 set-up, security headers and static-file caching for the HTML pages.

Pages carry a strict Content-Security-Policy: scripts and styles come from our own origin only
(no inline script, no inline handler), so an injected string in a resident's words can never run
in an agent's browser. Assets are served from the package (no CDN) with cache headers, and our
own URLs carry a content version so that a deployment never serves a stale script.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from bia import __version__
from bia.core.settings import Settings

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
TEMPLATE_DIR = WEB_DIR / "templates"
PARIS = ZoneInfo("Europe/Paris")
VENDOR_MAX_AGE = 7 * 24 * 3600  # vendor files change only with `make install`
VERSIONED_MAX_AGE = 365 * 24 * 3600  # ?v=<content hash> URLs never change content


def tile_url(settings: Settings) -> str | None:
    """The map's base layer, if the deployment configures one (the console works without)."""
    return settings.map_tile_url or None


def tile_attribution(settings: Settings) -> str:
    """Credit the tile server by its host name (its licence usually asks for it)."""
    url = tile_url(settings)
    return f"Fond de carte : {urlsplit(url).netloc.replace('{s}.', '')}" if url else ""


def content_security_policy(settings: Settings) -> str:
    images = "'self' data:"
    url = tile_url(settings)
    if url:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc:
            # Leaflet's "{s}" sub-domain becomes a CSP wildcard: {s}.tile.x.org → *.tile.x.org
            images += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return ("default-src 'self'; script-src 'self'; style-src 'self'; "
            f"img-src {images}; font-src 'self'; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def security_headers(settings: Settings) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(settings),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",  # pages may hold case data: never cache them
    }


@lru_cache(maxsize=1)
def asset_version() -> str:
    """A short hash of our own scripts and styles, appended to their URLs."""
    sha = hashlib.sha256(__version__.encode())
    for folder in ("css", "js"):
        for path in sorted((STATIC_DIR / folder).glob("*")):
            sha.update(path.name.encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:10]


def static_url(path: str) -> str:
    return f"/static/{path}?v={asset_version()}"


def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(PARIS).strftime(fmt)


def age(value: datetime | None, now: datetime | None = None) -> str:
    """"il y a 12 min": agents triage by how long a resident has been waiting."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    minutes = int(((now or datetime.now(UTC)) - value).total_seconds() // 60)
    if minutes < 1:
        return "à l'instant"
    if minutes < 60:
        return f"il y a {minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"il y a {hours} h {minutes % 60:02d}"
    return f"il y a {hours // 24} jours"


def french_int(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR),
                      autoescape=select_autoescape(["html"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.globals.update(static=static_url, version=__version__)
    env.filters.update(heure=local_time, age=age, nombre=french_int)
    return env


def page(request: Request, settings: Settings, template: str, status_code: int = 200,
         **context: Any) -> HTMLResponse:
    """Render a full page with the security headers every page must carry."""
    html = environment().get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status_code, headers=security_headers(settings))


class CachedStaticFiles(StaticFiles):
    """StaticFiles with Cache-Control: long for vendor files and versioned URLs."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            versioned = b"v=" in scope.get("query_string", b"")
            if versioned:
                value = f"public, max-age={VERSIONED_MAX_AGE}, immutable"
            elif path.startswith("vendor/"):
                value = f"public, max-age={VENDOR_MAX_AGE}"
            else:
                value = "public, max-age=300"
            response.headers["Cache-Control"] = value
            response.headers["X-Content-Type-Options"] = "nosniff"
        return response
