"""Zone forecasts: area-overlap aggregation of cells to the pack's quartiers, zone backtests."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from bia.analytics.forecast import forecast_grid
from bia.analytics.zones import overlay, rank_scores, zone_backtest, zones_from_geojson
from bia.core.settings import PROJECT_ROOT

UNTIL = "2024-04-15T00:00:00Z"


@pytest.fixture
def quartiers() -> tuple[dict, dict]:  # type: ignore[type-arg]
    path = PROJECT_ROOT / "packs" / "biarritz" / "zones.geojson"
    return zones_from_geojson(json.loads(path.read_text(encoding="utf-8")))


def test_the_pack_zones_are_the_eleven_quartiers(quartiers) -> None:  # type: ignore[no-untyped-def]
    shapes, names = quartiers
    assert len(shapes) == 11 and "64122" not in shapes
    assert names["centre"] == "Centre-ville"


def test_overlap_weights_split_cells_between_zones(synthetic, quartiers) -> None:  # type: ignore[no-untyped-def]
    shapes, names = quartiers
    ev = synthetic(np.random.default_rng(21), span_deg=0.06)
    grid, scores = forecast_grid(ev, UNTIL, "7d", model="kde")
    ov = overlay(grid, shapes, names)
    share = ov.weights.sum(axis=1)
    assert share.max() <= 1 + 1e-9 and share.min() >= 0
    boundary = (ov.weights > 0.01).sum(axis=1) >= 2
    assert boundary.any()  # some cells straddle two quartiers and are split between them
    # the zones' areas add up to the commune (≈ 11.7 km²)
    assert ov.area_km2.sum() == pytest.approx(11.7, rel=0.1)
    # a uniform intensity of 1 per cell gives each zone its own number of cells
    per_zone = ov.aggregate(np.ones(scores.size))
    cell_km2 = (grid.cell_m / 1000) ** 2
    assert per_zone.sum() * cell_km2 <= ov.area_km2.sum() + 1e-6


def test_zone_table_ranks_the_hot_quartier_first(synthetic, quartiers) -> None:  # type: ignore[no-untyped-def]
    shapes, names = quartiers
    ev = synthetic(np.random.default_rng(22), hot_share=0.8)
    grid, scores = forecast_grid(ev, UNTIL, "7d", model="kde")
    table = overlay(grid, shapes, names).frame(scores)
    assert table.iloc[0]["zone"] == "centre" and table.iloc[0]["rank"] == 1
    assert list(table["rank"]) == list(range(1, 12))
    assert (np.diff(table["expected"]) <= 1e-12).all()


def test_rank_scores_on_a_known_window() -> None:
    predicted = np.array([5.0, 3.0, 1.0, 0.5])
    observed = np.array([10.0, 2.0, 6.0, 2.0])
    got = rank_scores(predicted, observed, top=(1, 2))
    assert got["hit_top1"] == pytest.approx(10 / 20)
    assert got["hit_top2"] == pytest.approx(12 / 20)
    assert got["oracle_top2"] == pytest.approx(16 / 20)
    assert got["spearman"] == pytest.approx(0.632, abs=0.01)


def test_zone_backtest_beats_chance_on_a_persistent_hot_spot(synthetic, quartiers) -> None:  # type: ignore[no-untyped-def]
    shapes, _ = quartiers
    ev = synthetic(np.random.default_rng(23), n_background=1500, days=200, span_deg=0.05,
                   hot_share=0.5)
    res = zone_backtest(ev, shapes, "2024-06-03", "2024-07-01", "7d", models=["naive", "kde"])
    assert set(res["model"]) == {"naive", "kde"} and res["origin"].nunique() == 4
    assert (res["hit_top1"] <= res["oracle_top1"] + 1e-12).all()
    assert res.groupby("model")["hit_top1"].mean().min() > 0.4  # the centre, every week
    assert res["origin"].min() == pd.Timestamp("2024-06-03", tz="UTC")
