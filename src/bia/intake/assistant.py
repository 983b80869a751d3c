"""The assistant's flows: one-shot analysis and conversations, over the NLU and dialogue engine.

The dialogue engine (``bia.conversation.dialogue``) is pure; here the state is loaded and
saved, the report is stored (and committed) when the engine asks for it, and only then is the
confirmation with the tracking code produced.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bia.context import Context, LoadedPack
from bia.core.coltypes import utcnow
from bia.core.errors import NotFound
from bia.core.settings import Settings
from bia.core.types import Analysis, Location, RoutingDecision
from bia.intake.flows import decide, place, submit_report
from bia.intake.models import Conversation, Report
from bia.intake.photos import attach_to_report
from bia.ops.metrics import observe_turn


def build_nlu(settings: Settings, loaded: LoadedPack) -> Any:
    """The configured NLU over the pack's gazetteer; the LLM backend wraps the local one."""
    from bia.conversation.nlu import LocalNlu, get_nlu
    from bia.geo.gazetteer import Gazetteer, LandmarkEntry, StreetEntry

    pack = loaded.pack
    streets = [StreetEntry(name=r["name"], street_type=r.get("street_type") or None,
                           lat=r.get("lat"), lon=r.get("lon"), alias_of=r.get("alias_of") or None)
               for r in pack.streets]
    landmarks = [LandmarkEntry(id=str(r.get("id") or r["name"]), name=r["name"],
                               aliases=tuple(a.strip() for a in (r.get("aliases") or "").split("|")
                                             if a.strip()),
                               kind=r.get("kind") or None, lat=r.get("lat"), lon=r.get("lon"),
                               zone=r.get("zone") or None) for r in pack.landmarks]
    local = LocalNlu(Gazetteer(streets, landmarks), cache_dir=settings.nlu_cache_dir)
    if settings.nlu_backend == "local":
        return local
    return get_nlu(settings.nlu_backend, base_url=settings.llm_base_url, model=settings.llm_model,
                   api_key=settings.llm_api_key, timeout=settings.llm_timeout_s, local=local)


def commune_info(loaded: LoadedPack) -> Any:
    """Local contacts the assistant gives, from the pack."""
    from bia.conversation.replies import CommuneInfo

    pack = loaded.pack
    police = pack.actors.get("police_municipale")
    defaults = CommuneInfo()
    return CommuneInfo(town_hall=f"Mairie de {pack.commune.name}",
                       police_desk_phone=pack.commune.police_desk or defaults.police_desk_phone,
                       police_address=defaults.police_address,
                       police_hours=police.hours_label if police else defaults.police_hours)


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
    """What the assistant would answer to this single message."""
    from bia.conversation import replies

    if decision.emergency:
        return replies.emergency_first(decision.emergency_number or "112",
                                       decision.extra_numbers,
                                       ask_place=analysis.location is None,
                                       language=analysis.language)
    if analysis.category == "information":
        return replies.answer_information(analysis.text, commune_info(loaded))
    reply = decision.message
    if analysis.location is None:
        reply += " " + replies.QUESTIONS["location"]
    return reply


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

    reply, state = dialogue.start(at or utcnow(), info=commune_info(loaded))
    conversation_id = str(uuid.uuid4())
    with ctx.session() as session:
        session.add(Conversation(id=conversation_id, commune_id=loaded.commune_id,
                                 channel=channel, state=state))
    return TurnResult(conversation_id, reply, public_state(state))


RESUME_WINDOW = timedelta(hours=24)


def history(ctx: Context, loaded: LoadedPack, conversation_id: str) -> dict[str, Any]:
    """What the resident's page shows again after a refresh: the exchange and its state.

    The conversation id (a random UUID held by the resident's browser) is the only key, so the
    exchange is given back for a day after its last message, then refused.
    """
    with ctx.read_session() as session:
        conv = session.get(Conversation, conversation_id)
        if conv is None or conv.commune_id != loaded.commune_id:
            raise NotFound("Conversation introuvable : recommencez.", code="conversation_inconnue")
        updated = conv.updated_at if conv.updated_at.tzinfo else conv.updated_at.replace(tzinfo=UTC)
        if utcnow() - updated > RESUME_WINDOW:
            raise NotFound("Cette conversation est terminée depuis plus d'un jour : "
                           "suivez votre signalement avec son code de suivi.",
                           code="conversation_expiree")
        state = dict(conv.state or {})
    messages = [{"who": t.get("who"), "text": t.get("text")}
                for t in state.get("transcript") or [] if isinstance(t, dict)]
    return {"id": conversation_id, "messages": messages, "state": public_state(state)}


def _analysis_from_state(state: dict[str, Any]) -> Analysis:
    loc = state.get("location") or None
    occurred = state.get("occurred_at")
    return Analysis(
        text="\n".join(t["text"] for t in state.get("transcript") or []
                        if isinstance(t, dict) and t.get("who") == "resident"),
        language=state.get("language") or "fr",
        category=state.get("category") or "autre",
        confidence=float(state.get("confidence") or 0.0),
        emergency=bool(state.get("emergency")),
        emergency_number=state.get("emergency_number"),
        location=Location(**{k: loc.get(k) for k in ("text", "street", "number", "lat", "lon",
                                                      "zone", "cross_street")}) if loc else None,
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
    with observe_turn(channel):
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
        if report_id is not None:  # photos sent before the report was stored follow it
            attach_to_report(session, conversation_id=conversation_id, report_id=report_id)
    return TurnResult(conversation_id, reply, public_state(state))
