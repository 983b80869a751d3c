"""Forecast by place and time window: from an event frame to one score per grid cell.

Only events strictly before ``until`` are used, for the grid as well as for the model, so a
forecast can be reproduced exactly from the history available at the time.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from bia.analytics.grid import Grid, build_grid
from bia.analytics.models import DEFAULT_MODEL, get_model
from bia.analytics.types import (
    DEFAULT_SOURCE_WEIGHTS,
    AnalyticsError,
    Model,
    SpaceTimeEvents,
    parse_horizon,
    to_days,
    to_utc,
)


def select_category(events: pd.DataFrame, category: str | None) -> pd.DataFrame:
    """Events of one category (case-insensitive exact match, or ``a|b`` for several)."""
    if not category:
        return events
    wanted = {c.strip().lower() for c in category.split("|")}
    return events[events["category"].astype(str).str.strip().str.lower().isin(wanted)]


def prepare(events: pd.DataFrame, grid: Grid,
            source_weights: Mapping[str, float] | None = None) -> SpaceTimeEvents:
    """Project, grid and weight events; sorted by time."""
    weights = DEFAULT_SOURCE_WEIGHTS if source_weights is None else source_weights
    ev = events.sort_values("t", kind="stable")
    x, y = grid.proj.forward(ev["lon"].to_numpy(float), ev["lat"].to_numpy(float))
    src = ev["source"].astype(str).str.lower() if "source" in ev else None
    w = (src.map(lambda s: float(weights.get(s, 1.0))).to_numpy(float) if src is not None
         else np.ones(len(ev)))
    return SpaceTimeEvents(x=x, y=y, t=np.asarray(to_days(ev["t"]), float),
                           cell=grid.cell_of(x, y), weight=w,
                           category=ev["category"].to_numpy(object))


def grid_for(events: pd.DataFrame, cell_m: float, area: str = "support") -> Grid:
    if events.empty:
        raise AnalyticsError("no events before the forecast origin",
                             "aucun événement antérieur à la date de prévision")
    return build_grid(events["lon"].to_numpy(float), events["lat"].to_numpy(float),
                      cell_m, area=area)


def forecast_grid(events: pd.DataFrame, until: str | pd.Timestamp,
                  horizon: str | pd.Timedelta = "7d", *, cell_m: float = 200.0,
                  model: str = DEFAULT_MODEL, category: str | None = None,
                  area: str = "support", source_weights: Mapping[str, float] | None = None,
                  seed: int = 0, model_params: Mapping[str, object] | None = None,
                  tz: str | None = None) -> tuple[Grid, np.ndarray]:
    """The grid (from events before ``until``) and one score per study-area cell.

    ``tz`` is the zone of local hours for the models' time-of-day shapes (UTC if None).
    """
    grid, scores, _ = forecast_fit(events, until, horizon, cell_m=cell_m, model=model,
                                   category=category, area=area,
                                   source_weights=source_weights, seed=seed,
                                   model_params=model_params, tz=tz)
    return grid, scores


def forecast_fit(events: pd.DataFrame, until: str | pd.Timestamp,
                 horizon: str | pd.Timedelta = "7d", *, cell_m: float = 200.0,
                 model: str = DEFAULT_MODEL, category: str | None = None,
                 area: str = "support", source_weights: Mapping[str, float] | None = None,
                 seed: int = 0, model_params: Mapping[str, object] | None = None,
                 tz: str | None = None) -> tuple[Grid, np.ndarray, Model]:
    """As :func:`forecast_grid`, also returning the fitted model object."""
    origin_ts = to_utc(until)
    h = parse_horizon(horizon)
    ev = select_category(events, category)
    ev = ev[ev["t"] < origin_ts]
    grid = grid_for(ev, cell_m, area)
    history = prepare(ev, grid, source_weights)
    m = get_model(model, **dict(model_params or {}))
    if tz is not None and hasattr(m, "tz"):
        m.tz = tz  # type: ignore[attr-defined]
    scores = m.predict(history, grid, float(to_days(origin_ts)), h / pd.Timedelta(1, "D"),
                       np.random.default_rng(seed))
    return grid, np.maximum(np.asarray(scores, float), 0.0), m


def forecast_cells(events: pd.DataFrame, until: str | pd.Timestamp,
                   horizon: str | pd.Timedelta = "7d", **kwargs: object) -> pd.DataFrame:
    """One row per study-area cell: ``cell_id,lon_min,lat_min,lon_max,lat_max,score``.

    ``score`` is the model's expected (source-weighted) number of events in
    ``[until, until + horizon)``; higher means more risk. Keyword arguments are those of
    :func:`forecast_grid`.
    """
    grid, scores = forecast_grid(events, until, horizon, **kwargs)  # type: ignore[arg-type]
    return grid.to_frame(scores)
