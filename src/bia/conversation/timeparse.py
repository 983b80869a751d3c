"""French time expressions → an aware datetime, and whether the thing is still going on.

Residents say "hier soir vers 23h", "depuis une heure", "cette nuit", "samedi dernier"; general
date parsers miss most of these, and the answer must be relative to the resident's "now" (its
offset decides on-duty hours).  Whether it is *over* ("ils sont partis", "c'était hier") decides
whether a report is an emergency, so the status is computed here too, with the date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bia.geo.normalize import fold

PARIS = ZoneInfo("Europe/Paris")

_NUM_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
              "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15, "vingt": 20,
              "trente": 30, "quarante": 40, "cinquante": 50, "quelques": 3, "plusieurs": 3, "des": 3,
              "une dizaine de": 10, "une quinzaine de": 15, "une vingtaine de": 20, "une trentaine de": 30,
              "une bonne": 1, "un bon": 1, "une petite": 1, "un petit": 1, "au moins": 0, "bien": 0}
_UNITS = {"min": 60, "mn": 60, "minute": 60, "minutes": 60, "h": 3600, "heure": 3600, "heures": 3600,
          "jour": 86400, "jours": 86400, "nuit": 86400, "nuits": 86400, "semaine": 604800,
          "semaines": 604800, "mois": 2592000, "an": 31536000, "ans": 31536000, "annee": 31536000,
          "annees": 31536000}
_WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
_MONTHS = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
           "octobre", "novembre", "decembre"]
_PARTS = {"matin": 8, "matinee": 9, "midi": 12, "apres midi": 15, "aprem": 15, "soir": 21, "soiree": 21,
          "nuit": 1}

_NUM = r"(\d+|" + "|".join(sorted((re.escape(k) for k in _NUM_WORDS), key=len, reverse=True)) + r")"
_UNIT = r"(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + r")"
_DURATION = re.compile(r"\b(il y a|depuis|ca fait|cela fait|voila|pendant|y a)\s+(?:bien\s+|au moins\s+|plus d\s*)?"
                       + _NUM + r"?\s*(?:bonne\s+|petite\s+|bon\s+|petit\s+)?" + _UNIT + r"\b")
_HALF = re.compile(
    r"\b(il y a|depuis|ca fait)\s+(?:une\s+)?(demi heure|demi-heure|quart d heure)\b"
)
_CLOCK = re.compile(r"\b(?:(minuit)|(?:a|vers|depuis|des|entre|jusqu a|sur les|de)\s+(midi)"
                    r"|(\d{1,2})\s*(?:h|heures?|:)\s*(\d{2})?(?!\d))"
                    r"(?:\s+(du matin|du soir|de l apres midi|de la nuit))?")
_DATE = re.compile(r"\b(?:le\s+|du\s+)?(\d{1,2})(?:er)?\s+(" + "|".join(_MONTHS) + r")\b"
                   r"|\b(\d{1,2})/(\d{1,2})(?:/(\d{2,4}))?\b")
_RANGE = re.compile(
    r"\bdu (\d{1,2})(?:er)? (?:au|jusqu au) \d{1,2}(?:er)? (" + "|".join(_MONTHS) + r")\b"
)
_NOW = re.compile(r"\b(en ce moment|actuellement|maintenant|a l instant|en train de|en cours|"
                  r"la tout de suite|right now|ahora|now)\b")
_STRONG_ONGOING = re.compile(r"\b(en train de|toujours la|encore la|(?:sont|est) toujours|(?:sont|est) encore|"
                             r"en ce moment|actuellement|maintenant|la maintenant|au secours|a l aide|vite|venez|"
                             r"ne s arrete pas|continue(?:nt)?|recommence(?:nt)?|toujours en cours|en cours|a l instant|"
                             r"je l entends|on les entend|j entends)\b")
_OVER = re.compile(r"\b((?:il|elle|ils|elles|on|l autre \w+|le \w+) (?:est|sont|s est|se sont) (?:re)?partis?e?s?|"
                   r"(?:a|ont) pris la fuite|(?:s est|se sont) (?:enfuie?s?|sauve(?:e?s?)?|calme(?:e?s?)?|"
                   r"eloigne(?:e?s?)?)|c etait|c est fini|c est termine|n (?:est|sont) plus la|"
                   r"(?:est|a ete) eteint|plus personne|ils sont repartis|parti sans|repartie? sans|"
                   r"partis? depuis|deja partis?|sont rentres)\b")
_RECURRING = re.compile(r"\b(tous les (?:jours|soirs|matins|nuits|week ends?|weekends?|samedis?|dimanches?|ans|etes)|"
                        r"toutes les (?:nuits|semaines|fins? de semaine)|chaque (?:soir|nuit|jour|matin|week end|"
                        r"semaine|fois|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)|"
                        r"tous les (?:lundis|mardis|mercredis|jeudis|vendredis)|regulierement|souvent|sans arret|depuis des (?:semaines|mois|annees|jours)|"
                        r"encore une fois|a chaque fois|recurrent|h24|tout le temps|depuis plusieurs "
                        r"(?:semaines|mois|jours|annees)|depuis longtemps|ca dure)\b")


@dataclass(slots=True)
class TimeInfo:
    """When it happened and whether it is still happening."""

    occurred_at: datetime | None = None
    text: str | None = None  # the words that gave the time
    status: str = "unknown"  # "ongoing" | "over" | "unknown"
    recurring: bool = False
    age_seconds: float | None = None  # how long ago (negative: to come)


def _local(at: datetime) -> datetime:
    if at.tzinfo is None:
        return at.replace(tzinfo=PARIS)
    return at.astimezone(PARIS)


def _at_clock(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour % 24, minute), tzinfo=PARIS)


def _num(word: str | None) -> float:
    if word is None:
        return 1
    if word.isdigit():
        return int(word)
    return _NUM_WORDS.get(word, 1) or 1


def _clock(t: str) -> tuple[int, int, str | None, int] | None:
    """(hour, minute, qualifier, position) of the first clock time said."""
    for m in _CLOCK.finditer(t):
        if m.group(1):
            return 0, 0, m.group(5), m.start()
        if m.group(2):
            return 12, 0, m.group(5), m.start()
        hour, minute = int(m.group(3)), int(m.group(4) or 0)
        tail = t[m.end() : m.end() + 3]
        if (hour > 24 or minute > 59 or tail.startswith("/")
            or t[max(0, m.start() - 1) : m.start()] == "/"):
            continue
        return hour, minute, m.group(5), m.start()
    return None


def _day_anchor(t: str, now: datetime) -> tuple[date | None, str | None]:
    today = now.date()
    if re.search(r"\bavant hier\b", t):
        return today - timedelta(days=2), "avant-hier"
    if re.search(r"\bhier\b", t) and not re.search(r"\bhier il n y avait\b", t):
        return today - timedelta(days=1), "hier"
    if re.search(r"\b(la )?semaine derniere\b", t):
        return today - timedelta(days=7), "la semaine dernière"
    if re.search(r"\b(le )?week ?end dernier\b", t):
        back = (today.weekday() - 5) % 7 or 7
        return today - timedelta(days=back), "le week-end dernier"
    for i, name in enumerate(_WEEKDAYS):
        m = re.search(rf"\b{name}( dernier| passe)?\b", t)
        if m:
            back = (today.weekday() - i) % 7
            if m.group(1) and back == 0:
                back = 7
            return today - timedelta(days=back), m.group(0)
    m = _RANGE.search(t)
    if m:  # "du 3 au 24 août": an absence to come (OTV) starts on the first day
        try:
            d = date(today.year, _MONTHS.index(m.group(2)) + 1, int(m.group(1)))
        except ValueError:
            return None, None
        if d < today - timedelta(days=60):
            d = d.replace(year=d.year + 1)
        return d, m.group(0)
    m = _DATE.search(t)
    if m:
        try:
            if m.group(2):
                day, month, year = int(m.group(1)), _MONTHS.index(m.group(2)) + 1, today.year
            else:
                day, month = int(m.group(3)), int(m.group(4))
                year = int(m.group(5)) if m.group(5) else today.year
                year += 2000 if year < 100 else 0
            d = date(year, month, day)
        except ValueError:
            return None, None
        future_ok = bool(re.search(r"\bdu \d{1,2}(er)? (au|jusqu)", t)) or "vacances" in t
        if d > today and not future_ok and not m.group(5):
            d = d.replace(year=d.year - 1)
        return d, m.group(0)
    if re.search(r"\b(aujourd hui|ce matin|cet? apres midi|ce soir|ce midi|cette matinee|"
                 r"cette apres midi|en fin de journee|cet aprem)\b", t):
        return today, "aujourd'hui"
    return None, None


def _part(t: str) -> str | None:
    m = re.search(r"\b(fin d apres midi|fin de matinee|debut de soiree|fin de soiree|apres midi|"
                  r"aprem|matinee|matin|midi|soiree|soir|nuit)\b", t)
    if not m:
        return None
    return m.group(1)


_PART_HOURS = {"fin d apres midi": 17, "fin de matinee": 11, "debut de soiree": 19, "fin de soiree": 23,
               **_PARTS}


def parse_time(text: str, at: datetime) -> TimeInfo:
    """Resolve the time said in ``text`` against the resident's ``at``."""
    t = " " + re.sub(r"[^a-z0-9/:]+", " ", fold(text[:3000])) + " "
    now = _local(at)
    info = TimeInfo(recurring=bool(_RECURRING.search(t)))
    strong = bool(_STRONG_ONGOING.search(t))
    over = bool(_OVER.search(t))
    when, said = _resolve(t, now)
    info.occurred_at, info.text = when, said
    if when is not None:
        info.age_seconds = (now - when).total_seconds()
    if strong:
        info.status = "ongoing"
    elif over:
        info.status = "over"
    elif re.search(r"\bdepuis\b", t) and when is not None and now - when < timedelta(days=2):
        info.status = "ongoing"
    elif when is not None and when > now:
        info.status = "unknown"
    elif when is not None:
        info.status = "ongoing" if now - when <= timedelta(minutes=20) else "over"
        if now - when <= timedelta(hours=2) and info.status == "over":
            info.status = "unknown"
    return info


