"""FastAPI dependencies: the shared context, a database session, the commune in scope."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.orm import Session

from bia.context import Context, LoadedPack


def get_context(request: Request) -> Context:
    return request.app.state.ctx  # type: ignore[no-any-return]


def get_session(ctx: Annotated[Context, Depends(get_context)]) -> Iterator[Session]:
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
