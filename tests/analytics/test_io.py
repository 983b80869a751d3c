"""Reader: presets on the real files, and every kind of bad row reported with its line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Transformer

from bia.analytics.io import ColumnMapping, read_events, summarise_rejections
from bia.analytics.types import EVENT_COLUMNS, AnalyticsError


def test_chicago_preset(shared_incidents: Path) -> None:
    ev, rejected = read_events(shared_incidents / "chicago_aggravated_assaults_2010-2019.csv.gz",
                               preset="chicago")
    assert len(ev) == 148_736 and rejected == []
    assert list(ev.columns) == list(EVENT_COLUMNS)
    assert str(ev["t"].dt.tz) == "UTC"
    assert ev["t"].iloc[0] == pd.Timestamp("2010-01-01T00:05:00Z")
    assert ev["t"].is_monotonic_increasing


def test_charlottesville_preset_uses_hour_reported(shared_incidents: Path) -> None:
    ev, rejected = read_events(shared_incidents / "charlottesville_cpd_2014-2019.csv.gz",
                               preset="charlottesville")
    # 29,475 rows, 29,422 geocoded: the 53 others are reported, not dropped silently.
    assert len(ev) == 29_422 and len(rejected) == 53
    assert {r.reason for r in rejected} == {"coordonnées manquantes"}
    first = ev[ev["event_id"] == "1"].iloc[0]  # 2019-09-27, HourReported 2114 (EDT)
    assert first["t"] == pd.Timestamp("2019-09-28T01:14:00Z")
    assert first["category"] == "Larceny - Shoplifitng"


def test_paris_preset_marks_patrols(shared_incidents: Path) -> None:
    ev, rejected = read_events(shared_incidents / "paris_dansmarue_2023-2024.csv.gz",
                               preset="paris")
    assert len(ev) == 10_000 and rejected == []
    assert (ev["source"] == "patrol").sum() > 0
    assert set(ev["source"]) == {"patrol", "resident"}
    # Day precision, local midnight in Paris.
    assert ev["t"].dt.tz_convert("Europe/Paris").dt.hour.eq(0).all()


def test_bad_rows_are_reported_with_line_numbers(tmp_path: Path) -> None:
    text = (
        "id;quand;lat;lon;type\n"              # 1
        "a;2024-05-03 23:10;43,4832;-1,5586;tapage\n"  # 2 ok (decimal commas)
        "b;pas une date;43.48;-1.55;tapage\n"  # 3 bad date
        "c;2024-05-03 23:40;;-1.55;tapage\n"   # 4 missing coordinates
        'd;2024-05-04 00:10;43.48;-1.55;"tapage\n'
        'nocturne"\n'                          # 5-6 quoted field over two lines: ok
        "e;2024-05-04 00:20;95.0;-1.55;tapage\n"  # 7 latitude out of range
        "f;2024-05-04 00:30;43.48\n"           # 8 too few fields
        "\n"                                   # 9 blank line: not a row
        "a;2024-05-04 00:40;43.48;-1.55;tapage\n"  # 10 duplicate id
        "g;2024-05-04 00:50;0;0;tapage\n"      # 11 null island
        "h;04/05/2024 01:00;43.48;-1.55;\n"    # 12 day-first date, empty category: ok
    )
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="cp1252", errors="replace")
    ev, rejected = read_events(path, ColumnMapping(time="quand", lat="lat", lon="lon",
                                                   category="type", event_id="id",
                                                   tz="Europe/Paris"))
    assert sorted(ev["event_id"]) == ["a", "d", "h"]
    got = {r.line: r.reason for r in rejected}
    assert got[3] == "date illisible"
    assert got[4] == "coordonnées manquantes"
    assert got[7] == "coordonnées hors limites"
    assert got[8].startswith("nombre de champs incorrect")
    assert got[10].startswith("identifiant en double (déjà vu ligne 2)")
    assert got[11].startswith("coordonnées nulles")
    assert set(got) == {3, 4, 7, 8, 10, 11}
    a = ev.set_index("event_id")
    assert a.loc["a", "lat"] == pytest.approx(43.4832)
    assert a.loc["a", "t"] == pd.Timestamp("2024-05-03T21:10:00Z")  # CEST
    assert a.loc["d", "category"] == "tapage\nnocturne"
    assert a.loc["h", "t"] == pd.Timestamp("2024-05-03T23:00:00Z")  # 4 May, day first
    assert a.loc["h", "category"] == "non précisé"
    assert "6 ligne(s) rejetée(s)" in summarise_rejections(rejected)


def test_gzip_projected_coordinates_and_aware_times(tmp_path: Path) -> None:
    # Lambert-93 (EPSG:2154) coordinates near Biarritz's Grande Plage, times with offsets.
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True).transform(
        -1.5586, 43.4832)
    text = ("x,y,ts,src\n"
            f"{x:.1f},{y:.1f},2024-07-14T22:30:00+02:00,Patrouille\n"
            f"{x + 5:.1f},{y + 10:.1f},2024-07-14T20:45:00Z,appel\n")
    path = tmp_path / "l93.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    ev, rejected = read_events(path, ColumnMapping(time="ts", x="x", y="y", epsg=2154,
                                                   source="src"))
    assert rejected == []
    assert ev["lat"].iloc[0] == pytest.approx(43.4832, abs=1e-6)
    assert ev["lon"].iloc[0] == pytest.approx(-1.5586, abs=1e-6)
    assert list(ev["t"]) == [pd.Timestamp("2024-07-14T20:30:00Z"),
                             pd.Timestamp("2024-07-14T20:45:00Z")]
    assert list(ev["source"]) == ["patrol", "resident"]


def test_whole_file_problems_raise_french_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(AnalyticsError) as err:
        read_events(empty, ColumnMapping(time="t", lat="lat", lon="lon"))
    assert "vide" in err.value.message_fr
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(AnalyticsError) as err:
        read_events(other, ColumnMapping(time="t", lat="lat", lon="lon"))
    assert "colonnes absentes" in err.value.message_fr
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"t,lat,lon\n\x00\xff\xfe,\"unclosed,1\n2024-01-01,1,2\n")
    ev, rejected = read_events(garbage, ColumnMapping(time="t", lat="lat", lon="lon"))
    assert len(ev) + len(rejected) >= 1  # no crash, nothing silent


def test_epoch_seconds(tmp_path: Path) -> None:
    path = tmp_path / "epoch.csv"
    path.write_text("ts,lat,lon\n1717200000,43.48,-1.55\n1717203600,43.48,-1.55\n")
    ev, rejected = read_events(path, ColumnMapping(time="ts", lat="lat", lon="lon"))
    assert rejected == [] and ev["t"].iloc[0] == pd.Timestamp("2024-06-01T00:00:00Z")
