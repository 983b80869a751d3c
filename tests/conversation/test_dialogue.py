"""Conversations as a resident lives them: number first in an emergency, one question per turn,
read-back and confirmation, corrections, a person after two misunderstandings."""

from __future__ import annotations

import json
from datetime import datetime

from bia.conversation import dialogue
from bia.conversation.nlu import LocalNlu

AT = datetime.fromisoformat("2026-02-14T00:30:00+01:00")


def run(nlu, router, locate, turns, at=AT):  # type: ignore[no-untyped-def]
    reply, state = dialogue.start(at)
    out = []
    for text in turns:
        turn = dialogue.step(state, text, at, nlu, router, locate)
        state = turn.state
        json.dumps(state)  # the channel stores it between turns
        out.append(turn)
        if turn.record:
            decision = router.route(
                category=state["category"],
                zone=(state["location"] or {}).get("zone"),
                at=at,
                emergency=state["emergency"],
                emergency_number=state["emergency_number"],
                extra_numbers=state["extra_numbers"],
            )
            _, state = dialogue.confirm_recorded(state, "BIA-TEST-1", decision)
    return out, state


def test_greeting_says_who_it_is_and_not_the_17() -> None:
    reply, state = dialogue.start(AT)
    assert "assistant automatique" in reply and "Mairie de Biarritz" in reply
    assert "pas le 17" in reply and "112" in reply and "agent" in reply
    for key in (
        "category",
        "emergency",
        "emergency_number",
        "actors",
        "location",
        "occurred_at",
        "missing",
        "done",
        "tracking_code",
    ):
        assert key in state
    json.dumps(state)


def test_emergency_number_comes_first_and_is_recorded_at_once(
    nlu: LocalNlu, router, locate
) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "il y a le feu dans la cuisine de l'appartement d'en face, ça fume énormément",
            "au 6 rue Pellot",
        ],
    )
    first = turns[0]
    assert first.record
    assert first.reply.index("18") < first.reply.index("?")  # the number before any question
    assert state["emergency"] and state["emergency_number"] == "18"
    assert state["location"]["street"] == "Rue Pellot" and state["tracking_code"] == "BIA-TEST-1"
    assert turns[1].record  # the address updates the stored report


def test_full_report_with_correction(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "le réverbère devant chez moi est éteint",
            "rue de la Paix, au numéro 6",
            "non pardon, c'est rue de la Poste, pas rue de la Paix",
            "depuis lundi",
            "oui c'est bien ça",
        ],
    )
    assert "Où" in turns[0].reply  # the place is asked first
    assert not any(t.record for t in turns[:-1]) and turns[-1].record
    assert state["category"] == "eclairage" and state["location"]["street"] == "Rue de la Poste"
    assert state["occurred_at"] is not None and state["done"]
    assert state["actors"] == ["services_techniques"]


def test_complete_first_message_goes_straight_to_confirmation(
    nlu: LocalNlu, router, locate
) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "Bonsoir, depuis 23h la musique est très forte au 9 rue Mazagran, ça ne s'arrête pas",
            "oui",
        ],
    )
    assert "Est-ce correct" in turns[0].reply and "Rue Mazagran" in turns[0].reply
    assert turns[1].record and state["category"] == "bruit"


def test_correction_during_confirmation(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "des tags sur la façade de l'école",
            "rue Jules Ferry",
            "cette nuit",
            "non, c'est avenue Jaulerry, pas rue Jules Ferry",
            "oui",
        ],
    )
    assert "corrigé" in turns[3].reply and not turns[3].record
    assert turns[4].record and state["location"]["street"] == "Avenue Jaulerry"


def test_not_understood_twice_offers_a_person(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, ["euh", "bah"])
    assert not turns[0].record
    assert turns[1].record and state["category"] == "autre"
    assert "agent" in turns[1].reply
    assert state["details"]["transcript"] == ["euh", "bah"]


def test_information_is_answered_without_recording(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "à quelle heure ouvre la police municipale le samedi ?",
            "et comment je porte plainte ?",
            "merci, bonne journée",
        ],
    )
    assert not any(t.record for t in turns)
    assert "05 59" in turns[0].reply and "pre-plainte-en-ligne.gouv.fr" in turns[1].reply
    assert state["category"] == "information" and state["done"] and state["tracking_code"] is None


