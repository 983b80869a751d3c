"""Zone (quartier) forecasts: how well each model ranks the named zones, rolling origins.

    .venv/bin/python bench/analytics_zones.py                      # demo, weekly, 12 weeks
    .venv/bin/python bench/analytics_zones.py --horizon 1d --windows 28

Uses three years of the SYNTHETIC Biarritz demo history and the pack's 11 zones (the real
data of ../shared/data has no Biarritz events). Cell forecasts are aggregated to zones by
area overlap (``bia.analytics.zones``); each window prints, per model, the mean Spearman ρ
between forecast and observed zone counts, the share of events caught by the top-1 and top-3
zones, and that share for the best possible choice (oracle).
"""

from __future__ import annotations

import argparse
import sys
import time

import pandas as pd

from bia.analytics.models import MODEL_NAMES
from bia.analytics.types import parse_horizon
from bia.analytics.zones import zone_backtest, zones_from_geojson


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--horizon", default="7d")
    ap.add_argument("--windows", type=int, default=12)
    ap.add_argument("--from", dest="start", default="2024-06-03")
    ap.add_argument("--models", default=",".join(MODEL_NAMES))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from analytics_timeprofile import demo_events

    from bia.core.settings import PROJECT_ROOT
    from bia.geo.pack import load_pack

    events = demo_events(3, 64200)
    zones, _ = zones_from_geojson(load_pack(PROJECT_ROOT / "packs" / "biarritz").zones_geojson)
    start = pd.Timestamp(args.start, tz="Europe/Paris").tz_convert("UTC")
    end = start + args.windows * parse_horizon(args.horizon)
    tic = time.perf_counter()
    res = zone_backtest(events, zones, start, end, args.horizon,
                        models=[m for m in args.models.split(",") if m], seed=args.seed,
                        tz="Europe/Paris")
    n = res["origin"].nunique()
    print(f"demo events={len(events)} zones={len(zones)} horizon={args.horizon} windows={n} "
          f"from {args.start}")
    table = res.groupby("model", sort=False)[["spearman", "hit_top1", "hit_top3",
                                              "oracle_top3", "predicted", "events"]].mean()
    print(f"{'model':10s}{'spearman':>10s}{'top1':>8s}{'top3':>8s}{'oracle3':>9s}"
          f"{'pred/obs':>10s}")
    for name, r in table.iterrows():
        print(f"{name:10s}{r['spearman']:10.3f}{r['hit_top1']:8.3f}{r['hit_top3']:8.3f}"
              f"{r['oracle_top3']:9.3f}{r['predicted'] / r['events']:10.3f}")
    print(f"time {time.perf_counter() - tic:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
