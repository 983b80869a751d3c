"""FastAPI dependencies: the shared context, a database session, the commune in scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Path, Request
from sqlalchemy.orm import Session

from bia.context import Context, LoadedPack


def get_context(request: Request) -> Context:
    return request.app.state.ctx  # type: ignore[no-any-return]


async def get_session(ctx: Annotated[Context, Depends(get_context)]) -> AsyncIterator[Session]:
    """The request's unit of work, committed before the response is sent.

    An async dependency on purpose: its set-up and commit run on the event loop, so the
    SQLite write lock (taken at the first statement, in the endpoint's worker thread) is
    released without waiting for another worker thread — with sync set-up/tear-down, a pool
    full of requests waiting for the lock could starve the one holding it.
    """
    with ctx.session() as session:
        yield session


def get_pack(ctx: Annotated[Context, Depends(get_context)],
             x_bia_commune: Annotated[str | None, Header(
                 description="Code INSEE de la commune (par défaut : celle du déploiement)",
                 pattern=r"^\d[\dAB]\d{3}$")] = None) -> LoadedPack:
    """Every request is scoped to one commune: the header's, or the deployment's default."""
    return ctx.pack(x_bia_commune)


ContextDep = Annotated[Context, Depends(get_context)]
SessionDep = Annotated[Session, Depends(get_session)]
PackDep = Annotated[LoadedPack, Depends(get_pack)]
# A case id in a URL: bounded to a signed 64-bit integer, so that a huge number is a 422 and
# never reaches the database driver (SQLite raises OverflowError beyond 2**63 - 1).
CaseId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Identifiant du dossier")]
