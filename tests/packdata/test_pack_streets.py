"""streets.csv / streets.geojson: the Biarritz gazetteer derived from OpenStreetMap."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

COLUMNS = ["name", "street_type", "lat", "lon", "centroid_lat", "centroid_lon", "length_m",
           "kind", "alias_of"]
ANGLET_SAMPLE = ["Boulevard des Plages", "Avenue de la Chambre d'Amour", "Promenade des Plages",
                 "Avenue des Dauphins", "Allée d'Aguiléra", "Avenue de Larochefoucauld"]


def test_columns_and_count(streets: list[dict[str, str]], pack_dir: Path) -> None:
    with (pack_dir / "streets.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS
    assert 485 <= len(streets) <= 500
    names = [s["name"] for s in streets]
    assert len(names) == len(set(names))


def test_official_names_are_kept_as_in_the_source(streets: list[dict[str, str]]) -> None:
    names = {s["name"] for s in streets}
    for n in ["Avenue Édouard VII", "Rue du Port-Vieux", "Boulevard du Général de Gaulle",
              "Avenue de la Reine Victoria", "Avenue Reine Victoria", "Place Georges Clemenceau",
              "Passerelle de la Vierge"]:
        assert n in names


def test_aliases_point_to_existing_rows(streets: list[dict[str, str]]) -> None:
    names = {s["name"] for s in streets}
    aliased = {s["name"]: s["alias_of"] for s in streets if s["alias_of"]}
    assert aliased["Avenue Reine Victoria"] == "Avenue de la Reine Victoria"
    assert all(target in names and target not in aliased for target in aliased.values())


def test_no_anglet_street_and_no_non_street(streets: list[dict[str, str]],
                                            shared_geo: Path) -> None:
    names = {s["name"] for s in streets}
    assert not names & set(ANGLET_SAMPLE)
    assert "Parking extérieur des habitants du Bâtiment Hélianthe." not in names
    source = shared_geo / "biarritz_streets.csv"
    if source.is_file():
        with source.open(encoding="utf-8", newline="") as fh:
            anglet = {r["name"] for r in csv.DictReader(fh) if r["commune"] == "Anglet"}
        assert len(anglet) == 59 and not names & anglet


def test_label_point_is_on_the_street(streets: list[dict[str, str]],
                                      streets_fc: dict[str, Any]) -> None:
    geoms = {f["properties"]["name"]: f["geometry"] for f in streets_fc["features"]}
    for s in streets:
        pts = {tuple(p) for line in geoms[s["name"]]["coordinates"] for p in line}
        # the label point is a vertex of the street (both rounded to 6 decimals)
        assert (float(s["lon"]), float(s["lat"])) in pts, s["name"]


def test_geojson_matches_csv_and_keeps_odbl(streets: list[dict[str, str]],
                                            streets_fc: dict[str, Any]) -> None:
    assert "OpenStreetMap" in streets_fc["attribution"]
    assert "ODbL" in streets_fc["attribution"]
    assert [f["properties"]["name"] for f in streets_fc["features"]] == [
        s["name"] for s in streets
    ]
    for f in streets_fc["features"]:
        assert set(f["properties"]) == {"name", "street_type", "kind"}
        assert f["geometry"]["type"] == "MultiLineString"
        for line in f["geometry"]["coordinates"]:
            for x, y in line:
                assert round(x, 6) == x and round(y, 6) == y


def test_data_sources_keeps_the_attribution(pack_dir: Path) -> None:
    text = (pack_dir / "DATA_SOURCES.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in text and "ODbL 1.0" in text
    assert "Voie de servitudes Sud" in text  # dropped rows are listed


def test_committed_files_are_what_the_build_script_writes(
    tmp_path: Path, pack_dir: Path, repo_root: Path, shared_geo: Path
) -> None:
    if not shared_geo.is_dir():
        pytest.skip("../shared/data/geo not available")
    subprocess.run([sys.executable, str(repo_root / "tools" / "build_pack_geo.py"),
                    "--shared", str(shared_geo), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    for name in ["streets.csv", "streets.geojson", "zones.geojson", "landmarks.csv"]:
        assert (tmp_path / name).read_bytes() == (pack_dir / name).read_bytes(), name
