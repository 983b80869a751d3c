"""Aggregated open data: counts of reports by named zone, ISO week and category.

Why aggregated and suppressed: a commune publishing its safety reports must not let anyone
find a person in them. Only codes, labels and counts leave BIA — never text, addresses,
coordinates, contacts or identifiers — and small counts are hidden, as official statistics
do under « secret statistique » (loi n° 51-711, and the INSEE/SSMSI practice of not
publishing counts below a threshold).

Source
    ``reports`` (default): residents' reports stored by BIA (chat, phone, Open311), except
    ``information`` questions and reports merged into another (``fusionne``: counted once).
    ``events``: the Event table (imported police logbooks); synthetic demo events are left
    out unless explicitly asked for (a demo must never pass for real data). The two are never
    added together: a future live feed of reports into events would count twice.
    The week is that of the facts (``occurred_at``), or of receipt when the moment is unknown,
    in the commune's time zone. Periods cut ISO weeks at their ends: align them on Mondays.

Secret statistique
    Primary: a count from 1 to ``threshold - 1`` (default 5) is published empty, with
    ``secret_statistique`` true. Zero is not secret: absent rows in the CSV mean zero.
    Secondary: the GeoJSON gives, per zone and category, the period's count; that margin
    would let a reader recover a hidden weekly count by subtraction, so in each zone ×
    category series, more weekly counts are hidden (smallest first) until the hidden ones
    are at least two and sum to at least the threshold. The GeoJSON gives a zone's total
    only when none of its category counts is hidden. Exports of overlapping periods can
    still be differenced: publish fixed periods (months, quarters, years).

CSV layout (French open-data practice: ``;`` separator, UTF-8, one header line) — see
:data:`COLUMNS`, also printed as a Table Schema by ``bia opendata schema``.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import IO, Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.cases.models import Event
from bia.context import LoadedPack
from bia.core.errors import Invalid
from bia.intake.models import Report

Source = Literal["reports", "events"]
THRESHOLD = 5
UNLOCATED = "non_localise"
UNLOCATED_NAME = "Non localisé"
NOT_COUNTED = frozenset({"information"})
MARGIN = timedelta(days=45)  # facts may precede receipt: read a wider window, filter exactly

COLUMNS: list[tuple[str, str, str]] = [
    ("commune_insee", "string", "Code INSEE de la commune (5 caractères)."),
    ("zone_code", "string", "Code de la zone nommée du pack communal ; « non_localise » "
     "quand le signalement n'a pas de lieu ou tombe hors des zones."),
    ("zone_nom", "string", "Nom de la zone."),
    ("semaine_iso", "string", "Semaine ISO 8601 des faits (à défaut, de la réception), au "
     "format AAAA-Www, heure légale de la commune."),
    ("categorie_code", "string", "Code de la catégorie de signalement du pack communal."),
    ("categorie_libelle", "string", "Libellé de la catégorie."),
    ("nombre", "integer", "Nombre de signalements ; vide quand il est couvert par le secret "
     "statistique."),
    ("secret_statistique", "boolean", "true quand « nombre » est masqué : compte de 1 à 4 "
     "(secret primaire) ou masqué pour empêcher de le retrouver par différence (secondaire)."),
]

Key = tuple[str, str, str]  # zone, ISO week, category


@dataclass
class Aggregate:
    """Counts and which of them are hidden, for one commune and one period."""

    insee: str
    start: date
    end: date
    source: Source
    threshold: int
    weekly: dict[Key, int] = field(default_factory=dict)
    hidden: set[Key] = field(default_factory=set)
    period: dict[tuple[str, str], int] = field(default_factory=dict)  # zone, category
    period_hidden: set[tuple[str, str]] = field(default_factory=set)


def iso_week(moment: datetime, loaded: LoadedPack) -> str:
    year, week, _ = moment.astimezone(loaded.pack.tz).isocalendar()
    return f"{year}-W{week:02d}"


def _bounds(loaded: LoadedPack, start: date, end: date) -> tuple[datetime, datetime]:
    if end < start:
        raise Invalid("La date de fin précède la date de début.", code="periode_invalide")
    tz = loaded.pack.tz
    first = datetime.combine(start, time.min, tzinfo=tz).astimezone(UTC)
    last = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return first, last


def _rows(session: Session, loaded: LoadedPack, source: Source, first: datetime,
          last: datetime, include_synthetic: bool) -> Iterator[tuple[str, str | None, datetime]]:
    """(category, zone, moment) of every counted item of the period."""
    if source == "events":
        events = select(Event.category_code, Event.zone_code, Event.occurred_at).where(
            Event.commune_id == loaded.commune_id, Event.occurred_at >= first,
            Event.occurred_at < last)
        if not include_synthetic:
            events = events.where(Event.synthetic.is_(False))
        for category, zone, moment in session.execute(events):
            yield category, zone, moment
        return
    query = select(Report.category_code, Report.zone_code, Report.occurred_at,
                   Report.received_at, Report.lat, Report.lon).where(
        Report.commune_id == loaded.commune_id, Report.status != "fusionne",
        Report.received_at >= first - MARGIN, Report.received_at < last + MARGIN)
    for category, zone, occurred, received, lat, lon in session.execute(query):
        moment = occurred or received
        if first <= moment < last:
            # a report placed before zones were known still has its point
            yield category, zone or loaded.zones.zone_of(lat, lon), moment


def count(session: Session, *, loaded: LoadedPack, start: date, end: date,
          source: Source = "reports", include_synthetic: bool = False,
          threshold: int = THRESHOLD) -> Aggregate:
    """Count, then apply primary and secondary suppression (see the module docstring)."""
    if source not in ("reports", "events"):
        raise Invalid(f"Source inconnue : {source} (reports ou events).", code="source_inconnue")
    first, last = _bounds(loaded, start, end)
    zones = set(loaded.pack.zone_codes)
    weekly: Counter[Key] = Counter()
    for category, zone, moment in _rows(session, loaded, source, first, last,
                                        include_synthetic):
        if category in NOT_COUNTED:
            continue
        weekly[(zone if zone in zones else UNLOCATED, iso_week(moment, loaded), category)] += 1
    agg = Aggregate(insee=loaded.pack.commune.insee, start=start, end=end, source=source,
                    threshold=threshold, weekly=dict(weekly))
    period: Counter[tuple[str, str]] = Counter()
    for (zone, _, category), n in weekly.items():
        period[(zone, category)] += n
    agg.period = dict(period)
    agg.period_hidden = {k for k, n in period.items() if 0 < n < threshold}
    agg.hidden = {k for k, n in weekly.items() if 0 < n < threshold}
    series: dict[tuple[str, str], list[Key]] = defaultdict(list)
    for key in weekly:
        series[(key[0], key[2])].append(key)
    for margin, keys in series.items():
        if margin not in agg.period_hidden:  # its total is published: protect by difference
            _protect(weekly, agg.hidden, keys, threshold)
    return agg


def _protect(counts: dict[Key, int], hidden: set[Key], keys: list[Key], threshold: int) -> None:
    while True:
        secret = [k for k in keys if k in hidden]
        shown = [k for k in keys if k not in hidden]
        if not secret or not shown:
            return
        if len(secret) >= 2 and sum(counts[k] for k in secret) >= threshold:
            return
        hidden.add(min(shown, key=lambda k: (counts[k], k)))


def _labels(loaded: LoadedPack) -> tuple[dict[str, str], dict[str, str]]:
    zones = {f["properties"]["code"]: f["properties"].get("name") or f["properties"]["code"]
             for f in loaded.pack.zones_geojson["features"]
             if f["properties"].get("kind") == "zone"}
    zones[UNLOCATED] = UNLOCATED_NAME
    categories = {c.code: c.label for c in loaded.pack.categories.values()}
    return zones, categories


def csv_rows(agg: Aggregate, loaded: LoadedPack) -> list[dict[str, Any]]:
    """One row per zone × week × category with at least one report, in a stable order."""
    zones, categories = _labels(loaded)
    rows = []
    for key in sorted(agg.weekly):
        zone, week, category = key
        secret = key in agg.hidden
        rows.append({"commune_insee": agg.insee, "zone_code": zone, "zone_nom": zones[zone],
                     "semaine_iso": week, "categorie_code": category,
                     "categorie_libelle": categories.get(category, category),
                     "nombre": None if secret else agg.weekly[key],
                     "secret_statistique": "true" if secret else "false"})
    return rows


def write_csv(rows: Iterable[dict[str, Any]], handle: IO[str]) -> None:
    writer = csv.DictWriter(handle, fieldnames=[c[0] for c in COLUMNS], delimiter=";",
                            lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})


def geojson(agg: Aggregate, loaded: LoadedPack, *, generated: datetime | None = None
            ) -> dict[str, Any]:
    """Named zones (pack geometry) with the period's count per category (``nb_<code>``)."""
    zones, categories = _labels(loaded)
    codes = [c for c in categories if c not in NOT_COUNTED]
    codes += sorted({c for _, c in agg.period} - set(codes))
    geometries: dict[str, Any] = {f["properties"]["code"]: f["geometry"]
                                  for f in loaded.pack.zones_geojson["features"]
                                  if f["properties"].get("kind") == "zone"}
    wanted = list(geometries) + ([UNLOCATED] if any(z == UNLOCATED for z, _ in agg.period)
                                 else [])
    features = []
    for zone in wanted:
        props: dict[str, Any] = {"commune_insee": agg.insee, "zone_code": zone,
                                 "zone_nom": zones[zone], "periode_debut": agg.start.isoformat(),
                                 "periode_fin": agg.end.isoformat()}
        secret = [c for c in codes if (zone, c) in agg.period_hidden]
        for code in codes:
            props[f"nb_{code}"] = None if code in secret else agg.period.get((zone, code), 0)
        props["total"] = None if secret else sum(agg.period.get((zone, c), 0) for c in codes)
        props["secret_statistique"] = bool(secret)
        props["categories_secretes"] = secret
        features.append({"type": "Feature", "geometry": geometries.get(zone),
                         "properties": props})
    generated = generated or datetime.now(UTC)
    return {"type": "FeatureCollection", "features": features, "metadata": {
        "titre": f"Signalements de tranquillité publique par zone – {loaded.pack.commune.name}",
        "producteur": f"Commune de {loaded.pack.commune.name} (BIA)",
        "licence": "Licence Ouverte / Open Licence 2.0",
        "source": agg.source, "seuil_secret_statistique": agg.threshold,
        "periode_debut": agg.start.isoformat(), "periode_fin": agg.end.isoformat(),
        "genere_le": generated.isoformat(timespec="seconds"),
        "categories": {c: categories.get(c, c) for c in codes},
        "description": "nb_<categorie> : nombre de signalements de la période ; null quand il "
                       "est couvert par le secret statistique (1 à 4). total : null dès qu'une "
                       "catégorie de la zone est masquée."}}


def table_schema() -> dict[str, Any]:
    """The CSV's Table Schema (frictionlessdata), the format schema.data.gouv.fr uses."""
    return {"name": "bia-signalements-par-zone", "title": "Signalements par zone, semaine et "
            "catégorie", "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0"}],
            "dialect": {"delimiter": ";", "encoding": "utf-8"}, "missingValues": [""],
            "fields": [{"name": name, "type": kind, "description": text}
                       for name, kind, text in COLUMNS],
            "primaryKey": ["commune_insee", "zone_code", "semaine_iso", "categorie_code"]}
