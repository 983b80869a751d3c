"""Forecast models, the grid contract and rolling-origin backtests on synthetic histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bia.analytics.backtest import backtest, origins
from bia.analytics.forecast import forecast_cells, forecast_grid
from bia.analytics.grid import build_grid
from bia.analytics.models import MODEL_NAMES
from bia.analytics.patrol import plan_patrols
from bia.analytics.types import AnalyticsError, parse_horizon

UNTIL = "2024-04-15T00:00:00Z"


@pytest.mark.parametrize("model", MODEL_NAMES)
def test_every_model_ranks_the_hot_spot_first(model: str, synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(5))
    cells = forecast_cells(ev, UNTIL, "7d", cell_m=200, model=model, seed=1)
    assert list(cells.columns) == ["cell_id", "lon_min", "lat_min", "lon_max", "lat_max",
                                   "score"]
    assert cells["cell_id"].is_unique and (cells["score"] >= 0).all()
    top = cells.sort_values("score", ascending=False).iloc[0]
    assert top["lat_min"] - 0.002 <= 43.4832 <= top["lat_max"] + 0.002
    assert top["lon_min"] - 0.003 <= -1.5586 <= top["lon_max"] + 0.003
    again = forecast_cells(ev, UNTIL, "7d", cell_m=200, model=model, seed=1)
    assert np.array_equal(cells["score"].to_numpy(), again["score"].to_numpy())


def test_future_events_are_never_used(synthetic) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(6)
    ev = synthetic(rng, days=100)
    future = synthetic(rng, days=60, start="2024-04-15", hot=(43.475, -1.565))
    at_origin = ev.iloc[:3].assign(t=pd.Timestamp(UNTIL))
    both = pd.concat([ev, future, at_origin], ignore_index=True)
    for model in ("naive", "learned"):
        a = forecast_cells(ev[ev["t"] < pd.Timestamp(UNTIL)], UNTIL, "1d", model=model)
        b = forecast_cells(both, UNTIL, "1d", model=model)
        pd.testing.assert_frame_equal(a, b)


def test_cells_cover_the_history_and_boxes_are_consistent(synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(7))
    grid, scores = forecast_grid(ev, UNTIL, "8h", model="kde")
    frame = grid.to_frame(scores)
    assert len(frame) == int(grid.mask.sum()) == scores.size
    assert (frame["lon_min"] < frame["lon_max"]).all()
    assert (frame["lat_min"] < frame["lat_max"]).all()
    # 200 m cells are about 0.0018° of latitude.
    assert (frame["lat_max"] - frame["lat_min"]).between(0.0017, 0.0019).all()
    past = ev[ev["t"] < pd.Timestamp(UNTIL)]
    x, y = grid.proj.forward(past["lon"].to_numpy(), past["lat"].to_numpy())
    assert (grid.cell_of(x, y) >= 0).all()


def test_grid_ignores_far_geocoding_errors() -> None:
    rng = np.random.default_rng(0)
    lon = np.concatenate([-78.48 + rng.normal(0, 0.01, 2000), [-77.03]])
    lat = np.concatenate([38.03 + rng.normal(0, 0.01, 2000), [38.93]])
    grid = build_grid(lon, lat, 200.0)
    assert grid.nx * grid.ny < 200 * 200


def test_horizons() -> None:
    assert parse_horizon("8h") == pd.Timedelta(hours=8)
    assert parse_horizon("1d") == pd.Timedelta(days=1)
    assert parse_horizon("7d") == pd.Timedelta(days=7)
    assert parse_horizon("2w") == pd.Timedelta(days=14)
    with pytest.raises(AnalyticsError):
        parse_horizon("soon")


def test_backtest_rolls_forward_and_learned_beats_naive(synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(8), n_background=1500, days=200)
    res = backtest(ev, "2024-05-06", "2024-07-15", "7d", models=["naive", "kde", "learned"])
    starts = origins(pd.Timestamp("2024-05-06", tz="UTC"), pd.Timestamp("2024-07-15",
                                                                      tz="UTC"),
                     pd.Timedelta(days=7))
    assert len(starts) == 10 and res.windows["origin"].nunique() == 10
    s = res.summary()
    assert set(s) == {"naive", "kde", "learned"}
    for d in s.values():
        assert set(d["pai"]) == {"1%", "5%", "10%"}
        assert 0 <= d["hit_rate"]["5%"] <= d["hit_rate"]["10%"] <= 1
    assert s["learned"]["pai"]["5%"] > s["naive"]["pai"]["5%"]
    assert "PAI@5%" in res.table()


def test_patrol_plan_covers_the_riskiest_cells(synthetic) -> None:  # type: ignore[no-untyped-def]
    ev = synthetic(np.random.default_rng(9))
    grid, scores = forecast_grid(ev, UNTIL, "8h", model="kde")
    plan = plan_patrols(grid, scores, n_crews=2, shift_start=pd.Timestamp(UNTIL),
                        shift_hours=8)
    assert len(plan.crews) == 2
    first = plan.crews[0]
    assert abs(first.lat - 43.4832) < 0.003 and abs(first.lon + 1.5586) < 0.003
    cells = [c for crew in plan.crews for c in crew.cell_ids]
    assert len(cells) == len(set(cells)) <= 18
    # Greedy coverage is at least as good as the best 18 single cells would be / (1 - 1/e).
    assert plan.covered_share >= np.sort(scores)[::-1][:18].sum() / scores.sum() * (1 - 1 / np.e)
    v = first.visits
    assert v[0].start == pd.Timestamp(UNTIL) and v[-1].end == pd.Timestamp(UNTIL) + pd.Timedelta(
        hours=8)
    assert "équipage" in plan.as_dict()["explanation"]


def test_patrol_found_events_can_be_down_weighted(synthetic) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(10)
    ev = synthetic(rng, hot_share=0.0)
    # A patrol keeps "finding" events where it patrols: 80 events at one corner.
    n = 80
    patrol = pd.DataFrame({
        "t": pd.Timestamp("2024-03-20", tz="UTC") + pd.to_timedelta(rng.uniform(0, 25, n), "D"),
        "lat": 43.475 + rng.normal(0, 0.0002, n), "lon": -1.567 + rng.normal(0, 0.0002, n),
        "category": "tapage", "source": "patrol", "event_id": [f"p{i}" for i in range(n)]})
    both = pd.concat([ev, patrol], ignore_index=True)
    full = forecast_cells(both, UNTIL, "7d", model="naive", source_weights={})
    none = forecast_cells(both, UNTIL, "7d", model="naive", source_weights={"patrol": 0.0})
    half = forecast_cells(both, UNTIL, "7d", model="naive")  # default: patrol counts 0.5
    corner = full["score"].idxmax()
    assert none.loc[corner, "score"] < half.loc[corner, "score"] < full.loc[corner, "score"]
