"""Time-decayed kernel density baseline ("prospective hot-spotting").

Each past event spreads a Gaussian kernel in space and loses weight exponentially with age,
after Bowers, Johnson & Pease (2004), "Prospective hot-spotting: the future of crime
mapping?", Br. J. Criminology 44:641–658, with the exponential decay of Johnson et al.
(2009). Parameters are fixed a priori (250 m, 8-week half-life over one year) rather than
tuned on the evaluation period, as an analyst would set them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bia.analytics.grid import Grid
from bia.analytics.models.common import active, smooth, window_counts
from bia.analytics.types import SpaceTimeEvents


@dataclass
class KdeModel:
    bandwidth_m: float = 250.0
    half_life_days: float = 56.0
    lookback_days: float = 365.0
    name: str = "kde"

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        tau = self.half_life_days / np.log(2.0)
        counts = window_counts(history, grid, origin - self.lookback_days, origin,
                               decay_days=tau)
        density = smooth(counts, grid, self.bandwidth_m)
        # Scale to an expected count: decayed mass per day of equivalent exposure.
        exposure = tau * (1.0 - np.exp(-self.lookback_days / tau))
        return active(density, grid) * (horizon_days / exposure)
