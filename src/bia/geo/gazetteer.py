"""Find the official street or landmark a resident means, whatever the spelling.

Residents drop the street type ("gambetta"), abbreviate ("bd du gal de gaulle"), misspell
("rue gambeta") or name a landmark ("en face de la mairie").  Matching is token based over a
precomputed index: each text word is looked up (exactly, then with rapidfuzz over the ~600
distinct name words, cached) to get candidate streets, and only those candidates are aligned
word by word.  A street named without its type is accepted only when one of its words is not an
everyday word (``data/fr_common_words.txt``), so "la poste" or "le port" never become streets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from rapidfuzz import fuzz, process

from bia.core.types import Location
from bia.geo.normalize import (
    NUMBER_LEAD,
    OPTIONAL_WORDS,
    STOP_WORDS,
    Token,
    expand_word,
    house_number_after,
    house_number_before,
    match_type,
    normalize,
    read_common_words,
    roman_variant,
    split_official_name,
    tokenize_spans,
)
from bia.geo.normalize import word_similarity as _sim

_NEGATORS = frozenset({"pas", "non"})
_CROSS_WORDS = frozenset({"coin", "angle", "croisement", "intersection", "carrefour"})
_ARTICLES = frozenset({"au", "le", "la", "l", "du", "de", "des", "les", "aux", "a"})
_VERB_LIKE = frozenset({"marche", "golf", "gare", "port", "rocher", "vierge", "parme", "casino"})
_TYPE_PRIOR = {"rue": 2.0, "avenue": 1.5, "boulevard": 1.0, "place": 1.0}


@dataclass(frozen=True, slots=True)
class StreetEntry:
    """One official street name (``alias_of`` points to the official name of a variant)."""

    name: str
    street_type: str | None = None
    lat: float | None = None
    lon: float | None = None
    alias_of: str | None = None


@dataclass(frozen=True, slots=True)
class LandmarkEntry:
    """A named place residents use instead of an address ("la mairie", "Grande Plage")."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    kind: str | None = None
    lat: float | None = None
    lon: float | None = None
    zone: str | None = None


class CornerFinder(Protocol):
    """Gives the (lat, lon) where two official streets meet, or None (see bia.geo.corners)."""

    def corner(self, street_a: str, street_b: str) -> tuple[float, float] | None: ...


@dataclass(slots=True)
class PlaceMatch:
    """A place found in a text, with where it was said (to quote it back)."""

    kind: str  # "street" | "landmark"
    name: str  # official street name or landmark name
    start: int
    end: int
    score: float
    lat: float | None = None
    lon: float | None = None
    number: str | None = None
    negated: bool = False
    anchored: bool = True  # the resident said the street type
    cross_street: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Street:
    entry: StreetEntry
    typ: str | None
    core: tuple[str, ...]
    distinctive: bool  # has a word that is not an everyday word


