"""Night-shift forecasts: hour-of-week profile vs the flat scaling of a weekly rate.

    .venv/bin/python bench/analytics_timeprofile.py --dataset demo
    .venv/bin/python bench/analytics_timeprofile.py --dataset chicago --nights 28
    .venv/bin/python bench/analytics_timeprofile.py --dataset houston --nights 28

For each night of the test period, the learned model's weekly forecast is fitted once on the
events before 22:00 (local) and turned into a 22:00–06:00 forecast four ways: flat (the
weekly rate × 8/168, the previous behaviour), the city's hour-of-week profile, the mix of
category profiles of each cell, and the profile of each 1 km block (both shrunk towards the
city's). Prints, per variant, the mean ratio of forecast to observed events (1 = right
level), the mean Poisson deviance per cell (lower is better) and hit rate / PAI at 5 % of
the area; with --sepp also the SEPP with and without its daily background cycle.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bia.analytics.backtest import poisson_deviance
from bia.analytics.forecast import grid_for, prepare
from bia.analytics.io import PRESETS, read_events
from bia.analytics.models.learned import LearnedModel
from bia.analytics.models.sepp import SeppModel
from bia.analytics.scoring import score_window
from bia.analytics.timeprofile import PROFILE_MODES, cell_multipliers
from bia.analytics.types import to_days

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "incidents"
# (first night, time zone of the clock); the test nights follow the first one. Chicago's
# times are marked UTC ("…Z") but are local clock times: the trough is at 04:00-06:00 and
# 2010-01-01 00:05 opens the file (New Year's night), so its clock is read as is.
SETUP = {"demo": (None, "Europe/Paris"), "chicago": ("2019-06-03 22:00", "UTC"),
         "houston": ("2010-07-05 22:00", "America/Chicago"),
         "charlottesville": ("2019-06-03 22:00", "America/New_York")}


def demo_events(years: int, seed: int) -> pd.DataFrame:
    from bia.core.settings import PROJECT_ROOT
    from bia.demo.generator import generate_history
    from bia.geo.pack import load_pack

    pack = load_pack(PROJECT_ROOT / "packs" / "biarritz")
    f = generate_history(zones_geojson=pack.zones_geojson, landmarks=pack.landmarks,
                         streets=pack.streets, start=pd.Timestamp("2022-01-01").date(),
                         years=years, seed=seed)
    return pd.DataFrame({"t": pd.to_datetime(f["occurred_at"], utc=True), "lat": f["lat"],
                         "lon": f["lon"], "category": f["category"], "source": f["source"],
                         "event_id": f["external_id"]}).sort_values("t", kind="stable")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="demo", choices=sorted(SETUP))
    ap.add_argument("--nights", type=int, default=28)
    ap.add_argument("--first", help="First night, local (default per dataset).")
    ap.add_argument("--sepp", action="store_true", help="Also SEPP with/without its cycle.")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    first, tz = SETUP[args.dataset]
    if args.dataset == "demo":
        events = demo_events(3, 64200)
        first = first or "2024-06-03 22:00"
    else:
        events, _ = read_events(DATA / PRESETS[args.dataset].file, preset=args.dataset)
    first = args.first or first
    start = pd.Timestamp(first).tz_localize(tz).tz_convert("UTC")
    grid = grid_for(events[events["t"] < start], 200.0)
    data = prepare(events, grid)
    learned = LearnedModel(time_profile="flat")
    rows: list[dict[str, object]] = []
    tic = time.perf_counter()
    for k in range(args.nights):
        o_local = pd.Timestamp(first).tz_localize(tz) + pd.Timedelta(days=k)
        o_local = o_local.tz_convert(tz).normalize() + pd.Timedelta(hours=22)  # DST-safe
        o = float(to_days(o_local.tz_convert("UTC")))
        end = float(to_days((o_local.normalize() + pd.Timedelta(days=1, hours=6))
                            .tz_convert("UTC")))
        hd = end - o
        history = data.before(o)
        counts = grid.counts(data.between(o, end).cell).ravel()[grid.active]
        total = float(counts.sum())
        if total == 0:
            continue
        rng = np.random.default_rng([args.seed, k])
        weekly = learned.predict(history, grid, o, 7.0, rng)
        variants = {f"learned/{mode}": weekly * (hd / 7.0) * cell_multipliers(
            history, grid, o, hd, tz=tz, by=mode) for mode in PROFILE_MODES}
        if args.sepp:
            for cyc in (False, True):
                sepp = SeppModel(daily_cycle=cyc, tz=tz)
                variants[f"sepp/{'daily' if cyc else 'flat'}"] = sepp.predict(
                    history, grid, o, hd, rng)
        for name, scores in variants.items():
            res = score_window(scores, counts, (0.05,), total)
            rows.append({"variant": name, "ratio": scores.sum() / total,
                         "abs_log_ratio": abs(np.log(max(scores.sum(), 1e-9) / total)),
                         "deviance": poisson_deviance(scores, counts),
                         "hit5": res["hit_rate"][0.05], "pai5": res["pai"][0.05]})
    frame = pd.DataFrame(rows)
    nights = frame["variant"].value_counts().max()
    print(f"dataset={args.dataset} events={len(events)} nights={nights} from {first} ({tz}) "
          f"window 22:00-06:00 cells={int(grid.mask.sum())}")
    table = frame.groupby("variant", sort=False).mean()
    print(f"{'variant':18s}{'pred/obs':>10s}{'|log r|':>9s}{'deviance':>10s}{'hit@5%':>9s}"
          f"{'PAI@5%':>8s}")
    for name, r in table.iterrows():
        print(f"{name:18s}{r['ratio']:10.3f}{r['abs_log_ratio']:9.3f}{r['deviance']:10.4f}"
              f"{r['hit5']:9.3f}{r['pai5']:8.2f}")
    flat, best = table.loc["learned/flat"], table.drop("learned/flat").filter(
        like="learned/", axis=0)["deviance"].idxmin()
    gain = (1 - table.loc[best, "deviance"] / flat["deviance"]) * 100
    print(f"best profile {best}: deviance {table.loc[best, 'deviance']:.4f} vs flat "
          f"{flat['deviance']:.4f} ({gain:+.1f}% lower), mean |log(pred/obs)| "
          f"{table.loc[best, 'abs_log_ratio']:.3f} vs {flat['abs_log_ratio']:.3f}")
    print(f"time {time.perf_counter() - tic:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
