"""Ensemble: a weighted mean of member forecasts, each rescaled to the same total.

Averaging forecasts whose errors differ (a long-memory learned model, a short-memory
self-exciting model) is the oldest way to beat each member (Bates & Granger 1969, "The
combination of forecasts", Oper. Res. Q. 20:451). Members are rescaled to a common sum before
averaging so the weights mean shares of the forecast, not units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bia.analytics.grid import Grid
from bia.analytics.types import SpaceTimeEvents


@dataclass
class EnsembleModel:
    members: dict[str, float] = field(default_factory=lambda: {"learned": 0.7, "sepp": 0.3})
    name: str = "ensemble"

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        from bia.analytics.models import get_model

        return self.combine({
            name: get_model(name).predict(history, grid, origin, horizon_days, rng)
            for name in self.members})

    def combine(self, member_scores: dict[str, np.ndarray]) -> np.ndarray:
        """Blend already computed member forecasts (lets a backtest reuse them)."""
        total: np.ndarray | None = None
        scale = 0.0
        for name, weight in self.members.items():
            s = np.maximum(np.asarray(member_scores[name], float), 0.0)
            total = np.zeros_like(s) if total is None else total
            scale += weight * s.sum()
            if s.sum() > 0:
                total += weight * s / s.sum()
        assert total is not None
        return total * (scale / max(sum(self.members.values()), 1e-12))
