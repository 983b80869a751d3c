"""The assistant's flows: one-shot analysis and conversations, over the NLU and dialogue engine.

The dialogue engine (``bia.conversation.dialogue``) is pure; here the state is loaded and
saved, the report is stored (and committed) when the engine asks for it, and only then is the
confirmation with the tracking code produced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bia.context import Context, LoadedPack
from bia.core.coltypes import utcnow
from bia.core.errors import NotFound
from bia.core.settings import Settings
from bia.core.types import Analysis, Location, RoutingDecision
from bia.intake.flows import decide, place, submit_report
from bia.intake.models import Conversation, Report


def build_nlu(settings: Settings, loaded: LoadedPack) -> Any:
    from bia.conversation.nlu import get_nlu

    return get_nlu(settings.nlu_backend, pack=loaded.pack, settings=settings)


def nlu_for(ctx: Context, loaded: LoadedPack) -> Any:
    """The commune's NLU backend, built once per process and pack."""
    key = f"nlu:{loaded.pack.commune.insee}:{loaded.pack.digest}"
    return ctx.service(key, lambda: build_nlu(ctx.settings, loaded))


def analysis_json(loaded: LoadedPack, analysis: Analysis, decision: RoutingDecision,
                  reply: str) -> dict[str, Any]:
    """The one-shot analysis contract (spec: « The one-shot analysis contract »)."""
    category = loaded.pack.categories.get(analysis.category)
    loc = analysis.location
    return {
        "language": analysis.language,
        "category": analysis.category,
        "category_label": category.label if category else analysis.category,
        "confidence": round(float(analysis.confidence), 3),
        "emergency": bool(decision.emergency),
        "emergency_number": decision.emergency_number if decision.emergency else None,
        "actors": list(decision.actors),
        "location": loc.as_dict() if loc and (loc.street or loc.landmark or loc.lat) else None,
        "occurred_at": analysis.occurred_at.isoformat() if analysis.occurred_at else None,
        "reply": reply,
    }


def one_shot_reply(loaded: LoadedPack, analysis: Analysis, decision: RoutingDecision) -> str:
    from bia.conversation import dialogue

    return str(dialogue.one_shot_reply(analysis, decision))


def analyze(ctx: Context | None, loaded: LoadedPack, text: str, at: datetime | None,
            nlu: Any = None) -> dict[str, Any]:
    """One message → the contract's JSON. Without ``ctx`` (CLI on a bare pack) no BAN look-up."""
    at = at or utcnow()
    nlu = nlu or nlu_for(ctx, loaded)  # type: ignore[arg-type]
    analysis = nlu.analyze(text, at)
    place(ctx, loaded, analysis)
    decision = decide(loaded, analysis, at)
    return analysis_json(loaded, analysis, decision, one_shot_reply(loaded, analysis, decision))


@dataclass(frozen=True)
class TurnResult:
    conversation_id: str
    reply: str
    state: dict[str, Any]


def public_state(state: dict[str, Any]) -> dict[str, Any]:
    keys = ("category", "emergency", "emergency_number", "actors", "location", "occurred_at",
            "missing", "done", "tracking_code")
    return {k: state.get(k) for k in keys}


class _Locator:
    """Fills a location's zone (and BAN precision) for the dialogue engine."""

    def __init__(self, ctx: Context, loaded: LoadedPack) -> None:
        self.ctx, self.loaded = ctx, loaded

    def __call__(self, location: Location) -> Location:
        holder = Analysis(text="", location=location)
        place(self.ctx, self.loaded, holder)
        return holder.location or location


def start(ctx: Context, loaded: LoadedPack, *, channel: str, at: datetime | None) -> TurnResult:
    from bia.conversation import dialogue

    reply, state = dialogue.start(at or utcnow())
    conversation_id = str(uuid.uuid4())
    with ctx.session() as session:
        session.add(Conversation(id=conversation_id, commune_id=loaded.commune_id,
                                 channel=channel, state=state))
    return TurnResult(conversation_id, reply, public_state(state))


def _analysis_from_state(state: dict[str, Any]) -> Analysis:
    loc = state.get("location") or None
    occurred = state.get("occurred_at")
    return Analysis(
        text=" / ".join(state.get("transcript") or []),
        language=state.get("language") or "fr",
        category=state.get("category") or "autre",
        confidence=float(state.get("confidence") or 0.0),
        emergency=bool(state.get("emergency")),
        emergency_number=state.get("emergency_number"),
        location=Location(**{k: loc.get(k) for k in ("text", "street", "number", "lat", "lon",
                                                      "zone")}) if loc else None,
        occurred_at=datetime.fromisoformat(occurred) if occurred else None,
        extra_numbers=list(state.get("extra_numbers") or []),
        details=dict(state.get("details") or {}),
    )


def _update_report(ctx: Context, report_id: int, analysis: Analysis) -> None:
    """A later turn completes a report already stored (e.g. the place after an emergency)."""
    with ctx.session() as session:
        report = session.get(Report, report_id)
        if report is None:
            return
        report.text = analysis.text[:20_000]
        loc = analysis.location
        if loc is not None:
            report.location_text, report.street, report.number = loc.text, loc.street, loc.number
            report.lat, report.lon, report.zone_code = loc.lat, loc.lon, loc.zone
        report.occurred_at = analysis.occurred_at or report.occurred_at
        report.details = {**report.details, **analysis.details}


def message(ctx: Context, loaded: LoadedPack, *, conversation_id: str, text: str,
            at: datetime | None) -> TurnResult:
    from bia.conversation import dialogue

    at = at or utcnow()
    with ctx.session() as session:
        conv = session.scalar(select(Conversation).where(Conversation.id == conversation_id)
                              .with_for_update())
        if conv is None or conv.commune_id != loaded.commune_id:
            raise NotFound("Conversation introuvable : recommencez.", code="conversation_inconnue")
        state, channel, report_id = dict(conv.state), conv.channel, conv.report_id
    turn = dialogue.step(state, text, at, nlu_for(ctx, loaded), loaded.router,
                         locate=_Locator(ctx, loaded))
    reply, state = turn.reply, turn.state
    if report_id is not None:  # already stored (emergency first): keep it complete
        _update_report(ctx, report_id, _analysis_from_state(state))
    elif turn.record:
        analysis = _analysis_from_state(state)
        submitted = submit_report(ctx, loaded, channel=channel, text=analysis.text,
                                  analysis=analysis, at=at,
                                  idempotency_key=f"conv-{conversation_id}")
        report_id = submitted.report_id
        confirmation, state = dialogue.confirm_recorded(state, submitted.tracking_code,
                                                        submitted.decision)
        reply = f"{reply}\n\n{confirmation}".strip() if reply else confirmation
    with ctx.session() as session:
        conv = session.get(Conversation, conversation_id)
        assert conv is not None
        conv.state, conv.report_id, conv.updated_at = state, report_id, utcnow()
    return TurnResult(conversation_id, reply, public_state(state))
