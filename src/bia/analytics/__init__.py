"""Territorial analytics: a plain library (arrays and frames in, results out).

Nothing here touches the database, HTTP or global random state: every function that draws
random numbers takes an explicit ``rng`` or ``seed``. Each method lives in its own module and
cites its source; scoring (hit rate, PAI) is kept apart from prediction so that any model is
judged by the same yardstick.

Modules: ``io``/``mapping`` (reading real histories), ``projection``/``grid`` (metre grids),
``stats`` (counts, rates, trend tests), ``hotspots`` (Getis-Ord Gi*), ``recurring``
(same place, same time of week), ``nearrepeat`` (Knox test, chains), ``models.*``
(forecasting), ``timeprofile`` (hour-of-day / hour-of-week shapes of short windows),
``zones`` (forecasts aggregated to named zones, zone backtests), ``scoring``, ``backtest``,
``forecast`` (high level), ``cache`` (per-commune forecast cache for interactive use) and
``patrol``.
"""

from bia.analytics.types import EVENT_COLUMNS, parse_horizon

__all__ = ["EVENT_COLUMNS", "parse_horizon"]
