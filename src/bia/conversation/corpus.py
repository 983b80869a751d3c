"""The French training corpus of the category classifier, its held-out split and variants.

The corpus is hand-written (``data/corpus/*.txt``) and versioned with the code, so a model is
reproducible from the repository alone.  Variants are generated deterministically (seeded) to
teach the model what residents do to spelling (no accents, SMS) and that places and times
are not evidence of a category.  The held-out split is taken on *base* sentences, before
variants, so that no variant of a held-out sentence leaks into training.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from bia.geo.normalize import fold

CORPUS_DIR = Path(__file__).resolve().parent / "data" / "corpus"

_PLACES = ["rue des Lilas", "avenue de la Gare", "devant le 14 rue du Moulin", "au 3 bd Carnot",
           "sur la place", "près de la plage", "au coin de la rue", "devant la mairie", "av. Foch",
           "dans ma rue", "en bas de chez moi", "devant la boulangerie", "au parking",
           "vers le port",
           "impasse des Pins", "allée des Chênes", "sur le front de mer", "devant l'école"]
_TIMES = [
    "depuis 23h", "cette nuit", "hier soir", "ce matin", "en ce moment", "depuis une heure",
    "il y a 10 minutes", "tous les soirs", "vers 2h du matin", "depuis ce midi", "samedi dernier",
]
_OPENERS = ["Bonjour, ", "Bonsoir ", "bjr ", "Allô, ", "Madame, Monsieur, ", "", "svp ", "urgent "]
_SMS = [("qu'", "k"), ("c'est", "c"), ("beaucoup", "bcp"), ("quelqu'un", "qqn"), ("pour", "pr"),
        ("avec", "avc"), ("vous", "vs"), ("tout", "tt"), ("il y a", "ya"), ("aujourd'hui", "ajd"),
        ("je suis", "chui"), ("très", "tres"), ("nous", "ns"), ("s'il vous plaît", "svp")]


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    category: str


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[Example]:
    """All base sentences, in file order."""
    out: list[Example] = []
    for path in sorted(corpus_dir.glob("*.txt")):
        category = None
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if line.startswith("## "):
                category = line[3:].strip()
            elif line and not line.startswith("#") and category:
                out.append(Example(line, category))
    return out


def corpus_digest(corpus_dir: Path = CORPUS_DIR) -> str:
    """Identifies a corpus version (the model cache key)."""
    h = hashlib.sha256()
    for path in sorted(corpus_dir.glob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def split(examples: list[Example], holdout: float = 0.15) -> tuple[list[Example], list[Example]]:
    """Deterministic held-out split by a hash of each sentence (stable when lines are added)."""
    train: list[Example] = []
    test: list[Example] = []
    for ex in examples:
        bucket = int(hashlib.md5(ex.text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
        (test if bucket < holdout else train).append(ex)
    return train, test


def _sms(text: str) -> str:
    out = text.lower()
    for a, b in _SMS:
        out = out.replace(a, b)
    return fold(out)


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) > 5]
    if not long_words:
        return text
    i = rng.choice(long_words)
    w = words[i]
    k = rng.randrange(1, len(w) - 1)
    words[i] = w[:k] + w[k + 1 :] if rng.random() < 0.5 else w[:k] + w[k + 1] + w[k] + w[k + 2 :]
    return " ".join(words)


def augment(examples: list[Example], seed: int = 64200, per_example: int = 3) -> list[Example]:
    """Base sentences plus ``per_example`` seeded variants each."""
    rng = random.Random(seed)
    out = list(examples)
    for ex in examples:
        for _ in range(per_example):
            t = ex.text
            r = rng.random()
            if r < 0.3:
                t = f"{t} {rng.choice(_PLACES)}"
            elif r < 0.55:
                t = f"{rng.choice(_OPENERS)}{t[0].lower() + t[1:]} {rng.choice(_TIMES)}"
            elif r < 0.7:
                t = f"{rng.choice(_TIMES)}, {t} {rng.choice(_PLACES)}"
            t = rng.choice([fold, _sms, str.lower, _typo_fn(rng), lambda s: s])(t)
            out.append(Example(t, ex.category))
    return out


def _typo_fn(rng: random.Random):  # type: ignore[no-untyped-def]
    return lambda s: _typo(s, rng)
