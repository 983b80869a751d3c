"""Import of the Base Adresse Nationale CSV (semicolon-separated) for house-number precision."""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bia.geo.models import Address

REQUIRED = ("id", "numero", "nom_voie", "code_postal", "code_insee", "lon", "lat")


@dataclass
class ImportResult:
    inserted: int = 0
    updated: int = 0
    skipped_other_commune: int = 0
    rejected: list[str] = field(default_factory=list)  # "ligne N : raison"


def _open(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace", newline="")


def import_ban(session: Session, *, path: Path, commune_id: int, insee: str) -> ImportResult:
    """Upsert the addresses of one commune; bad rows are reported by line, never dropped silently."""
    result = ImportResult()
    existing = {a.ban_id: a for a in session.scalars(
        select(Address).where(Address.commune_id == commune_id))}
    with _open(path) as handle:
        reader = csv.DictReader(handle, delimiter=";")
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            result.rejected.append(f"ligne 1 : colonnes manquantes : {', '.join(missing)}")
            return result
        for line, row in enumerate(reader, start=2):
            if (row.get("code_insee") or "").strip() != insee:
                result.skipped_other_commune += 1
                continue
            try:
                number = int((row["numero"] or "").strip())
                lon, lat = float(row["lon"]), float(row["lat"])
            except (TypeError, ValueError):
                result.rejected.append(f"ligne {line} : numéro ou coordonnées invalides")
                continue
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                result.rejected.append(f"ligne {line} : coordonnées hors limites")
                continue
            ban_id, street = (row["id"] or "").strip(), (row["nom_voie"] or "").strip()
            if not ban_id or not street:
                result.rejected.append(f"ligne {line} : identifiant ou nom de voie vide")
                continue
            values = {"number": number, "rep": (row.get("rep") or "").strip() or None,
                      "street_name": street, "postcode": (row["code_postal"] or "").strip(),
                      "lat": lat, "lon": lon}
            if ban_id in existing:
                for key, value in values.items():
                    setattr(existing[ban_id], key, value)
                result.updated += 1
            else:
                address = Address(commune_id=commune_id, ban_id=ban_id, **values)
                session.add(address)
                existing[ban_id] = address
                result.inserted += 1
    session.flush()
    return result


def find_address(session: Session, *, commune_id: int, street: str,
                 number: str | None) -> Address | None:
    """The BAN point of ``number`` in ``street`` (exact official name), if imported."""
    if not number:
        return None
    digits = "".join(ch for ch in number if ch.isdigit())
    if not digits:
        return None
    return session.scalar(select(Address).where(
        Address.commune_id == commune_id, Address.street_name == street,
        Address.number == int(digits)).limit(1))
