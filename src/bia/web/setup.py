"""Plug the HTML pages, the SSE stream and the static files into the application.

One call from ``create_app`` keeps ``bia.api.app`` unaware of the web layer's pieces.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import BaseRoute, Mount, Route

from bia.api import stream
from bia.web import citizen, console
from bia.web.render import STATIC_DIR, CachedStaticFiles


def _stream_first(routes: list[BaseRoute]) -> None:
    """``/api/v1/cases/stream`` must win over ``/api/v1/cases/{case_id}``, whatever the order
    the routers were included in (the int path parameter would answer 422 for "stream")."""
    for index, route in enumerate(list(routes)):
        if isinstance(route, Route) and route.path == "/api/v1/cases/stream":
            routes.insert(0, routes.pop(index))
            return


def install(app: FastAPI) -> None:
    app.include_router(stream.router)
    app.include_router(console.router)
    app.include_router(citizen.router)
    # our StaticFiles adds Cache-Control; it replaces a plain "/static" mount if one exists
    app.router.routes[:] = [r for r in app.router.routes
                            if not (isinstance(r, Mount) and r.path == "/static")]
    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    _stream_first(app.router.routes)
