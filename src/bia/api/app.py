"""The FastAPI application factory."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

from bia import __version__
from bia.api import (
    analytics,
    assistant,
    auth,
    cases,
    documents,
    health,
    open311,
    photos,
    public,
    twilio,
)
from bia.api.errors import install_error_handlers
from bia.api.security import install_security
from bia.context import Context, build_context
from bia.core.settings import Settings, get_settings
from bia.intake.worker import OutboxWorker
from bia.ops.metrics import MetricsMiddleware
from bia.ops.metrics import router as metrics_router
from bia.web.setup import install as install_web

log = logging.getLogger("bia.http")

DESCRIPTION = """API de BIA 64 200, l'assistant de tranquillité publique de la commune.

Les résidents signalent une incivilité (chat, téléphone, Open311) ; BIA comprend, oriente et
enregistre. La police municipale dispose d'une console et de documents pré-remplis."""


def create_app(settings: Settings | None = None, context: Context | None = None, *,
               run_outbox: bool | None = None) -> FastAPI:
    """Build the app; the outbox worker runs in it unless ``run_outbox`` is False (tests)."""
    settings = settings or get_settings()
    run_outbox = context is None if run_outbox is None else run_outbox

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = OutboxWorker(app.state.ctx)
        if run_outbox:
            worker.start()
        yield
        worker.stop()
        if context is None:
            app.state.ctx.close()

    app = FastAPI(title="BIA 64 200", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.ctx = context or build_context(settings)
    install_error_handlers(app)
    install_security(app, settings)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from local assets (no CDN)."""
        return get_swagger_ui_html(openapi_url="/openapi.json", title="BIA 64 200 – API",
                                   swagger_js_url="/static/vendor/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/dsfr/favicon/favicon.svg")

    @app.middleware("http")
    async def access_log(request: Request,
                         call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:12]
        start = time.perf_counter()
        response = await call_next(request)
        duration = round((time.perf_counter() - start) * 1000, 1)
        response.headers["X-Request-ID"] = request_id
        log.info("%s %s", request.method, request.url.path,
                 extra={"request_id": request_id, "path": request.url.path,
                        "status": response.status_code, "duration_ms": duration})
        return response

    app.add_middleware(MetricsMiddleware)
    app.include_router(metrics_router)
    app.include_router(health.router)
    app.include_router(public.router)
    app.include_router(assistant.router)
    app.include_router(auth.router)
    install_web(app)  # pages, SSE and static files; before cases: /cases/stream beats /cases/{id}
    app.include_router(cases.router)
    app.include_router(documents.router)
    app.include_router(photos.router)
    app.include_router(analytics.router)
    app.include_router(open311.router)
    app.include_router(twilio.router)
    return app
