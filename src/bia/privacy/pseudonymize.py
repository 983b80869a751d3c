"""Pseudonymisation before analytics and after retention: strip what names a person, keep what
describes a place or a nuisance.

Analytics and long-kept summaries need the category, the street, the hour, never who called.
Rules are deliberately conservative regular expressions (no NLU model): they must run in the
purge job with no network, give the same output every time, and be testable line by line.
What is removed is replaced by a bracketed tag (``[nom]``, ``[téléphone]``…) so a reader sees
that something was there. Positions are snapped to a grid; identifiers that must stay
joinable (the same contact across reports) get a keyed HMAC pseudonym that cannot be reversed
without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from typing import Any

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# 06 12 34 56 78 · 06.12.34.56.78 · 0612345678 · +33 6 12 34 56 78 · 0033 (0)6…
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
# IBAN-like: country code, check digits, then groups; digit count is checked afterwards
IBAN = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,3})?\b")
_SIV_LETTER = "[A-HJ-NP-TV-Z]"  # SIV plates never use I, O, U
PLATE_SIV = re.compile(rf"\b{_SIV_LETTER}{{2}}[ \-]?\d{{3}}[ \-]?{_SIV_LETTER}{{2}}\b"
                       r"|\b[a-z]{2}-\d{3}-[a-z]{2}\b")
_DEPT = r"(?:0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])"
PLATE_FNI = re.compile(rf"\b\d{{1,4}}[ \-]?(?P<l>[A-Z]{{1,3}})[ \-]?{_DEPT}\b"
                       r"|\b\d{1,4}-[a-z]{1,3}-\d{2}\b")
STREET_TYPES = (
    "rue", "ruelle", "avenue", "av", "boulevard", "bd", "bld", "place", "pl", "allées?",
    "chemin", "impasse", "route", "rte", "quai", "square", "cours", "esplanade", "promenade",
    "passage", "sentier", "rond-point", "résidence", "residence", "lotissement", "villa", "cité",
    "cite", "voie", "parvis", "plateau", "montée", "côte", "descente", "carrefour", "traverse",
    "faubourg", "hameau", "square",
)
_STREET = r"(?:" + "|".join(STREET_TYPES) + r")\.?"
_SUFFIX = r"(?:\s*(?:bis|ter|quater|[a-dA-D])\b)?"
# "12 rue X", "au 12 bis, avenue X", "au numéro 12 de la rue X" (the street is kept)
HOUSE_NUMBER = re.compile(
    rf"(?:\b(?:au|le)\s+)?(?:(?:\bn°|\bnuméro|\bnumero|\bno\.)\s*)?\b\d{{1,4}}{_SUFFIX}\s*,?\s+"
    rf"(?:(?:de|du)\s+(?:la\s+|l['’]\s*)?)?(?={_STREET}\s)",
    re.IGNORECASE)
# "n° 12" / "numéro 12" with no street after it
NUMBER_MENTION = re.compile(rf"(?:\bn°|\bnuméro|\bnumero)\s*\d{{1,4}}{_SUFFIX}", re.IGNORECASE)

_SELF = re.compile(r"\b(?:je\s+m['’]\s*appelle|je\s+me\s+nomme|mon\s+nom\s+(?:est|c['’]est)|"
                   r"moi\s+c['’]est|je\s+suis|cordialement|signé)\s*,?\s*", re.IGNORECASE)
_CIVILITY = re.compile(r"(?:\b(?i:monsieur|madame|mademoiselle|docteur|maître|mr|mme|mlle|dr)"
                       r"\b\.?|\bM\.|\bMe\b)\s*", re.UNICODE)
_RELATION = re.compile(
    r"\b(?:mon|ma|notre|le|la|son|sa|leur)\s+(?:voisin|voisine|propriétaire|proprio|locataire|"
    r"gardien|gardienne|concierge|mari|femme|épouse|fils|fille|frère|sœur|soeur|conjoint|"
    r"conjointe|ex|collègue|patron|patronne|ami|amie|copain|copine)\s+", re.IGNORECASE)
_WORD = re.compile(r"\s*([^\W\d_][\w'’\-]*)")
_UPPER_START = re.compile(r"[A-ZÀ-ÖØ-Ý]")
_SURNAME_ARTICLES = {"Le", "La", "Les", "De", "Du", "Des", "Van", "Von", "Di", "Da"}
_PARTICLES = {"de", "du", "des", "d'", "d’", "van", "von", "le", "la", "ben", "el"}
# Capitalised words that start sentences or name functions, never a person's name.
_NOT_NAMES = {
    "il", "elle", "ils", "elles", "on", "je", "nous", "vous", "ça", "ce", "c'est", "cela",
    "le", "la", "les", "l'", "un", "une", "des", "et", "mais", "depuis", "hier", "aujourd'hui",
    "maire", "commissaire", "préfet", "agent", "police", "pompiers", "rue", "avenue", "place",
    "boulevard", "à", "au", "aux", "en", "dans", "devant", "derrière", "près", "vers", "qui",
    "que", "quand", "y", "ici", "là", "voilà", "bonjour", "bonsoir", "merci", "oui", "non",
    "inquiet", "inquiète", "témoin", "habitant", "habitante", "résident", "résidente",
    "propriétaire", "locataire", "victime", "seul", "seule", "très", "pas", "encore",
}
_LOWER_STOP = _NOT_NAMES | {"j'habite", "habite", "j’habite", "appelle", "pour", "car", "parce",
                            "signaler", "je", "et", "du", "de", "des", "avec", "sur", "pas"}
NAME_TAG = "[nom]"


def _is_name_word(word: str, *, allow_lower: bool) -> bool:
    low = word.lower()
    if low in _NOT_NAMES or re.match(r"^(?:[jlcdnsm]|qu)['’]", low):
        return False
    if _UPPER_START.match(word):
        return True
    return allow_lower and low not in _LOWER_STOP


def _name_end(text: str, start: int, *, allow_lower: bool, limit: int = 3) -> int:
    """End of the person's name that begins at ``start`` (``start`` when there is none).

    Speech transcripts are lower-case, so after an explicit self-introduction ("je m'appelle")
    lower-case words count too; elsewhere only capitalised words do.
    """
    end, taken, pos = start, 0, start
    while taken < limit:
        match = _WORD.match(text, pos)
        if match is None:
            break
        word = match.group(1)
        if word in _SURNAME_ARTICLES:  # "Le Gall", "La Tour", "De Gaulle"
            following = _WORD.match(text, match.end())
            if following and _is_name_word(following.group(1), allow_lower=False):
                pos = match.end()
                continue
            break
        if word.lower() in _PARTICLES and taken > 0:
            following = _WORD.match(text, match.end())
            if following and (following.group(1) in _SURNAME_ARTICLES or _is_name_word(
                    following.group(1), allow_lower=False)):
                pos = match.end()
                continue
            break
        if not _is_name_word(word, allow_lower=allow_lower and taken < 2):
            break
        taken += 1
        end = pos = match.end()
    return end


def _replace_names(text: str) -> str:
    spans: list[tuple[int, int]] = []
    for pattern, allow_lower in ((_SELF, True), (_CIVILITY, False), (_RELATION, False)):
        for match in pattern.finditer(text):
            lower_ok = allow_lower and not match.group(0).lower().startswith(("je suis", "cordia",
                                                                               "signé"))
            end = _name_end(text, match.end(), allow_lower=lower_ok)
            if end > match.end():
                spans.append((match.end(), end))
    for start, end in sorted(spans, reverse=True):
        if any(s < start < e for s, e in spans if (s, e) != (start, end)):
            continue  # nested in a span replaced already
        text = text[:start] + NAME_TAG + text[end:]
    return text


def _iban(match: re.Match[str]) -> str:
    digits = sum(ch.isdigit() for ch in match.group(0))
    return "[iban]" if digits >= 10 else match.group(0)


def _fni(match: re.Match[str]) -> str:
    letters = match.group("l")
    return match.group(0) if letters in {"H", "h"} else "[immatriculation]"  # "14 H 30"


def pseudonymize_text(text: str) -> str:
    """The text with names, contacts, plates, bank numbers and house numbers removed.

    Street names, times, dates, counts and the description of the nuisance are kept: they
    are what analytics and the officers' statistics need.
    """
    if not text:
        return text
    out = EMAIL.sub("[courriel]", text)
    out = IBAN.sub(_iban, out)
    out = PHONE.sub("[téléphone]", out)
    out = PLATE_SIV.sub("[immatriculation]", out)
    out = PLATE_FNI.sub(_fni, out)
    out = _replace_names(out)
    out = HOUSE_NUMBER.sub("", out)
    out = NUMBER_MENTION.sub("[n°]", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def pseudonymize_value(value: Any) -> Any:
    """Apply :func:`pseudonymize_text` to every string inside JSON-like data (report details)."""
    if isinstance(value, str):
        return pseudonymize_text(value)
    if isinstance(value, dict):
        return {k: pseudonymize_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [pseudonymize_value(v) for v in value]
    return value


_M_PER_DEG_LAT = 111_320.0


def pseudonymize_point(lat: float, lon: float, cell_m: int = 100) -> tuple[float, float]:
    """The centre of the ``cell_m`` grid cell holding the point.

    A door-level position identifies a household; a 100 m cell still places the nuisance in
    its street block. The longitude step uses the latitude of the cell's centre, so every
    point of a cell maps to the same centre.
    """
    lat_step = cell_m / _M_PER_DEG_LAT
    lat_c = (math.floor(lat / lat_step) + 0.5) * lat_step
    lon_step = cell_m / (_M_PER_DEG_LAT * max(math.cos(math.radians(lat_c)), 1e-6))
    lon_c = (math.floor(lon / lon_step) + 0.5) * lon_step
    return round(lat_c, 6), round(lon_c, 6)


def normalize_identifier(value: str) -> str:
    """One spelling per contact: e-mails lower-cased, phone numbers as ``0XXXXXXXXX``."""
    value = value.strip()
    if "@" in value:
        return value.lower()
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0033"):
        digits = "0" + digits[4:]
    elif digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits or value.lower()


def keyed_pseudonym(value: str, secret: str, *, prefix: str = "ps_", length: int = 16) -> str:
    """A stable pseudonym of an identifier: HMAC-SHA256 under ``secret``.

    Stable, so one resident's reports stay joinable in analytics; keyed, so that nobody
    without the secret can test a guessed phone number against it (a plain hash of a
    10-digit number is reversed by brute force in seconds).
    """
    mac = hmac.new(secret.encode(), normalize_identifier(value).encode(), hashlib.sha256)
    return prefix + mac.hexdigest()[:length]
