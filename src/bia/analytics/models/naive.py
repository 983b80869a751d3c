"""Naive baseline: recent counts per cell.

The simplest "last period predicts the next" forecast, the reference point every hot-spot
method must beat (see e.g. Mohler et al. 2015, JASA 110:1399, where hot-spot maps drawn by
analysts from recent crime are the comparison arm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bia.analytics.grid import Grid
from bia.analytics.models.common import active, window_counts
from bia.analytics.types import SpaceTimeEvents


@dataclass
class NaiveModel:
    """Expected count = weighted count over the last ``lookback_days`` × horizon / lookback."""

    lookback_days: float = 28.0
    name: str = "naive"

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        counts = window_counts(history, grid, origin - self.lookback_days, origin)
        return active(counts, grid) * (horizon_days / self.lookback_days)
