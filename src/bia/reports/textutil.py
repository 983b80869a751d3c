"""Text hygiene for documents: what goes into a legal file must survive JSON, XML, PDF and CSV.

Residents' transcripts and officers' input may hold control characters, lone surrogates, CRLF
or characters XML 1.0 forbids; they are removed once, on the way in, so that every renderer can
trust the stored values. Sentence splitting and contact masking serve provenance: each
pre-filled field points at the resident's sentence it came from, and contact details given
without consent never reach a document.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except \t and \n, DEL, C1 controls, and the two XML non-characters.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
PHONE = re.compile(r"(?:\+33\s?|\b0)[1-9](?:[\s.\-]?\d{2}){4}\b")
EMAIL = re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b")
_IDENTITY = re.compile(
    r"\b(?:je m'appelle|je me nomme|mon nom|mon numéro|mon téléphone|mon mail|mon courriel|"
    r"mon adresse mail|je suis (?:m\.|mme|madame|monsieur|mr|mlle|mademoiselle)\b)",
    re.IGNORECASE)
MASK = "[coordonnées masquées]"
_GREETING = re.compile(r"^(?:bonjour|bonsoir|allô|allo|salut|merci|au revoir|oui|non|voilà)"
                       r"(?:\s+(?:madame|monsieur|beaucoup|à vous))?[\s.,!?…]*$", re.IGNORECASE)


def clean(value: object) -> str:
    """A safe string: NFC, newlines as ``\\n``, no control characters nor lone surrogates."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates become '?'
    text = _FORBIDDEN.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def sentences(text: str) -> list[str]:
    """Split the resident's words into sentences (good enough to point at evidence)."""
    return [s.strip() for s in _SENTENCE_END.split(clean(text)) if s and s.strip()]


def is_identity(sentence: str) -> bool:
    """Whether a sentence is about who the resident is rather than what happened."""
    return bool(_IDENTITY.search(sentence) or PHONE.search(sentence) or EMAIL.search(sentence))


def is_filler(sentence: str) -> bool:
    """Greetings and yes/no that carry no fact ("Bonsoir.", "Merci beaucoup !")."""
    return bool(_GREETING.match(sentence.strip()))


def mask_contacts(text: str) -> str:
    return EMAIL.sub(MASK, PHONE.sub(MASK, text))


def words(text: str) -> set[str]:
    """Lower-case, accent-free words of four letters or more (for crude overlap scoring)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return {w for w in re.findall(r"[a-z0-9]+", folded) if len(w) >= 4}


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
