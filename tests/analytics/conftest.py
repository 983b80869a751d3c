"""Fixtures for analytics tests: synthetic histories and the shared real data, if present."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "incidents"


@pytest.fixture
def shared_incidents() -> Path:
    if not SHARED.exists():
        pytest.skip("shared/data/incidents not available")
    return SHARED


def make_events(rng: np.random.Generator, *, n_background: int = 600, days: float = 140.0,
                start: str = "2024-01-01", hot: tuple[float, float] = (43.4832, -1.5586),
                hot_share: float = 0.3, lat0: float = 43.48, lon0: float = -1.56,
                span_deg: float = 0.02) -> pd.DataFrame:
    """Uniform background over a ~2 km square plus a persistent hot spot (~60 m wide)."""
    n_hot = int(n_background * hot_share)
    t0 = pd.Timestamp(start, tz="UTC")
    t = t0 + pd.to_timedelta(rng.uniform(0, days, n_background + n_hot), unit="D")
    lat = np.concatenate([lat0 + rng.uniform(-span_deg / 2, span_deg / 2, n_background),
                          hot[0] + rng.normal(0, 0.0003, n_hot)])
    lon = np.concatenate([lon0 + rng.uniform(-span_deg / 2, span_deg / 2, n_background),
                          hot[1] + rng.normal(0, 0.0004, n_hot)])
    ev = pd.DataFrame({"t": t, "lat": lat, "lon": lon,
                       "category": rng.choice(["tapage", "dépôt sauvage"], len(t)),
                       "source": "resident"})
    ev = ev.sort_values("t").reset_index(drop=True)
    ev["event_id"] = [f"e{i}" for i in range(len(ev))]
    return ev


@pytest.fixture
def synthetic() -> Callable[..., pd.DataFrame]:
    return make_events


def write_csv(events: pd.DataFrame, path: Path) -> Path:
    out = events.assign(t=events["t"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    out.rename(columns={"t": "when", "lat": "latitude", "lon": "longitude",
                        "category": "kind"}).to_csv(path, index=False)
    return path


SQUARE = (43.4835, -1.5589)
CORNER = (43.4760, -1.5650)


def noise_events(rng: np.random.Generator, n: int = 400, days: float = 84.0) -> pd.DataFrame:
    t0 = pd.Timestamp("2024-03-01", tz="Europe/Paris")
    return pd.DataFrame({
        "t": t0 + pd.to_timedelta(rng.uniform(0, days, n), unit="D"),
        "lat": 43.48 + rng.uniform(-0.01, 0.01, n),
        "lon": -1.56 + rng.uniform(-0.015, 0.015, n),
        "category": rng.choice(["tapage", "dépôt sauvage"], n),
    })


def frame_of(parts: list[pd.DataFrame]) -> pd.DataFrame:
    ev = pd.concat(parts, ignore_index=True)
    ev["t"] = ev["t"].dt.tz_convert("UTC")
    ev = ev.sort_values("t").reset_index(drop=True)
    ev["source"] = "resident"
    ev["event_id"] = [f"e{i}" for i in range(len(ev))]
    return ev


def planted_history(rng: np.random.Generator) -> pd.DataFrame:
    """Noise, plus noise around a square every Friday 23:00–02:00 for six weeks, plus rubbish
    dumped at a corner every Monday 07:00–09:00 for eight weeks."""
    friday = pd.Timestamp("2024-04-05 23:00", tz="Europe/Paris")
    noise = pd.DataFrame({
        "t": [friday + pd.Timedelta(weeks=k, minutes=float(m))
              for k, m in enumerate([10, 70, 175, 25, 95, 160] + rng.uniform(0, 4, 6))],
        "lat": SQUARE[0] + rng.normal(0, 0.0002, 6),
        "lon": SQUARE[1] + rng.normal(0, 0.0003, 6), "category": "tapage"})
    monday = pd.Timestamp("2024-03-04 07:00", tz="Europe/Paris")
    rubbish = pd.DataFrame({
        "t": [monday + pd.Timedelta(weeks=k, minutes=float(m))
              for k, m in enumerate([5, 50, 110, 20, 80, 115, 35, 65] + rng.uniform(0, 4, 8))],
        "lat": CORNER[0] + rng.normal(0, 0.0001, 8),
        "lon": CORNER[1] + rng.normal(0, 0.0001, 8), "category": "dépôt sauvage"})
    return frame_of([noise_events(rng), noise, rubbish])


@pytest.fixture
def planted() -> Callable[[np.random.Generator], pd.DataFrame]:
    return planted_history


@pytest.fixture
def noise_history() -> Callable[..., pd.DataFrame]:
    return lambda rng, n=400: frame_of([noise_events(rng, n)])


@pytest.fixture(name="frame_of")
def frame_of_fixture() -> Callable[[list[pd.DataFrame]], pd.DataFrame]:
    return frame_of


@pytest.fixture(name="write_csv")
def write_csv_fixture() -> Callable[[pd.DataFrame, Path], Path]:
    return write_csv
