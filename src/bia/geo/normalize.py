"""French street-name normalisation shared by the gazetteer and the NLU.

Residents write "av edouard 7", "bd du gal de gaulle", "r. st-martin": every spelling has to
reduce to the same comparable tokens as the official name ("avenue edouard vii").  The tables
come from the national address base (BAN) and libpostal (see ``data/README.md``), so another
commune pack gets the same behaviour without code changes.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

DATA_DIR = Path(__file__).resolve().parent / "data"

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_TOKEN = re.compile(r"[a-z0-9]+")

# Abbreviations that are also everyday French words: never take them as a street type in
# free text ("pas de bruit" is not "passage de bruit", "au" is not "quai").
_RISKY_TYPE_ABBREVIATIONS = frozenset(
    {"au", "pas", "car", "val", "ber", "cau", "pat", "ven", "rem", "but", "sen", "res", "pass",
     "rs", "pn", "cor", "plan", "champ", "camp", "bois", "clos", "col", "cale", "anse", "via",
     "cour", "cours", "pont", "ponts", "passe", "passes", "porte", "voie", "voies", "espace",
     "parc", "enc", "env", "deg", "dig", "fos", "grille", "gri", "cercle", "terrain", "plaine",
     "plateau", "patio", "rampe", "ronde", "levee", "lot", "ham", "hameau", "jetee", "plage",
     "plages", "digue", "chalet", "chateau", "metro", "met", "arc", "art", "plat", "raid",
     "tra", "nte", "vte", "pta", "pae", "pim", "ptr", "cav", "cgne", "chee"}
)

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10,
         "xi": 11, "xii": 12, "xiii": 13, "xiv": 14, "xv": 15, "xvi": 16, "xvii": 17, "xviii": 18}
ARABIC_TO_ROMAN = {v: k for k, v in ROMAN.items()}

# Words that carry no identity inside a street name (BAN stop words plus elided forms).
STOP_WORDS = frozenset(
    {"la", "le", "les", "l", "d", "du", "de", "des", "sur", "sous", "a", "au", "aux", "et",
     "en", "dit"}
)


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures; keeps everything else (offsets stay usable)."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize(text: str) -> str:
    """Fold then keep only ``[a-z0-9]`` words separated by single spaces."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


def tokens(text: str) -> list[str]:
    return normalize(text).split()


@dataclass(frozen=True, slots=True)
class Token:
    """A folded word with its span in the original text (to quote the resident's words)."""

    text: str
    start: int
    end: int


def tokenize_spans(text: str) -> list[Token]:
    """Folded tokens with character spans of ``text``.

    NFKD folding may change the length of a string (ligatures), so the folding is done per
    character to keep the spans aligned with the original text.
    """
    folded_chars: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        f = fold(ch)
        folded_chars.append(f)
        index.extend([i] * len(f))
    folded = "".join(folded_chars)
    out = []
    for m in _TOKEN.finditer(folded):
        start = index[m.start()]
        end = index[m.end() - 1] + 1
        out.append(Token(m.group(), start, end))
    return out


@dataclass(frozen=True, slots=True)
class Tables:
    """Street types and abbreviations, read once from ``data/``."""

    type_words: dict[tuple[str, ...], str]  # spelling (tokens) -> canonical type ("avenue")
    word_expansions: dict[str, tuple[str, ...]]  # "gal" -> ("general",)
    max_type_len: int


