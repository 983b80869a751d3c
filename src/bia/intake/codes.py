"""Tracking codes: short enough to say on the phone, long enough not to be guessed.

Ten symbols from a 30-symbol alphabet without look-alikes (no 0/O, 1/I/L, U) give
30**10 ≈ 6e14 codes; with rate-limited look-ups, guessing one is impractical. Shown as
``BIA-XXXX-XXXX-XX`` for reading; any spacing, dashes or case is accepted back.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols
LENGTH = 10
_STRIP = re.compile(r"[\s\-_.]")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"BIA-{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise(code: str) -> str | None:
    """Canonical form of a typed or spoken code, or None when it cannot be one."""
    raw = _STRIP.sub("", code or "").upper()
    if raw.startswith("BIA"):
        raw = raw[3:]
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"BIA-{raw[:4]}-{raw[4:8]}-{raw[8:]}"
