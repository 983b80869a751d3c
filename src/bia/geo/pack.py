"""A commune pack read from its folder: YAML + GeoJSON + CSV, validated with file and line.

``load_pack`` returns an in-memory :class:`Pack` or raises :class:`PackError` listing every
problem found; ``check_pack`` also proves routing coverage (see :mod:`bia.routing.coverage`).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bia.core.errors import PackError
from bia.geo.packfiles import LINE_KEY, read_json, read_yaml, validate_model
from bia.geo.packschema import (
    ActorsFile,
    ActorSpec,
    CategoriesFile,
    CategorySpec,
    CommuneSpec,
    RoutingFile,
    RuleSpec,
)

PACK_FILES = ("commune.yaml", "categories.yaml", "actors.yaml", "routing.yaml", "zones.geojson",
              "streets.csv", "landmarks.csv")


@dataclass
class Pack:
    """A validated commune pack."""

    root: Path
    commune: CommuneSpec
    categories: dict[str, CategorySpec]
    actors: dict[str, ActorSpec]
    rules: list[RuleSpec]
    zones_geojson: dict[str, Any]
    streets: list[dict[str, Any]]
    landmarks: list[dict[str, Any]]
    digest: str
    rule_lines: dict[str, int] = field(default_factory=dict)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.commune.timezone)

    @property
    def zone_codes(self) -> list[str]:
        return [f["properties"]["code"] for f in self.zones_geojson["features"]
                if f["properties"].get("kind") == "zone"]

    def boundary_feature(self) -> dict[str, Any]:
        for feature in self.zones_geojson["features"]:
            if feature["properties"].get("kind") == "commune":
                return feature
        raise PackError("zones.geojson : contour de la commune absent")


def _digest(root: Path) -> str:
    sha = hashlib.sha256()
    for name in PACK_FILES:
        path = root / name
        if path.is_file():
            sha.update(name.encode())
            sha.update(path.read_bytes())
    return sha.hexdigest()[:16]


def _read_csv(path: Path, required: tuple[str, ...], bbox: tuple[float, ...] | None,
              errors: list[str]) -> list[dict[str, Any]]:
    if not path.is_file():
        errors.append(f"{path}: fichier manquant")
        return []
    rows: list[dict[str, Any]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            errors.append(f"{path}:1: colonnes manquantes : {', '.join(missing)}")
            return []
        for line, row in enumerate(reader, start=2):
            if not (row.get("name") or "").strip():
                errors.append(f"{path}:{line}: nom vide")
                continue
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                errors.append(f"{path}:{line}: lat/lon non numériques ({row.get('lat')!r}, "
                              f"{row.get('lon')!r})")
                continue
            if bbox is not None:
                lon_min, lat_min, lon_max, lat_max = bbox
                margin = 0.01
                if not (lon_min - margin <= lon <= lon_max + margin
                        and lat_min - margin <= lat <= lat_max + margin):
                    errors.append(f"{path}:{line}: point hors de l'emprise de la commune "
                                  f"({lat}, {lon})")
                    continue
            row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items() if k}
            row["lat"], row["lon"] = lat, lon
            row["_line"] = line
            rows.append(row)
    return rows


def _check_zones(data: Any, path: Path, errors: list[str]) -> None:
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        errors.append(f"{path}:1: une FeatureCollection GeoJSON est attendue")
        return
    seen: set[str] = set()
    communes = 0
    for index, feature in enumerate(data.get("features", [])):
        props = feature.get("properties") or {}
        kind, code = props.get("kind"), props.get("code")
        geometry = feature.get("geometry") or {}
        where = f"{path}: entité n°{index + 1}"
        if kind not in ("commune", "zone"):
            errors.append(f"{where}: propriété kind attendue 'commune' ou 'zone', reçu {kind!r}")
        if not code:
            errors.append(f"{where}: propriété code manquante")
        elif code in seen:
            errors.append(f"{where}: code de zone en double {code!r}")
        seen.add(str(code))
        communes += kind == "commune"
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            errors.append(f"{where}: géométrie Polygon ou MultiPolygon attendue")
    if communes != 1:
        errors.append(f"{path}: exactement une entité kind='commune' attendue, trouvé {communes}")


def _cross_check(commune: CommuneSpec, categories: dict[str, CategorySpec],
                 actors: dict[str, ActorSpec], routing: RoutingFile, zones: list[str],
                 lines: dict[str, int], path: Path, errors: list[str]) -> None:
    ids = set()
    for rule in routing.rules:
        where = f"{path}:{lines.get(rule.id, 0)}: règle {rule.id}"
        if rule.id in ids:
            errors.append(f"{where}: identifiant de règle en double")
        ids.add(rule.id)
        if rule.category != "*" and rule.category not in categories:
            errors.append(f"{where}: catégorie inconnue {rule.category!r}")
        for actor in [*rule.actors, rule.on_duty, rule.off_duty]:
            if actor and actor not in actors:
                errors.append(f"{where}: acteur inconnu {actor!r}")
        for zone in rule.zones or []:
            if zone not in zones:
                errors.append(f"{where}: zone inconnue {zone!r}")
        if rule.emergency_number and rule.emergency_number not in commune.emergency_numbers.values():
            errors.append(f"{where}: numéro d'urgence {rule.emergency_number} absent de "
                          "commune.yaml")


def load_pack(root: Path) -> Pack:
    """Read and validate a pack folder; raise PackError with every problem found."""
    root = Path(root)
    if not root.is_dir():
        raise PackError(f"dossier de pack introuvable : {root}", details=[f"{root}: introuvable"])
    errors: list[str] = []
    docs: dict[str, Any] = {}
    for name in ("commune.yaml", "categories.yaml", "actors.yaml", "routing.yaml"):
        try:
            docs[name] = read_yaml(root / name)
        except PackError as exc:
            errors.extend(exc.details or [exc.message])
    try:
        zones = read_json(root / "zones.geojson")
    except PackError as exc:
        errors.extend(exc.details or [exc.message])
        zones = None
    if errors:
        raise PackError(f"pack invalide : {errors[0]}", details=errors)

    commune, e1 = validate_model(CommuneSpec, docs["commune.yaml"], root / "commune.yaml")
    cats, e2 = validate_model(CategoriesFile, docs["categories.yaml"], root / "categories.yaml")
    acts, e3 = validate_model(ActorsFile, docs["actors.yaml"], root / "actors.yaml")
    routing, e4 = validate_model(RoutingFile, docs["routing.yaml"], root / "routing.yaml")
    errors += e1 + e2 + e3 + e4
    _check_zones(zones, root / "zones.geojson", errors)
    bbox = commune.bbox if commune else None
    streets = _read_csv(root / "streets.csv", ("name", "street_type", "lat", "lon"), bbox, errors)
    landmarks = _read_csv(root / "landmarks.csv", ("id", "name", "aliases", "kind", "lat", "lon",
                                                   "zone"), bbox, errors)
    if commune is None or cats is None or acts is None or routing is None or errors:
        raise PackError(f"pack invalide : {errors[0]}", details=errors)

    rule_lines = {r["id"]: r.get(LINE_KEY, 0) for r in docs["routing.yaml"].get("rules", [])
                  if isinstance(r, dict) and "id" in r}
    categories = {c.code: c for c in cats.categories}
    actors = {a.id: a for a in acts.actors}
    pack = Pack(root=root, commune=commune, categories=categories, actors=actors,
                rules=list(routing.rules), zones_geojson=zones, streets=streets,
                landmarks=landmarks, digest=_digest(root), rule_lines=rule_lines)
    _cross_check(commune, categories, actors, routing, pack.zone_codes, rule_lines,
                 root / "routing.yaml", errors)
    for row in landmarks:
        if row["zone"] and row["zone"] not in pack.zone_codes:
            errors.append(f"{root / 'landmarks.csv'}:{row['_line']}: zone inconnue {row['zone']!r}")
    if errors:
        raise PackError(f"pack invalide : {errors[0]}", details=errors)
    return pack


def pack_config(pack: Pack) -> dict[str, Any]:
    """The pack's YAML content as one JSON document (stored with the commune row)."""
    return {
        "commune": pack.commune.model_dump(mode="json"),
        "categories": [c.model_dump(mode="json") for c in pack.categories.values()],
        "actors": [a.model_dump(mode="json") for a in pack.actors.values()],
        "rules": [r.model_dump(mode="json") for r in pack.rules],
        "rule_lines": pack.rule_lines,
    }


def pack_from_config(config: dict[str, Any], *, root: Path, zones_geojson: dict[str, Any],
                     streets: list[dict[str, Any]], landmarks: list[dict[str, Any]],
                     digest: str) -> Pack:
    """Rebuild a Pack from what :func:`pack_config` stored (already validated at load)."""
    return Pack(
        root=root,
        commune=CommuneSpec.model_validate(config["commune"]),
        categories={c["code"]: CategorySpec.model_validate(c) for c in config["categories"]},
        actors={a["id"]: ActorSpec.model_validate(a) for a in config["actors"]},
        rules=[RuleSpec.model_validate(r) for r in config["rules"]],
        zones_geojson=zones_geojson, streets=streets, landmarks=landmarks, digest=digest,
        rule_lines=config.get("rule_lines", {}),
    )
