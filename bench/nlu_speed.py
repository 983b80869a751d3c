"""Load time and single-core throughput of ``LocalNlu``.

Usage: python bench/nlu_speed.py [--pack packs/biarritz] [--n 3000]

Load is measured in fresh subprocesses: cold (no cached model: training included) and warm
(cached weights), each from interpreter start to a ready ``LocalNlu`` with its gazetteer.
Throughput runs ``analyze`` on N messages built from the training corpus with places and times
(not the dev sets), in one process, one core.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOAD = """
import time, sys
from pathlib import Path
t0 = time.perf_counter()
from bia.conversation.nlu import LocalNlu
from bia.geo.gazetteer import Gazetteer
nlu = LocalNlu(Gazetteer.from_pack(Path(sys.argv[1])), cache_dir=Path(sys.argv[2]))
from datetime import datetime
nlu.analyze("musique forte rue Gambetta", datetime.fromisoformat("2026-01-01T00:00:00+01:00"))
print(time.perf_counter() - t0)
"""


def load_time(pack: Path, cache: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", LOAD, str(pack), str(cache)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pack", default=str(ROOT / "packs" / "biarritz"))
    ap.add_argument("--n", type=int, default=3000)
    args = ap.parse_args()
    pack = Path(args.pack)
    with tempfile.TemporaryDirectory() as tmp:
        t_start = time.perf_counter()
        process_start = subprocess.run([sys.executable, "-c", "pass"], check=True)
        python_s = time.perf_counter() - t_start
        del process_start
        cold = load_time(pack, Path(tmp))
        warm = load_time(pack, Path(tmp))
    print(f"python start-up                {python_s:.2f} s")
    print(f"load, cold (trains the model)  {cold:.2f} s")
    print(f"load, warm (cached weights)    {warm:.2f} s")

    from bia.conversation.corpus import load_corpus
    from bia.conversation.nlu import LocalNlu
    from bia.geo.gazetteer import Gazetteer

    rng = random.Random(64200)
    gaz = Gazetteer.from_pack(pack)
    nlu = LocalNlu(gaz)
    streets = gaz.street_names
    base = [e.text for e in load_corpus()]
    tails = ["", " depuis 23h", " hier soir vers 22h", " en ce moment", " il y a 10 minutes"]
    msgs = []
    for _ in range(args.n):
        t = rng.choice(base)
        if rng.random() < 0.7:
            t += f" au {rng.randint(1, 60)} {rng.choice(streets).lower()}"
        msgs.append(t + rng.choice(tails))
    at = datetime.fromisoformat("2026-07-26T23:30:00+02:00")
    t0 = time.perf_counter()
    for i, m in enumerate(msgs):
        nlu.analyze(m, at + timedelta(minutes=i))
    dt = time.perf_counter() - t0
    avg = sum(map(len, msgs)) / len(msgs)
    print(
        f"throughput                     {len(msgs) / dt:.0f} messages/s "
        f"({len(msgs)} messages, {avg:.0f} chars avg, one core)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
