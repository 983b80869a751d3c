"""Forecast cache for interactive use: per commune, window and event set, computed off-thread.

The ensemble costs tens of seconds on a year of history (mostly the SEPP's EM), far too
long for a request. Three things make it usable from the API:

* a forecast is cached under (commune, category, model, horizon, window start rounded to the
  hour) together with a fingerprint of the events it was computed from; a new event changes
  the fingerprint, so the next request recomputes (invalidation without any hook);
* computation runs on one background worker; the request waits at most ``wait_s`` and
  otherwise answers at once with the latest forecast of the same kind (previous hour or
  previous event set), or with a caller-given fast fallback, flagged as such;
* the fitted SEPP of the last computation warm-starts the next one (see
  :meth:`bia.analytics.models.sepp.SeppModel.fit`), so a refresh after new events takes a
  few seconds.

Plain Python: no database or web types; the API passes frames in.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pandas as pd


def fingerprint(events: pd.DataFrame) -> tuple[int, int, int]:
    """Cheap identity of an event frame: size, latest time and a hash of the ids."""
    if events.empty:
        return (0, 0, 0)
    ids = events["event_id"] if "event_id" in events else events["t"]
    h = int(pd.util.hash_pandas_object(ids, index=False).sum()) & 0xFFFFFFFFFFFF
    return (len(events), int(pd.Timestamp(events["t"].max()).value), h)


@dataclass
class Cached:
    value: Any
    fingerprint: Hashable
    computed_at: float
    seconds: float


@dataclass
class Answer:
    """What a request gets: the value, and whether it is fresh for the current events."""

    value: Any
    status: str  # "a_jour" (fresh), "precedente" (older result), "repli" (fallback)
    seconds: float | None = None


class ForecastCache:
    def __init__(self, max_entries: int = 64) -> None:
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Cached] = OrderedDict()
        self._latest: dict[Hashable, Hashable] = {}  # family -> key of its newest entry
        self._pending: dict[tuple[Hashable, Hashable], Future[Cached]] = {}
        self._warm: dict[Hashable, Any] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bia-forecast")
        self.max_entries = max_entries

    def warm(self, family: Hashable) -> Any:
        with self._lock:
            return self._warm.get(family)

    def set_warm(self, family: Hashable, value: Any) -> None:
        with self._lock:
            self._warm[family] = value

    def get(self, family: Hashable, key: Hashable, fp: Hashable,
            compute: Callable[[], Any], *, wait_s: float,
            fallback: Callable[[], Any] | None = None) -> Answer:
        """The cached value for ``key`` if computed on the events ``fp``; else start (or
        join) its computation, wait up to ``wait_s``, and meanwhile answer with the newest
        value of ``family`` or ``fallback()``."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None and hit.fingerprint == fp:
                self._entries.move_to_end(key)
                return Answer(hit.value, "a_jour", hit.seconds)
            job = self._pending.get((key, fp))
            if job is None:
                job = self._executor.submit(self._run, family, key, fp, compute)
                self._pending[(key, fp)] = job
        try:
            done = job.result(timeout=max(wait_s, 0.0))
            return Answer(done.value, "a_jour", done.seconds)
        except TimeoutError:
            pass
        with self._lock:
            older = self._entries.get(self._latest.get(family, object()))
        if older is not None:
            return Answer(older.value, "precedente", older.seconds)
        return Answer(fallback() if fallback else None, "repli")

    def _run(self, family: Hashable, key: Hashable, fp: Hashable,
             compute: Callable[[], Any]) -> Cached:
        tic = time.perf_counter()
        try:
            value = compute()
            done = Cached(value, fp, time.time(), time.perf_counter() - tic)
            with self._lock:
                self._entries[key] = done
                self._entries.move_to_end(key)
                self._latest[family] = key
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return done
        finally:
            with self._lock:
                self._pending.pop((key, fp), None)

    def wait_idle(self, timeout: float = 300.0) -> bool:
        """Block until no computation is pending (for tests and benches)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                jobs = list(self._pending.values())
            if not jobs:
                return True
            for job in jobs:
                with contextlib.suppress(Exception):  # a failed job is finished too
                    job.result(timeout=max(end - time.monotonic(), 0.0))
        return False
