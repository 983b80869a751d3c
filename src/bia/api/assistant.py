"""Resident-facing assistant routes: one-shot analysis and conversations (web chat, API)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from bia.api.deps import ContextDep, PackDep
from bia.intake import assistant

router = APIRouter(prefix="/api/v1", tags=["assistant"])

MAX_MESSAGE = 5000


class AnalyzeIn(BaseModel):
    text: str = Field(max_length=MAX_MESSAGE, description="Le message du résident, en français.")
    at: datetime | None = Field(default=None, description="« Maintenant » pour le résident "
                                "(ISO 8601) ; par défaut l'heure courante.")


class LocationOut(BaseModel):
    text: str | None
    street: str | None
    number: str | None
    lat: float | None
    lon: float | None
    zone: str | None


class AnalyzeOut(BaseModel):
    language: str
    category: str
    category_label: str
    confidence: float
    emergency: bool
    emergency_number: str | None
    actors: list[str]
    location: LocationOut | None
    occurred_at: str | None
    reply: str


class ConversationIn(BaseModel):
    channel: Literal["web", "api", "sms"] = "web"
    at: datetime | None = None


class MessageIn(BaseModel):
    text: str = Field(max_length=MAX_MESSAGE)
    at: datetime | None = None


class ConversationOut(BaseModel):
    id: str
    reply: str
    state: dict[str, Any]


class TurnOut(BaseModel):
    reply: str
    state: dict[str, Any]


class ChatLine(BaseModel):
    who: Literal["bia", "resident"]
    text: str


class HistoryOut(BaseModel):
    id: str
    messages: list[ChatLine]
    state: dict[str, Any]


@router.post("/analyze", response_model=AnalyzeOut, summary="Analyse d'un message (sans suite)")
def analyze(body: AnalyzeIn, ctx: ContextDep, loaded: PackDep) -> dict[str, Any]:
    return assistant.analyze(ctx, loaded, body.text, body.at)


@router.post("/conversations", response_model=ConversationOut,
             summary="Ouvrir une conversation avec l'assistant")
def open_conversation(body: ConversationIn, ctx: ContextDep, loaded: PackDep) -> ConversationOut:
    turn = assistant.start(ctx, loaded, channel=body.channel, at=body.at)
    return ConversationOut(id=turn.conversation_id, reply=turn.reply, state=turn.state)


@router.get("/conversations/{conversation_id}", response_model=HistoryOut,
            summary="Reprendre une conversation (après un rechargement de la page)",
            responses={404: {"description": "Conversation inconnue ou expirée"}})
def get_conversation(conversation_id: Annotated[str, Path(max_length=64)], ctx: ContextDep,
                     loaded: PackDep) -> dict[str, Any]:
    return assistant.history(ctx, loaded, conversation_id)


@router.post("/conversations/{conversation_id}/messages", response_model=TurnOut,
             summary="Envoyer un message dans une conversation")
def post_message(conversation_id: str, body: MessageIn, ctx: ContextDep,
                 loaded: PackDep) -> TurnOut:
    turn = assistant.message(ctx, loaded, conversation_id=conversation_id, text=body.text,
                             at=body.at)
    return TurnOut(reply=turn.reply, state=turn.state)
