"""NLU backends: the ``NluBackend`` protocol, the default ``LocalNlu`` and the registry.

``LocalNlu`` runs on one core without network or model downloads: a cached linear classifier,
rules for emergencies, the gazetteer for places and French time rules.  spaCy is deliberately
not on the hot path: importing it alone takes ~3 s, more than the whole load budget, and the
rules work on folded text.  Other backends (``llm``) register in the same registry and are
chosen by name from settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from bia.conversation.classifier import LinearModel, load_or_train
from bia.conversation.cues import INFO_ONLY, INFO_QUESTION, norm
from bia.conversation.details import detect_language, extract_details
from bia.conversation.emergency import decide
from bia.conversation.glossary import to_french
from bia.conversation.timeparse import parse_time
from bia.core.types import Analysis, Location
from bia.geo.gazetteer import Gazetteer

_REPORT_PREFIX = re.compile(
    r"^\s*(?:(?:bonjour|bonsoir|allo|allô)\W*)?(?:madame,? monsieur\W*)?"
    r"(?:est[- ]ce que|puis[- ]je|je voudrais|je souhaite|j'aimerais|je veux)\s+"
    r"(?:je peux\s+|on peut\s+)?(?:vous\s+)?(?:signaler|d[ée]clarer|faire un signalement)\s*"
    r"(?:pour|de|d'|concernant|qu'il y a|que)?\s*", re.IGNORECASE)
MAX_CHARS = 4000  # longer messages are analysed on their first 4,000 characters
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


@runtime_checkable
class NluBackend(Protocol):
    """Understands one resident message at the resident's "now" (``at``, aware)."""

    def analyze(self, text: str, at: datetime) -> Analysis: ...


def clean_text(text: Any) -> str:
    """Printable, NFC-normalised, bounded text; never raises (odd input is common on SMS)."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = unicodedata.normalize("NFC", text[: MAX_CHARS * 2])
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()[:MAX_CHARS]


@lru_cache(maxsize=4)
def shared_model(cache_dir: Path | None = None) -> LinearModel:
    """One classifier per process (and per cache dir), loaded on first use."""
    return load_or_train(cache_dir)


class LocalNlu:
    """Default backend: classifier + rules + gazetteer + time rules."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, pack_dir: Path | None = None,
                 cache_dir: Path | None = None, model: LinearModel | None = None) -> None:
        if (gazetteer is None and pack_dir is not None
            and (Path(pack_dir) / "streets.csv").is_file()):
            gazetteer = Gazetteer.from_pack(Path(pack_dir))
        self.gazetteer = gazetteer
        self.model = model or shared_model(cache_dir)

    def locate_text(self, text: str) -> Location | None:
        """The place named in ``text`` (None without a gazetteer or without a place)."""
        if self.gazetteer is None:
            return None
        return self.gazetteer.find(clean_text(text))

    def assess(self, text: str, at: datetime) -> Analysis:
        """Category and emergency only (no place, no details): the dialogue re-reads the
        whole exchange with it at every turn, so it must stay cheap."""
        return self.analyze(text, at, locate=False)

    def analyze(self, text: str, at: datetime, *, locate: bool = True) -> Analysis:
        clean = clean_text(text)
        if not re.search(r"[^\W\d_]", clean):  # empty, only digits, only emoji/punctuation
            return Analysis(text=clean, category="autre", confidence=0.0,
                            location=self.locate_text(clean) if clean else None)
        language = detect_language(clean)
        basis = to_french(clean, language)  # visitors: English/Spanish read through a glossary
        # "Est-ce que je peux signaler un chien qui aboie ?" reports a barking dog: the polite
        # question around it is not a question for the information desk
        basis = _REPORT_PREFIX.sub("", basis, count=1) or basis
        ranked = self.model.predict(basis)
        time = parse_time(basis, at)
        decision = decide(basis, ranked, time, language)
        if (decision.emergency and INFO_ONLY.search(norm(basis))
                and (INFO_QUESTION.search(norm(basis)) or "?" in clean)):
            decision.emergency, decision.number = False, None  # "quel numéro pour le gaz ? rien en ce moment"
            decision.category = "information"
        if (not decision.emergency and INFO_QUESTION.search(norm(basis))
            and decision.category not in ("otv",)):
            decision.category = "information"  # "où se trouve…", "comment porter plainte…"
        probs = dict(ranked)
        confidence = probs.get(decision.category, 0.0)
        if decision.category != ranked[0][0]:
            confidence = max(confidence, 0.8)  # a rule decided: as sure as a strong cue
        others = [c for c in decision.other if c != decision.category]
        others += [
            c for c, p in ranked[1:4] if p >= 0.1 and c != decision.category and c not in others
        ]
        details = extract_details(clean)
        details["time_status"] = time.status
        if time.recurring:
            details["recurring"] = True
        if time.text:
            details["time_text"] = time.text
        if decision.reasons:
            details["reasons"] = decision.reasons
        if decision.emergency:
            details["emergency_cue"] = decision.cue
        if decision.category == "information":
            decision.emergency, decision.number = False, None
        return Analysis(text=clean, language=language, category=decision.category,
                        confidence=round(float(confidence), 3), emergency=decision.emergency,
                        emergency_number=decision.number,
                        location=self.locate_text(clean) if locate else None,
                        occurred_at=time.occurred_at, extra_numbers=decision.extra,
                        details=details, other_categories=others)


_REGISTRY: dict[str, Callable[..., NluBackend]] = {}


def register_nlu(name: str, factory: Callable[..., NluBackend]) -> None:
    """Declare a backend (built-ins go through here too)."""
    _REGISTRY[name] = factory


def _llm_factory(**kwargs: Any) -> NluBackend:
    from bia.conversation.llm import LlmNlu

    return LlmNlu(**kwargs)


register_nlu("local", LocalNlu)
register_nlu("llm", _llm_factory)


def get_nlu(name: str = "local", **kwargs: Any) -> NluBackend:
    """Build the backend registered under ``name`` ("local" by default)."""
    try:
        factory = _REGISTRY[name or "local"]
    except KeyError:
        raise ValueError(
            f"NLU inconnu : {name!r} (connus : {', '.join(sorted(_REGISTRY))})"
        ) from None
    return factory(**kwargs)
