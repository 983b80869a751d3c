"""Storing a commune pack in the database and reading it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shapely.geometry import shape
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bia.core.errors import NotFound
from bia.geo.models import Commune, Street, Zone
from bia.geo.pack import Pack, pack_config, pack_from_config
from bia.geo.zones import ZoneIndex, build_grid
from bia.routing.models import Actor, Category, RoutingRule


def load_pack_into_db(session: Session, *, pack: Pack, cell_m: int | None = None) -> Commune:
    """Insert or replace a commune's pack. Idempotent: loading twice gives the same rows."""
    spec = pack.commune
    commune = session.scalar(select(Commune).where(Commune.insee == spec.insee))
    if commune is None:
        commune = Commune(insee=spec.insee)
        session.add(commune)
    commune.name, commune.postcode, commune.timezone = spec.name, spec.postcode, spec.timezone
    commune.config = pack_config(pack) | {"pack_root": str(pack.root)}
    commune.pack_digest = pack.digest
    session.flush()
    for table in (Zone, Street, Category, Actor, RoutingRule):
        session.execute(delete(table).where(table.commune_id == commune.id))

    index = ZoneIndex(pack.zones_geojson)
    for feature in pack.zones_geojson["features"]:
        props = feature["properties"]
        point = shape(feature["geometry"]).representative_point()
        session.add(Zone(commune_id=commune.id, code=props["code"], name=props.get("name", ""),
                         kind=props["kind"], approximate=bool(props.get("approximate", False)),
                         geometry=feature["geometry"], lat=point.y, lon=point.x,
                         parent_code=None))
    size = cell_m or spec.grid_cell_m
    for cell in build_grid(pack.boundary_feature()["geometry"], size, index):
        session.add(Zone(commune_id=commune.id, code=cell.code, name=f"Maille {cell.code}",
                         kind="grid", approximate=False, geometry=cell.geometry, lat=cell.lat,
                         lon=cell.lon, parent_code=cell.parent_code))
    for row in pack.streets:
        session.add(Street(commune_id=commune.id, kind="street", name=row["name"],
                           street_type=row.get("street_type"), aliases=[], lat=row["lat"],
                           lon=row["lon"], zone_code=index.zone_of(row["lat"], row["lon"]),
                           source="pack"))
    for row in pack.landmarks:
        aliases = [a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()]
        session.add(Street(commune_id=commune.id, kind="landmark", name=row["name"],
                           street_type=row.get("kind"), aliases=aliases, lat=row["lat"],
                           lon=row["lon"], zone_code=row.get("zone") or None, source="pack"))
    for cat in pack.categories.values():
        session.add(Category(commune_id=commune.id, code=cat.code, label=cat.label,
                             group=cat.group, parent_code=cat.parent, severity=cat.severity,
                             spec=cat.model_dump(mode="json")))
    for actor in pack.actors.values():
        session.add(Actor(commune_id=commune.id, code=actor.id, name=actor.name,
                          kind=actor.kind, spec=actor.model_dump(mode="json")))
    for position, rule in enumerate(pack.rules):
        session.add(RoutingRule(commune_id=commune.id, code=rule.id, position=position,
                                category_code=rule.category, spec=rule.model_dump(mode="json")))
    session.flush()
    return commune


def get_commune(session: Session, *, insee: str) -> Commune:
    commune = session.scalar(select(Commune).where(Commune.insee == insee))
    if commune is None:
        raise NotFound(f"Commune {insee} inconnue : chargez son pack (bia pack load).",
                       code="commune_inconnue")
    return commune


def list_communes(session: Session) -> list[Commune]:
    return list(session.scalars(select(Commune).order_by(Commune.insee)))


def pack_from_db(session: Session, *, insee: str) -> Pack:
    """Rebuild the in-memory Pack of a commune from its stored rows."""
    commune = get_commune(session, insee=insee)
    zones = session.scalars(select(Zone).where(Zone.commune_id == commune.id,
                                               Zone.kind != "grid"))
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": z.geometry,
         "properties": {"kind": z.kind, "code": z.code, "name": z.name,
                        "approximate": z.approximate}}
        for z in zones
    ]
    streets, landmarks = [], []
    for s in session.scalars(select(Street).where(Street.commune_id == commune.id)):
        if s.kind == "street":
            streets.append({"name": s.name, "street_type": s.street_type, "lat": s.lat,
                            "lon": s.lon})
        else:
            landmarks.append({"id": s.name, "name": s.name, "aliases": "|".join(s.aliases),
                              "kind": s.street_type, "lat": s.lat, "lon": s.lon,
                              "zone": s.zone_code})
    return pack_from_config(commune.config, root=Path(commune.config.get("pack_root", ".")),
                            zones_geojson={"type": "FeatureCollection", "features": features},
                            streets=streets, landmarks=landmarks, digest=commune.pack_digest)
