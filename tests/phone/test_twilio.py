"""The Twilio-style webhooks: signed requests get TwiML, anything else gets 403."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bia.api import twilio
from bia.channels.phone.settings import PhoneSettings
from bia.context import Context
from bia.intake.models import Report

TOKEN = "jeton-twilio-de-test"


@pytest.fixture
def tw(client: TestClient, settings: Any) -> TestClient:
    app = client.app
    if not any(getattr(r, "path", "").startswith("/telephony/twilio") for r in app.routes):
        app.include_router(twilio.router)  # until app.py includes it
    app.state.phone_settings = PhoneSettings(twilio_auth_token=TOKEN,
                                             twilio_transfer_number="+33{number}",
                                             twilio_desk_number="+33559000001")
    return client


def post(client: TestClient, path: str, params: dict[str, str], *, token: str = TOKEN,
         signed: bool = True, base: str = "http://127.0.0.1:8000") -> Any:
    headers = {}
    if signed:
        headers["X-Twilio-Signature"] = twilio.signature(token, base + path, list(params.items()))
    return client.post(path, data=params, headers=headers)


def twiml(response: Any) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return root


def test_signature_matches_twilios_documented_example() -> None:
    # Twilio's published vector (its SDKs' RequestValidator tests), token "12345"
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {"CallSid": "CA1234567890ABCDE", "Caller": "+14158675309",
              "Digits": "1234", "From": "+14158675309", "To": "+18005551212"}
    assert twilio.signature("12345", url, list(params.items())) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_unsigned_or_badly_signed_requests_are_refused(tw: TestClient) -> None:
    params = {"CallSid": "CA1", "From": "+33600000001"}
    assert post(tw, "/telephony/twilio/voice", params, signed=False).status_code == 403
    assert post(tw, "/telephony/twilio/voice", params, token="faux").status_code == 403
    tampered = {"X-Twilio-Signature": twilio.signature(TOKEN, "http://127.0.0.1:8000/telephony"
                                                       "/twilio/voice", list(params.items()))}
    assert tw.post("/telephony/twilio/voice", data={**params, "From": "+33611111111"},
                   headers=tampered).status_code == 403
    tw.app.state.phone_settings = PhoneSettings()  # no token configured: nothing is accepted
    assert post(tw, "/telephony/twilio/voice", params).status_code == 403


def test_a_call_is_a_conversation_in_twiml(tw: TestClient, ctx: Context) -> None:
    root = twiml(post(tw, "/telephony/twilio/voice", {"CallSid": "CA2", "From": "+33600000002"}))
    gather = root.find("Gather")
    assert gather is not None and gather.get("input") == "speech dtmf"
    assert gather.get("language") == "fr-FR"
    greeting = " ".join(s.text or "" for s in gather.iter("Say"))
    assert "assistant automatique" in greeting and "dix-sept" in greeting
    assert all(s.get("language") == "fr-FR" for s in gather.iter("Say"))
    action = gather.get("action") or ""
    assert action.startswith("/telephony/twilio/gather?c=")
    assert root.find("Redirect") is not None  # silence comes back for a gentle repeat
    turns = ["Une voiture est garée sur le trottoir devant le 12 avenue Édouard VII",
             "depuis ce matin", "oui c'est bien ça"]
    for text in turns:
        root = twiml(post(tw, action, {"CallSid": "CA2", "SpeechResult": text}))
        if root.find("Hangup") is not None:
            break
        action = root.find("Gather").get("action")  # type: ignore[union-attr]
    assert root.find("Hangup") is not None
    said = " ".join(s.text or "" for s in root.iter("Say"))
    assert "Je répète votre numéro de suivi" in said and ", tiret, " not in said
    status = post(tw, "/telephony/twilio/status", {"CallSid": "CA2", "CallStatus": "completed",
                                                   "From": "+33600000002", "CallDuration": "42"})
    assert status.status_code == 204
    with ctx.session() as session:
        report = session.scalars(select(Report).where(Report.channel == "phone")).one()
        assert report.category_code == "stationnement"
        assert report.details["phone"]["asr"] == "twilio"
        assert report.details["phone"]["transcript"][1]["who"] == "caller"


def test_an_emergency_is_offered_a_dial_and_keypad_one_dials(tw: TestClient) -> None:
    root = twiml(post(tw, "/telephony/twilio/voice", {"CallSid": "CA3"}))
    action = root.find("Gather").get("action")  # type: ignore[union-attr]
    root = twiml(post(tw, action, {"CallSid": "CA3", "SpeechResult":
                                   "Il y a le feu dans la cuisine, ça fume énormément"}))
    said = [s.text or "" for s in root.iter("Say")]
    assert said[0].startswith("Appelez immédiatement le dix-huit")
    assert any("mettre en relation avec le dix-huit" in s for s in said)
    action = root.find("Gather").get("action")  # type: ignore[union-attr]
    assert "offer=18" in action
    root = twiml(post(tw, action, {"CallSid": "CA3", "Digits": "1"}))
    assert root.findtext("Dial") == "+3318"


def test_keypad_zero_dials_the_desk(tw: TestClient) -> None:
    root = twiml(post(tw, "/telephony/twilio/voice", {"CallSid": "CA4"}))
    action = root.find("Gather").get("action")  # type: ignore[union-attr]
    root = twiml(post(tw, action, {"CallSid": "CA4", "Digits": "0"}))
    assert root.findtext("Dial") == "+33559000001"
