"""Facts the police need on the pre-filled file: people, plate, weapon, injured, vehicle.

They are extracted with explicit patterns because they are copied verbatim into an
intervention file: a plate must be in the SIV format (AA-123-AA), a count must be a number.
Also the basic language guess (French by default; English/Spanish recognised so the assistant
can give 112, which answers in several languages).
"""

from __future__ import annotations

import re
from typing import Any

from bia.conversation import cues as C

_PLATE = re.compile(r"\b([A-HJ-NP-TV-Z]{2})[\s\-\.]?(\d{3})[\s\-\.]?([A-HJ-NP-TV-Z]{2})\b", re.I)
_COUNTS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
           "huit": 8, "neuf": 9, "dix": 10, "une dizaine": 10, "une quinzaine": 15, "une vingtaine": 20,
           "une trentaine": 30, "une cinquantaine": 50, "une centaine": 100, "plusieurs": 3,
           "quelques": 3, "des dizaines": 30}
_PEOPLE = (r"(?:personnes?|jeunes|hommes?|femmes?|individus?|mecs?|gars|types?|ados?|adolescents?|"
           r"enfants?|gamins?|filles?|garcons?|touristes?|gens|motards?|dealers?|squatteurs?|"
           r"cambrioleurs?|voleurs?)")
_COUNT_RX = re.compile(r"\b(\d{1,3}|" + "|".join(sorted(map(re.escape, _COUNTS), key=len, reverse=True)) + r")"
                       r"(?: de)? (?:\w+ )?" + _PEOPLE + r"\b")
_MAKES = ("renault", "peugeot", "citroen", "clio", "megane", "twingo", "golf", "polo", "audi",
          "bmw",
          "mercedes", "volkswagen", "vw", "toyota", "yaris", "fiat", "ford", "opel", "dacia",
          "sandero",
          "duster", "nissan", "kia", "hyundai", "tesla", "seat", "skoda", "mini", "smart",
          "range rover", "land rover", "porsche", "volvo", "suzuki", "yamaha", "honda", "kawasaki",
          "ducati", "tmax", "t max", "c3", "c4", "208", "308", "3008", "2008", "206", "207",
          "kangoo",
          "jumpy", "trafic", "transit", "berlingo", "partner", "scenic", "captur", "qashqai")
_MAKE_RX = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _MAKES), key=len, reverse=True)) + r")\b"
)
_COLOURS = ("noire?s?", "blanche?s?", "grise?s?", "rouges?", "bleue?s?", "verte?s?", "jaunes?",
            "oranges?", "violette?s?", "marron", "beiges?", "argentee?s?", "argent", "doree?s?",
            "bordeaux", "roses?")
_VEHICLE = (r"(?:voiture|vehicule|camionnette|utilitaire|camion|scooter|moto|4x4|suv|van|fourgon|quad|velo|vtt|trottinette|berline|break|citadine|"
            + "|".join(_MAKES) + r")")
_COLOUR_RX = re.compile(r"\b" + _VEHICLE + r"\s+(?:\w+\s+)?(" + "|".join(_COLOURS) + r")\b")

_LANG_WORDS = {
    "fr": set(
        ["le", "la", "les", "de", "des", "du", "est", "et", "un", "une", "il", "elle", "je",
         "pas", "dans", "sur", "pour", "avec", "qui", "que", "ce", "ca", "ya", "mon", "ma",
         "nous", "vous", "sont", "fait", "au", "aux", "bonjour", "merci", "rue", "voiture"]
    ),
    "en": set(
        ["the", "is", "are", "and", "a", "an", "of", "to", "in", "on", "my", "there",
         "someone", "please", "help", "with", "it", "this", "that", "street", "car", "fire",
         "hello", "thanks", "have", "has", "was", "i", "we", "our", "you", "been", "at", "near",
         "outside", "stolen", "just", "not", "can", "he", "she", "they", "his", "her", "from",
         "by", "very", "night", "right", "now", "hi", "im", "it's", "i'm", "we're", "there's",
         "won't", "can't", "isn't", "doesn't", "who", "what", "where", "how", "yesterday"]
    ),
    "es": set(
        ["el", "la", "los", "las", "es", "y", "un", "una", "de", "en", "mi", "hay", "alguien",
         "por", "favor", "ayuda", "con", "que", "esta", "calle", "coche", "fuego", "hola",
         "gracias", "del", "se", "dos", "coches", "nadie", "herido", "muy", "pero", "estoy",
         "estamos", "tengo", "nuestro", "nuestra", "ahora", "mismo", "aqui", "donde", "como",
         "perdi", "robado", "cerca", "junto", "al", "lo", "ha", "han", "he", "son", "para",
         "desde", "puede", "pueden", "noche", "anoche", "ayer", "señora", "señor", "gente",
         "niño", "niña", "nino", "nina", "grupo", "chico", "chica", "calle", "rapido", "padres",
         "sus", "tienda", "dentro", "siguen", "estan", "hombre", "hombres", "mujer", "nos",
         "hotel", "playa", "agua", "porque", "todo", "todos", "cuando", "hace", "tiene"]
    ),
}


def detect_language(text: str) -> str:
    """ "fr" unless English or Spanish function words clearly dominate."""
    words = re.findall(r"[a-zñ']+", text.lower()[:2000])
    if not words:
        return "fr"
    if re.search(r"[¡¿ñ]", text) and not re.search(r"[éèêàùç]", text):
        return "es"  # only Spanish writes these
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _LANG_WORDS.items()}
    best = max(scores, key=lambda k: scores[k])
    if best != "fr" and scores[best] >= 2 and scores[best] > 1.5 * scores["fr"]:
        return best
    return "fr"


def normalize_plate(raw: str) -> str | None:
    """ "ab123cd" / "AB 123 CD" → "AB-123-CD" (SIV format), else None."""
    m = _PLATE.fullmatch(raw.strip())
    if not m:
        return None
    return f"{m.group(1).upper()}-{m.group(2)}-{m.group(3).upper()}"


def extract_details(text: str) -> dict[str, Any]:
    """Only the keys found (JSON-serialisable values)."""
    out: dict[str, Any] = {}
    plates = [f"{a.upper()}-{b}-{c.upper()}" for a, b, c in _PLATE.findall(text[:5000])]
    if plates:
        out["plate"] = plates[0]
        if len(plates) > 1:
            out["plates"] = plates
    t = C.norm(text)
    m = _COUNT_RX.search(t)
    if m:
        n = m.group(1)
        out["people_count"] = int(n) if n.isdigit() else _COUNTS[n]
    weapon = C.find(C.WEAPON, t)
    if weapon:
        out["weapon"] = weapon.group(0)
    injured_words = list(C.INJURED.finditer(t))
    if injured_words:
        out["injured"] = bool(C.find(C.INJURED, t))
    make = _MAKE_RX.search(t)
    if make:
        out["vehicle_make"] = make.group(1)
    colour = _COLOUR_RX.search(t)
    if colour:
        out["vehicle_colour"] = colour.group(1)
    if C.DEAF.search(t):
        out["deaf_or_hard_of_hearing"] = True
    return out
