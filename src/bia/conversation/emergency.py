"""Category overrides and emergency decisions (recall first), with the right number.

The spec is explicit: harm to a person in progress beats every other reading; fire, gas, a
person unwell and a person in the sea are always emergencies; an offence is an emergency only
while it is going on (thief still there, fight now) and not once it is over.  These decisions
must be explainable, so they are rules over cues (``cues.py``) and the time status
(``timeparse.py``), applied on top of the classifier's ranking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bia.conversation import cues as C
from bia.conversation.timeparse import TimeInfo

GAS_LINE = "0 800 47 33 33"
CYBER_LINES = ["17Cyber"]  # 17Cyber is the cybermalveillance.gouv.fr service
ALWAYS = {"incendie": "18", "urgence_medicale": "15", "secours_mer": "196"}


@dataclass(slots=True)
class Decision:
    """The category after overrides, and what makes it urgent."""

    category: str
    emergency: bool = False
    number: str | None = None
    extra: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    cue: bool = False  # an explicit cue (not the classifier alone) made it an emergency

    def add(self, *numbers: str) -> None:
        for n in numbers:
            if n not in self.extra and n != self.number:
                self.extra.append(n)


def _days_ago(time: TimeInfo) -> float:
    return (time.age_seconds or 0.0) / 86400


def fire_cue(t: str) -> re.Match[str] | None:
    """A fire said in the text, once traffic lights, barbecues, wrecks and denials are set aside."""
    fire = C.find(C.FIRE, t) or (C.find(C.FIRE_WEAK, t) if C.FIRE_WEAK_CONTEXT.search(t) else None)
    if fire and C.FIRE_FALSE.search(t[max(0, fire.start() - 40) : fire.end() + 25]):
        fire = None  # traffic lights, fireworks, gunfire, cannabis smoke
    if fire and fire.group(0) in ("fumee", "ca fume") and C.SMOKE_FALSE.search(t):
        # barbecue, cigarettes, smoke detectors: smoke that is no fire, unless flames are said
        fire = C.find(C.FLAMES, t)
    if fire and C.WRECK.search(t):
        fire = None  # a burnt-out wreck, long after
    if fire and (C.FIRE_DENIED.search(t) or (fire.group(0) == "au feu"
                                              and C.find(C.VIOLENCE_NOW, t))):
        fire = None  # "il n'y a pas de feu", "il frappe un cycliste au feu (rouge)"
    return fire


def gas_cue(t: str) -> re.Match[str] | None:
    """A gas smell or leak, unless a fake technician only claimed one."""
    return C.find(C.GAS, t) if not C.GAS_FALSE.search(t) else None


def _category(
    t: str, model_cat: str, ranked: list[tuple[str, float]], time: TimeInfo, d: Decision,
    fire: re.Match[str] | None, gas: re.Match[str] | None
) -> str:
    over = time.status == "over"
    sea = C.find(C.SEA, t)
    if sea and (C.SEA_CONTEXT.search(t) or any(w in sea.group(0) for w in ("noy", "noie", "deriv"))):
        d.reasons.append("personne en difficulté dans l'eau")
        return "secours_mer"
    if fire or gas:
        if not (over and model_cat in ("tags_degradations", "vehicule_abandonne", "depot_sauvage")):
            d.reasons.append("feu, fumée ou gaz")
            return "incendie"
    if model_cat == "accident" and C.find(C.THREAT, t):
        d.other.append("accident")  # threatened after a crash: the threat decides
        return "agression_violence"
    intruder = C.find(C.INTRUDER, t, present_only=True)
    if (intruder and intruder.group(0).startswith(("est ", "sont ")) and model_cat != "vol_cambriolage"
            and not re.search(r"\b(?:vol\w*|cambriol\w*|voleurs?|effraction)\b", t)):
        intruder = None  # "la carcasse est toujours là", "ils sont encore là" (a gathering)
    if (intruder and not over
        and model_cat in ("violences_intrafamiliales", "autre", "rassemblement", "bruit",
                          "tags_degradations", "objet_perdu_trouve", "otv", "vehicule_abandonne",
                          "depot_sauvage", "stationnement", "conflit_voisinage")
        and not C.DOMESTIC.search(t)):
        d.other.append(model_cat)
        return "vol_cambriolage"
    strong_medical = C.find(C.MEDICAL, t) or C.find(C.SUICIDE, t, negatable=False)
    harm_by_other = (C.find(C.VIOLENCE_NOW, t, negatable=False) or C.find(C.THREAT, t)
                     or C.find(C.ABUSE, t) or (C.find(C.WEAPON, t) and not C.SELF_INJURY.search(t)))
    threatened_now = (C.find(C.THREAT_NOW, t) or C.find(C.FOLLOWED, t, present_only=True)
                      or C.find(C.VIOLENCE_NOW, t, present_only=True))
    if ((threatened_now or (C.find(C.WEAPON, t) and C.find(C.THREAT, t)))
            and not over and not time.recurring
            and model_cat not in ("agression_violence", "violences_intrafamiliales", "urgence_medicale",
                                  "accident", "secours_mer", "incendie", "animal")
            and not C.find(C.INTRUDER, t, present_only=True)
            and not C.find(C.NOT_NOW, t, negatable=False)):
        # someone threatening people with a weapon, whatever else the message is about
        d.other.append(model_cat)
        d.reasons.append("menace avec une arme")
        return "violences_intrafamiliales" if C.DOMESTIC.search(t) else "agression_violence"
    if (C.find(C.HELP_CRY, t) and not harm_by_other and not over and C.ELDERLY.search(t)
            and model_cat in ("agression_violence", "violences_intrafamiliales", "autre")):
        # an elderly neighbour calling for help behind a door: a fall or a malaise first
        d.other.append(model_cat)
        return "urgence_medicale"
    if (strong_medical and not over and not harm_by_other
        and model_cat in ("violences_intrafamiliales", "agression_violence")):
        # "mon fils parle de se tuer", "ma fille a avalé des cachets": a family member in
        # danger with nobody hurting them is a medical emergency (15), not violence (17)
        d.other.append(model_cat)
        d.reasons.append("personne en danger médical")
        return "urgence_medicale"
    if model_cat == "urgence_medicale" and harm_by_other and not over and (
            C.find(C.THREAT, t) or C.find(C.VIOLENCE_NOW, t, negatable=False)):
        # "un vigile m'a frappé, je saigne": hurt by someone is an assault (17, and 15 as well)
        d.other.append(model_cat)
        d.reasons.append("personne agressée")
        return "violences_intrafamiliales" if C.DOMESTIC.search(t) else "agression_violence"
    violent = C.find(C.VIOLENCE_NOW, t, present_only=True)
    if (violent and model_cat == "violences_intrafamiliales" and not C.DOMESTIC.search(t)
        and not C.HOME.search(t)):
        d.other.append(model_cat)
        return "agression_violence"  # a man hitting a woman in the street: no family tie said
    if violent and model_cat == "animal" and C.ANIMAL_WORDS.search(t):
        violent = None  # an animal attacking is an "animal" emergency (17), not an assault
    if violent and not over and model_cat not in ("violences_intrafamiliales",):
        if C.DOMESTIC.search(t) and model_cat != "agression_violence":
            return "violences_intrafamiliales"
        if model_cat not in ("agression_violence", "accident"):
            d.reasons.append("personne agressée")
            d.other.append(model_cat)
        return "agression_violence" if model_cat != "accident" else model_cat
    if model_cat == "conflit_voisinage" and C.find(C.NOISE, t) and time.status == "ongoing":
        d.other.append(model_cat)
        return "bruit"  # a noise happening now, even in a long dispute
    if (model_cat == "stationnement" and time.occurred_at is not None and time.status != "ongoing"
        and _days_ago(time) >= 7):
        d.other.append(model_cat)
        return "vehicule_abandonne"  # parked for weeks: a long-parked vehicle
    medical_context = model_cat in ("urgence_medicale", "ivresse") or any(
        c == "urgence_medicale" and p >= 0.1 for c, p in ranked[:3]
    )
    medical = (C.find(C.MEDICAL, t) or C.find(C.SUICIDE, t, negatable=False)
               or (medical_context and C.find(C.MEDICAL_WEAK, t)))
    if (
        medical
        and model_cat
        not in ("agression_violence", "violences_intrafamiliales", "ivresse")
        and not (model_cat == "secours_mer" and C.SEA_CONTEXT.search(t))
        and not (model_cat == "accident" and C.ROAD.search(t))  # a road accident stays one
        and not (model_cat == "animal" and (C.find(C.ANIMAL_ATTACK, t) or (
            C.ANIMAL_WORDS.search(t) and not C.PERSON_WORDS.search(t))))  # a bleeding seagull
        and (not over or C.find(C.SUICIDE, t))
    ):
        return "urgence_medicale"
    return model_cat


def decide(
    text: str, ranked: list[tuple[str, float]], time: TimeInfo, language: str = "fr"
) -> Decision:
    """Final category, emergency flag, emergency number and extra numbers."""
    t = C.norm(text)
    model_cat = ranked[0][0] if ranked else "autre"
    d = Decision(category=model_cat)
    fire, gas = fire_cue(t), gas_cue(t)  # once per message, used by every rule below
    d.category = _category(t, model_cat, ranked, time, d, fire, gas)
    cat = d.category
    over = time.status == "over"
    ongoing = time.status == "ongoing"
    injured = C.find(C.INJURED, t)
    weapon = C.find(C.WEAPON, t)

    if cat == "incendie" and not fire and not gas and (
            C.FIRE_DENIED.search(t) or C.SMOKE_FALSE.search(t) or C.WRECK.search(t)
            or C.FIRE_FALSE.search(t)):
        # the model read "fumée", "feu" or "brûlé" but the words say it is no fire now
        d.category = cat = next((c for c, _ in ranked if c != "incendie"), "autre")
        d.other.append("incendie")
    if cat in ALWAYS:
        cue = cat != model_cat or bool(C.find(C.MEDICAL, t)
                                       or C.find(C.SUICIDE, t, negatable=False) or C.find(C.SEA, t)
                                       or fire or gas)
        # the classifier alone, on a short or unsure message ("oui"), is not enough
        words = len([w for w in t.split() if len(w) > 2])
        sure = cue or (dict(ranked).get(cat, 0.0) >= 0.45 and words >= 3)
        if cat == "urgence_medicale" and C.find(C.MEDICAL_OVER, t, negatable=False):
            sure = False  # "il a fait un malaise hier, il va bien maintenant"
        d.emergency, d.number = sure, ALWAYS[cat] if sure else None
        d.cue = cue
        if not sure:
            d.category = cat = ranked[1][0] if len(ranked) > 1 and words >= 3 else "autre"
        if cat == "incendie" and gas:
            d.add(GAS_LINE)
        if cat == "urgence_medicale" and C.find(C.SUICIDE, t, negatable=False):
            d.add("3114")
    elif cat == "agression_violence":
        now = C.find(C.VIOLENCE_NOW, t, present_only=True) or (
            not time.recurring and (C.find(C.FOLLOWED, t, present_only=True)  # followed now
                                    or C.find(C.HELP_CRY, t, present_only=True)
                                    or C.find(C.THREAT_NOW, t)))
        if not over and not C.find(C.NOT_NOW, t, negatable=False) and (now or (weapon and not time.recurring)
                         or (injured and C.find(C.INJURED, t) and not time.recurring)
                         or (ongoing and not time.recurring and C.find(C.VIOLENCE_NOW, t))):
            d.emergency, d.number = True, "17"
        if injured and (d.emergency or not over):
            d.add("15")
    elif cat == "violences_intrafamiliales":
        now = (C.find(C.VIOLENCE_NOW, t, present_only=True) or C.find(C.THREAT_NOW, t)
               or C.find(C.HELP_CRY, t, present_only=True))
        hurt = injured and not time.recurring  # "il m'a frappée, je saigne": danger now
        calm = C.find(C.NOT_NOW, t, negatable=False)  # "je ne suis pas en danger là", "c'est calme"
        if not calm and ((not over and (now or weapon or hurt or (ongoing and not time.recurring)))
                         or C.find(C.THREAT_NOW, t)):
            d.emergency, d.number = True, "17"
            if hurt:
                d.add("15")
        d.add("119" if C.CHILD.search(t) and not C.ELDERLY.search(t) else "3919")
    elif cat == "vol_cambriolage":
        if C.find(C.INTRUDER, t, present_only=True) and not over:
            d.emergency, d.number = True, "17"
    elif cat == "animal":
        attack = C.find(C.ANIMAL_ATTACK, t, present_only=True)
        bitten_and_hurt = C.find(C.ANIMAL_ATTACK, t) and injured  # "il a mordu mon fils, il saigne"
        if (attack or bitten_and_hurt) and not over and not time.recurring:
            d.emergency, d.number = True, "17"
            if bitten_and_hurt:
                d.add("15")
    elif cat == "voirie":
        if C.find(C.ROAD_OBSTACLE, t) and C.find(C.ON_ROAD, t) and not over:
            d.emergency, d.number = True, "17"
    elif cat == "accident":
        if (injured or C.find(C.PERSON_HIT, t)) and not over:
            d.emergency, d.number = True, "18"
    elif cat == "ivresse" and (C.find(C.MEDICAL, t) or C.find(C.UNRESPONSIVE, t)) and not over:
        d.emergency, d.number = True, "15"

    if d.emergency and cat not in ALWAYS:
        d.cue = True
    # Cross-cutting extra lines.
    if (
        C.ELDERLY.search(t)
        and C.find(C.ABUSE, t)
        and cat
        in ("violences_intrafamiliales", "agression_violence", "vol_cambriolage", "escroquerie",
            "autre")
    ):
        d.add("3977")
        if "3919" in d.extra and not C.DOMESTIC.search(t):
            d.extra.remove("3919")
    if cat == "escroquerie" and C.ONLINE_SCAM.search(t):
        d.add(*CYBER_LINES)
    if d.emergency and C.find(C.PRETEND, t, negatable=False) and not re.search(
            r"\b(?:pour de vrai|vraiment|reel\w*|c est pas un exercice)\b", t):
        d.emergency, d.number, d.cue = False, None, False  # a drill, a film, a game, a figure of speech
        d.reasons.append("mise en scène ou exercice, pas une urgence")
    if d.emergency and C.DEAF.search(t):
        # a deaf person cannot call: 114 by SMS or the app
        usual, d.number = d.number or "112", "114"
        d.add(usual)
    elif d.emergency and language in ("en", "es"):
        # a visitor gets the service's own number first, and 112, which answers in English
        # and Spanish, beside it
        d.add("112")
    return d
