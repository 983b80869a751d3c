"""Benchmark and sanity figures of the SYNTHETIC demo history (prints; not a test).

    .venv/bin/python bench/demo_generate.py [--years 3] [--seed 7]
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bia.demo import generate_history, load_pack

PACK = Path(__file__).resolve().parents[1] / "packs" / "biarritz"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    pack = load_pack(PACK)
    t0 = time.perf_counter()
    df = generate_history(**pack, start=date(2022, 1, 1), years=args.years, seed=args.seed)
    elapsed = time.perf_counter() - t0
    loc = df["occurred_at"].dt.tz_convert("Europe/Paris")
    per_day = loc.dt.date.value_counts()
    months = pd.to_datetime(pd.Series(per_day.index)).dt.month.to_numpy()
    summer = per_day.to_numpy()[np.isin(months, [7, 8])].mean()
    winter = per_day.to_numpy()[np.isin(months, [12, 1, 2])].mean()
    hour = loc.dt.hour
    night = ((hour >= 22) | (hour < 6)).to_numpy()
    cat = df["category"].to_numpy()
    xy = np.column_stack([(df["lon"] + 1.56) * 80_740.0, (df["lat"] - 43.475) * 111_132.0])
    cells = pd.Series(list(zip(*np.floor(xy / 200).astype(int).T, strict=True))).value_counts()
    top = cells.iloc[: int(np.ceil(0.05 * len(cells)))].sum() / len(df)
    print(f"rows {len(df):,} in {elapsed:.2f} s ({len(df) / args.years:,.0f} a year)")
    print(f"summer (Jul-Aug) / winter (Dec-Feb) daily ratio {summer / winter:.2f}")
    for c in ["bruit", "ivresse", "rassemblement", "stationnement"]:
        print(f"night share (22h-06h) {c:14s} {night[cat == c].mean():.2f}")
    print(f"patrol share {(df['source'] == 'patrol').mean():.2f}")
    print(f"top 5% of {len(cells)} 200 m cells hold {top:.1%} of events")
    print(df["zone"].value_counts(normalize=True).round(3).to_string())


if __name__ == "__main__":
    main()
