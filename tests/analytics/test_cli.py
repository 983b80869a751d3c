"""The `bia forecast` / `bia analytics` contracts, through a Typer app built here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from bia.cli.analytics_cmds import analytics_app, forecast_app

COLS = ["--time-col", "when", "--lat-col", "latitude", "--lon-col", "longitude"]


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(forecast_app, name="forecast")
    root.add_typer(analytics_app, name="analytics")
    return root


@pytest.fixture
def events_csv(tmp_path: Path, synthetic, write_csv) -> Path:  # type: ignore[no-untyped-def]
    return write_csv(synthetic(np.random.default_rng(11)), tmp_path / "events.csv")


def test_predict_writes_one_row_per_cell(app: typer.Typer, events_csv: Path,
                                         tmp_path: Path) -> None:
    out = tmp_path / "cells.csv"
    res = CliRunner().invoke(app, ["forecast", "predict", str(events_csv), *COLS,
                                   "--until", "2024-04-15T00:00:00Z", "--horizon", "7d",
                                   "--cell-m", "200", "--out", str(out)])
    assert res.exit_code == 0, res.output
    cells = pd.read_csv(out)
    assert list(cells.columns) == ["cell_id", "lon_min", "lat_min", "lon_max", "lat_max",
                                   "score"]
    assert cells["cell_id"].is_unique and len(cells) > 50
    top = cells.sort_values("score", ascending=False).iloc[0]
    assert top["lat_min"] - 0.002 <= 43.4832 <= top["lat_max"] + 0.002


def test_predict_with_category_model_and_shift_horizon(app: typer.Typer, events_csv: Path,
                                                       tmp_path: Path) -> None:
    out = tmp_path / "cells.csv"
    res = CliRunner().invoke(app, ["forecast", "predict", str(events_csv), *COLS,
                                   "--category-col", "kind", "--category", "tapage",
                                   "--until", "2024-04-15T22:00:00+02:00", "--horizon", "8h",
                                   "--model", "sepp", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert (pd.read_csv(out)["score"] >= 0).all()


def test_predict_ignores_events_from_until_on(app: typer.Typer, tmp_path: Path, synthetic,
                                             write_csv) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(12)
    past = synthetic(rng, days=100)
    future = synthetic(rng, days=30, start="2024-04-10", hot=(43.476, -1.566))
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    write_csv(past, a)
    write_csv(pd.concat([past, future]), b)
    outs = []
    for src in (a, b):
        out = tmp_path / f"out_{src.stem}.csv"
        res = CliRunner().invoke(app, ["forecast", "predict", str(src), *COLS, "--until",
                                       "2024-04-10", "--horizon", "1d", "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(out.read_text())
    assert outs[0] == outs[1]


def test_predict_with_preset(app: typer.Typer, tmp_path: Path, synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(13), lat0=41.8, lon0=-87.65, hot=(41.801, -87.651))
    path = tmp_path / "chicago_like.csv"
    ev.assign(date=ev["t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"), longitude=ev["lon"],
              latitude=ev["lat"], location_category="street", district=1)[
        ["date", "location_category", "longitude", "latitude", "district"]].to_csv(
        path, index=False)
    out = tmp_path / "cells.csv"
    res = CliRunner().invoke(app, ["forecast", "predict", str(path), "--preset", "chicago",
                                   "--until", "2024-04-15", "--horizon", "1d",
                                   "--model", "naive", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert len(pd.read_csv(out)) > 0


def test_backtest_prints_json_per_model(app: typer.Typer, events_csv: Path) -> None:
    res = CliRunner().invoke(app, ["forecast", "backtest", str(events_csv), *COLS,
                                   "--from", "2024-04-01", "--to", "2024-05-13",
                                   "--horizon", "7d", "--cell-m", "200",
                                   "--models", "naive,kde,learned"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["n_windows"] == 6
    for name in ("naive", "kde", "learned"):
        m = payload["models"][name]
        assert set(m["hit_rate"]) == set(m["pai"]) == {"1%", "5%", "10%"}
        assert m["pai"]["5%"] > 1.0


def test_bad_input_gives_a_clean_french_error(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    res = CliRunner().invoke(app, ["forecast", "predict", str(bad), *COLS, "--until",
                                   "2024-01-01", "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "colonnes absentes" in res.output


def test_rejected_rows_are_reported(app: typer.Typer, events_csv: Path,
                                    tmp_path: Path) -> None:
    text = events_csv.read_text().splitlines()
    text.insert(3, "2024-01-02T00:00:00Z,,,tapage,resident,x1")
    path = tmp_path / "with_bad.csv"
    path.write_text("\n".join(text) + "\n")
    res = CliRunner().invoke(app, ["forecast", "predict", str(path), *COLS, "--until",
                                   "2024-04-15", "--model", "naive", "--out",
                                   str(tmp_path / "o.csv")])
    assert res.exit_code == 0
    assert "lignes 4" in res.output and "coordonnées manquantes" in res.output


def test_recurring_cli(app: typer.Typer, tmp_path: Path, planted) -> None:  # type: ignore[no-untyped-def]
    ev = planted(np.random.default_rng(14))
    path = tmp_path / "nuisances.csv"
    ev.assign(when=ev["t"].dt.tz_convert("Europe/Paris").dt.strftime("%Y-%m-%d %H:%M"),
              latitude=ev["lat"], longitude=ev["lon"], kind=ev["category"])[
        ["when", "latitude", "longitude", "kind"]].to_csv(path, index=False)
    res = CliRunner().invoke(app, ["analytics", "recurring", str(path), *COLS,
                                   "--category-col", "kind", "--tz", "Europe/Paris"])
    assert res.exit_code == 0, res.output
    patterns = json.loads(res.stdout)
    assert len(patterns) == 2
    for p in patterns:
        for key in ("lat", "lon", "radius_m", "category", "weekdays", "hours", "count",
                    "first", "last", "explanation"):
            assert key in p
    friday = next(p for p in patterns if p["category"] == "tapage")
    assert friday["weekdays"] == [4] and friday["hours"] == [23, 2]
    assert friday["count"] == 6


def test_plan_hotspots_stats_nearrepeat(app: typer.Typer, events_csv: Path,
                                        tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["forecast", "plan", str(events_csv), *COLS, "--until",
                              "2024-04-15T22:00:00+02:00", "--crews", "2", "--model", "kde"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert len(plan["crews"]) == 2 and 0 < plan["covered_share"] <= 1
    assert plan["shift_start"].startswith("2024-04-15T22:00:00")

    res = runner.invoke(app, ["analytics", "hotspots", str(events_csv), *COLS])
    assert res.exit_code == 0, res.output
    hot = json.loads(res.stdout)
    assert hot and hot[0]["label"] == "point chaud"

    zones = tmp_path / "zones.geojson"
    zones.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"name": "Grande Plage"},
        "geometry": {"type": "Polygon", "coordinates": [[[-1.561, 43.481], [-1.556, 43.481],
                                                         [-1.556, 43.486], [-1.561, 43.486],
                                                         [-1.561, 43.481]]]}}]}))
    res = runner.invoke(app, ["analytics", "stats", str(events_csv), *COLS, "--from",
                              "2024-03-01", "--to", "2024-04-01", "--baseline-from",
                              "2024-01-01", "--baseline-to", "2024-03-01", "--zones",
                              str(zones)])
    assert res.exit_code == 0, res.output
    stats = json.loads(res.stdout)
    assert stats["zones"][0]["zone"] == "Grande Plage" and stats["zones"][0]["count"] > 0
    assert stats["trend"][0]["verdict"] in ("hausse significative", "baisse significative",
                                            "variation dans le bruit")

    res = runner.invoke(app, ["analytics", "nearrepeat", str(events_csv), *COLS,
                              "--permutations", "19"])
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["knox"]) == 9


def test_predict_by_zone_ranks_the_quartier_of_the_hot_spot_first(
        app: typer.Typer, tmp_path: Path, synthetic, write_csv) -> None:  # type: ignore[no-untyped-def]
    # the synthetic hot spot (43.4832, -1.5586) lies in the pack's centre-ville
    src = write_csv(synthetic(np.random.default_rng(13), hot_share=0.6), tmp_path / "e.csv")
    out = tmp_path / "zones.csv"
    res = CliRunner().invoke(app, ["forecast", "predict", str(src), *COLS, "--until",
                                   "2024-04-15T00:00:00Z", "--horizon", "7d", "--model", "kde",
                                   "--by", "zone", "--out", str(out)])
    assert res.exit_code == 0, res.output
    zones = pd.read_csv(out)
    assert list(zones.columns) == ["zone", "name", "expected", "area_km2", "per_km2", "share",
                                   "rank"]
    assert len(zones) == 11 and sorted(zones["rank"]) == list(range(1, 12))
    assert zones.iloc[0]["zone"] == "centre" and zones.iloc[0]["name"] == "Centre-ville"
    assert zones["share"].sum() == pytest.approx(1.0)
    cells = tmp_path / "cells.csv"
    CliRunner().invoke(app, ["forecast", "predict", str(src), *COLS, "--until",
                             "2024-04-15T00:00:00Z", "--horizon", "7d", "--model", "kde",
                             "--out", str(cells)])
    # zones never hold more than the cells' total forecast
    assert zones["expected"].sum() <= pd.read_csv(cells)["score"].sum() + 1e-6


def test_predict_by_unknown_mode_is_a_french_error(app: typer.Typer, events_csv: Path,
                                                   tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["forecast", "predict", str(events_csv), *COLS, "--until",
                                   "2024-04-15", "--by", "quartier",
                                   "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "--by doit valoir" in res.output
    bad = tmp_path / "zones.geojson"
    bad.write_text("{pas du json", encoding="utf-8")
    res = CliRunner().invoke(app, ["forecast", "predict", str(events_csv), *COLS, "--until",
                                   "2024-04-15", "--by", "zone", "--zones", str(bad),
                                   "--out", str(tmp_path / "x.csv")])
    assert res.exit_code == 2 and "zones illisibles" in res.output


def test_backtest_of_night_shifts_only(app: typer.Typer, events_csv: Path,
                                       tmp_path: Path) -> None:
    out = tmp_path / "windows.csv"
    res = CliRunner().invoke(app, ["forecast", "backtest", str(events_csv), *COLS,
                                   "--from", "2024-04-01T22:00", "--to", "2024-04-11T06:00",
                                   "--horizon", "8h", "--step", "1d", "--models", "naive,kde",
                                   "--out", str(out)])
    assert res.exit_code == 0, res.output
    windows = pd.read_csv(out)
    starts = pd.to_datetime(windows["origin"]).dt.tz_convert("Europe/Paris")
    assert set(starts.dt.hour) == {22}  # only 22:00-06:00 windows, one per night
    assert json.loads(res.stdout)["n_windows"] == starts.nunique() == 10  # 1st to 10th
    assert {"predicted", "deviance"} <= set(windows.columns)
