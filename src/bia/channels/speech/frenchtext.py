"""French text for the voice: what a chat reply says is not always what a voice can read.

Hours ("23h" → "vingt-trois heures"), phone numbers (read in pairs, the French way), short
national lines ("3919" → "trente-neuf dix-neuf"), street abbreviations and Roman numerals
("av. Édouard VII" → "avenue Édouard sept"), web addresses, and tracking codes spelled
character by character in groups so that a caller can write them down.
"""

from __future__ import annotations

import re

_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
          "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit",
          "dix-neuf"]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix, quatre-vingt-dix
        base = "soixante" if tens == 7 else "quatre-vingt"
        sep = " et " if n == 71 else "-"
        return f"{base}{sep}{_UNITS[10 + unit]}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    if unit == 0:
        return _TENS[tens]
    return f"{_TENS[tens]} et un" if unit == 1 else f"{_TENS[tens]}-{_UNITS[unit]}"


def number_words(n: int) -> str:
    """Cardinal in French words (0 ≤ n < 10**9), 1990 orthography with spaces."""
    if n < 100:
        return _below_100(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "cent" if hundreds == 1 else f"{_UNITS[hundreds]} cent"
        if rest == 0:
            return head + ("s" if hundreds > 1 else "")
        return f"{head} {_below_100(rest)}"
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "mille" if thousands == 1 else f"{number_words(thousands)} mille"
        return head if rest == 0 else f"{head} {number_words(rest)}"
    millions, rest = divmod(n, 1_000_000)
    head = f"{number_words(millions)} million" + ("s" if millions > 1 else "")
    return head if rest == 0 else f"{head} {number_words(rest)}"


def digit_pairs(digits: str) -> str:
    """"0559000001" → "zéro cinq, cinquante-neuf, zéro zéro, …" (pairs, leading zeros said)."""
    out = []
    for i in range(0, len(digits), 2):
        pair = digits[i:i + 2]
        if pair.startswith("0"):
            out.append(" ".join(_UNITS[int(c)] for c in pair))
        else:
            out.append(number_words(int(pair)))
    return ", ".join(out)


_LETTERS = {
    "A": "a", "B": "bé", "C": "cé", "D": "dé", "E": "euh", "F": "effe", "G": "gé", "H": "ache",
    "I": "i", "J": "ji", "K": "ka", "L": "elle", "M": "emme", "N": "enne", "O": "o", "P": "pé",
    "Q": "ku", "R": "erre", "S": "esse", "T": "té", "U": "u", "V": "vé", "W": "double vé",
    "X": "iks", "Y": "i grec", "Z": "zèd",
}


def spell(chars: str) -> str:
    """Each character by its French name, separated so that the voice pauses."""
    names = [_UNITS[int(c)] if c.isdigit() else _LETTERS.get(c.upper(), c) for c in chars]
    return ", ".join(names)


TRACKING = re.compile(r"\bBIA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}\b")


def spell_tracking_code(code: str) -> str:
    """"BIA-7K3M-9PQR-2X" → "bé, i, a. tiret. sept, ka, trois, emme. tiret. …"."""
    return ". tiret. ".join(spell(group) for group in code.split("-")) + "."


_ABBREVIATIONS = [
    (r"\bav\.?(?=\s)", "avenue"), (r"\bbd\.?(?=\s)", "boulevard"), (r"\bbld\.?(?=\s)", "boulevard"),
    (r"\bpl\.(?=\s)", "place"), (r"\ball\.(?=\s)", "allée"), (r"\bimp\.(?=\s)", "impasse"),
    (r"\bche?m\.(?=\s)", "chemin"), (r"\brte\.?(?=\s)", "route"), (r"\bsq\.(?=\s)", "square"),
    (r"\bSte\b\.?", "Sainte"), (r"\bSt\b\.?", "Saint"), (r"\bDr\b\.?", "docteur"),
    (r"\bMme\b", "madame"), (r"\bM\.(?=\s[A-Z])", "monsieur"), (r"\bn°\s?", "numéro "),
    (r"\betc\.", "et cetera"), (r"\bcf\.", "voir"), (r"\bex\.", "par exemple"),
    (r"\bh/24\b", " heures sur vingt-quatre"), (r"\b7j/7\b", "sept jours sur sept"),
    (r"\bSMS\b", "S M S"), (r"\bOTV\b", "O T V"), (r"\bSDIS\b", "S D I S"),
    (r"\bCROSS\b", "Cross"), (r"\bPM\b", "police municipale"), (r"\bBIA\b", "B I A"),
]
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
          "X": 10, "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16}
_ROMAN_AFTER_NAME = re.compile(r"\b([A-ZÉÈ][a-zéèêëïîôûç]+) (X?(?:IX|IV|V?I{0,3}))\b")
_HOUR = re.compile(r"\b([01]?\d|2[0-4])\s?(?:h|H|:)\s?([0-5]\d)?\b(?!\s?/)")
_PHONE = re.compile(r"(?<![\d-])0\s?[1-9](?:[\s.]?\d{2}){4}\b")
_GAS = re.compile(r"\b0 ?800(?: ?\d{2}){3}\b")
_SHORT_LINE = re.compile(r"\b3\d{3}\b")
_URL = re.compile(r"\b(?:https?://)?([a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:fr|gouv\.fr|com|org|eu|net))"
                  r"(/\S*)?", re.I)
_NUMBER = re.compile(r"\b\d{1,9}\b")
_ORDINAL = re.compile(r"\b(1)(?:er|ère|re)\b|\b(\d+)e\b")


def _hour(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), match.group(2)
    if hours in (0, 24) and not minutes:
        return "minuit"
    word = "une heure" if hours == 1 else f"{number_words(hours)} heures"
    if minutes and int(minutes):
        word += f" {number_words(int(minutes))}"
    return word


def _roman(match: re.Match[str]) -> str:
    name, numeral = match.group(1), match.group(2)
    if numeral not in _ROMAN:
        return match.group(0)
    value = _ROMAN[numeral]
    return f"{name} {'premier' if value == 1 else number_words(value)}"


def _url(match: re.Match[str]) -> str:
    host = match.group(1).lower().replace(".fr", " point f r").replace(".", " point ")
    return host


def _ordinal(match: re.Match[str]) -> str:
    if match.group(1):
        return "premier"
    n = number_words(int(match.group(2)))
    n = n[:-1] if n.endswith("e") else n
    n = n.replace("cinq", "cinqu").replace("neuf", "neuv")
    return f"{n}ième"


def for_voice(text: str) -> str:
    """A chat reply rewritten to be read aloud in French (tracking codes excepted: see
    :func:`spell_tracking_code`; the caller marks where they go)."""
    text = re.sub(r"[*_`#>]+", " ", text)  # markdown
    text = re.sub(r"\s*\n+\s*[-•]\s*", ". ", text)
    text = re.sub(r"\s*\n+\s*", ". ", text)
    text = text.replace("«", "").replace("»", "").replace("–", " à ").replace("→", ", ")
    text = _URL.sub(_url, text)
    for pattern, repl in _ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    text = _ROMAN_AFTER_NAME.sub(_roman, text)
    text = _GAS.sub(lambda m: "zéro, huit cents, " + digit_pairs(re.sub(r"\D", "", m.group(0))[4:]),
                    text)
    text = _PHONE.sub(lambda m: digit_pairs(re.sub(r"\D", "", m.group(0))), text)
    text = _HOUR.sub(_hour, text)
    text = _SHORT_LINE.sub(lambda m: digit_pairs(m.group(0)), text)
    text = _ORDINAL.sub(_ordinal, text)
    text = _NUMBER.sub(lambda m: number_words(int(m.group(0))), text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([.!?])\.+", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()
