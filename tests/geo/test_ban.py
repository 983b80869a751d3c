"""`bia import ban` loads a BAN-format file: house numbers of the commune, bad rows reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from bia.cli.main import app
from bia.context import Context
from bia.core.settings import get_settings
from bia.geo.ban import find_address
from bia.geo.models import Address

HEADER = ("id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;"
          "code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;"
          "nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom_voie;certification_commune;"
          "cad_parcelles")


def ban_row(ban_id: str, number: str, street: str, insee: str, lon: str, lat: str) -> str:
    return (f"{ban_id};64122_1234;{number};;{street};64200;{insee};Biarritz;;;0;0;{lon};{lat};"
            f"entrée;;;BIARRITZ;{street.upper()};commune;commune;1;")


@pytest.fixture
def ban_file(tmp_path: Path) -> Path:
    lines = [
        HEADER,
        ban_row("64122_0450_00012", "12", "Avenue Édouard VII", "64122", "-1.5597", "43.4836"),
        ban_row("64122_0450_00014", "14", "Avenue Édouard VII", "64122", "-1.5598", "43.4837"),
        ban_row("64122_0200_00009", "9", "Rue Mazagran", "64122", "-1.5592", "43.4829"),
        ban_row("64024_0100_00001", "1", "Rue d'Anglet", "64024", "-1.52", "43.49"),  # Anglet
        ban_row("64122_0200_00bad", "douze", "Rue Mazagran", "64122", "-1.5592", "43.4829"),
        ban_row("64122_0200_00011", "11", "Rue Mazagran", "64122", "abc", "43.4829"),
    ]
    path = tmp_path / "adresses-64.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_import_ban_loads_addresses_and_reports_bad_lines(ctx: Context, ban_file: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIA_DATABASE_URL", ctx.settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["import", "ban", str(ban_file), "--commune", "64122"])
        again = CliRunner().invoke(app, ["import", "ban", str(ban_file), "--commune", "64122"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "3 ajoutées" in result.output and "1 d'autres communes" in result.output
    assert "2 lignes rejetées" in result.output
    assert "ligne 6" in result.output and "ligne 7" in result.output
    assert "0 ajoutées, 3 mises à jour" in again.output  # idempotent
    with ctx.session() as session:
        assert session.scalar(select(func.count()).select_from(Address)) == 3
        commune_id = ctx.pack().commune_id
        found = find_address(session, commune_id=commune_id, street="Avenue Édouard VII",
                             number="12")
        assert found is not None and found.lat == pytest.approx(43.4836)


def test_import_ban_missing_columns_is_explained(ctx: Context, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    monkeypatch.setenv("BIA_DATABASE_URL", ctx.settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["import", "ban", str(bad), "--commune", "64122"])
    finally:
        get_settings.cache_clear()
    assert "colonnes manquantes" in result.output