def _read_word_expansions() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    with (DATA_DIR / "word_abbreviations.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[normalize(row["abbreviation"])] = tuple(tokens(row["expansion"]))
    return out


def _read_type_words() -> dict[tuple[str, ...], str]:
    types: dict[tuple[str, ...], str] = {}
    for line in (DATA_DIR / "street_types_libpostal.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        spellings = line.split("|")
        canonical = normalize(spellings[0])
        for s in spellings:
            key = tuple(tokens(s))
            if key and (
                len(key) > 1 or key[0] not in _RISKY_TYPE_ABBREVIATIONS or key[0] == canonical
            ):
                types.setdefault(key, canonical)
    with (DATA_DIR / "street_abbreviations_ban.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["kind"] == "first_word" and row["abbreviation"] not in _RISKY_TYPE_ABBREVIATIONS:
                types.setdefault((row["abbreviation"],), normalize(row["expansion"]))
    # Types found in French gazetteers but missing from both tables.
    for extra in ("rond point", "cite", "domaine", "perspective", "espace", "parking", "residence",
                  "venelle", "descente", "esplanade", "sentier", "porte", "pont", "voie", "plateau",
                  "chemins"):
        types.setdefault(tuple(extra.split()), extra)
    types[("espl",)] = "esplanade"
    types[("rdpt",)] = "rond point"
    types[("rd", "pt")] = "rond point"
    types[("ave",)] = "avenue"
    types[("bld",)] = "boulevard"
    types[("bvd",)] = "boulevard"
    types[("imp",)] = "impasse"
    return types


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Load the tables once per process (not at import)."""
    types = _read_type_words()
    return Tables(types, _read_word_expansions(), max(len(k) for k in types))


def match_type(words: list[str], i: int) -> tuple[str, int] | None:
    """The canonical street type starting at ``words[i]`` and how many words it spans."""
    t = tables()
    for n in range(min(t.max_type_len, len(words) - i), 0, -1):
        canonical = t.type_words.get(tuple(words[i : i + n]))
        if canonical is not None:
            return canonical, n
    return None


def expand_word(word: str) -> tuple[str, ...]:
    """Expand an in-name abbreviation ("gal" -> "general"); other words are returned as is."""
    return tables().word_expansions.get(word, (word,))


def roman_variant(word: str) -> str | None:
    """ "vii" <-> "7" so that "Édouard VII" is found from "edouard 7" and vice versa."""
    if word in ROMAN and len(word) > 1:
        return str(ROMAN[word])
    if word.isdigit() and int(word) in ARABIC_TO_ROMAN and int(word) > 1:
        return ARABIC_TO_ROMAN[int(word)]
    return None


def split_official_name(name: str) -> tuple[str | None, list[str]]:
    """Split an official name into (canonical type, identity words without stop words)."""
    words = tokens(name)
    typ = match_type(words, 0) if words else None
    if typ is not None:
        canonical, n = typ
        rest = words[n:]
    else:
        canonical, rest = None, words
    core: list[str] = []
    for w in rest:
        if w in STOP_WORDS:
            continue
        core.extend(expand_word(w) if w in ("st", "ste") else (w,))
    return canonical, core


# ---------------------------------------------------------------- house numbers
_NUMBER_UNITS = frozenset(
    {"h", "heure", "heures", "min", "mn", "minute", "minutes", "ans", "an", "euros", "euro",
     "e", "eme", "er", "etage", "etages", "personnes", "jeunes", "hommes", "femmes", "fois",
     "jours", "jour", "mois", "semaines", "km", "m", "metres", "voitures", "scooters", "motos",
     "chiens", "pers", "gars", "mecs", "types", "individus", "enfants", "ados", "s", "sec",
     "secondes", "x", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
     "septembre", "octobre", "novembre", "decembre", "degres", "litres", "kilos", "kg", "cm"}
)
NUMBER_LEAD = frozenset({"au", "le", "du", "n", "no", "numero", "num", "devant", "face", "pres"})
_NOT_NUMBER_LEAD = frozenset({"depuis", "vers", "a", "y", "il", "dans", "pendant", "sur", "de"})


def _number_token(words: list[str], k: int) -> str | None:
    """``words[k]`` as a house number ("12", "12 bis") unless it is a time, count or date."""
    if not (0 <= k < len(words)) or not words[k].isdigit() or len(words[k]) > 4:
        return None
    if k + 1 < len(words) and words[k + 1] in _NUMBER_UNITS:
        return None
    if words[k] == "0":
        return None
    suffix = words[k + 1] if k + 1 < len(words) and words[k + 1] in ("bis", "ter", "quater") else ""
    return f"{words[k]} {suffix}".strip()


def house_number_before(words: list[str], i: int) -> tuple[str | None, int]:
    """ "au 12 bis rue…", "devant le 12 avenue…": the number said just before the street type.

    Times, durations and counts ("depuis 23 h", "2 jeunes") are not house numbers.
    Returns (number, index of its first word) or (None, i).
    """
    for k in range(i - 1, max(-1, i - 4), -1):
        if words[k] in ("bis", "ter", "quater"):
            continue
        num = _number_token(words, k)
        if num is not None:
            lead = words[k - 1] if k > 0 else ""
            if lead in _NOT_NUMBER_LEAD:
                return None, i
            return num, k
        if k < i - 1 or words[k] not in STOP_WORDS | {"au", "le"}:
            break
    return None, i


def house_number_after(words: list[str], end: int) -> str | None:
    """ "rue Mazagran au 9", "avenue Foch, au niveau du numéro 30": a number after the name."""
    for k in range(end, min(len(words), end + 8)):
        if words[k] in ("n", "no", "numero", "num", "au", "le") and k + 1 < len(words):
            num = _number_token(words, k + 1)
            if num is not None:
                return num
        if k == end and words[k].isdigit():
            return _number_token(words, k)
        if match_type(words, k) is not None and k > end:
            break
    return None


# ---------------------------------------------------------------- name words
# Words that may be left out by residents ("avenue Foch" for "Avenue du Maréchal Foch").
OPTIONAL_WORDS = frozenset(
    {"marechal", "general", "docteur", "president", "abbe", "chanoine", "colonel",
     "commandant", "capitaine", "lieutenant", "professeur", "monseigneur", "cardinal", "jean",
     "paul", "pierre", "victor", "jules", "edmond", "albert", "eugene", "georges", "andre",
     "charles", "henri", "louis", "francois", "joseph", "marcel", "etienne", "antoine",
     "ernest", "michel", "maurice", "winston", "alphonse", "raymond", "gaston"}
)


@lru_cache(maxsize=1)
def read_common_words() -> frozenset[str]:
    """Everyday words of street names (``data/fr_common_words.txt``): never a street alone."""
    words: set[str] = set()
    for line in (DATA_DIR / "fr_common_words.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def word_similarity(text_word: str, core_word: str) -> float:
    """Similarity of one text word to one name word (typos tolerated on long words only)."""
    if text_word == core_word or roman_variant(text_word) == core_word:
        return 100.0
    if len(core_word) <= 3 or len(text_word) <= 3 or text_word.isdigit():
        return 0.0
    score = fuzz.ratio(text_word, core_word)
    return score if score >= 80 else 0.0
