"""Throughput of `bia analyze --batch` on one core, in one process, after loading.

    .venv/bin/python bench/analyze_batch.py [--messages 3000]

Builds a JSONL file of messages (the labelled dev messages of ../shared/nlu repeated, used
for timing only), runs the real command pinned to one core (taskset), and prints the model
load time and messages per second as the command reports them.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "nlu" / "dev.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    args = parser.parse_args()
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]
    work = Path(tempfile.mkdtemp())
    batch = work / "batch.jsonl"
    with batch.open("w", encoding="utf-8") as out:
        for n in range(args.messages):
            row = rows[n % len(rows)]
            out.write(json.dumps({"id": f"m{n}", "text": row["text"], "at": row["at"]},
                                 ensure_ascii=False) + "\n")
    pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    load = subprocess.run([*pin, sys.executable, "-c",
                           "import time; t=time.perf_counter();"
                           "from bia.geo.pack import load_pack;"
                           "from bia.context import loaded_from_dir;"
                           "from bia.core.settings import get_settings;"
                           "from bia.intake.assistant import build_nlu;"
                           "s=get_settings(); l=loaded_from_dir(load_pack(s.pack_dir));"
                           "n=build_nlu(s, l); print(round(time.perf_counter()-t, 2))"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    start = time.perf_counter()
    done = subprocess.run([*pin, sys.executable, "-m", "bia.cli", "analyze", "--batch",
                           str(batch), "--out", str(work / "out.jsonl")],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - start
    lines = (work / "out.jsonl").read_text(encoding="utf-8").count("\n")
    print(f"pack + NLU load (warm model cache): {load.stdout.strip()} s")
    print(f"command says: {done.stderr.strip().splitlines()[-1]}")
    print(f"whole command {wall:.1f} s for {lines} lines, one core")


if __name__ == "__main__":
    main()
