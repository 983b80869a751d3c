"""Optional LLM backend over an OpenAI-compatible ``/v1/chat/completions`` API.

The LLM helps with extraction (a place said in an odd way, a time, details) and phrasing; it
never decides alone: category, emergency and routing stay with the local rules.  It may propose
a category when the local classifier is unsure, and its emergency flag is OR-ed with the local
one (recall first).  Any HTTP error, timeout or invalid JSON falls back to ``LocalNlu``: a
resident must get an answer even when the model server is down.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime
from typing import Any

import httpx

from bia.conversation.emergency import ALWAYS
from bia.conversation.nlu import LocalNlu, clean_text
from bia.conversation.replies import LABELS
from bia.core.types import Analysis

log = logging.getLogger(__name__)

CATEGORIES = sorted(LABELS)
_NUMBER_FOR = {**ALWAYS, "ivresse": "15", "accident": "18"}
SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["category", "emergency", "place_text", "occurred_at", "details", "reply"],
    "properties": {
        "category": {"type": ["string", "null"], "enum": [*CATEGORIES, None]},
        "emergency": {"type": "boolean"},
        "place_text": {"type": ["string", "null"],
                       "description": "the place as said (street, number, landmark)"},
        "occurred_at": {"type": ["string", "null"], "description": "ISO 8601 with offset"},
        "details": {"type": "object"},
        "reply": {"type": ["string", "null"], "description": "short French reply, vouvoiement"},
    },
}
SYSTEM = ("Tu aides l'assistant de sécurité publique d'une mairie française. À partir du message d'un "
          "habitant, renvoie uniquement du JSON conforme au schéma : la catégorie (codes : "
          + ", ".join(CATEGORIES)
          + "), s'il y a une urgence (danger immédiat pour une personne, feu, "
          "gaz, infraction en cours), le lieu tel qu'il est dit, l'heure des faits (ISO 8601 avec "
          "fuseau, relative à l'heure « maintenant » donnée), des détails (personnes, plaque, arme, "
          "blessés, véhicule) et une réponse courte et polie en français (vouvoiement).")


class LlmNlu:
    """LLM-assisted NLU with the local backend as authority and fallback."""

    def __init__(self, base_url: str, model: str = "default", *, api_key: str | None = None,
                 timeout: float = 8.0, local: LocalNlu | None = None,
                 client: httpx.Client | None = None, **local_kwargs: Any) -> None:
        self.url = (base_url.rstrip("/") + ("" if base_url.rstrip("/").endswith("/v1") else "/v1")
                    + "/chat/completions")
        self.model = model
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.local = local or LocalNlu(**local_kwargs)
        self.client = client or httpx.Client(timeout=httpx.Timeout(timeout))

    def close(self) -> None:
        self.client.close()

    def _complete(self, text: str, at: datetime) -> dict[str, Any]:
        body = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"Maintenant : {at.isoformat()}\nMessage : {text}"},
            ],
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "bia_analysis", "strict": True, "schema": SCHEMA},
            },
        }
        resp = self.client.post(self.url, json=body, headers=self.headers, timeout=self.timeout)
        resp.raise_for_status()
        content = resp.json()["choices"][0]["message"]["content"]
        data = json.loads(content) if isinstance(content, str) else content
        if not isinstance(data, dict):
            raise ValueError("la réponse du modèle n'est pas un objet JSON")
        return data

    def analyze(self, text: str, at: datetime) -> Analysis:
        local = self.local.analyze(text, at)
        if not local.text:
            return local
        try:
            data = self._complete(clean_text(text), at)
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("LLM indisponible, analyse locale seule : %s", exc)
            local.details["nlu_backend"] = "local (repli)"
            return local
        return self._merge(local, data)

    def _merge(self, local: Analysis, data: dict[str, Any]) -> Analysis:
        out = dataclasses.replace(local, details=dict(local.details),
                                  extra_numbers=list(local.extra_numbers),
                                  other_categories=list(local.other_categories))
        out.details["nlu_backend"] = "llm"
        proposed = data.get("category")
        if (proposed in LABELS and proposed != local.category and not local.emergency
            and local.confidence < 0.5):
            out.other_categories.insert(0, local.category)
            out.category = proposed
        if data.get("emergency") is True and not out.emergency and out.category != "information":
            out.emergency = True  # union: the local rules may have missed it
            out.emergency_number = _NUMBER_FOR.get(out.category, "17")
        place = data.get("place_text")
        if out.location is None and isinstance(place, str) and place.strip():
            out.location = self.local.locate_text(place)
        when = data.get("occurred_at")
        if out.occurred_at is None and isinstance(when, str):
            try:
                parsed = datetime.fromisoformat(when)
                out.occurred_at = parsed if parsed.tzinfo else None
            except ValueError:
                pass
        details = data.get("details")
        if isinstance(details, dict):
            for k, v in details.items():
                out.details.setdefault(str(k), v)
        if isinstance(data.get("reply"), str):
            out.details["llm_reply"] = data["reply"][:500]
        return out
