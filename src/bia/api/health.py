"""``/health``: is the database reachable, is a pack loaded, which version runs."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import func, select, text

from bia import __version__
from bia.api.deps import ContextDep
from bia.geo.models import Commune
from bia.intake.models import Report

router = APIRouter(tags=["exploitation"])


@router.get("/health", summary="État du service")
def health(ctx: ContextDep) -> JSONResponse:
    body: dict[str, object] = {"version": __version__, "database": "ko", "pack": None}
    ok = False
    try:
        with ctx.read_session() as session:
            session.execute(text("SELECT 1"))
            body["database"] = "ok"
            communes = session.execute(select(Commune.insee, Commune.name, Commune.pack_digest)
                                       .order_by(Commune.insee)).all()
            body["communes"] = [{"insee": c.insee, "name": c.name, "pack": c.pack_digest}
                                for c in communes]
            default = next((c for c in communes if c.insee == ctx.settings.default_commune), None)
            body["pack"] = default.pack_digest if default else None
            body["reports"] = session.scalar(select(func.count()).select_from(Report))
            ok = default is not None
    except Exception as exc:  # noqa: BLE001 - health reports any failure as such
        body["error"] = type(exc).__name__
    body["status"] = "ok" if ok else "degrade"
    return JSONResponse(body, status_code=200 if ok else 503)
