"""What only the phone says, and how a chat reply becomes speech.

The dialogue's own texts (greeting, questions, confirmations) are the same as the web chat's;
the phone adds the keypad, the transfer offer, the pacing prompts and the slow, repeated
tracking code. Short sentences: a caller cannot scroll back.
"""

from __future__ import annotations

import re

from bia.channels.speech.frenchtext import TRACKING, for_voice, spell_tracking_code
from bia.channels.speech.tts import Part
from bia.conversation.cues import norm

KEYPAD = "Sur votre clavier, tapez 0 pour un agent, 1 pour oui, 2 pour non."
NOT_HEARD = "Pardon, je ne vous ai pas bien entendu. Pouvez-vous répéter ?"
STILL_THERE = "Êtes-vous toujours là ?"
ONE_MOMENT = "Un instant, s'il vous plaît."
VOICEMAIL = ("Vous pouvez aussi laisser un message après le bip : dites ce qui se passe et où. "
             "Terminez en raccrochant ou en tapant dièse.")
NOTHING_HEARD = ("Je n'entends rien. Je raccroche ; vous pouvez rappeler à tout moment. "
                 "En cas d'urgence, composez le 17 ou le 112.")
MESSAGE_KEPT = "Merci, votre message est enregistré."
GOODBYE = "Merci de votre appel. Au revoir."
TOO_LONG = "Je dois terminer cet appel. Votre signalement est enregistré. Au revoir."
KEYS_HELP = "Tapez 1 pour oui, 2 pour non, 0 pour parler à un agent, étoile pour réécouter."
TO_DESK = "Je vous passe le poste de la police municipale. Restez en ligne."
DESK_FAILED = "Le poste ne répond pas pour l'instant."
TRANSFER_FAILED = "Le transfert n'a pas abouti. Raccrochez et composez le {number} tout de suite."
CALLING_FOR_YOU = "Je compose le {number} pour vous. Restez en ligne."
CALLING_DESK = "J'appelle le poste pour vous. Restez en ligne."
NO_TRANSFER = "D'accord, je reste avec vous."

_YES = re.compile(r"^ ?(oui|ouais|ok|okay|d accord|allez y|vas y|volontiers|transferez|"
                  r"s il vous plait|bien sur|je veux bien|absolument)\b")
_NO = re.compile(r"^ ?(non|pas besoin|ca va|c est bon|je prefere pas|inutile)\b")
_OPERATOR = re.compile(r"\b(operateur|operatrice|agent|standard|conseiller|un humain|une personne|"
                       r"quelqu un)\b")


def offer_transfer(number: str) -> str:
    return (f"Je peux vous mettre en relation avec le {number} tout de suite. "
            "Dites oui, ou tapez 1.")


def dial_yourself(number: str) -> list[Part]:
    """When neither the transfer nor the bridged call worked: the number, slowly, twice."""
    spoken = for_voice(f"le {number}")
    return [Part("Je n'arrive pas à joindre ce numéro. Raccrochez et composez", pause_ms=300),
            Part(spoken, slow=True, pause_ms=700), Part("Je répète :", pause_ms=300),
            Part(spoken, slow=True, pause_ms=500),
            Part("Votre signalement est enregistré.", pause_ms=300)]


def transferring(number: str) -> str:
    return f"Je vous transfère au {number}. Restez en ligne."


_GOODBYE = re.compile(r"\b(merci|au revoir|c est tout|rien d autre|bonne (?:journee|soiree))\b")


def is_goodbye(text: str) -> bool:
    return bool(_GOODBYE.search(norm(text)))


def first_sentence(text: str) -> tuple[str, str]:
    """(first sentence, the rest) of a reply."""
    head, _, rest = text.strip().partition(". ")
    return (head + "." if rest else head), rest


def is_yes(text: str) -> bool:
    return bool(_YES.search(norm(text)))


def is_no(text: str) -> bool:
    return bool(_NO.search(norm(text)))


def wants_operator(text: str) -> bool:
    folded = norm(text)
    return bool(_OPERATOR.search(folded)) and len(folded.split()) <= 8


def last_question(reply: str) -> str:
    """The question to repeat after a silence: the last sentence ending with '?'."""
    sentences = re.split(r"(?<=[.!?])\s+", reply.strip())
    questions = [s for s in sentences if s.endswith("?")]
    return questions[-1] if questions else (sentences[-1] if sentences else reply)


def greeting_for_phone(reply: str) -> str:
    """The chat greeting, with the keypad: « dites agent » becomes « … ou tapez 0 »."""
    if "tapez 0" in reply:
        return reply
    replaced = re.sub(r"(dites « ?agent ?»)", r"\1 ou tapez 0", reply, count=1)
    return replaced if replaced != reply else f"{reply} {KEYPAD}"


def speech_parts(reply: str) -> list[Part]:
    """A reply as voice parts: tracking codes spelled slowly, then repeated once at the end."""
    parts: list[Part] = []
    codes: list[str] = []
    position = 0
    for match in TRACKING.finditer(reply):
        before = for_voice(reply[position:match.start()])
        if before:
            parts.append(Part(before, pause_ms=350))
        parts.append(Part(spell_tracking_code(match.group(0)), slow=True, pause_ms=600))
        codes.append(match.group(0))
        position = match.end()
    rest = for_voice(reply[position:])
    if rest:
        parts.append(Part(rest))
    for code in dict.fromkeys(codes):
        parts += [Part("Je répète votre numéro de suivi :", pause_ms=400),
                  Part(spell_tracking_code(code), slow=True, pause_ms=600)]
    return parts
