"""Shared types: the event frame contract, prepared space-time arrays, predictions.

Every model receives the same :class:`SpaceTimeEvents` (metric coordinates, times in days,
a flat grid-cell index and a weight per event) and returns one score per study-area cell, so
prediction and scoring stay separate (the open_cp habit).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from bia.analytics.grid import Grid

#: Columns of an event frame, as produced by :func:`bia.analytics.io.read_events`.
EVENT_COLUMNS = ("t", "lat", "lon", "category", "source", "event_id")

#: Default down-weighting of event sources for forecasting. Patrol-found events partly
#: measure where patrols went, not where problems are; counting them fully feeds a runaway
#: loop (Ensign et al., "Runaway Feedback Loops in Predictive Policing", FAT* 2018).
DEFAULT_SOURCE_WEIGHTS: Mapping[str, float] = {"patrol": 0.5}

DAY_S = 86400.0
_EPOCH = pd.Timestamp("1970-01-01", tz="UTC")


class AnalyticsError(ValueError):
    """Invalid analytics input; ``message_fr`` is safe to show to a French-speaking user."""

    def __init__(self, message: str, message_fr: str | None = None) -> None:
        super().__init__(message)
        self.message_fr = message_fr or message


MAX_HORIZON = pd.Timedelta(days=366)  # forecasts further ahead mean nothing


def parse_horizon(text: str | pd.Timedelta) -> pd.Timedelta:
    """Parse ``8h``, ``1d``, ``7d``, ``2w``, ``90min`` (or an ISO/pandas timedelta)."""
    if isinstance(text, pd.Timedelta):
        return text
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(min|m|h|d|w)\s*", str(text).lower())
    try:
        if m:
            value = float(m.group(1))
            unit = {"min": "min", "m": "min", "h": "h", "d": "D", "w": "W"}[m.group(2)]
            td = pd.Timedelta(value, unit=unit)
        else:
            td = pd.Timedelta(text)
    except (ValueError, OverflowError) as exc:  # "52720975011199d" overflows pandas
        raise AnalyticsError(f"bad horizon {text!r}", f"horizon illisible : {text!r}") from exc
    if td <= pd.Timedelta(0):
        raise AnalyticsError("horizon must be positive", "l'horizon doit être positif")
    if td > MAX_HORIZON:
        raise AnalyticsError("horizon too long", "horizon trop long : 1 an au plus")
    return td


def to_utc(ts: str | pd.Timestamp) -> pd.Timestamp:
    """A tz-aware UTC timestamp; naive input is taken as UTC."""
    t = pd.Timestamp(ts)
    return t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")


def to_days(t: pd.Series | pd.DatetimeIndex | pd.Timestamp) -> np.ndarray | float:
    """Days since 1970-01-01 UTC as float64 (unit-agnostic: pandas 3 may store s or us)."""
    if isinstance(t, pd.Timestamp):
        return float((to_utc(t) - _EPOCH) / pd.Timedelta(1, "D"))
    idx = pd.DatetimeIndex(t)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return np.asarray((idx - _EPOCH) / pd.Timedelta(1, "D"), dtype=float)


def from_days(d: float) -> pd.Timestamp:
    return _EPOCH + pd.Timedelta(d, "D")


def empty_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "t": pd.Series([], dtype="datetime64[ns, UTC]"),
            "lat": pd.Series([], dtype=float),
            "lon": pd.Series([], dtype=float),
            "category": pd.Series([], dtype=object),
            "source": pd.Series([], dtype=object),
            "event_id": pd.Series([], dtype=object),
        }
    )


@dataclass
class SpaceTimeEvents:
    """Events prepared for models: metric coordinates (m), time in days, cell index, weight.

    Sorted by time. ``cell`` is the flat index into the grid rectangle (row-major), or -1
    when the event falls outside the study area.
    """

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray
    cell: np.ndarray
    weight: np.ndarray
    category: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))

    def __len__(self) -> int:
        return int(self.t.size)

    def before(self, day: float) -> SpaceTimeEvents:
        """Events strictly before ``day`` (never peek at the future)."""
        n = int(np.searchsorted(self.t, day, side="left"))
        return self.slice(0, n)

    def between(self, start: float, end: float) -> SpaceTimeEvents:
        a = int(np.searchsorted(self.t, start, side="left"))
        b = int(np.searchsorted(self.t, end, side="left"))
        return self.slice(a, b)

    def slice(self, a: int, b: int) -> SpaceTimeEvents:
        cat = self.category[a:b] if self.category.size else self.category
        return SpaceTimeEvents(
            self.x[a:b], self.y[a:b], self.t[a:b], self.cell[a:b], self.weight[a:b], cat
        )


class Model(Protocol):
    """A forecasting model: scores for every cell of ``grid`` over ``[origin, origin+horizon)``.

    ``history`` holds only events strictly before ``origin``. Scores are expected counts (or
    any monotone risk score); higher means more risk. ``rng`` is the only source of
    randomness allowed.
    """

    name: str

    def predict(
        self,
        history: SpaceTimeEvents,
        grid: Grid,
        origin: float,
        horizon_days: float,
        rng: np.random.Generator,
    ) -> np.ndarray: ...
