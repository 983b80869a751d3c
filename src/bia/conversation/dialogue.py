"""The dialogue engine: pure functions over a JSON-serialisable state (no I/O, no database).

Why pure: the same engine serves the phone and the web chat, state is stored between turns by
the channel, and tests replay conversations turn by turn.  Order of business, from the spec:
an emergency gets its number in the first reply and is recorded at once; otherwise one
question per turn (place, then time, then details only where they help), a read-back, a
confirmation, then the report is recorded (``Turn.record``) and ``confirm_recorded`` tells
who handles it and the tracking code.  Twice "not understood" → a person, never a loop.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bia.conversation import replies as R
from bia.conversation.cues import norm
from bia.conversation.nlu import NluBackend, clean_text
from bia.core.types import Analysis, Location, RoutingDecision

Locate = Callable[[Location], Location]
_YES = re.compile(r"^ (oui|ouais|yes|si|exact|exactement|c est (?:ca|bien ca|exact|bon|correct|tout)|"
                  r"d accord|ok|okay|parfait|correct|tout a fait|voila|bien sur|absolument|"
                  r"c est bien ca|affirmatif|ca marche|merci)\b")
_NO = re.compile(r"^ (non|pas (?:du tout|tout a fait|vraiment)|c est faux|incorrect|erreur)\b")
_THANKS = re.compile(r"\b(merci|bonne (?:journee|soiree)|au revoir|a bientot|bye|rien d autre)\b")
# Asking for a person. Words alone are not enough ("une personne fait un malaise", "un agent de
# sécurité m'a frappé"): a request verb, a call-back, or a message that is only the word.
_PERSON = (r"(?:vrai |vraie |)(?:agent|agente|humain|personne|personne reelle|operateur|operatrice|"
           r"conseiller|conseillere|policier|policiere|quelqu un|standard|standardiste)")
_HUMAN = re.compile(
    r"\b(?:parler|discuter|etre en relation|mettre en relation|mettez moi en relation|"
    r"passez moi|passer moi|me passer|avoir) (?:a |avec )?(?:un |une |le |la |l )?" + _PERSON + r"\b"
    r"|\b(?:je veux|je voudrais|j aimerais|je souhaite|je prefere) (?:un |une )?" + _PERSON + r"\b"
    r"|\b(?:rappelez moi|rappeler moi|qu on me rappelle|etre rappelee?|me faire rappeler)\b"
    r"|^ (?:un |une |l )?(?:agent|humain|operateur|operatrice|conseiller|standard) (?:svp |"
    r"s il vous plait |merci )?$")
_QUESTION = re.compile(r"\?\s*$|^ (comment|quel|quelle|quels|ou|est ce|pourquoi|qui|combien|"
                       r"a quelle|c est quoi|peut on|puis je)\b")
_NEEDS_DETAILS = set(R.DETAILS_Q)
_VEHICLE = ("stationnement", "vehicule_abandonne", "rodeo_vitesse")
_VAGUE_NOW = re.compile(r"\b(?:maintenant|en ce moment|actuellement|la tout de suite)\b")


class Router(Protocol):
    def route(self, *, category: str, zone: str | None, at: datetime, emergency: bool,
              emergency_number: str | None, extra_numbers: list[str]) -> RoutingDecision: ...


@dataclass(slots=True)
class Turn:
    """One reply; ``record`` asks the caller to store (or update) the report now."""

    reply: str
    state: dict[str, Any]
    record: bool = False


def start(at: datetime, *, info: R.CommuneInfo | None = None) -> tuple[str, dict[str, Any]]:
    info = info or R.CommuneInfo()
    reply = R.greeting(info, at)
    state: dict[str, Any] = {"version": 1, "phase": "start", "category": None, "confidence": 0.0,
                             "emergency": False, "emergency_number": None, "extra_numbers": [],
                             "actors": [], "location": None, "occurred_at": None,
                             "time_text": None, "time_status": "unknown", "details": {},
                             "details_text": [], "missing": [], "asking": None, "attempts": {},
                             "not_understood": 0, "done": False, "recorded": False,
                             "tracking_code": None, "started_at": at.isoformat(),
                             "info": info.as_dict(), "transcript": []}
    _say(state, reply)
    return reply, state


def _say(state: dict[str, Any], text: str) -> str:
    state["transcript"].append({"who": "bia", "text": text})
    return text


def _loc_dict(loc: Location, locate: Locate | None) -> dict[str, Any]:
    if locate is not None:
        try:
            loc = locate(loc)
        except Exception:  # noqa: BLE001 - a geo failure must not break the conversation
            pass
    d = loc.as_dict()
    d["landmark"] = loc.landmark
    return d


# Words that carry no report: "je sais pas", "bah rien en fait", "euh ok".
_FILLER = frozenset(
    "je j sais sait pas rien bah ben bof euh heu hein ok okay oui non bon alors voila enfin fait "
    "comme ca quoi truc machin chose tout peut etre vraiment aucune idee".split())


def _understood(a: Analysis, text: str) -> bool:
    content = [w for w in norm(text).split() if w not in _FILLER and len(w) >= 3]
    if not a.emergency and a.location is None and len(content) == 0:
        return False
    words = len(re.findall(r"[^\W\d_]{3,}", text))
    if a.emergency or a.location is not None or words >= 6:
        return True
    return words >= 2 and (a.confidence >= 0.35 or (a.category != "autre" and a.confidence >= 0.2))


def _needs_details(state: dict[str, Any], a: Analysis) -> bool:
    cat = state["category"]
    if cat not in _NEEDS_DETAILS:
        return False
    d = state["details"]
    if cat == "accident":
        return "injured" not in d
    if cat == "ivresse":
        return "injured" not in d
    if cat in ("stationnement", "vehicule_abandonne", "rodeo_vitesse"):
        return not ({"plate", "vehicle_make", "vehicle_colour"} & set(d))
    if cat == "escroquerie":
        return not re.search(r"\d+ ?(?:euros?|€)", a.text)
    return len(re.findall(r"[^\W\d_]{3,}", a.text)) < 12


def _merge(state: dict[str, Any], a: Analysis, locate: Locate | None, *, take_time: bool) -> None:
    if a.location is not None:
        state["location"] = _loc_dict(a.location, locate)
    if take_time and a.occurred_at is not None:
        state["occurred_at"] = a.occurred_at.isoformat()
        state["time_status"] = a.details.get("time_status", "unknown")
        state["time_text"] = a.details.get("time_text")
    for k, v in a.details.items():
        if k not in ("time_status", "time_text", "reasons"):
            state["details"][k] = v
    for n in a.extra_numbers:
        if n not in state["extra_numbers"]:
            state["extra_numbers"].append(n)


def _missing(state: dict[str, Any]) -> list[str]:
    out = []
    online = state["category"] == "escroquerie" and "17Cyber" in state["extra_numbers"]
    if state["location"] is None and not online:
        out.append("location")
    if state["occurred_at"] is None and not state.get("time_text"):
        out.append("occurred_at")
    if state.get("wants_details"):
        out.append("details")
    if not state["emergency"]:
        out.append("confirmation")
    return out


def _ask_next(state: dict[str, Any]) -> str:
    state["missing"] = _missing(state)
    slot = state["missing"][0] if state["missing"] else None
    state["asking"] = slot
    cat = state["category"]
    if slot == "location":
        again = state["attempts"].get("location", 0) > 0
        return (R.QUESTIONS["location_again"] if again
                else R.LOCATION_Q.get(cat, R.QUESTIONS["location"]))
    if slot == "occurred_at":
        return R.TIME_Q.get(cat, R.QUESTIONS["occurred_at"])
    if slot == "details":
        return R.DETAILS_Q[cat]
    state["phase"] = "confirm"
    return R.summary(state)


def _open_report(state: dict[str, Any], a: Analysis, locate: Locate | None) -> Turn:
    state.update(category=a.category, confidence=a.confidence, emergency=a.emergency,
                 emergency_number=a.emergency_number, phase="collect", language=a.language)
    _merge(state, a, locate, take_time=True)
    state["wants_details"] = not a.emergency and _needs_details(state, a)
    if a.emergency:
        state["missing"] = _missing(state)
        state["phase"] = "emergency"
        reply = R.emergency_first(
            a.emergency_number or "112", state["extra_numbers"], ask_place=state["location"] is None,
            language=a.language,
        )
        state["asking"] = "location" if state["location"] is None else None
        state["recorded"] = True
        return Turn(_say(state, reply), state, record=True)
    return Turn(_say(state, _ask_next(state)), state)


def _handoff(state: dict[str, Any], asked: bool = False) -> Turn:
    info = R.CommuneInfo(**state["info"])
    state.update(category=state["category"] or "autre", phase="handoff", recorded=True, missing=[],
                 asking=None)
    state["details"]["callback_requested"] = True
    state["details"]["transcript"] = [
        t["text"] for t in state["transcript"] if t["who"] == "resident"
    ]
    return Turn(_say(state, R.handoff(info, asked=asked)), state, record=True)


def step(state: dict[str, Any], text: str, at: datetime, nlu: NluBackend, router: Router,
         locate: Locate | None = None) -> Turn:
    """Advance the conversation by one resident message.

    ``router`` is not consulted before recording (the caller routes when it stores the report
    and passes the decision to ``confirm_recorded``); it is part of the signature so that a
    future turn may tell the resident who will handle the report before confirmation.
    """
    state = copy.deepcopy(state)
    text = clean_text(text)
    state["transcript"].append({"who": "resident", "text": text})
    t = norm(text)
    info = R.CommuneInfo(**state["info"])
    a = nlu.analyze(text, at)
    phase = state["phase"]

    if (_HUMAN.search(t) and phase not in ("recorded", "emergency", "handoff")
            and not (a.emergency and phase in ("start", "info"))):  # danger first, always
        return _handoff(state, asked=True)
    if phase in ("start", "info"):
        if phase == "info" and _THANKS.search(t) and len(t.split()) <= 8:
            state["done"] = True
            return Turn(_say(state, R.closing(state.get("started_at"))), state)
        question = bool(_QUESTION.search(t) or text.endswith("?"))
        if a.category == "information" or (phase == "info" and question and not a.emergency):
            state.update(category="information", phase="info", actors=[], missing=[])
            return Turn(_say(state, R.answer_information(text, info)), state)
        if not _understood(a, text):
            state["not_understood"] += 1
            if state["not_understood"] >= 2:
                return _handoff(state)
            return Turn(_say(state, R.NOT_UNDERSTOOD), state)
        if phase == "info":  # a question first, then the problem: read both together
            whole = nlu.analyze(_said(state), at)
            if whole.category not in ("information", "autre") and whole.confidence > a.confidence:
                a = whole
        return _open_report(state, a, locate)
    if phase in ("emergency", "recorded", "handoff"):
        return _after_record(state, a, t, locate)
    if a.emergency and not state["emergency"] and a.details.get("emergency_cue"):
        # it turned into an emergency mid-way ("il y a du sang par terre")
        state["extra_numbers"] = []
        return _open_report(state, a, locate)
    if not state["emergency"] and len(t.split()) >= 3 and not (_YES.search(t) and len(t.split()) <= 4):
        # the danger may only show with everything said so far: "mon mari me frappe" then
        # "maintenant, il est dans le salon" (a bare "oui" or "depuis 23h" adds nothing)
        whole = getattr(nlu, "assess", nlu.analyze)(_said(state), at)
        if whole.emergency and whole.details.get("emergency_cue"):
            state["extra_numbers"] = []
            return _open_report(state, whole, locate)  # the place said earlier is kept
        if (whole.category not in ("information", "autre", state["category"])
                and whole.confidence >= max(0.5, state["confidence"] + 0.15)):
            # later turns made the problem clearer ("les voisins font du bruit" → "musique à
            # fond"; "je me suis fait arnaquer" → "un faux plombier"): the report says so
            state["category"], state["confidence"] = whole.category, whole.confidence
    if phase == "confirm":
        return _confirm(state, a, t, locate)
    return _collect(state, a, t, locate)


def _said(state: dict[str, Any]) -> str:
    """Everything the resident has written so far, in order."""
    return " ".join(x["text"] for x in state["transcript"] if x["who"] == "resident")


def _collect(state: dict[str, Any], a: Analysis, t: str, locate: Locate | None) -> Turn:
    slot = state["asking"]
    before = (state["location"], state["occurred_at"])
    _merge(state, a, locate, take_time=True)
    corrected = (state["location"], state["occurred_at"]) != before
    if state.get("wants_details") and state["category"] in _VEHICLE and (
            {"plate", "vehicle_make", "vehicle_colour"} & set(state["details"])):
        state["wants_details"] = False  # the car was described along the way
    if slot == "location" and state["location"] is None:
        state["attempts"]["location"] = state["attempts"].get("location", 0) + 1
        if state["attempts"]["location"] >= 2 and len(a.text) > 2:
            state["location"] = {"text": a.text, "street": None, "number": None, "lat": None,
                                 "lon": None, "zone": None, "landmark": None}
    elif slot == "occurred_at" and state["occurred_at"] is None and not state.get("time_text"):
        state["time_text"] = a.text  # not understood as a date: keep the words, do not loop
    elif slot == "details":
        state["wants_details"] = False
        if _YES.search(t) and len(t.split()) <= 5:  # "oui c'est ça": agrees with what was said
            state["phase"] = "recording"
            state["missing"] = []
            state["recorded"] = True
            return Turn(_say(state, "Merci, j'enregistre votre signalement."), state, record=True)
        if not corrected:  # "non pardon, c'est impasse X" corrects the place, it is no detail
            state["details_text"].append(a.text)
    elif slot not in ("location", "occurred_at") and a.text and not corrected:
        state["details_text"].append(a.text)
    return Turn(_say(state, _ask_next(state)), state)


def _confirm(state: dict[str, Any], a: Analysis, t: str, locate: Locate | None) -> Turn:
    before = (state["location"], state["occurred_at"])
    # "oui c'est correct maintenant": "maintenant" confirms, it does not move the time
    new_time = a.occurred_at is not None and not _VAGUE_NOW.search(t)
    if a.location is not None or new_time:
        _merge(state, a, locate, take_time=new_time)
    changed = (state["location"], state["occurred_at"]) != before
    if _YES.search(t) and not changed:
        state.update(phase="recording", missing=[], asking=None, recorded=True)
        extra = " ".join(t.split()[1:]).strip()
        if len(extra.split()) > 3:
            state["details_text"].append(a.text)
        return Turn(_say(state, "Merci, j'enregistre votre signalement."), state, record=True)
    if changed:
        return Turn(_say(state, "C'est corrigé. " + R.summary(state)), state)
    if _NO.search(t) and len(t.split()) <= 3:
        return Turn(
            _say(state, "Que faut-il corriger : le lieu, l'heure ou la description ?"), state
        )
    state["details_text"].append(a.text)
    return Turn(_say(state, "C'est noté. " + R.summary(state)), state)


def _after_record(state: dict[str, Any], a: Analysis, t: str, locate: Locate | None) -> Turn:
    if (state["phase"] == "handoff" and state["category"] in (None, "autre")
            and a.category not in ("autre", "information") and _understood(a, a.text)):
        # asked for a person first, then said what it is about: the report says it too
        state["category"] = a.category
        if a.emergency:
            state.update(emergency=True, emergency_number=a.emergency_number)
            _merge(state, a, locate, take_time=state["occurred_at"] is None)
            reply = R.emergency_first(a.emergency_number or "112", state["extra_numbers"],
                                      ask_place=state["location"] is None, language=a.language)
            return Turn(_say(state, reply), state, record=True)
    before = (state["location"], state["occurred_at"], state["category"])
    _merge(state, a, locate, take_time=state["occurred_at"] is None)
    if (state["location"], state["occurred_at"], state["category"]) != before or (
        state["asking"] == "location" and len(a.text) > 2
    ):
        if state["location"] is None:
            state["location"] = {"text": a.text, "street": None, "number": None, "lat": None,
                                 "lon": None, "zone": None, "landmark": None}
        state["asking"] = None
        state["missing"] = _missing(state)
        number = state["emergency_number"]
        reply = "Merci, j'ajoute ces informations à votre signalement."
        if number:
            reply += f" Si ce n'est pas déjà fait, appelez {R.NUMBER_TEXT.get(number, number)}."
        return Turn(_say(state, reply), state, record=True)
    if a.text and not (_THANKS.search(t) or _YES.search(t)):
        state["details_text"].append(a.text)
    if state["emergency_number"] and not _THANKS.search(t):
        reply = (f"C'est noté. Restez en sécurité ; les secours du "
                 f"{state['emergency_number']} sont les mieux placés pour agir.")
    elif a.text and not (_THANKS.search(t) or _YES.search(t)) and state["tracking_code"]:
        reply = (f"C'est noté : j'ajoute cette précision à votre signalement "
                 f"{state['tracking_code']}.")
    else:
        reply = R.closing(state.get("started_at"))
    return Turn(_say(state, reply), state, record=bool(a.text) and not _THANKS.search(t)
                and not _YES.search(t) and state["tracking_code"] is not None)


def confirm_recorded(
    state: dict[str, Any], tracking_code: str, decision: RoutingDecision
) -> tuple[str, dict[str, Any]]:
    """Called once the caller has stored the report: who handles it, when, and the code."""
    state = copy.deepcopy(state)
    first_time = state["tracking_code"] is None
    state.update(
        tracking_code=tracking_code,
        actors=list(decision.actors),
        done=True,
        extra_numbers=list(dict.fromkeys([*state["extra_numbers"], *decision.extra_numbers])),
    )
    if state["phase"] in ("recording", "collect", "confirm"):
        state["phase"] = "recorded"
    state["missing"] = [m for m in state["missing"] if m != "confirmation"]
    if not first_time:
        reply = f"Votre signalement {tracking_code} est mis à jour."
    else:
        reply = R.recorded(state, tracking_code, decision.message, decision.handled_when)
    return _say(state, reply), state
