"""Plain types shared across domains (no database, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(slots=True)
class Location:
    """Where a report happens, as understood from the resident's words."""

    text: str | None = None  # the words the resident used ("devant le 12 av edouard 7")
    street: str | None = None  # official name from the gazetteer
    number: str | None = None  # house number as said ("12", "12 bis")
    landmark: str | None = None  # landmark name when the place is one ("Grande Plage")
    lat: float | None = None
    lon: float | None = None
    zone: str | None = None  # named zone code, filled by the geo layer
    cross_street: str | None = None  # "au coin de X et de Y": Y (lat/lon is then the corner)

    def as_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "street": self.street,
            "number": self.number,
            "lat": self.lat,
            "lon": self.lon,
            "zone": self.zone,
            "cross_street": self.cross_street,
        }


@dataclass(slots=True)
class Analysis:
    """What the NLU understood of one message (before routing)."""

    text: str
    language: str = "fr"
    category: str = "autre"
    confidence: float = 0.0
    emergency: bool = False
    emergency_number: str | None = None
    location: Location | None = None
    occurred_at: datetime | None = None
    # national lines worth giving besides the emergency number (3919, 119, 3977, 3114, gas…)
    extra_numbers: list[str] = field(default_factory=list)
    # details: people count, plate, weapon, injured, vehicle… (free keys, JSON-serialisable)
    details: dict[str, Any] = field(default_factory=dict)
    # other categories seen in the same message, most likely first
    other_categories: list[str] = field(default_factory=list)


@dataclass(slots=True)
class RoutingDecision:
    """Who handles a report, and what the resident is told about it."""

    category: str
    actors: list[str]
    emergency: bool
    emergency_number: str | None
    extra_numbers: list[str]
    on_duty: bool  # whether the first actor is on duty at the time asked
    handled_when: str  # French: "dans les meilleurs délais", "à partir de 08:00 lundi"…
    message: str  # French sentence for the resident
    explanation: str  # French: why this routing (rule, zone, hour)
    rule_id: str | None = None
