"""What the voice says: French numbers, hours, phone numbers, abbreviations, spelled codes."""

from __future__ import annotations

import pytest

from bia.channels.phone.prompts import greeting_for_phone, last_question, speech_parts
from bia.channels.speech.frenchtext import for_voice, number_words, spell_tracking_code


@pytest.mark.parametrize(("n", "words"), [
    (0, "zéro"), (17, "dix-sept"), (21, "vingt et un"), (71, "soixante et onze"),
    (80, "quatre-vingts"), (91, "quatre-vingt-onze"), (112, "cent douze"),
    (200, "deux cents"), (1000, "mille"), (2026, "deux mille vingt-six"),
])
def test_numbers_are_french(n: int, words: str) -> None:
    assert number_words(n) == words


@pytest.mark.parametrize(("text", "spoken"), [
    ("depuis 23h", "depuis vingt-trois heures"),
    ("vers 1h30", "vers une heure trente"),
    ("à 0h", "à minuit"),
    ("ouvert 07:00–03:00", "ouvert sept heures à trois heures"),
    ("24 h/24", "vingt-quatre heures sur vingt-quatre"),
    ("au 12 av. Édouard VII", "au douze avenue Édouard sept"),
    ("bd du Général de Gaulle", "boulevard du Général de Gaulle"),
    ("appelez le 05 59 00 00 01", "appelez le zéro cinq, cinquante-neuf, zéro zéro, zéro zéro, "
                                  "zéro un"),
    ("le 3919", "le trente-neuf, dix-neuf"),
    ("le 0 800 47 33 33", "le zéro, huit cents, quarante-sept, trente-trois, trente-trois"),
    ("sur cybermalveillance.gouv.fr", "sur cybermalveillance point gouv point f r"),
    ("au 1er étage", "au premier étage"),
])
def test_replies_are_rewritten_for_the_voice(text: str, spoken: str) -> None:
    assert for_voice(text) == spoken


def test_tracking_codes_are_spelled_in_groups_then_repeated() -> None:
    assert spell_tracking_code("BIA-7K3M-9PQR-2X") == (
        "bé, i, a. tiret. sept, ka, trois, emme. tiret. neuf, pé, ku, erre. tiret. deux, iks.")
    parts = speech_parts("C'est enregistré. Votre numéro de suivi est BIA-7K3M-9PQR-2X. "
                         "La police municipale s'en occupe.")
    spelled = [p for p in parts if p.slow]
    assert len(spelled) == 2  # said, then repeated
    assert "BIA-" not in " ".join(p.text for p in parts)
    assert parts[-2].text.startswith("Je répète")


def test_phone_greeting_adds_the_keypad_and_questions_are_repeatable() -> None:
    chat = ("Bonjour, je suis l'assistant automatique de la Mairie de Biarritz. Je ne suis pas "
            "le 17. Pour parler à une personne, dites « agent ». Quel est le problème ?")
    assert "dites « agent » ou tapez 0" in greeting_for_phone(chat)
    assert last_question(chat) == "Quel est le problème ?"


def test_a_reply_is_cut_into_sentences_for_streaming_but_codes_stay_whole() -> None:
    from bia.channels.speech.tts import SENTENCE_PAUSE_MS, Part, sentences

    code = Part("bé, i, a. tiret. sept, ka, trois, emme.", slow=True, pause_ms=600)
    pieces = sentences(["C'est noté. Où exactement ? Devant le 12 av. Édouard VII.", code])
    assert [p.text for p in pieces] == ["C'est noté.", "Où exactement?",
                                        "Devant le douze avenue Édouard sept.", code.text]
    assert [p.pause_ms for p in pieces] == [SENTENCE_PAUSE_MS, SENTENCE_PAUSE_MS, 250, 600]
    assert pieces[-1].slow and not pieces[0].slow
