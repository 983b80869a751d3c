"""Forecast benchmark on the real histories: every model side by side, rolling origins.

    .venv/bin/python bench/analytics_forecast.py --dataset chicago
    .venv/bin/python bench/analytics_forecast.py --dataset charlottesville --horizon 7d

Prints a model × (hit rate, PAI at 1/5/10 % of the area) table of means over the weekly
windows of the test period, the gain of the best model over the best baseline at 5 %, and
the time and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

from bia.analytics.backtest import backtest
from bia.analytics.io import PRESETS, read_events
from bia.analytics.models import BASELINES, MODEL_NAMES

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "incidents"
# Test periods: the last full year of each history (earlier years are free for tuning).
PERIODS = {
    "chicago": ("2019-01-07", "2019-12-30"),
    "charlottesville": ("2018-09-24", "2019-09-23"),
    "houston": ("2010-06-07", "2010-08-30"),
    "paris": ("2024-03-04", "2024-09-09"),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="chicago", choices=sorted(PERIODS))
    ap.add_argument("--data-dir", type=Path, default=DATA)
    ap.add_argument("--from", dest="start")
    ap.add_argument("--to", dest="end")
    ap.add_argument("--horizon", default="7d")
    ap.add_argument("--cell-m", type=float, default=200.0)
    ap.add_argument("--category")
    ap.add_argument("--models", default=",".join(MODEL_NAMES))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    start, end = PERIODS[args.dataset]
    start, end = args.start or start, args.end or end
    tic = time.perf_counter()
    events, rejected = read_events(args.data_dir / PRESETS[args.dataset].file,
                                   preset=args.dataset)
    models = [m for m in args.models.split(",") if m]
    res = backtest(events, start, end, args.horizon, models=models, cell_m=args.cell_m,
                   category=args.category, seed=args.seed)
    n_win = res.windows["origin"].nunique() if len(res.windows) else 0
    print(f"dataset={args.dataset} events={len(events)} rejected={len(rejected)} "
          f"test={start}..{end} horizon={args.horizon} windows={n_win} "
          f"cells={res.n_cells} cell_m={args.cell_m:g}")
    print(res.table())
    summary = res.summary()
    base = [m for m in models if m in BASELINES]
    others = [m for m in models if m not in BASELINES]
    if base and others:
        best_base = max(base, key=lambda m: summary[m]["pai"]["5%"])
        best = max(others, key=lambda m: summary[m]["pai"]["5%"])
        b, o = summary[best_base]["pai"]["5%"], summary[best]["pai"]["5%"]
        print(f"best model {best} PAI@5% {o:.3f} vs best baseline {best_base} {b:.3f}: "
              f"{(o / b - 1) * 100:+.1f}%")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"time {time.perf_counter() - tic:.1f} s, peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
