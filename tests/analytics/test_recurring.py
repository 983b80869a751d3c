"""Recurring nuisances: planted weekly patterns are found, noise alone is not."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bia.analytics.nearrepeat import knox_test, near_repeat_chains
from bia.analytics.recurring import find_recurring

SQUARE = (43.4835, -1.5589)
CORNER = (43.4760, -1.5650)

def test_planted_patterns_are_found_with_explanations(planted) -> None:  # type: ignore[no-untyped-def]
    ev = planted(np.random.default_rng(0))
    patterns = find_recurring(ev, tz="Europe/Paris")
    assert len(patterns) == 2
    by_cat = {p.category: p for p in patterns}
    night = by_cat["tapage"]
    assert night.weekdays == [4] and night.hours == [23, 2] and night.count == 6
    assert abs(night.lat - SQUARE[0]) < 0.001 and abs(night.lon - SQUARE[1]) < 0.001
    assert night.first.tz_convert("Europe/Paris").strftime("%Y-%m-%d") in ("2024-04-05",
                                                                           "2024-04-06")
    assert "nuit du vendredi au samedi" in night.explanation
    assert "depuis le" in night.explanation and "6 semaines" in night.explanation
    rubbish = by_cat["dépôt sauvage"]
    assert rubbish.weekdays == [0] and rubbish.hours[0] == 7 and rubbish.count == 8
    assert "le lundi" in rubbish.explanation
    assert len(rubbish.event_ids) == 8
    # Every planted event is within the reported radius of the reported centre.
    assert patterns[0].p_value <= patterns[1].p_value


def test_noise_alone_gives_nothing(noise_history) -> None:  # type: ignore[no-untyped-def]
    for seed in range(3):
        ev = noise_history(np.random.default_rng(seed), n=600)
        assert find_recurring(ev, tz="Europe/Paris") == []


def test_day_precision_data_finds_weekday_patterns(frame_of) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(4)
    days = (pd.Timestamp("2023-09-04") + pd.to_timedelta(rng.integers(0, 180, 500), unit="D")
            ).tz_localize("Europe/Paris")  # local midnights, across the DST change
    noise = pd.DataFrame({"t": days, "lat": 48.86 + rng.uniform(-0.01, 0.01, 500),
                          "lon": 2.35 + rng.uniform(-0.015, 0.015, 500),
                          "category": "Propreté"})
    mondays = pd.DataFrame({
        "t": [(pd.Timestamp("2023-10-02") + pd.Timedelta(weeks=k)).tz_localize("Europe/Paris")
              for k in range(7)],
        "lat": 48.8612 + rng.normal(0, 0.0001, 7), "lon": 2.3530 + rng.normal(0, 0.0001, 7),
        "category": "Propreté"})
    patterns = find_recurring(frame_of([noise, mondays]), tz="Europe/Paris")
    assert patterns and patterns[0].weekdays == [0] and patterns[0].hours == [0, 24]
    assert patterns[0].count >= 7


def test_knox_detects_near_repeats_and_chains() -> None:
    from bia.analytics.models.sepp import simulate_hawkes
    from bia.analytics.projection import LocalProjection

    rng = np.random.default_rng(5)
    x, y, t = simulate_hawkes(rng, mu_per_day=3, days=200, width_m=4000, theta=0.5,
                              omega=0.5, sigma_m=60)
    lon, lat = LocalProjection(-1.56, 43.48).inverse(x - 2000, y - 2000)
    ev = pd.DataFrame({"t": pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(t, "D"),
                       "lat": lat, "lon": lon, "category": "cambriolage",
                       "event_id": [f"b{i}" for i in range(t.size)]})
    table = knox_test(ev, distance_bands_m=(100, 400), day_bands=(7, 30), n_permutations=49,
                      rng=np.random.default_rng(0))
    close = table[(table["distance_m"] == "0-100") & (table["days"] == "0-7")].iloc[0]
    assert close["ratio"] > 2 and close["p_value"] <= 0.02
    chains = near_repeat_chains(ev, distance_m=150, days=5, min_size=3)
    assert chains and chains[0].size >= 3

    flat = ev.assign(t=pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(
        rng.uniform(0, 200, len(ev)), "D"))
    table = knox_test(flat, distance_bands_m=(100,), day_bands=(7,), n_permutations=49,
                      rng=np.random.default_rng(0))
    assert table["ratio"].iloc[0] < 1.5
