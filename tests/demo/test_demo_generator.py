"""What a user of the SYNTHETIC demo history would notice: season, nights, hot spots, places."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree
from shapely.geometry import shape

from bia.demo import generate_history

SPEC_CATEGORIES = {
    "bruit", "rassemblement", "ivresse", "mendicite", "rodeo_vitesse", "stationnement",
    "vehicule_abandonne", "depot_sauvage", "dejections", "tags_degradations", "eclairage",
    "voirie", "animal", "vol_cambriolage", "agression_violence", "violences_intrafamiliales",
    "stupefiants", "escroquerie", "incendie", "urgence_medicale", "secours_mer", "accident",
    "otv", "objet_perdu_trouve", "conflit_voisinage", "information", "autre",
}
M_PER_DEG_LAT = 111_132.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(43.475))


def _metres(frame: pd.DataFrame) -> np.ndarray:
    return np.column_stack([(frame["lon"] + 1.56) * M_PER_DEG_LON,
                            (frame["lat"] - 43.475) * M_PER_DEG_LAT])


def _near(frame: pd.DataFrame, lat: float, lon: float, radius_m: float) -> np.ndarray:
    d = np.hypot((frame["lon"] - lon) * M_PER_DEG_LON, (frame["lat"] - lat) * M_PER_DEG_LAT)
    return (d < radius_m).to_numpy()


def test_columns_types_and_synthetic_flag(history: pd.DataFrame) -> None:
    assert list(history.columns) == ["external_id", "occurred_at", "lat", "lon", "category",
                                     "source", "zone", "street", "synthetic"]
    assert str(history["occurred_at"].dt.tz) == "UTC"
    assert history["occurred_at"].is_monotonic_increasing
    assert history["external_id"].is_unique
    assert all(re.fullmatch(r"demo-\d{6}", x) for x in history["external_id"].head(100))
    assert history["synthetic"].all()
    assert set(history["category"]) <= SPEC_CATEGORIES
    assert set(history["source"]) == {"resident", "patrol"}
    assert not history.isna().any().any()


def test_volume_and_mix(history: pd.DataFrame) -> None:
    assert 16_000 <= len(history) <= 18_000  # rate_per_year = 17,000
    shares = history["category"].value_counts(normalize=True)
    assert shares.index[0] == "stationnement"
    assert {"bruit", "depot_sauvage"} <= set(shares.index[:4])
    assert 0.25 <= (history["source"] == "patrol").mean() <= 0.35


def test_same_seed_same_frame_other_seed_other_frame(pack: dict[str, Any],
                                                     history: pd.DataFrame) -> None:
    again = generate_history(**pack, start=date(2023, 1, 1), years=1, seed=11)
    pd.testing.assert_frame_equal(history, again)
    other = generate_history(**pack, start=date(2023, 1, 1), years=1, seed=12)
    assert len(other) != len(history) or not other["lat"].equals(history["lat"])


def test_summer_is_about_three_times_winter(history: pd.DataFrame,
                                            local_times: pd.Series) -> None:
    per_day = local_times.dt.date.value_counts()
    months = pd.to_datetime(pd.Series(per_day.index)).dt.month.to_numpy()
    summer = per_day.to_numpy()[np.isin(months, [7, 8])].mean()
    winter = per_day.to_numpy()[np.isin(months, [12, 1, 2])].mean()
    assert 2.5 <= summer / winter <= 3.5


def test_noise_happens_at_night_and_on_weekend_nights(history: pd.DataFrame,
                                                      local_times: pd.Series) -> None:
    hour = local_times.dt.hour
    night = ((hour >= 22) | (hour < 6)).to_numpy()
    cat = history["category"].to_numpy()
    assert night[cat == "bruit"].mean() > 0.55
    assert night[cat == "ivresse"].mean() > 0.55
    assert night[cat == "stationnement"].mean() < 0.10
    dow = local_times.dt.day_of_week.to_numpy()
    night_of = np.where(hour < 6, (dow - 1) % 7, dow)
    noisy_nights = pd.Series(night_of[(cat == "bruit") & night]).value_counts()
    assert noisy_nights[[4, 5]].mean() > 1.5 * noisy_nights[[0, 1, 2, 3]].mean()


def test_hot_spots_concentrate_events(history: pd.DataFrame, pack: dict[str, Any]) -> None:
    xy = _metres(history)
    cells = pd.Series(list(zip(*np.floor(xy / 200).astype(int).T, strict=True))).value_counts()
    top = cells.iloc[: int(np.ceil(0.05 * len(cells)))].sum() / len(history)
    assert top > 0.30  # top 5 % of 200 m cells hold > 30 % of events
    lm = {r["id"]: r for r in pack["landmarks"]}
    for place in ["port-vieux", "halles", "grande-plage", "place-clemenceau"]:
        around = _near(history, lm[place]["lat"], lm[place]["lon"], 150).sum()
        assert around > 250, place  # far above the ~13 events per km² × 0.07 km² background


def test_points_are_in_the_commune_with_their_zone_and_street(history: pd.DataFrame,
                                                              pack: dict[str, Any]) -> None:
    feats = pack["zones_geojson"]["features"]
    (commune,) = [shape(f["geometry"]) for f in feats if f["properties"]["kind"] == "commune"]
    lon, lat = history["lon"].to_numpy(), history["lat"].to_numpy()
    assert shapely.contains_xy(commune, lon, lat).all()
    for f in feats:
        if f["properties"]["kind"] == "zone":
            rows = (history["zone"] == f["properties"]["code"]).to_numpy()
            assert shapely.intersects_xy(shape(f["geometry"]), lon[rows], lat[rows]).all()
    assert set(history["street"]) <= {s["name"] for s in pack["streets"]}
    assert history["zone"].value_counts().index[0] == "centre"


def test_recurring_weekly_patterns(history: pd.DataFrame, local_times: pd.Series,
                                   pack: dict[str, Any]) -> None:
    lm = {r["id"]: r for r in pack["landmarks"]}
    sq = lm["place-sainte-eugenie"]
    hour, dow = local_times.dt.hour.to_numpy(), local_times.dt.day_of_week.to_numpy()
    night_of = np.where(hour < 6, (dow - 1) % 7, dow)
    late = (hour >= 23) | (hour < 2)
    summer = local_times.dt.month.isin([7, 8]).to_numpy()
    is_noise = (history["category"] == "bruit").to_numpy()
    noise_sq = _near(history, sq["lat"], sq["lon"], 40) & is_noise
    fri_sat = (noise_sq & summer & late & np.isin(night_of, [4, 5])).sum()
    other = (noise_sq & summer & late & ~np.isin(night_of, [4, 5])).sum()
    assert fri_sat >= 20 and fri_sat > 4 * max(other, 1) * 2 / 5
    (migron,) = [s for s in pack["streets"] if s["name"] == "Avenue de Migron"]
    rubbish = _near(history, migron["lat"], migron["lon"], 30) & (
        history["category"] == "depot_sauvage").to_numpy()
    mondays = (rubbish & (dow == 0)).sum()
    assert mondays >= 35 and mondays > 5 * (rubbish & (dow != 0)).sum()


def test_near_repeat_chains(history: pd.DataFrame) -> None:
    """Knox-style check: events close in space are closer in time than chance would make them.

    Hot spots add many close pairs that are unrelated in time, so the excess is modest for
    burglaries and clear for vandalism.
    """
    for category, factor in [("tags_degradations", 1.8), ("vol_cambriolage", 1.25)]:
        rows = history[history["category"] == category]
        xy = _metres(rows)
        t = rows["occurred_at"]
        days = (t - t.min()).dt.total_seconds().to_numpy() / 86400
        pairs = np.array(sorted(cKDTree(xy).query_pairs(100)))
        close_in_time = (np.abs(days[pairs[:, 0]] - days[pairs[:, 1]]) <= 7).mean()
        shuffled = np.random.default_rng(0).permutation(days)
        by_chance = (np.abs(shuffled[pairs[:, 0]] - shuffled[pairs[:, 1]]) <= 7).mean()
        assert close_in_time > factor * by_chance, category


def test_three_years_cover_the_requested_span(pack: dict[str, Any]) -> None:
    # its speed is measured by bench/demo_generate.py
    frame = generate_history(**pack, start=date(2022, 1, 1), years=3, seed=3)
    assert 48_000 <= len(frame) <= 54_000
    assert frame["occurred_at"].min() >= pd.Timestamp("2022-01-01", tz="Europe/Paris")
    assert frame["occurred_at"].max() < pd.Timestamp("2025-01-01", tz="Europe/Paris")