class Gazetteer:
    """Street and landmark index of one commune pack."""

    def __init__(self, streets: Iterable[StreetEntry], landmarks: Iterable[LandmarkEntry] = (),
                 common_words: Iterable[str] = (), corners: CornerFinder | None = None) -> None:
        self.common = read_common_words() | frozenset(common_words)
        self.corners = corners  # where two named streets meet ("au coin de…"), when known
        self._streets: list[_Street] = []
        self._by_word: dict[str, set[int]] = {}
        for entry in streets:
            typ, core = split_official_name(entry.name)
            if not core:
                continue
            variants = {tuple(core)}
            variants.add(tuple(roman_variant(w) or w for w in core))
            for variant in variants:
                distinctive = any(w not in self.common and w not in OPTIONAL_WORDS and not w.isdigit()
                                  for w in variant)
                self._streets.append(_Street(entry, typ, variant, distinctive))
                for w in variant:
                    self._by_word.setdefault(w, set()).add(len(self._streets) - 1)
        self._vocab = sorted(self._by_word)
        self._types = {s.typ for s in self._streets if s.typ}
        self.landmarks = list(landmarks)
        self._landmark_phrases: dict[str, list[tuple[tuple[str, ...], LandmarkEntry]]] = {}
        for lm in self.landmarks:
            for phrase in (lm.name, *lm.aliases):
                words = tuple(w for w in normalize(phrase).split() if w not in STOP_WORDS)
                if words:
                    self._landmark_phrases.setdefault(words[0], []).append((words, lm))
        self._lookup = lru_cache(maxsize=20000)(self._lookup_uncached)

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_pack(cls, pack_dir: Path) -> Gazetteer:
        """Load ``streets.csv``, ``landmarks.csv`` (optional) and the street lines of a pack."""
        from bia.geo.gazetteer_files import read_pack  # csv reading and shapely, on demand

        streets, landmarks, corners = read_pack(Path(pack_dir))
        return cls(streets, landmarks, corners=corners)

    @property
    def street_names(self) -> list[str]:
        return sorted({s.entry.alias_of or s.entry.name for s in self._streets})

    # ---------------------------------------------------------------- lookup
    def _lookup_uncached(self, word: str) -> frozenset[int]:
        """Streets having a word equal or close to ``word``."""
        found = set(self._by_word.get(word, ()))
        alt = roman_variant(word)
        if alt:
            found |= self._by_word.get(alt, set())
        if len(word) > 3 and not word.isdigit():
            for cand, _score, _ in process.extract(
                word, self._vocab, scorer=fuzz.ratio, score_cutoff=80, limit=8
            ):
                found |= self._by_word[cand]
        return frozenset(found)

    def _align(self, words: list[str], j: int, street: _Street) -> tuple[float, int, int] | None:
        """Align the street's words on ``words[j:]``: (mean similarity, end, words matched)."""
        p, total, matched, skipped = j, 0.0, 0, 0
        for c in street.core:
            while p < len(words) and words[p] in STOP_WORDS and words[p] != c:
                p += 1
            s = _sim(words[p], c) if p < len(words) else 0.0
            if s == 0.0 and p + 1 < len(words) and len(c) > 5:  # "porte vieux" → "port vieux"
                s = _sim(words[p] + words[p + 1], c)
                if s:
                    p += 1
            if s:
                total += s
                matched += 1
                p += 1
            elif c in OPTIONAL_WORDS or (len(c) == 1 and c.isalpha()):
                skipped += 1
            else:
                return None
        if matched == 0:
            return None
        return total / matched - 4 * skipped, p, matched

    def _best_at(
        self, words: list[str], j: int, typ: str | None
    ) -> tuple[float, int, _Street] | None:
        cands: set[int] = set()
        k = j
        for _ in range(2):  # first two identity words: the first one may be an omitted title
            while k < len(words) and words[k] in STOP_WORDS:
                k += 1
            if k < len(words):
                cands |= self._lookup(words[k])
            k += 1
        best: tuple[float, int, int, _Street] | None = None
        for idx in cands:
            street = self._streets[idx]
            res = self._align(words, j, street)
            if res is None:
                continue
            score, end, matched = res
            if typ is not None and street.typ != typ:
                if not street.distinctive:  # "chemin du lycée" is not "Rue du Lycée"
                    continue
                score -= 8
            elif typ is None:  # said without a type: the commonest types first
                score += _TYPE_PRIOR.get(street.typ or "", 0.0)
            key = (score + 3 * matched, end, matched, street)
            if best is None or key[:3] > best[:3]:
                best = key
        if best is None:
            return None
        return best[0] - 3 * best[2], best[1], best[3]

    # ---------------------------------------------------------------- public API
    def find_places(self, text: str) -> list[PlaceMatch]:
        """Every street and landmark named in ``text``, in reading order."""
        toks = tokenize_spans(text[:5000])
        words = [w for t in toks for w in expand_word(t.text)]
        # keep spans aligned when an abbreviation expands to several words ("nd")
        spans: list[Token] = [t for t in toks for _ in expand_word(t.text)]
        out: list[PlaceMatch] = []
        covered_until = -1
        i = 0
        while i < len(words):
            typ = match_type(words, i) if words[i] not in STOP_WORDS else None
            if typ is not None and i > covered_until and typ[0] in self._types:
                canonical, n = typ
                best = self._best_at(words, i + n, canonical)
                if best is not None and best[0] >= 80:
                    out.append(self._street_match(text, words, spans, i, best, anchored=True))
                    covered_until = best[1] - 1
                    i = best[1]
                    continue
            i += 1
        out.extend(self._landmarks(words, spans, out))
        out.extend(self._unanchored(text, words, spans, out))
        out.sort(key=lambda m: m.start)
        self._link_cross_streets(text, out)
        return out

    def find(self, text: str) -> Location | None:
        """The place the resident means: the first one named that is not negated."""
        places = [m for m in self.find_places(text) if not m.negated]
        if not places:
            return None
        streets = [m for m in places if m.kind == "street" and m.anchored] or [
            m for m in places if m.kind == "street"
        ]
        landmarks = [m for m in places if m.kind == "landmark"]
        main = streets[0] if streets else landmarks[0]
        start = min(m.start for m in (main, *landmarks[:1]))
        end = max(m.end for m in (main, *landmarks[:1]))
        lat, lon = main.lat, main.lon
        cross = main.cross_street if main.kind == "street" else None
        if cross and self.corners is not None and not main.number:
            # a corner is more precise than the first street's point (a number is more still)
            point = self.corners.corner(main.name, cross)
            if point is not None:
                lat, lon = point
        return Location(text=text[start:end].strip(), street=streets[0].name if streets else None,
                        number=streets[0].number if streets else None,
                        landmark=landmarks[0].name if landmarks else None, lat=lat,
                        lon=lon, zone=None, cross_street=cross)

    # ---------------------------------------------------------------- helpers
    def _street_match(self, text: str, words: list[str], spans: list[Token], i: int,
                      best: tuple[float, int, _Street], anchored: bool) -> PlaceMatch:
        score, end, street = best
        start_tok = i
        number, num_start = house_number_before(words, i)
        if number is None:
            number = house_number_after(words, end)
        else:
            start_tok = num_start
        while start_tok > 0 and words[start_tok - 1] in NUMBER_LEAD | {"l", "la"}:
            start_tok -= 1
        negated = self._negated(words, i)
        text_start = spans[start_tok].start if number and start_tok < i else spans[i].start
        entry = street.entry
        return PlaceMatch("street", entry.alias_of or entry.name, text_start, spans[end - 1].end,
                          score, entry.lat, entry.lon, number, negated, anchored)

    @staticmethod
    def _negated(words: list[str], i: int) -> bool:
        before = words[max(0, i - 3) : i]
        return bool(before) and (
            before[-1] in _NEGATORS
            or (len(before) >= 2 and before[-2] in _NEGATORS
                and before[-1] in STOP_WORDS | {"c", "est"})
        )

    def _landmarks(
        self, words: list[str], spans: list[Token], streets: list[PlaceMatch]
    ) -> list[PlaceMatch]:
        out = []
        content = [(k, w) for k, w in enumerate(words) if w not in STOP_WORDS]
        taken = [(m.start, m.end) for m in streets]
        for ci, (k, w) in enumerate(content):
            best: tuple[int, LandmarkEntry] | None = None
            for phrase, lm in self._landmark_phrases.get(w, ()):
                window = [x for _, x in content[ci : ci + len(phrase)]]
                if (
                    len(window) == len(phrase)
                    and all(a == b or (len(b) > 5 and fuzz.ratio(a, b) >= 85)
                            for a, b in zip(window, phrase, strict=True))
                    and (best is None or len(phrase) > best[0])
                ):
                    best = (len(phrase), lm)
            if best is None:
                continue
            n, lm = best
            if (n == 1 and (w in self.common or len(w) <= 4 or w in _VERB_LIKE)
                and (k == 0 or words[k - 1] not in _ARTICLES)):
                continue  # "ça ne marche plus" is not "le marché", "port" alone is not a place
            start, end = spans[k].start, spans[content[ci + n - 1][0]].end
            if any(s <= start < e for s, e in taken):
                continue
            taken.append((start, end))
            out.append(
                PlaceMatch("landmark", lm.name, start, end, 100.0, lm.lat, lm.lon,
                           negated=self._negated(words, k), extra={"id": lm.id})
            )
        return out

    def _unanchored(
        self, text: str, words: list[str], spans: list[Token], found: list[PlaceMatch]
    ) -> list[PlaceMatch]:
        """Streets named without their type ("gambeta", "coin de Gambetta et Mazagran")."""
        out: list[PlaceMatch] = []
        taken = [(m.start, m.end) for m in found]
        i = 0
        while i < len(words):
            w = words[i]
            start = spans[i].start
            after_et = (
                i > 0
                and words[i - 1] in ("et", "de", "du")
                and any(m.kind == "street" and m.end <= start and start - m.end < 12 for m in found)
            )
            if (len(w) < 4 or w in STOP_WORDS or w in self.common or w.isdigit()
                or any(s <= start < e for s, e in taken)):
                i += 1
                continue
            best = self._best_at(words, i, None)
            if best is not None:
                score, end, street = best
                # without a type word, a typo is only accepted on a long word with the same
                # first letter ("gambeta"), never "laisse" for "Claisse" or "fois" for "Frois"
                exact = any(w == c for c in street.core)
                close = len(w) >= 6 and any(c[0] == w[0] and _sim(w, c) >= 88 for c in street.core)
                strict = (score >= 88 and street.distinctive and (exact or close)
                          and (words[i] not in self.common and words[i] not in OPTIONAL_WORDS))
                if strict or (after_et and score >= 80):
                    m = self._street_match(text, words, spans, i, best, anchored=False)
                    out.append(m)
                    taken.append((m.start, m.end))
                    i = end
                    continue
            i += 1
        return out

    @staticmethod
    def _link_cross_streets(text: str, places: list[PlaceMatch]) -> None:
        """ "au coin de la rue X et de la rue Y": Y becomes the cross street of X."""
        streets = [m for m in places if m.kind == "street"]
        for a, b in zip(streets, streets[1:], strict=False):
            between = normalize(text[a.end : b.start]).split()
            before = normalize(text[max(0, a.start - 30) : a.start]).split()
            if (
                between
                and between[0] in ("et", "x")
                or re.fullmatch(r"\s*/\s*", text[a.end : b.start])
            ) and (_CROSS_WORDS & set(before) or not between):
                a.cross_street = b.name
                places.remove(b)
