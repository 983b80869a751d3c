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
