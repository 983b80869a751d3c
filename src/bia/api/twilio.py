"""Twilio-style voice webhooks: the same assistant, with the provider doing speech.

For a commune without a SIP trunk: the number's voice webhook is ``POST /telephony/twilio/voice``
and its status callback ``POST /telephony/twilio/status``. Each answer is TwiML: a
``<Gather input="speech dtmf" language="fr-FR">`` around the reply, ``<Dial>`` for transfers.
The conversation id travels in the action URL, so no call state is kept here. Every request
must carry a valid ``X-Twilio-Signature`` (HMAC-SHA1 of the URL and the sorted parameters,
keyed with the auth token); anything else gets 403, and so does everything when no token is set.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta
from typing import Annotated
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from starlette.datastructures import FormData

from bia.api.deps import ContextDep, PackDep
from bia.channels.phone import prompts as P
from bia.channels.phone.records import CallRecord, finalize_call
from bia.channels.phone.settings import PhoneSettings, get_phone_settings
from bia.channels.speech.frenchtext import TRACKING, for_voice, spell_tracking_code
from bia.core.coltypes import utcnow
from bia.core.errors import Forbidden
from bia.intake import assistant
from bia.intake.models import Conversation

router = APIRouter(prefix="/telephony/twilio", tags=["téléphonie (Twilio)"],
                   include_in_schema=True)
PREFIX = "/telephony/twilio"


def phone_settings(request: Request) -> PhoneSettings:
    """``app.state.phone_settings`` when the app was built with one, else the environment's."""
    return getattr(request.app.state, "phone_settings", None) or get_phone_settings()


PhoneSettingsDep = Annotated[PhoneSettings, Depends(phone_settings)]


def signature(token: str, url: str, params: list[tuple[str, str]]) -> str:
    """Twilio's scheme: URL then each key+value, keys sorted, HMAC-SHA1, base64."""
    payload = url + "".join(k + v for k, v in sorted(params, key=lambda kv: kv[0]))
    digest = hmac.new(token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


async def signed_form(request: Request, settings: PhoneSettingsDep, ctx: ContextDep) -> FormData:
    """The request's form, once its signature is checked (403 otherwise)."""
    form = await request.form()
    token = settings.twilio_auth_token
    given = request.headers.get("x-twilio-signature", "")
    if not token or not given:
        raise Forbidden("Requête refusée : signature absente.", code="signature_absente")
    params = [(k, str(v)) for k, v in form.multi_items()]
    base = (settings.twilio_public_url or ctx.settings.public_url).rstrip("/")
    query = f"?{request.url.query}" if request.url.query else ""
    candidates = {f"{base}{request.url.path}{query}", str(request.url)}
    if not any(hmac.compare_digest(signature(token, url, params), given) for url in candidates):
        raise Forbidden("Requête refusée : signature invalide.", code="signature_invalide")
    return form


SignedForm = Annotated[FormData, Depends(signed_form)]


def _say(text: str) -> str:
    return f'<Say language="fr-FR">{escape(text)}</Say>'


def spoken(reply: str) -> str:
    """TwiML <Say> elements for a reply; tracking codes spelled, then repeated."""
    out, codes, position = [], [], 0
    for match in TRACKING.finditer(reply):
        out.append(_say(for_voice(reply[position:match.start()])))
        out.append(_say(spell_tracking_code(match.group(0))))
        codes.append(match.group(0))
        position = match.end()
    out.append(_say(for_voice(reply[position:])))
    for code in dict.fromkeys(codes):
        out.append(_say("Je répète votre numéro de suivi : " + spell_tracking_code(code)))
    return "".join(piece for piece in out if piece != _say(""))


def twiml(body: str) -> Response:
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><Response>{body}</Response>',
                    media_type="application/xml")


def gather(conversation_id: str, inner: str, *, tries: int = 0, offer: str | None = None) -> str:
    """Speech or one key; silence comes back to ``/gather`` with ``silence=n`` (gentle repeat)."""
    query = f"c={quote(conversation_id)}" + (f"&offer={quote(offer)}" if offer else "")
    action = f"{PREFIX}/gather?{query}"
    again = f"{PREFIX}/gather?c={quote(conversation_id)}&silence={tries + 1}"
    return (f'<Gather input="speech dtmf" language="fr-FR" numDigits="1" timeout="6" '
            f'speechTimeout="auto" action={quoteattr(action)} method="POST">{inner}</Gather>'
            f'<Redirect method="POST">{escape(again)}</Redirect>')


