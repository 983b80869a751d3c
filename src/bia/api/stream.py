"""``GET /api/v1/cases/stream``: Server-Sent Events telling consoles that the queue changed.

Each connection polls the database every ~2 s for an aggregate signature of the commune's cases
(count, last id, last update). Reading the database rather than an in-process event bus is what
lets several server processes (or a CLI, or the phone channel) change cases and every console
still hear about it. The event carries no case data: the page re-fetches what it is allowed to
see through the normal, audited routes.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from datetime import datetime

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bia.api.auth import CASE_ROLES, Staff, staff_of
from bia.api.deps import ContextDep
from bia.cases.models import Case
from bia.context import Context
from bia.core.errors import Forbidden

router = APIRouter(prefix="/api/v1/cases", tags=["dossiers (police municipale)"])

POLL_S = 2.0
HEARTBEAT_S = 15.0  # a comment line keeps proxies from closing an idle stream
MAX_STREAM_S = 30 * 60.0  # then the browser reconnects, which re-checks the session
RETRY_MS = 3000


def _authenticate(request: Request, ctx: Context) -> tuple[Staff, int]:
    with ctx.read_session() as session:
        staff = staff_of(request, session, ctx)
    if staff.role not in CASE_ROLES:
        raise Forbidden("Votre rôle ne permet pas d'accéder à cette ressource.")
    loaded = ctx.pack_of(staff.commune_id) if staff.commune_id else ctx.pack()
    return staff, loaded.commune_id


def queue_signature(session: Session, *, commune_id: int) -> str:
    """Changes whenever a case of the commune is created or updated (one cheap aggregate).

    The console renders it into the page and compares it with the stream's, so a change made
    between the page render and the stream's first poll is not missed.
    """
    count, last_update, last_id = session.execute(
        select(func.count(Case.id), func.max(Case.updated_at), func.max(Case.id))
        .where(Case.commune_id == commune_id)).one()
    stamp = last_update.isoformat() if isinstance(last_update, datetime) else str(last_update)
    return f"{count}-{last_id}-{stamp}"


def _signature(ctx: Context, commune_id: int) -> str:
    with ctx.read_session() as session:
        return queue_signature(session, commune_id=commune_id)


def _event(name: str, data: dict[str, object], event_id: str | None = None) -> str:
    head = f"event: {name}\n" + (f"id: {event_id}\n" if event_id else "")
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n"


async def queue_events(request: Request, ctx: Context, commune_id: int, *,
                       poll_s: float = POLL_S, max_s: float = MAX_STREAM_S
                       ) -> AsyncIterator[str]:
    """Emit ``queue`` at once (the current signature), then on every change."""
    yield f"retry: {RETRY_MS}\n\n"
    started = last_sent = time.monotonic()
    last: str | None = None
    while time.monotonic() - started < max_s:
        if await request.is_disconnected():
            return
        signature = await run_in_threadpool(_signature, ctx, commune_id)
        if signature != last:
            last, last_sent = signature, time.monotonic()
            yield _event("queue", {"signature": signature}, event_id=signature)
        elif time.monotonic() - last_sent > HEARTBEAT_S:
            last_sent = time.monotonic()
            yield ": en attente\n\n"
        await anyio.sleep(poll_s)


@router.get("/stream", summary="Flux des changements de la file (Server-Sent Events)",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}},
                             "description": "Événements `queue` : {\"signature\": …}"}})
async def stream(request: Request, ctx: ContextDep) -> StreamingResponse:
    """Same authentication as the other case routes (bearer token or console cookie)."""
    _, commune_id = await run_in_threadpool(_authenticate, request, ctx)
    return StreamingResponse(
        queue_events(request, ctx, commune_id), media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
