"""Category classifier: TF-IDF over word and character n-grams + a linear model.

Why this model: residents' messages are short, misspelled and accent-free; character n-grams
inside words survive typos ("gambeta", "lampadere") and word bigrams catch phrases ("fait la
manche").  Training takes ~1-2 s with scikit-learn, so it happens on first use and the weights
are cached (``numpy`` arrays keyed by the corpus digest).  Inference is pure Python + numpy:
loading scikit-learn (~1.2 s) is only paid when the cache is missing.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bia.conversation.corpus import Example, augment, corpus_digest, load_corpus, split
from bia.geo.normalize import fold

MODEL_VERSION = "tfidf-svm-1"
TEMPERATURE = 5.0  # margin scale before the softmax (confidence, not a calibrated probability)
_WORD = re.compile(r"[a-z0-9]+")
# Function words that say nothing about the category but inflate vectors.
_STOP = frozenset(
    ["le", "la", "les", "l", "un", "une", "des", "de", "du", "d", "et", "a", "au", "aux", "en",
     "je", "j", "il", "ils", "elle", "on", "me", "m", "se", "s", "ce", "c", "est", "sont",
     "qui", "que", "qu", "ne", "n", "y"]
)


def features(text: str) -> list[str]:
    """Word unigrams/bigrams and character 3-5-grams of each word (folded text)."""
    words = _WORD.findall(fold(text[:2000]))
    feats = [f"w:{w}" for w in words if w not in _STOP]
    content = [w for w in words if w not in _STOP]
    feats += [f"b:{a}_{b}" for a, b in zip(content, content[1:], strict=False)]
    for w in content:
        if w.isdigit():
            continue
        padded = f"<{w}>"
        for n in (3, 4, 5):
            feats += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return feats


@dataclass(slots=True)
class LinearModel:
    """Exported weights: vocabulary -> column, idf, coefficients (classes × features)."""

    classes: list[str]
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    def predict_proba(self, text: str) -> np.ndarray:
        counts = Counter(f for f in features(text) if f in self.vocab)
        if not counts:
            scores = self.intercept.copy()
        else:
            idx = np.fromiter((self.vocab[f] for f in counts), dtype=np.int64, count=len(counts))
            tf = np.fromiter(
                (1.0 + math.log(c) for c in counts.values()), dtype=np.float64, count=len(counts)
            )
            vals = tf * self.idf[idx]
            vals /= np.linalg.norm(vals) or 1.0
            scores = self.coef[:, idx] @ vals + self.intercept
        scores = TEMPERATURE * (scores - scores.max())
        e = np.exp(scores)
        return e / e.sum()

    def predict(self, text: str) -> list[tuple[str, float]]:
        """Categories with probabilities, most likely first."""
        p = self.predict_proba(text)
        order = np.argsort(-p)
        return [(self.classes[i], float(p[i])) for i in order]

    # ------------------------------------------------------------ persistence
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.vocab, key=self.vocab.__getitem__)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez_compressed(tmp, idf=self.idf, coef=self.coef.astype(np.float32),
                                intercept=self.intercept,
                                meta=np.array(json.dumps({"classes": self.classes, "vocab": keys})))
        os.replace(tmp.name, path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(str(z["meta"]))
            return cls(meta["classes"], {k: i for i, k in enumerate(meta["vocab"])}, z["idf"],
                       z["coef"].astype(np.float64), z["intercept"])


def train(examples: list[Example], *, c: float = 1.0) -> LinearModel:
    """Fit TF-IDF + a linear SVM (scikit-learn imported here only).

    A linear SVM trains in under a second on the augmented corpus (logistic regression took
    ~17 s for the same accuracy); its margins go through a softmax with ``TEMPERATURE`` to give
    a usable confidence.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    vec = TfidfVectorizer(analyzer=features, sublinear_tf=True, min_df=2)
    x = vec.fit_transform([e.text for e in examples])
    y = [e.category for e in examples]
    clf = LinearSVC(C=c)
    clf.fit(x, y)
    return LinearModel([str(c) for c in clf.classes_],
                       {k: int(v) for k, v in vec.vocabulary_.items()},
                       vec.idf_.astype(np.float64), clf.coef_.astype(np.float64),
                       clf.intercept_.astype(np.float64))


def default_cache_dir() -> Path:
    env = os.environ.get("BIA_NLU_CACHE_DIR")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bia" / "nlu"


def load_or_train(cache_dir: Path | None = None, *, holdout: bool = True) -> LinearModel:
    """The model for the current corpus: from the cache, else trained and cached.

    ``holdout=True`` trains without the held-out split (what the benchmark reports on); the
    production model uses the same split so that reported figures describe the shipped model.
    """
    cache_dir = cache_dir or default_cache_dir()
    path = cache_dir / f"{MODEL_VERSION}-{corpus_digest()}-{int(holdout)}.npz"
    if path.is_file():
        try:
            return LinearModel.load(path)
        except (OSError, ValueError, KeyError):
            pass
    base = load_corpus()
    train_set = split(base)[0] if holdout else base
    model = train(augment(train_set))
    try:
        model.save(path)
    except OSError:
        pass  # read-only cache: keep the in-memory model
    return model


if __name__ == "__main__":  # build step: `python -m bia.conversation.classifier` fills the cache
    print(f"{len(load_or_train().vocab)} features, cache in {default_cache_dir()}")
