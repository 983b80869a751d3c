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
    member_params: dict[str, dict[str, object]] = field(default_factory=dict)
    tz: str | None = None
    name: str = "ensemble"
    fitted: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def predict(self, history: SpaceTimeEvents, grid: Grid, origin: float,
                horizon_days: float, rng: np.random.Generator) -> np.ndarray:
        """Each member's forecast, blended; the member objects stay in ``fitted`` so a
        caller can reuse what they learned (e.g. the SEPP fit as a warm start)."""
        from bia.analytics.models import get_model

        out = {}
        for name in self.members:
            model = get_model(name, **self.member_params.get(name, {}))
            if self.tz is not None and hasattr(model, "tz"):
                model.tz = self.tz
            out[name] = model.predict(history, grid, origin, horizon_days, rng)
            self.fitted[name] = model
        return self.combine(out)

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
