"""Pydantic schema of a commune pack (commune, categories, actors, routing rules).

The pack is data: another commune is another pack, never a code branch. Validation errors are
reported with file and line by :mod:`bia.geo.packfiles`.
"""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

CODE = r"^[a-z][a-z0-9_]*$"
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MMDD = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NationalLine(Strict):
    number: str
    label: str
    when: str


class CommuneSpec(Strict):
    insee: str = Field(pattern=r"^\d[\dAB]\d{3}$")
    name: str
    postcode: str = Field(pattern=r"^\d{5}$")
    timezone: str
    bbox: tuple[float, float, float, float]
    emergency_numbers: dict[str, str]
    national_lines: list[NationalLine] = []
    grid_cell_m: int = Field(default=200, ge=50, le=2000)
    police_desk: str = ""
    attribution: list[str] = []

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"fuseau horaire inconnu : {value}") from exc
        return value

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        lon_min, lat_min, lon_max, lat_max = value
        if not (-180 <= lon_min < lon_max <= 180 and -90 <= lat_min < lat_max <= 90):
            raise ValueError("bbox attendue : [lon_min, lat_min, lon_max, lat_max]")
        return value


class EmergencySpec(Strict):
    """When a category is an emergency, and which number to give."""

    number: str | None = None
    always: bool = False
    when: str = ""
    extra_numbers: list[str] = []


class DuplicateWindow(Strict):
    distance_m: float = Field(default=150, gt=0)
    hours: float = Field(default=3, gt=0)


class CategorySpec(Strict):
    code: str = Field(pattern=CODE)
    label: str
    description: str
    group: str = Field(pattern=CODE)
    parent: str | None = None
    severity: int = Field(default=2, ge=1, le=5)
    examples: list[str] = []
    emergency: EmergencySpec | None = None
    duplicate: DuplicateWindow = DuplicateWindow()


class CategoriesFile(Strict):
    categories: list[CategorySpec]

    @model_validator(mode="after")
    def _unique(self) -> CategoriesFile:
        codes = [c.code for c in self.categories]
        dupes = {c for c in codes if codes.count(c) > 1}
        if dupes:
            raise ValueError(f"codes de catégorie en double : {sorted(dupes)}")
        for cat in self.categories:
            if cat.parent and cat.parent not in codes:
                raise ValueError(f"{cat.code} : catégorie parente inconnue {cat.parent}")
        return self


class TimeWindow(Strict):
    """A weekly window; ``end`` at or before ``start`` means it ends the next day."""

    days: list[int] = [0, 1, 2, 3, 4, 5, 6]
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not HHMM.match(value):
            raise ValueError(f"heure attendue au format HH:MM, reçu {value!r}")
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if not value or any(d < 0 or d > 6 for d in value):
            raise ValueError("jours attendus entre 0 (lundi) et 6 (dimanche)")
        return value


class Season(Strict):
    """A yearly period (inclusive, MM-DD) with its own hours; no windows = 24 h/24."""

    name: str
    start: str
    end: str
    windows: list[TimeWindow] = []

    @field_validator("start", "end")
    @classmethod
    def _mmdd(cls, value: str) -> str:
        if not MMDD.match(value):
            raise ValueError(f"date attendue au format MM-JJ, reçu {value!r}")
        return value


class Contact(Strict):
    email: str | None = None
    webhook: str | None = None
    phone: str | None = None
    address: str | None = None


class ActorSpec(Strict):
    id: str = Field(pattern=CODE)
    name: str
    short_name: str
    kind: Literal["internal", "forwarded", "emergency_only"]
    emergency_number: str | None = None
    delivery: list[Literal["console", "email", "webhook"]] = []
    contact: Contact = Contact()
    hours: list[TimeWindow] = []  # empty: 24 h/24
    seasons: list[Season] = []
    hours_label: str
    handling: str  # French: how the actor deals with a report


class ActorsFile(Strict):
    actors: list[ActorSpec]

    @model_validator(mode="after")
    def _unique(self) -> ActorsFile:
        ids = [a.id for a in self.actors]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"identifiants d'acteur en double : {sorted(dupes)}")
        return self


class RuleSpec(Strict):
    """One routing rule; the first rule that matches a report decides."""

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    category: str  # a category code or "*"
    zones: list[str] | None = None
    emergency: bool | None = None
    on_duty: str | None = None  # actor id: the rule applies only while it is on duty
    off_duty: str | None = None  # actor id: the rule applies only while it is off duty
    actors: list[str]
    emergency_number: str | None = None
    extra_numbers: list[str] = []
    say: str  # French; placeholders {actor}, {when}, {number}, {extra}


class RoutingFile(Strict):
    rules: list[RuleSpec]
