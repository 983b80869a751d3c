"""What the assistant says: short, polite, plain French, vouvoiement.

Texts live apart from the dialogue logic so that they can be reviewed (and later moved to the
pack) without touching the state machine.  Local contacts come from ``CommuneInfo`` (the pack's
values by default for Biarritz), national numbers are the real public ones from the spec.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from bia.conversation.cues import norm

LABELS = {"bruit": "nuisances sonores", "rassemblement": "rassemblement gênant",
          "ivresse": "ivresse sur la voie publique", "mendicite": "mendicité agressive",
          "rodeo_vitesse": "rodéo ou vitesse excessive", "stationnement": "stationnement gênant",
          "vehicule_abandonne": "véhicule abandonné", "depot_sauvage": "dépôt sauvage de déchets",
          "dejections": "déjections / saleté", "tags_degradations": "tags ou dégradations",
          "eclairage": "éclairage public en panne", "voirie": "problème de voirie",
          "animal": "animal errant ou dangereux", "vol_cambriolage": "vol ou cambriolage",
          "agression_violence": "agression ou violence",
          "violences_intrafamiliales": "violences intrafamiliales", "stupefiants": "stupéfiants",
          "escroquerie": "escroquerie", "incendie": "incendie, fumée ou gaz",
          "urgence_medicale": "urgence médicale", "secours_mer": "personne en difficulté en mer",
          "accident": "accident de la circulation", "otv": "Opération Tranquillité Vacances",
          "objet_perdu_trouve": "objet perdu ou trouvé",
          "conflit_voisinage": "conflit de voisinage",
          "information": "demande d'information", "autre": "autre signalement"}
NUMBER_TEXT = {
    "17": "le 17 (police secours)", "18": "le 18 (sapeurs-pompiers)", "15": "le 15 (SAMU)",
    "112": "le 112 (numéro d'urgence européen)", "196": "le 196 (secours en mer)",
    "114": "le 114 par SMS ou sur l'application 114 (personnes sourdes ou malentendantes)",
}
EXTRA_TEXT = {"15": "le 15 pour les blessés", "18": "le 18", "17": "le 17", "112": "le 112",
              "196": "le 196", "3919": "le 3919 (violences faites aux femmes, gratuit et anonyme)",
              "119": "le 119 (enfance en danger)",
              "3977": "le 3977 (maltraitance des personnes âgées ou handicapées)",
              "3114": "le 3114 (prévention du suicide, 24 h/24)",
              "0 800 47 33 33": "le 0 800 47 33 33 (urgence gaz)",
              "17Cyber": "17Cyber sur cybermalveillance.gouv.fr (arnaques en ligne)"}


@dataclass(slots=True)
class CommuneInfo:
    """Local contacts the assistant gives (fictitious placeholders in the demo pack)."""

    town_hall: str = "Mairie de Biarritz"
    police_desk_phone: str = "05 59 00 00 01"
    police_address: str = "au poste central de la police municipale, en centre-ville"
    police_hours: str = "7 h – 3 h tous les jours, 24 h/24 du 15 juin au 15 septembre"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def greeting(info: CommuneInfo, at: datetime) -> str:
    hello = "Bonsoir" if at.hour >= 18 or at.hour < 5 else "Bonjour"
    return (f"{hello}, je suis l'assistant automatique de la {info.town_hall}. Je ne suis pas le 17 : "
            "en cas d'urgence, appelez le 17 (police), le 18 (pompiers), le 15 (SAMU) ou le 112. "
            f"Pour parler à une personne, dites « agent » ou appelez la police municipale au "
            f"{info.police_desk_phone}. Quel est le problème ?")


# What a visitor in danger reads first, in their language, before the French text.
VISITOR_SERVICE = {
    "en": {"15": "ambulance", "17": "police", "18": "fire brigade", "196": "sea rescue",
           "112": "European emergency number", "114": "emergency SMS for deaf people"},
    "es": {"15": "ambulancia", "17": "policía", "18": "bomberos", "196": "salvamento marítimo",
           "112": "número europeo de emergencias", "114": "SMS de emergencia para sordos"},
}


def visitor_emergency(number: str, language: str, ask_place: bool) -> str:
    """One sentence in English or Spanish: the number now, 112 speaks their language."""
    service = VISITOR_SERVICE[language].get(number, "")
    if language == "en":
        text = (f"Emergency: call {number} ({service}) now. 112 also answers in English. "
                "I am recording your report.")
        return text + (" If you can, tell me the address." if ask_place else "")
    text = (f"Urgencia: llame ahora al {number} ({service}). El 112 también atiende en español. "
            "Registro su aviso.")
    return text + (" Si puede, indíqueme la dirección." if ask_place else "")


def emergency_first(number: str, extras: list[str], ask_place: bool,
                    language: str = "fr") -> str:
    text = f"Appelez immédiatement {NUMBER_TEXT.get(number, 'le ' + number)}."
    if language in VISITOR_SERVICE:
        text = visitor_emergency(number, language, ask_place) + "\n\n" + text
    useful = [EXTRA_TEXT.get(n, n) for n in extras]
    if useful:
        text += " Numéros utiles : " + ", ".join(useful) + "."
    text += " Mettez-vous en sécurité. J'enregistre votre signalement dès maintenant."
    if ask_place:
        text += " Si vous le pouvez, à quelle adresse cela se passe-t-il ?"
    return text


QUESTIONS = {
    "location": "Où cela se passe-t-il ? Donnez-moi la rue (et le numéro si possible) ou un lieu connu.",
    "location_again": ("Je n'ai pas reconnu ce lieu. Pouvez-vous me donner le nom de la rue, "
                       "ou un lieu connu à proximité (place, plage, école…) ?"),
    "occurred_at": "Depuis quand, ou à quelle heure, cela s'est-il produit ?",
}
LOCATION_Q = {"otv": "À quelle adresse se trouve le logement à surveiller ?",
              "objet_perdu_trouve": "Où l'objet a-t-il été perdu ou trouvé ?"}
TIME_Q = {"otv": "À quelles dates serez-vous absent ?",
          "conflit_voisinage": "Depuis quand dure ce problème ?",
          "objet_perdu_trouve": "Quand cela s'est-il passé ?",
          "dejections": "Depuis quand constatez-vous ce problème ?",
          "eclairage": "Depuis quand l'éclairage est-il en panne ?",
          "vehicule_abandonne": "Depuis combien de temps le véhicule est-il là ?"}
DETAILS_Q = {"vol_cambriolage": "Qu'est-ce qui a été volé ? Une description aidera (type, marque, couleur).",
             "animal": "Pouvez-vous décrire l'animal (espèce, couleur, collier, comportement) ?",
             "ivresse": "La personne semble-t-elle blessée ou avoir besoin de soins ?",
             "agression_violence": "Pouvez-vous décrire la ou les personnes en cause ?",
             "escroquerie": "Que s'est-il passé exactement (somme, moyen de paiement, description) ?",
             "objet_perdu_trouve": "Pouvez-vous décrire l'objet ?",
             "stationnement": "Pouvez-vous décrire le véhicule (marque, couleur, plaque) ?",
             "vehicule_abandonne": "Pouvez-vous décrire le véhicule (marque, couleur, plaque, état) ?",
             "accident": "Y a-t-il des blessés ?",
             "rodeo_vitesse": "Pouvez-vous décrire les véhicules (type, couleur, plaque) ?"}
NOT_UNDERSTOOD = (
    "Je ne suis pas sûr de bien comprendre. Pouvez-vous décrire le problème en une "
    "phrase, par exemple « voiture garée devant mon garage » ou « musique très forte » ?"
)


def handoff(info: CommuneInfo, asked: bool = False) -> str:
    """A person takes over: asked for by the resident, or after two misunderstandings."""
    first = ("Bien sûr, une personne va prendre le relais. " if asked else
             "Je n'arrive pas à comprendre votre demande, je préfère la confier à une personne. ")
    return (
        first + "J'enregistre votre demande pour qu'un agent de la police municipale vous "
        f"rappelle ; vous pouvez aussi appeler directement le {info.police_desk_phone}. "
        "En cas d'urgence : 17, 18, 15 ou 112."
    )


def _of(street: str) -> str:
    """ "Rue Gambetta" → "de la rue Gambetta", "Avenue Foch" → "de l'avenue Foch"."""
    lower = street[:1].lower() + street[1:]
    if lower[:1] in "aeiouyéèêâh":
        return f"de l'{lower}"
    feminine = lower.split()[0] in ("rue", "place", "allée", "impasse", "route", "esplanade",
                                    "promenade", "avenue", "côte", "résidence", "voie", "cité")
    return f"de la {lower}" if feminine else f"du {lower}"


def summary(state: dict[str, Any]) -> str:
    parts = [f"Je récapitule : {LABELS.get(state['category'], state['category'])}"]
    loc = state.get("location") or {}
    place = (" ".join(x for x in (loc.get("number"), loc.get("street")) if x)
             or loc.get("landmark") or loc.get("text"))
    if loc.get("street") and loc.get("cross_street") and not loc.get("number"):
        place = f"à l'angle {_of(loc['street'])} et {_of(loc['cross_street'])}"
    if place:
        parts.append(f"lieu : {place}")
    if state.get("occurred_at"):
        when = datetime.fromisoformat(state["occurred_at"])
        parts.append(f"le {when:%d/%m à %H:%M}" if state.get("time_status") != "ongoing"
                     else f"depuis le {when:%d/%m à %H:%M}")
    elif state.get("time_text"):
        parts.append(f"quand : {state['time_text']}")
    if state.get("details_text"):
        parts.append("précisions : " + " ; ".join(state["details_text"])[:200])
    return ", ".join(parts) + ". Est-ce correct ? (oui / non)"


def recorded(state: dict[str, Any], code: str, message: str, handled_when: str) -> str:
    text = f"C'est enregistré. Votre numéro de suivi est {code}. {message}".strip()
    if state.get("language") == "en":
        text = (f"Your report is recorded. Tracking code: {code}. The details below "
                "are in French.\n\n" + text)
    elif state.get("language") == "es":
        text = (f"Su aviso está registrado. Código de seguimiento: {code}. Los "
                "detalles siguen en francés.\n\n" + text)
    if handled_when and handled_when not in text:
        text += f" Prise en charge : {handled_when}."
    if state.get("emergency") and state.get("emergency_number"):
        text += f" N'oubliez pas : en cas de danger, appelez {NUMBER_TEXT.get(state['emergency_number'], state['emergency_number'])}."
    return text


def answer_information(text: str, info: CommuneInfo) -> str:
    """Answers to the common questions; the fallback says who to call."""
    t = norm(text)
    if re.search(r"\b(horaire|heure|ouvert|ouvre|ferme|fermeture|ouverture)", t):
        return (
            f"La police municipale est joignable {info.police_hours}, au {info.police_desk_phone}. "
            "En dehors de ces heures, le commissariat de police nationale répond 24 h/24 (17 en urgence)."
        )
    if re.search(r"\b(ou (se trouve|est|sont)|adresse|situe|trouve ou|se trouve)", t):
        return (
            f"Vous trouverez la police municipale {info.police_address} "
            f"(téléphone : {info.police_desk_phone}). Le commissariat de police nationale est ouvert 24 h/24."
        )
    if re.search(
        r"\b(arnaque|escroquer|internet|en ligne|cyber|piratage|phishing)", t
    ) and re.search(r"\b(site|signaler|ou|comment|qui|numero)", t):
        return (
            "Pour une arnaque en ligne : 17Cyber sur cybermalveillance.gouv.fr, et la plateforme "
            "PHAROS (internet-signalement.gouv.fr) pour un contenu illicite. Pour porter plainte : "
            "pré-plainte en ligne sur pre-plainte-en-ligne.gouv.fr, puis rendez-vous au commissariat."
        )
    if re.search(r"\b112\b", t):
        return (
            "Oui, le 112 fonctionne partout en France et dans l'Union européenne, depuis un portable "
            "même sans crédit. Le 17 (police), le 18 (pompiers) et le 15 (SAMU) restent valables."
        )
    if re.search(r"\b(plainte|main courante)", t):
        return ("Pour porter plainte : faites une pré-plainte en ligne sur pre-plainte-en-ligne.gouv.fr, "
                "puis présentez-vous au commissariat de police nationale, ouvert 24 h/24. Pour une simple "
                "déclaration (main courante), adressez-vous aussi au commissariat.")
    if re.search(r"\b(sourd|malentend)", t):
        return "Les personnes sourdes ou malentendantes peuvent envoyer un SMS au 114 ou utiliser l'application 114."
    if re.search(r"\b(conjugal|violence)", t):
        return "Le 3919 écoute les victimes de violences (gratuit, anonyme). Enfant en danger : 119. Danger immédiat : 17."
    if re.search(r"\b(tranquillite|vacances|otv)", t):
        return ("L'Opération Tranquillité Vacances est gratuite : donnez-moi votre adresse et vos dates "
                "d'absence, et la police municipale passera régulièrement devant votre logement.")
    if re.search(r"\b(fourriere)", t):
        return f"Pour la fourrière, contactez la police municipale au {info.police_desk_phone}."
    if re.search(r"\b(robot|qui etes|vous etes qui|humain)", t):
        return (f"Je suis l'assistant automatique de la {info.town_hall}. Pour parler à une personne, "
                f"appelez le {info.police_desk_phone}.")
    return (f"Pour toute question, la police municipale répond au {info.police_desk_phone} "
            f"({info.police_hours}). En cas d'urgence : 17, 18, 15 ou 112. "
            "Vous pouvez aussi me décrire un problème et je l'enregistre.")


def closing(started_at: str | None = None) -> str:
    evening = False
    if started_at:
        try:
            hour = datetime.fromisoformat(started_at).hour
            evening = hour >= 18 or hour < 5
        except ValueError:
            pass
    return (f"Je vous en prie. {'Bonne soirée' if evening else 'Bonne journée'}, et n'hésitez "
            "pas à revenir vers moi si besoin.")
