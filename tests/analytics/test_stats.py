"""Zone statistics and the exact conditional Poisson rate test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from bia.analytics.stats import (
    counts_by_category,
    counts_by_grid,
    counts_by_zone,
    hour_weekday,
    rate_change_test,
    trend,
)


def test_rate_change_test_by_hand() -> None:
    # 8 events this period vs 2 in an equally long baseline: under equal rates 8 | 10 is
    # Binomial(10, 1/2); two-sided exact p = 2 * (C(10,8)+C(10,9)+C(10,10)) / 2**10.
    res = rate_change_test(8, 1.0, 2, 1.0)
    assert res["p_value"] == pytest.approx(2 * 56 / 1024)
    assert res["ratio"] == pytest.approx(4.0)
    assert res["ci_low"] < 4.0 < res["ci_high"]
    # Exposure matters: 8 events in 4 days vs 2 in 1 day is the same rate.
    same = rate_change_test(8, 4.0, 2, 1.0)
    assert same["ratio"] == pytest.approx(1.0) and same["p_value"] == pytest.approx(1.0)


def _zone_events(rng: np.random.Generator) -> pd.DataFrame:
    base = pd.Timestamp("2024-01-01", tz="UTC")
    n0, n1 = 40, 120  # zone A: 40 in the baseline month, 120 in the period month
    t = np.concatenate([rng.uniform(0, 31, n0), rng.uniform(31, 60, n1),
                        rng.uniform(0, 60, 100)])
    lat = np.concatenate([43.481 + rng.uniform(0, 0.002, n0 + n1),
                          43.490 + rng.uniform(0, 0.002, 100)])
    lon = np.concatenate([-1.561 + rng.uniform(0, 0.002, n0 + n1),
                          -1.551 + rng.uniform(0, 0.002, 100)])
    return pd.DataFrame({"t": base + pd.to_timedelta(t, unit="D"), "lat": lat, "lon": lon,
                         "category": "tapage", "source": "resident",
                         "event_id": [str(i) for i in range(t.size)]}).sort_values("t")


ZONES = {"A": box(-1.562, 43.480, -1.558, 43.484), "B": box(-1.552, 43.489, -1.548, 43.493)}


def test_counts_and_trend_by_zone() -> None:
    ev = _zone_events(np.random.default_rng(0))
    counts = counts_by_zone(ev, ZONES, "2024-01-01", "2024-03-01").set_index("zone")
    assert counts.loc["A", "count"] == 160 and counts.loc["B", "count"] == 100
    # 0.004° × 0.004° at 43.5° N ≈ 0.32 km × 0.44 km.
    assert counts.loc["A", "area_km2"] == pytest.approx(0.1434, rel=0.02)
    res = trend(ev, ("2024-02-01", "2024-03-01"), ("2024-01-01", "2024-02-01"),
                zones=ZONES).set_index("zone")
    assert res.loc["A", "verdict"] == "hausse significative"
    assert res.loc["B", "verdict"] == "variation dans le bruit"
    assert res.loc["A", "q_value"] < 1e-6


def test_profiles_and_grid() -> None:
    ev = _zone_events(np.random.default_rng(1))
    table = hour_weekday(ev, tz="Europe/Paris")
    assert table.shape == (7, 24) and table.to_numpy().sum() == len(ev)
    assert list(table.index)[0] == "lundi"
    assert counts_by_category(ev)["count"].sum() == len(ev)
    grid = counts_by_grid(ev, cell_m=200)
    assert grid["count"].sum() == len(ev)
