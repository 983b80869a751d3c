"""Cost of the ensemble forecast on the Biarritz demo, before and after the speed work.

    .venv/bin/python bench/analytics_ensemble_speed.py [--years 1]

Same process, same events (the SYNTHETIC demo history, `--years` up to the origin), one
1-day forecast each:

* before: the ensemble as it was (SEPP EM over every candidate pair, cold start);
* after, cold: candidate pairs pruned as the EM narrows the kernel;
* after, cold with a pilot: a quick fit on the last 60 days as warm start (the API's first
  computation for a commune);
* after, refresh: one new event, warm start from the previous fit (what the API does when
  events arrive);
* after, cached: the API's cache hit (fingerprint of the frame + lookup).

Also prints how close the fast forecasts are to the slow one (rank correlation of cells).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from bia.analytics.cache import ForecastCache, fingerprint
from bia.analytics.forecast import forecast_fit


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--years", type=int, default=1)
    args = ap.parse_args(argv)
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from analytics_timeprofile import demo_events

    events = demo_events(max(args.years, 1) + 1, 64200)
    until = events["t"].max().floor("h") - pd.Timedelta(days=1)
    events = events[events["t"] >= until - pd.Timedelta(days=365 * args.years)]
    past = events[events["t"] < until]
    tz = "Europe/Paris"
    print(f"demo events before the origin: {len(past)} ({args.years} year(s)); "
          f"1-day ensemble forecast from {until}")

    def timed(label: str, frame: pd.DataFrame, at: pd.Timestamp,
              params: dict[str, object]) -> tuple[np.ndarray, object]:
        tic = time.perf_counter()
        _, scores, model = forecast_fit(frame, at, "1d", model="ensemble", tz=tz,
                                        model_params=params)
        sec = time.perf_counter() - tic
        sepp = model.fitted["sepp"].last_fit  # type: ignore[attr-defined]
        print(f"{label:34s}{sec:8.1f} s   (SEPP: {sepp.pairs:,} candidate pairs, "
              f"{sepp.iterations} EM iterations)")
        return scores, sepp

    before, _ = timed("before (no pruning, cold)", past, until,
                      {"member_params": {"sepp": {"prune": False}}})
    cold, fit = timed("after, cold (pruned EM)", past, until, {})
    pilot, _ = timed("after, cold + 60-day pilot (API)", past, until,
                     {"member_params": {"sepp": {"pilot_days": 60.0}}})
    new = past.iloc[[-1]].assign(t=until - pd.Timedelta(minutes=5), event_id="bench-new")
    more = pd.concat([past, new], ignore_index=True)
    warm, _ = timed("after, refresh (warm start)", more, until,
                    {"member_params": {"sepp": {"warm": fit}}})
    cache = ForecastCache()
    fp = fingerprint(more)
    cache.get("f", "k", fp, lambda: warm, wait_s=600)
    tic = time.perf_counter()
    for _ in range(20):
        hit = cache.get("f", "k", fingerprint(more), lambda: warm, wait_s=0)
    print(f"{'after, cached (API cache hit)':34s}{(time.perf_counter() - tic) / 20 * 1000:8.1f} ms "
          f"(statut {hit.status})")
    for label, s in (("pruned", cold), ("pilot", pilot), ("warm refresh", warm)):
        rho = spearmanr(before, s).statistic
        top = np.argsort(-before)[:20]
        share = len(set(top) & set(np.argsort(-s)[:20])) / 20
        print(f"{label:14s} vs before: Spearman {rho:.4f}, top-20 cells in common {share:.0%}, "
              f"total {s.sum():.1f} vs {before.sum():.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
