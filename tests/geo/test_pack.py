"""`bia pack check|load`: the real pack passes, a corrupted copy fails with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bia.cli.main import app
from bia.context import Context
from bia.core.settings import PROJECT_ROOT
from bia.geo.models import Commune, Street, Zone
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db
from bia.routing.models import RoutingRule

PACK_DIR = PROJECT_ROOT / "packs" / "biarritz"
runner = CliRunner()


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(PACK_DIR, target)
    return target


def check(directory: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["pack", "check", str(directory)])
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_the_biarritz_pack_passes_and_proves_coverage() -> None:
    code, output = check(PACK_DIR)
    assert code == 0, output
    assert "27 catégories" in output
    assert "Couverture prouvée" in output


def test_unknown_category_in_a_rule_names_file_and_line(pack_copy: Path) -> None:
    routing = pack_copy / "routing.yaml"
    replace_in(routing, 'id: eclairage, category: "eclairage"', 'id: eclairage, category: "eclairrage"')
    code, output = check(pack_copy)
    assert code == 1
    assert f"routing.yaml:{line_of(routing, 'eclairrage')}: règle eclairage: catégorie inconnue" in output


def test_a_category_without_rule_fails_the_coverage_proof(pack_copy: Path) -> None:
    routing = pack_copy / "routing.yaml"
    lines = [line for line in routing.read_text(encoding="utf-8").splitlines()
             if 'category: "conflit_voisinage"' not in line]
    routing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = check(pack_copy)
    assert code == 1
    assert "aucune règle pour catégorie conflit_voisinage" in output


def test_bad_hours_in_actors_points_at_the_line(pack_copy: Path) -> None:
    actors = pack_copy / "actors.yaml"
    replace_in(actors, '{start: "07:00", end: "03:00"}', '{start: "7h", end: "03:00"}')
    code, output = check(pack_copy)
    assert code == 1
    line = line_of(actors, 'start: "7h"')
    assert f"actors.yaml:{line}:" in output
    assert "HH:MM" in output


def test_broken_yaml_and_bad_coordinates_are_located(pack_copy: Path) -> None:
    commune = pack_copy / "commune.yaml"
    replace_in(commune, "timezone: Europe/Paris", "timezone: [Europe/Paris")
    code, output = check(pack_copy)
    assert code == 1 and "commune.yaml:" in output and "YAML illisible" in output

    shutil.copy(PACK_DIR / "commune.yaml", commune)
    streets = pack_copy / "streets.csv"
    rows = streets.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace(rows[3].split(",")[2], "quarante-trois", 1)
    streets.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, output = check(pack_copy)
    assert code == 1
    assert "streets.csv:4: lat/lon non numériques" in output


def test_missing_pack_folder_is_a_clear_error(tmp_path: Path) -> None:
    code, output = check(tmp_path / "nowhere")
    assert code == 1 and "introuvable" in output


def test_loading_is_idempotent(ctx: Context) -> None:
    pack = load_pack(PACK_DIR)

    def counts() -> tuple[int, ...]:
        with ctx.session() as session:
            return tuple(session.scalar(select(func.count()).select_from(t))
                         for t in (Commune, Zone, Street, RoutingRule))

    before = counts()
    with ctx.session() as session:
        load_pack_into_db(session, pack=pack)
    with ctx.session() as session:
        load_pack_into_db(session, pack=pack)
    assert counts() == before
    communes, zones, streets, rules = before
    assert communes == 1 and rules == len(pack.rules)
    assert streets == len(pack.streets) + len(pack.landmarks)
    with ctx.session() as session:
        grid = session.scalar(select(func.count()).select_from(Zone).where(Zone.kind == "grid"))
        named = session.scalars(select(Zone.code).where(Zone.kind == "zone")).all()
    assert {"centre", "littoral"} <= set(named)
    # about 11.7 km² of commune in 200 m cells: a few hundred cells
    assert 250 <= (grid or 0) <= 600


def test_zone_lookup_places_landmarks_where_the_spec_says(ctx: Context) -> None:
    loaded = ctx.pack()
    by_name = {row["name"]: row for row in loaded.pack.landmarks}
    grande_plage = by_name["Grande Plage"]
    halles = next(row for name, row in by_name.items() if "Halles" in name)
    assert loaded.zones.zone_of(grande_plage["lat"], grande_plage["lon"]) == "littoral"
    assert loaded.zones.zone_of(halles["lat"], halles["lon"]) == "centre"
    assert loaded.zones.zone_of(48.8566, 2.3522) is None  # Paris is not in Biarritz
