"""Recurring nuisances and near repeats on a real history: top patterns, timing, memory.

    .venv/bin/python bench/analytics_recurring.py --dataset charlottesville
    .venv/bin/python bench/analytics_recurring.py --dataset paris --top 5
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

from bia.analytics.io import PRESETS, read_events
from bia.analytics.nearrepeat import knox_test
from bia.analytics.recurring import find_recurring

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "incidents"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="charlottesville")
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--knox-category", help="category for the Knox test (default: all)")
    args = ap.parse_args(argv)
    preset = PRESETS[args.dataset]
    events, rejected = read_events(DATA / preset.file, preset=args.dataset)
    tz = preset.mapping.tz if preset.mapping.tz != "UTC" else "America/Chicago"
    tic = time.perf_counter()
    patterns = find_recurring(events, tz=tz)
    took = time.perf_counter() - tic
    print(f"dataset={args.dataset} events={len(events)} rejected={len(rejected)} tz={tz}")
    print(f"recurring: {len(patterns)} patterns in {took:.1f} s")
    print(f"{'category':<28}{'days':>8}{'hours':>9}{'n':>5}{'weeks':>6}{'exp':>7}"
          f"{'p':>10}{'r(m)':>6}  first..last")
    for p in patterns[: args.top]:
        days = "tous" if len(p.weekdays) == 7 else ",".join(map(str, p.weekdays))
        print(f"{p.category[:27]:<28}{days:>8}{p.hours[0]:>5}-{p.hours[1]:<3}{p.count:>5}"
              f"{p.weeks:>6}{p.expected:>7.2f}{p.p_value:>10.1e}{p.radius_m:>6.0f}  "
              f"{p.first:%Y-%m-%d}..{p.last:%Y-%m-%d}")
    if patterns:
        print("\n" + patterns[0].explanation)
    ev = events
    if args.knox_category:
        ev = ev[ev["category"] == args.knox_category]
    last_year = ev[ev["t"] >= ev["t"].max() - np.timedelta64(365, "D")]
    tic = time.perf_counter()
    table = knox_test(last_year, n_permutations=99, rng=np.random.default_rng(0))
    print(f"\nKnox test on the last year ({len(last_year)} events, "
          f"{time.perf_counter() - tic:.1f} s):")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
