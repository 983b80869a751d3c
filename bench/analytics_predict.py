"""Time and peak memory of one `bia forecast predict` on a real history.

    .venv/bin/python bench/analytics_predict.py --dataset chicago --model ensemble

Runs the CLI command in-process (reading, grid, model, CSV writing) and prints wall time,
CPU time, peak RSS (getrusage) and the Python-heap peak (tracemalloc). The contract: under
30 s and 2 GB on 148,736 Chicago events with 200 m cells.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import typer
from typer.testing import CliRunner

from bia.analytics.io import PRESETS
from bia.cli.analytics_cmds import forecast_app

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "incidents"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dataset", default="chicago")
    ap.add_argument("--model", default="ensemble")
    ap.add_argument("--until", default="2020-01-01T00:00:00Z")
    ap.add_argument("--horizon", default="7d")
    ap.add_argument("--cell-m", default="200")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="also trace Python allocations (slower)")
    args = ap.parse_args(argv)
    app = typer.Typer()
    app.add_typer(forecast_app, name="forecast")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cells.csv"
        if args.tracemalloc:
            tracemalloc.start()
        wall, cpu = time.perf_counter(), time.process_time()
        res = CliRunner().invoke(app, [
            "forecast", "predict", str(DATA / PRESETS[args.dataset].file), "--preset",
            args.dataset, "--until", args.until, "--horizon", args.horizon, "--cell-m",
            args.cell_m, "--model", args.model, "--out", str(out)])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        heap = tracemalloc.get_traced_memory()[1] / 2**20 if args.tracemalloc else float("nan")
        if res.exit_code != 0:
            print(res.output)
            return 1
        cells = pd.read_csv(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"dataset={args.dataset} model={args.model} until={args.until} "
          f"horizon={args.horizon} cells={len(cells)}")
    print(f"wall {wall:.1f} s, cpu {cpu:.1f} s, peak RSS {peak:.0f} MB, "
          f"python heap peak {heap:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