def _resolve(t: str, now: datetime) -> tuple[datetime | None, str | None]:
    if _NOW.search(t) and not re.search(r"\b(hier|depuis|il y a|tout a l heure)\b", t):
        return now, _NOW.search(t).group(1)  # type: ignore[union-attr]
    m = _HALF.search(t)
    if m:
        return now - timedelta(minutes=15 if "quart" in m.group(2) else 30), m.group(0).strip()
    m = _DURATION.search(t)
    if m and m.group(3) == "h" and m.group(1) == "depuis":  # "depuis 23h" is a clock time
        m = None
    if m and (
        m.group(2) is not None
        or m.group(3) in ("heure", "minute", "semaine", "jour", "nuit", "mois", "an", "annee")
    ):
        amount = _num(m.group(2)) * _UNITS[m.group(3)]
        return now - timedelta(seconds=amount), m.group(0).strip()
    day, said = _day_anchor(t, now)
    clock = _clock(t)
    part = _part(t)
    if "tout a l heure" in t and clock is None and day is None:
        return now - timedelta(hours=1), "tout à l'heure"
    if re.search(r"\bcette nuit\b|\bla nuit derniere\b", t) and day is None:
        if now.hour >= 18 or now.hour < 6 and "derniere" not in t:
            base = (now.date() if now.hour >= 18 or clock is None or clock[0] <= now.hour
                    else now.date() - timedelta(days=1))
            when = _at_clock(base, clock[0], clock[1]) if clock else now
            return min(when, now), "cette nuit"
        hour = clock[0] if clock else 1
        base = now.date() if hour < 12 else now.date() - timedelta(days=1)
        return _at_clock(base, hour, clock[1] if clock else 0), "cette nuit"
    if clock is not None:
        hour, minute, qual, _ = clock
        if (qual in ("du soir", "de l apres midi") or part
            in ("soir", "soiree", "apres midi", "fin d apres midi", "aprem")) and 1 <= hour < 12:
            hour += 12
        if part == "nuit" and 8 <= hour < 12:
            hour += 12
        if day is not None:
            if part == "nuit" and hour < 8 and said in ("hier", "avant-hier"):
                day = day + timedelta(days=1)
            return _at_clock(day, hour, minute), said
        cand = _at_clock(now.date(), hour, minute)
        if cand > now + timedelta(minutes=15):
            cand -= timedelta(days=1)
        return cand, f"{hour}h{minute:02d}"
    if day is not None:
        hour = _PART_HOURS.get(part or "", 12)
        if part == "nuit" and said in ("hier", "avant-hier"):
            day = day + timedelta(days=1)
        when = _at_clock(day, hour)
        return (min(when, now) if day == now.date() else when), said
    if part is not None and re.search(r"\b(ce|cet|cette) " + part, t):
        return min(_at_clock(now.date(), _PART_HOURS[part]), now), f"ce {part}"
    return None, None
