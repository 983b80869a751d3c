"""Column mappings and the presets for the shared real histories.

A mapping says where each field of the event frame lives in a file; presets are the mappings
of the files in ``shared/data/incidents`` (see its README for sources and licences).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnMapping:
    """Where each field lives in a file. Column names match case-insensitively.

    ``time`` holds a date or a date-time; when ``clock`` is set, only the date part of
    ``time`` is used and ``clock`` gives the time of day as HHMM (Charlottesville style).
    Naive times are local times in ``tz``. Give either ``lat``/``lon`` (WGS84) or ``x``/``y``
    with ``epsg``. ``category_value``/``source_value`` are constants used when no column is
    given. With ``patrol_pattern`` (a case-insensitive regex), the ``source`` column is
    matched against it: matching rows are ``patrol``, the others ``source_value``.
    """

    time: str
    lat: str | None = None
    lon: str | None = None
    x: str | None = None
    y: str | None = None
    epsg: int | None = None
    category: str | None = None
    category_value: str = "non précisé"
    event_id: str | None = None
    source: str | None = None
    source_value: str = "unknown"
    patrol_pattern: str | None = None
    clock: str | None = None
    tz: str = "Europe/Paris"
    dayfirst: bool | None = None
    delimiter: str | None = None

    def columns(self) -> dict[str, str]:
        names = {"time": self.time, "lat": self.lat, "lon": self.lon, "x": self.x, "y": self.y,
                 "category": self.category, "event_id": self.event_id,
                 "source": self.source, "clock": self.clock}
        return {k: v for k, v in names.items() if v}


@dataclass(frozen=True)
class Preset:
    mapping: ColumnMapping
    file: str  # file name under shared/data/incidents
    description: str = ""


PRESETS: dict[str, Preset] = {
    "charlottesville": Preset(
        ColumnMapping(time="DateReported", clock="HourReported", lat="lat", lon="lon",
                      category="Offense", event_id="RecordID", tz="America/New_York",
                      source_value="unknown"),
        "charlottesville_cpd_2014-2019.csv.gz",
        "Charlottesville PD 2014-2019; the clock time of DateReported is not the event time, "
        "HourReported (HHMM, local) is the report time.",
    ),
    "paris": Preset(
        ColumnMapping(time="datedecl", lat="lat", lon="lon", category="type",
                      tz="Europe/Paris", source="soustype", patrol_pattern=r"patrouille",
                      source_value="resident"),
        "paris_dansmarue_2023-2024.csv.gz",
        "Paris DansMaRue reports (day precision); `numero` is not unique, so ids are line "
        "based; sub-types naming a 'Patrouille' are patrol-found, the rest resident reports.",
    ),
    "chicago": Preset(
        ColumnMapping(time="date", lat="latitude", lon="longitude",
                      category_value="aggravated assault", tz="UTC", source_value="unknown"),
        "chicago_aggravated_assaults_2010-2019.csv.gz",
        "Chicago aggravated assaults 2010-2019 (UTC, minute).",
    ),
    "houston": Preset(
        ColumnMapping(time="time", lat="lat", lon="lon", category="offense", tz="UTC"),
        "houston_crime_2010.csv.gz",
        "Houston 2010; `time` is UTC (hour precision).",
    ),
    "lancashire": Preset(
        ColumnMapping(time="month", lat="latitude", lon="longitude",
                      category_value="anti-social behaviour", tz="Europe/London",
                      delimiter="\t"),
        "lancashire_asb_2020.tsv.gz",
        "Lancashire anti-social behaviour 2020 (month precision).",
    ),
}
PRESETS["dansmarue"] = PRESETS["paris"]
PRESETS["paris_dansmarue"] = PRESETS["paris"]
