"""Plug the HTML pages, the SSE stream and the static files into the application.

One call from ``create_app`` keeps ``bia.api.app`` unaware of the web layer's pieces.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Mount

from bia.api import stream
from bia.web import analysis, citizen, console, documents_page, oidc_login
from bia.web.render import STATIC_DIR, CachedStaticFiles


def install(app: FastAPI) -> None:
    """Call it before ``app.include_router(cases.router)``: ``/api/v1/cases/stream`` must be
    matched before ``/api/v1/cases/{case_id}`` (whose int parameter would answer 422)."""
    app.include_router(stream.router)
    app.include_router(console.router)
    app.include_router(oidc_login.router)
    app.include_router(documents_page.router)
    app.include_router(citizen.router)
    app.include_router(analysis.router)
    # our StaticFiles adds Cache-Control; it replaces a plain "/static" mount if one exists
    app.router.routes[:] = [r for r in app.router.routes
                            if not (isinstance(r, Mount) and r.path == "/static")]
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
