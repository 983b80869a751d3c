"""Fixtures for the SYNTHETIC demo history generator (one year, generated once)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bia.demo import generate_history, load_pack

PACK = Path(__file__).resolve().parents[2] / "packs" / "biarritz"


@pytest.fixture(scope="session")
def pack() -> dict[str, Any]:
    return load_pack(PACK)


@pytest.fixture(scope="session")
def history(pack: dict[str, Any]) -> pd.DataFrame:
    return generate_history(**pack, start=date(2023, 1, 1), years=1, seed=11)


@pytest.fixture(scope="session")
def local_times(history: pd.DataFrame) -> pd.Series:
    return history["occurred_at"].dt.tz_convert("Europe/Paris")