def test_emergency_mid_conversation(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(
        nlu,
        router,
        locate,
        [
            "il y a des jeunes qui crient dans la rue",
            "devant le 15 avenue de la République",
            "attendez, il y en a un qui vient de se faire frapper, il saigne",
        ],
    )
    assert turns[2].record and turns[2].reply.startswith("Appelez immédiatement le 17")
    assert state["category"] == "agression_violence" and state["emergency_number"] == "17"
    assert "15" in state["extra_numbers"]


def test_recorded_reply_gives_code_and_handler(nlu: LocalNlu, router, locate) -> None:
    reply, state = dialogue.start(AT)
    turn = dialogue.step(
        state,
        "une voiture bloque la sortie de mon garage au 17 avenue Carnot depuis 7h, une golf noire",
        AT,
        nlu,
        router,
        locate,
    )
    turn = dialogue.step(turn.state, "oui", AT, nlu, router, locate)
    assert turn.record
    decision = router.route(
        category=turn.state["category"],
        zone="centre",
        at=AT,
        emergency=False,
        emergency_number=None,
        extra_numbers=[],
    )
    reply, state = dialogue.confirm_recorded(turn.state, "BIA-42", decision)
    assert "BIA-42" in reply and "police_municipale" in reply
    assert state["tracking_code"] == "BIA-42" and state["done"]


def test_a_street_corner_is_read_back_as_a_corner(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, [
        "des tags partout sur le mur au coin de la rue Gambetta et de la rue Mazagran",
        "ce matin",
    ])
    said = " ".join(t.reply for t in turns)
    assert "à l'angle de la rue Gambetta et de la rue Mazagran" in said
    assert state["location"]["street"] == "Rue Gambetta"
    assert state["location"]["cross_street"] == "Rue Mazagran"


def test_words_for_a_person_in_an_emergency_do_not_hand_off(nlu: LocalNlu, router,
                                                            locate) -> None:
    # "une personne", "un agent" describe what happens here, they do not ask for a person
    for text, number in (("une personne fait un malaise devant chez moi", "15"),
                         ("un agent de sécurité du casino m'a frappé, je saigne", "17")):
        turns, state = run(nlu, router, locate, [text])
        assert turns[0].reply.startswith("Appelez immédiatement le " + number), text
        assert state["emergency_number"] == number and state["phase"] == "emergency"
        assert "callback_requested" not in state["details"]


def test_asking_for_a_person_is_answered_as_asked(nlu: LocalNlu, router, locate) -> None:
    for text in ("je voudrais parler à un agent", "passez-moi quelqu'un svp", "agent",
                 "rappelez-moi s'il vous plaît"):
        turns, state = run(nlu, router, locate, [text])
        reply = turns[0].reply
        assert reply.startswith("Bien sûr, une personne va prendre le relais"), text
        assert "comprendre" not in reply and "05 59" in reply
        assert state["details"]["callback_requested"] is True and state["tracking_code"]


def test_a_visitor_in_danger_reads_the_number_in_their_language(nlu: LocalNlu, router,
                                                                locate) -> None:
    turns, state = run(nlu, router, locate, [
        "Two kids have been swept out by the current at the Grande Plage, no lifeguards"])
    first = turns[0].reply
    assert first.startswith("Emergency: call 196 (sea rescue) now. 112 also answers in English.")
    assert "Appelez immédiatement le 196" in first  # the French text follows for the record
    assert state["emergency_number"] == "196" and "112" in state["extra_numbers"]
    turns, state = run(nlu, router, locate, ["Hay fuego en un contenedor y se acerca a los coches"])
    assert turns[0].reply.startswith("Urgencia: llame ahora al 18 (bomberos).")


def test_fillers_are_not_taken_for_a_report(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, ["je sais pas", "bah rien en fait"])
    assert "pas sûr de bien comprendre" in turns[0].reply
    assert state["category"] in (None, "autre") and state["phase"] == "handoff"
    assert "confier à une personne" in turns[1].reply  # two misunderstandings: a person


def test_a_visitor_gets_the_tracking_code_in_their_language(nlu: LocalNlu, router,
                                                            locate) -> None:
    turns, state = run(nlu, router, locate, [
        "loud music party next door, we can't sleep, 4 rue Mazagran", "since 11pm", "yes"])
    assert state["tracking_code"] == "BIA-TEST-1"
    said_last = state["transcript"][-1]
    assert said_last["who"] == "bia"
    assert said_last["text"].startswith("Your report is recorded. Tracking code: BIA-TEST-1.")
    assert "Votre numéro de suivi est BIA-TEST-1" in said_last["text"]


def test_a_danger_that_shows_over_several_turns_gets_the_number(nlu: LocalNlu, router,
                                                                locate) -> None:
    turns, state = run(nlu, router, locate, [
        "mon mari me crie dessus, j'ai peur", "14 rue Marceau", "maintenant, il me frappe"])
    assert state["emergency"] and state["emergency_number"] == "17"
    assert "Appelez immédiatement le 17" in turns[-1].reply
    assert state["location"]["street"] == "Rue Marceau"  # the place said before is kept


def test_a_person_asked_for_then_the_problem_told(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, [
        "je voudrais parler à un agent de la police municipale",
        "c'est pour une voiture abandonnée devant chez moi depuis deux mois",
        "une Peugeot 206 bleue sans plaque, pneus à plat"])
    assert state["category"] == "vehicule_abandonne"
    assert state["details"]["callback_requested"] is True
    assert turns[-1].reply == ("C'est noté : j'ajoute cette précision à votre signalement "
                               "BIA-TEST-1.")


def test_a_place_corrected_late_then_confirmed(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, [
        "une voiture est garée devant mon portail et je peux pas sortir",
        "rue de Larriou, au 9",
        "depuis 8h ce matin, c'est une Audi blanche",  # the car is described: no extra question
        "non pardon je me suis trompé, c'est au 9 impasse Larribau, pas rue de Larriou",
        "oui c'est correct maintenant",  # "maintenant" confirms, it does not move the time
    ])
    assert "décrire le véhicule" not in " ".join(t.reply for t in turns)
    assert state["location"]["street"] == "Impasse Larribau"
    assert state["tracking_code"] == "BIA-TEST-1"
    assert not any("pardon" in d for d in state["details_text"])


def test_later_turns_make_the_problem_clearer(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, [
        "je crois que je me suis fait arnaquer",
        "un faux plombier est venu chez moi, 8 rue Chiquito de Cambo",
        "hier après-midi vers 15h",
        "il m'a fait payer 600 euros en liquide pour changer un joint, il est reparti",
        "oui"])
    assert state["category"] == "escroquerie"
    assert state["tracking_code"] == "BIA-TEST-1"


def test_asking_whether_one_may_report_is_a_report(nlu: LocalNlu, router, locate) -> None:
    turns, state = run(nlu, router, locate, [
        "Est-ce que je peux signaler un chien qui aboie toute la nuit ?"])
    assert state["category"] in ("animal", "bruit") and state["phase"] == "collect"
    assert "Où cela se passe-t-il" in turns[0].reply
