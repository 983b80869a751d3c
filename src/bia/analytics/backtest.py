"""Rolling-origin backtests: train on the past only, score the next window, move on.

For each origin ``o`` in ``[start, end)`` stepping by the horizon, every model sees only
events before ``o`` and is scored (hit rate, PAI) on the events of ``[o, o + horizon)``
(Tashman 2000, "Out-of-sample tests of forecasting accuracy", IJF 16:437, for rolling
origins). The grid is built once from the events before ``start``, so the area denominator
is the same for every window and model. Events of a window falling outside the study area
count as missed by every model.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bia.analytics.forecast import grid_for, prepare, select_category
from bia.analytics.models import get_model
from bia.analytics.scoring import DEFAULT_FRACTIONS, fraction_label, score_window
from bia.analytics.types import AnalyticsError, parse_horizon, to_days, to_utc


@dataclass
class BacktestResult:
    windows: pd.DataFrame  # one row per (model, origin, fraction)
    n_cells: int
    horizon: pd.Timedelta
    seconds: dict[str, float]

    def summary(self) -> dict[str, dict[str, dict[str, float]]]:
        """Mean over windows of hit rate and PAI, per model and area fraction."""
        out: dict[str, dict[str, dict[str, float]]] = {}
        for (model, frac), g in self.windows.groupby(["model", "fraction"], sort=False):
            d = out.setdefault(str(model), {"hit_rate": {}, "pai": {}})
            d["hit_rate"][fraction_label(float(frac))] = float(g["hit_rate"].mean())
            d["pai"][fraction_label(float(frac))] = float(g["pai"].mean())
        return out

    def table(self, fractions: Sequence[float] = DEFAULT_FRACTIONS) -> str:
        """A plain-text model × (hit, PAI) table for benches and the CLI."""
        s = self.summary()
        heads = [f"hit@{fraction_label(f)}" for f in fractions] + [
            f"PAI@{fraction_label(f)}" for f in fractions]
        lines = [f"{'model':<10}" + "".join(f"{h:>10}" for h in heads) + f"{'sec':>8}"]
        for name, d in s.items():
            vals = [d["hit_rate"][fraction_label(f)] for f in fractions] + [
                d["pai"][fraction_label(f)] for f in fractions]
            lines.append(f"{name:<10}" + "".join(f"{v:>10.3f}" for v in vals)
                         + f"{self.seconds.get(name, 0.0):>8.1f}")
        return "\n".join(lines)


def origins(start: pd.Timestamp, end: pd.Timestamp, horizon: pd.Timedelta,
            step: pd.Timedelta | None = None) -> list[pd.Timestamp]:
    """Window starts from ``start``, every ``step`` (default: the horizon), while the
    whole window ends by ``end``. A step longer than the horizon tests one kind of window
    (e.g. only night shifts: 8 h windows every day from 22:00)."""
    out, o = [], start
    step = step or horizon
    while o + horizon <= end:
        out.append(o)
        o = o + step
    return out


def windows(start: str | pd.Timestamp, end: str | pd.Timestamp, horizon: str | pd.Timedelta,
            step: str | pd.Timedelta | None = None
            ) -> tuple[pd.Timedelta, pd.Timestamp, list[pd.Timestamp]]:
    """(horizon, first origin, every origin) of a rolling backtest; French error when the
    period cannot hold one window."""
    h = parse_horizon(horizon)
    t0, t1 = to_utc(start), to_utc(end)
    starts = origins(t0, t1, h, parse_horizon(step) if step is not None else None)
    if not starts:
        raise AnalyticsError("backtest period shorter than the horizon",
                             "période de test plus courte que l'horizon")
    return h, t0, starts


def poisson_deviance(scores: np.ndarray, counts: np.ndarray) -> float:
    """Mean Poisson deviance per cell: judges the forecast *level*, which hit rate and
    PAI (rankings) ignore."""
    mu = np.maximum(np.asarray(scores, float), 1e-9)
    y = np.asarray(counts, float)
    term = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
    return float(2.0 * np.mean(term - (y - mu)))


def backtest(events: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp,
             horizon: str | pd.Timedelta = "7d", *, models: Sequence[str] = ("naive", "kde"),
             cell_m: float = 200.0, category: str | None = None, area: str = "support",
             fractions: Sequence[float] = DEFAULT_FRACTIONS,
             source_weights: Mapping[str, float] | None = None, seed: int = 0,
             model_params: Mapping[str, Mapping[str, object]] | None = None,
             step: str | pd.Timedelta | None = None, tz: str | None = None
             ) -> BacktestResult:
    """Rolling-origin backtest of ``models`` (see the module docstring). Rows also hold
    each window's forecast total (``predicted``) and Poisson deviance."""
    h, t0, starts = windows(start, end, horizon, step)
    ev = select_category(events, category)
    grid = grid_for(ev[ev["t"] < t0], cell_m, area)
    data = prepare(ev, grid, source_weights)
    hd = h / pd.Timedelta(1, "D")
    rows: list[dict[str, object]] = []
    seconds: dict[str, float] = {}
    last_seconds: dict[str, float] = {}
    built = {m: get_model(m, **dict((model_params or {}).get(m, {}))) for m in models}
    for model in built.values():
        if tz is not None and hasattr(model, "tz"):
            model.tz = tz  # type: ignore[attr-defined]
    for k, o in enumerate(starts):
        od = float(to_days(o))
        history = data.before(od)
        window = data.between(od, od + hd)
        counts = grid.counts(window.cell).ravel()[grid.active]
        total = float(len(window))
        if total == 0:
            continue
        done: dict[str, np.ndarray] = {}
        for name, model in built.items():
            tic = time.perf_counter()
            members = getattr(model, "members", None)
            if members and all(m in done for m in members):
                # An ensemble of models already scored on this window: reuse their output.
                scores = model.combine(done)  # type: ignore[attr-defined]
                seconds[name] = seconds.get(name, 0.0) + sum(
                    last_seconds[m] for m in members)
            else:
                rng = np.random.default_rng([seed, k])
                scores = model.predict(history, grid, od, hd, rng)
            last_seconds[name] = time.perf_counter() - tic
            seconds[name] = seconds.get(name, 0.0) + last_seconds[name]
            done[name] = scores
            res = score_window(scores, counts, fractions, total)
            predicted, deviance = float(np.sum(scores)), poisson_deviance(scores, counts)
            for f in fractions:
                rows.append({"model": name, "origin": o, "fraction": f, "events": total,
                             "hit_rate": res["hit_rate"][f], "pai": res["pai"][f],
                             "predicted": predicted, "deviance": deviance})
    return BacktestResult(pd.DataFrame(rows), int(grid.mask.sum()), h, seconds)
