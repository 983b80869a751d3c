"""The content hash of a validated version: SHA-256 over one canonical JSON text.

The hash is printed on the PDF and stored with the version, so anyone holding the database row
(or an export) can recompute it and see whether a single character changed. Canonical means:
sorted keys, no insignificant whitespace, UTF-8 without escaping, datetimes in UTC ISO-8601 to
the second, and only what the validating officer signed (values, provenance, confirmation,
who and when). The layout of this text is versioned by ``HASH_SCHEME``: never change it in
place, add a new scheme.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

HASH_SCHEME = "bia-doc-1"


def canonical(*, number: str | None, kind: str, version: int, fields: dict[str, Any],
              validated_by: str | None, validator_name: str | None,
              validator_badge: str | None, validated_at: datetime | None) -> str:
    signed = {
        key: {"value": item.get("value", ""), "source": item.get("source"),
              "evidence": item.get("evidence"), "confirmed": bool(item.get("confirmed"))}
        for key, item in fields.items()
    }
    at = validated_at.astimezone(UTC).isoformat(timespec="seconds") if validated_at else None
    body = {"scheme": HASH_SCHEME, "number": number, "kind": kind, "version": version,
            "fields": signed, "validated_by": validated_by, "validator_name": validator_name,
            "validator_badge": validator_badge, "validated_at": at}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