@router.post("/voice", summary="Appel entrant (TwiML)")
def voice(form: SignedForm, ctx: ContextDep, loaded: PackDep) -> Response:
    turn = assistant.start(ctx, loaded, channel="phone", at=None)
    with ctx.session() as session:
        conv = session.get(Conversation, turn.conversation_id)
        if conv is not None:
            conv.state = {**conv.state, "twilio": {"call_sid": str(form.get("CallSid") or ""),
                                                   "from": str(form.get("From") or "")}}
    return twiml(gather(turn.conversation_id, spoken(P.greeting_for_phone(turn.reply))))


@router.post("/gather", summary="Réponse de l'appelant (parole ou touche)")
def gathered(request: Request, form: SignedForm, ctx: ContextDep, loaded: PackDep,
             settings: PhoneSettingsDep) -> Response:
    conversation_id = request.query_params.get("c", "")
    silence = int(request.query_params.get("silence", "0") or 0)
    digits = str(form.get("Digits") or "").strip()
    text = str(form.get("SpeechResult") or "").strip()
    if not digits and not text:  # redirected after a silence
        if silence > 2:
            return twiml(spoken(P.NOTHING_HEARD) + "<Hangup/>")
        return twiml(gather(conversation_id, spoken(P.STILL_THERE), tries=silence))
    if digits == "0" or (text and P.wants_operator(text)):
        if settings.twilio_desk_number:
            return twiml(spoken(P.TO_DESK) + f"<Dial>{escape(settings.twilio_desk_number)}</Dial>")
        text = "je veux parler à un agent"
    elif digits:
        text = {"1": "oui", "2": "non"}.get(digits, digits)
    offer = request.query_params.get("offer")
    if offer and settings.twilio_transfer_number and (digits == "1" or P.is_yes(text)):
        target = settings.twilio_transfer_number.replace("{number}", offer)
        return twiml(spoken(P.transferring(offer)) + f"<Dial>{escape(target)}</Dial>")
    turn = assistant.message(ctx, loaded, conversation_id=conversation_id, text=text, at=None)
    state = turn.state
    body = spoken(turn.reply)
    if state.get("emergency") and settings.twilio_transfer_number:
        number = state.get("emergency_number") or "17"
        if not offer:  # offered once; « oui » or 1 transfers for the rest of the call
            body += spoken(P.offer_transfer(number))
        return twiml(gather(conversation_id, body, offer=number))
    if state.get("done"):
        return twiml(body + spoken(P.GOODBYE) + "<Hangup/>")
    return twiml(gather(conversation_id, body, offer=offer))


@router.post("/status", summary="Fin d'appel : le signalement est toujours enregistré")
def status(request: Request, form: SignedForm, ctx: ContextDep, loaded: PackDep,
           settings: PhoneSettingsDep) -> Response:
    if str(form.get("CallStatus") or "") not in ("completed", "busy", "failed", "no-answer",
                                                 "canceled"):
        return Response(status_code=204)
    call_sid = str(form.get("CallSid") or "")
    conversation_id = request.query_params.get("c")
    with ctx.session() as session:
        if conversation_id is None:
            since = utcnow() - timedelta(hours=6)
            for conv in session.scalars(select(Conversation).where(
                    Conversation.channel == "phone", Conversation.created_at >= since)):
                if (conv.state or {}).get("twilio", {}).get("call_sid") == call_sid:
                    conversation_id = conv.id
                    break
        found = session.get(Conversation, conversation_id) if conversation_id else None
        lines = [{"who": "caller" if t.get("who") == "resident" else "bia",
                  "text": t.get("text", ""), "t": 0}
                 for t in ((found.state or {}).get("transcript") or [] if found else [])
                 if isinstance(t, dict)]
    record = CallRecord(call_id=call_sid, caller=str(form.get("From") or "") or None,
                        asr="twilio", lines=lines,
                        duration_s=float(str(form.get("CallDuration") or 0) or 0))
    finalize_call(ctx, loaded, settings, conversation_id, record)
    return Response(status_code=204)
