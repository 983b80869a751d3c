"""Hour-of-week profiles: learned shapes, window integrals and their use by the learned model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bia.analytics.forecast import forecast_grid
from bia.analytics.grid import Grid
from bia.analytics.projection import LocalProjection
from bia.analytics.timeprofile import (
    cell_multipliers,
    learn_profile,
    local_bins,
    window_exposure,
    window_share,
)
from bia.analytics.types import AnalyticsError, SpaceTimeEvents, to_days


def test_local_hours_follow_the_commune_clock() -> None:
    # 2024-07-05 (a Friday) 21:30 UTC is 23:30 in Paris (summer time)
    t = np.array([float(to_days(pd.Timestamp("2024-07-05 21:30", tz="UTC")))])
    assert local_bins(t, "Europe/Paris", "day")[0] == 23
    assert local_bins(t, "Europe/Paris", "week")[0] == 4 * 24 + 23
    assert local_bins(t, None, "day")[0] == 21


def test_window_share_is_the_duration_for_a_flat_profile_and_partial_hours_count() -> None:
    start = float(to_days(pd.Timestamp("2024-03-01 22:15", tz="UTC")))
    end = start + 8.5 / 24
    assert window_share(np.ones(168), start, end, "Europe/Paris") == pytest.approx(8.5 / 24)
    assert window_exposure(start, end, "Europe/Paris").sum() == pytest.approx(8.5 / 24)


def _night_and_day_events(rng: np.random.Generator, days: int = 120) -> pd.DataFrame:
    """Night noise at one place (22:00-02:00), daytime parking at another (09:00-17:00)."""
    t0 = pd.Timestamp("2024-01-01", tz="Europe/Paris")
    n = days * 6
    night = t0 + pd.to_timedelta(rng.integers(0, days, n), "D") + pd.to_timedelta(
        22 + rng.uniform(0, 4, n), "h")
    day = t0 + pd.to_timedelta(rng.integers(0, days, n), "D") + pd.to_timedelta(
        9 + rng.uniform(0, 8, n), "h")
    ev = pd.DataFrame({
        "t": np.concatenate([night, day]),
        "lat": np.concatenate([43.4835 + rng.normal(0, 0.0003, n),
                               43.4700 + rng.normal(0, 0.0003, n)]),
        "lon": np.concatenate([-1.5589 + rng.normal(0, 0.0004, n),
                               -1.5450 + rng.normal(0, 0.0004, n)]),
        "category": ["tapage"] * n + ["stationnement"] * n, "source": "resident"})
    ev["t"] = pd.to_datetime(ev["t"], utc=True)
    ev = ev.sort_values("t").reset_index(drop=True)
    ev["event_id"] = [f"e{i}" for i in range(len(ev))]
    return ev


def test_learned_profile_recovers_night_and_day_shapes() -> None:
    ev = _night_and_day_events(np.random.default_rng(1))
    t = to_days(ev["t"])
    prof = learn_profile(t, float(t.min()), float(t.max()), tz="Europe/Paris",
                         groups=ev["category"].to_numpy(), strength=50.0)
    start = float(to_days(pd.Timestamp("2024-06-07 22:00", tz="Europe/Paris")))
    night = start, start + 8 / 24
    day = start + 11 / 24, start + 19 / 24  # 09:00-17:00 the next day
    assert prof.share(*night, "tapage") > 2.5 * (8 / 24)      # all noise falls in the night
    assert prof.share(*night, "stationnement") < 0.2 * (8 / 24)
    assert prof.share(*day, "stationnement") > 2.5 * (8 / 24)
    assert prof.share(start, start + 7, "tapage") == pytest.approx(7.0, rel=0.02)


def test_few_events_keep_the_city_shape() -> None:
    t = to_days(pd.Series(pd.to_datetime(["2024-01-05 23:00", "2024-01-12 23:30"], utc=True)))
    prof = learn_profile(t, float(t.min()) - 28, float(t.max()) + 1, tz=None,
                         groups=np.array(["rare", "rare"]), strength=200.0)
    assert np.abs(prof.of("rare") - prof.overall).max() < 0.2 * prof.overall.max()


def test_cell_multipliers_follow_each_cells_category_mix() -> None:
    ev = _night_and_day_events(np.random.default_rng(2))
    until = pd.Timestamp("2024-04-26 22:00", tz="Europe/Paris")
    from bia.analytics.forecast import grid_for, prepare

    past = ev[ev["t"] < until]
    grid = grid_for(past, 200.0)
    history = prepare(past, grid)
    o = float(to_days(until))
    mult = cell_multipliers(history, grid, o, 8 / 24, tz="Europe/Paris", by="category")
    x, y = grid.proj.forward(np.array([-1.5589, -1.5450]), np.array([43.4835, 43.4700]))
    cells = grid.cell_of(x, y)
    pos = {c: i for i, c in enumerate(grid.active)}
    noise_cell, parking_cell = mult[pos[cells[0]]], mult[pos[cells[1]]]
    assert noise_cell > 2.0 > 0.5 > parking_cell
    assert np.allclose(cell_multipliers(history, grid, o, 8 / 24, tz="Europe/Paris",
                                        by="flat"), 1.0)
    with pytest.raises(AnalyticsError) as err:
        cell_multipliers(history, grid, o, 8 / 24, tz=None, by="lune")
    assert "profil horaire inconnu" in err.value.message_fr


def test_a_night_shift_forecast_is_not_a_scaled_weekly_rate() -> None:
    ev = _night_and_day_events(np.random.default_rng(3))
    night = pd.Timestamp("2024-04-26 22:00", tz="Europe/Paris")
    morning = pd.Timestamp("2024-04-27 09:00", tz="Europe/Paris")
    params = {"min_origins": 2}
    _, shaped_night = forecast_grid(ev, night, "8h", model="learned", tz="Europe/Paris",
                                    model_params=params)
    _, flat_night = forecast_grid(ev, night, "8h", model="learned", tz="Europe/Paris",
                                  model_params={**params, "time_profile": "flat"})
    _, shaped_morning = forecast_grid(ev, morning, "8h", model="learned", tz="Europe/Paris",
                                      model_params=params)
    grid, _ = forecast_grid(ev, night, "8h", model="naive")
    x, y = grid.proj.forward(np.array([-1.5589]), np.array([43.4835]))
    i = int(np.searchsorted(grid.active, grid.cell_of(x, y)[0]))
    # the noise place: far more at night than the flat third of a day, little in the morning
    assert shaped_night[i] > 2 * flat_night[i]
    assert shaped_morning[i] < 0.25 * shaped_night[i]


def test_square_grid_multipliers_without_categories_use_blocks() -> None:
    grid = Grid(LocalProjection(0.0, 0.0), 0.0, 0.0, 200.0, 10, 10, np.ones((10, 10), bool))
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(0, 140, 2000))
    hour = np.mod(t, 1.0) * 24
    x = np.where((hour > 20) | (hour < 2), 100.0, 1900.0)  # night events west, day east
    ev = SpaceTimeEvents(x, np.full(t.size, 100.0), t, grid.cell_of(x, np.full(t.size, 100.0)),
                         np.ones(t.size))
    mult = cell_multipliers(ev, grid, 140.0 + 21 / 24, 4 / 24, tz=None, by="block")
    assert mult[0] > 2.0 and mult[9] < 0.5
