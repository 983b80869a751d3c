"""Strip personal data from a resident's words before they leave BIA in a public response.

GeoReport v2 returns each request's ``description`` to anyone who asks, so what a resident
typed is public once published. Police need the raw words (they stay in the database, for
staff only); the public feed gets this scrubbed copy. The patterns aim at what residents
actually write in a report: phone numbers, e-mail addresses, number plates (SIV ``AB-123-CD``
and the older FNI ``1234 AB 64``), house numbers ("au 12 bis rue…", "n° 12") and names
introduced by a civility or a self-introduction ("M. Dupont", "je m'appelle Jean Dupont").

A bare name with nothing around it cannot be recognised reliably; that residual risk is why
only descriptions typed in an Open311 client (whose service list says they are public) are
published at all — chat and phone transcripts never are (see ``bia.open311.mapping``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK_CONTACT = "[coordonnées masquées]"
MASK_PLATE = "[immatriculation masquée]"
MASK_NAME = "[nom masqué]"
MASK_NUMBER = "[n°]"

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_NAME_WORD = rf"[{_UPPER}][\w'’\-]+"

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# French numbers (0X XX XX XX XX, +33 X…, 0033 …) and any other run of 8+ digits
PHONE = re.compile(r"(?:(?:\+|00)33[\s.\-]?(?:\(0\))?[\s.\-]?|(?<!\d)0)[1-9]"
                   r"(?:[\s.\-]?\d{2}){4}(?!\d)|(?<![\w])\+?\d(?:[\s.\-]?\d){7,}(?!\w)")
# SIV plates since 2009 (no I, O, U; SS and WW series excluded by the state, kept here)
PLATE_SIV = re.compile(r"(?<![\w])[A-HJ-NP-TV-Z]{2}[\s\-.]?\d{3}[\s\-.]?[A-HJ-NP-TV-Z]{2}(?![\w])",
                       re.IGNORECASE)
# FNI plates before 2009: 1-4 digits, 1-3 capitals, department (upper case only: "12 rue" is safe)
PLATE_FNI = re.compile(r"(?<![\w])\d{1,4}[\s\-]?[A-Z]{1,3}[\s\-]?(?:\d{2}|2[AB]|97\d)(?![\w])")
STREET_TYPES = (r"rue|avenue|av\.?|bd\.?|boulevard|place|pl\.?|all[ée]e|impasse|chemin|route|"
                r"quai|cours|square|esplanade|passage|r[ée]sidence|lotissement|sentier|"
                r"promenade|rond-point|carrefour|villa|cit[ée]|hameau|parvis|voie|mail")
HOUSE_NUMBER = re.compile(
    rf"(?<![\w])\d{{1,4}}\s*(?:bis|ter|quater|[a-d])?\s*,?\s*(?=(?:{STREET_TYPES})(?![\w]))",
    re.IGNORECASE)
NUMERO = re.compile(r"(?<![\w])(?:n\s?°|nº|no\.|num[ée]ro)\s*\d{1,4}\s*(?:bis|ter|quater)?(?![\w])",
                    re.IGNORECASE)
CIVILITY = re.compile(
    rf"(?<![\w])(?i:m\.|mr\.?|mme\.?|mlle\.?|madame|monsieur|mademoiselle|docteur|dr\.?|ma[iî]tre)"
    rf"\s+{_NAME_WORD}(?:\s+{_NAME_WORD})?")
SELF_INTRO = re.compile(
    rf"(?i:je\s+m['’]\s?appelle|je\s+me\s+nomme|mon\s+nom\s+(?:est|c['’]est)|moi\s+c['’]est|"
    rf"sign[ée]\s*:?)\s+[\w'’\-]+(?:\s+{_NAME_WORD})*")


def scrub(text: str | None, *, known_names: Iterable[str] = (), limit: int = 4000) -> str | None:
    """A copy of ``text`` fit for publication (None stays None), at most ``limit`` characters.

    ``known_names`` are names the resident gave in contact fields; they are masked wherever
    they appear, even without a civility in front.
    """
    if text is None:
        return None
    out = EMAIL.sub(MASK_CONTACT, text)
    out = PLATE_SIV.sub(MASK_PLATE, out)
    out = PLATE_FNI.sub(MASK_PLATE, out)
    out = PHONE.sub(MASK_CONTACT, out)
    out = SELF_INTRO.sub(MASK_NAME, out)
    out = CIVILITY.sub(MASK_NAME, out)
    for name in known_names:
        name = (name or "").strip()
        if len(name) >= 2:
            out = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", MASK_NAME, out,
                         flags=re.IGNORECASE)
    out = NUMERO.sub(MASK_NUMBER, out)
    out = HOUSE_NUMBER.sub("", out)
    out = re.sub(r"[ \t]{2,}", " ", out).strip()
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out
