"""Load and crash test of the chat: N residents talking at once, M staff consoles polling,
optionally SIGKILL of the server mid-run; then count that no acknowledged report is missing.

    .venv/bin/python bench/load_chat.py --residents 50
    .venv/bin/python bench/load_chat.py --residents 200 --consoles 20
    .venv/bin/python bench/load_chat.py --residents 100 --kill [--postgres URL]

Runs `bia serve` as a real process on a loopback port over a fresh database (SQLite file, or a
new PostgreSQL database on the server given), with rate limits off (every client is 127.0.0.1).
Each resident holds one scripted conversation (4 turns) to a tracking code. Prints the turn
latency (median, p95, max), errors, and reports acknowledged vs stored.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
BIA = [sys.executable, "-m", "bia.cli"]
SCRIPTS = [
    ["La musique des voisins est beaucoup trop forte", "au 4 rue Mazagran", "depuis 23h",
     "oui c'est bien ça"],
    ["une voiture est garée sur le trottoir devant chez moi", "12 avenue Carnot",
     "depuis ce matin", "oui"],
    ["des sacs poubelle abandonnés sur le trottoir", "rue Gambetta", "hier soir", "oui"],
    ["le lampadaire ne marche plus", "rue de la Poste devant le 6", "depuis une semaine",
     "oui c'est ça"],
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database(postgres: str | None) -> str:
    if not postgres:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'load.db'}"
    name = f"bia_load_{uuid.uuid4().hex[:8]}"
    with create_engine(postgres, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(postgres).set(database=name).render_as_string(hide_password=False)


def start_server(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([*BIA, "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.acked: set[str] = set()


async def resident(client: httpx.AsyncClient, n: int, stats: Stats,
                   think: tuple[float, float]) -> None:
    rng = random.Random(n)
    try:
        await asyncio.sleep(rng.uniform(0, think[1]))  # residents do not all arrive at once
        opened = await client.post("/api/v1/conversations", json={"channel": "web"})
        conv = opened.json()["id"]
        for text_ in SCRIPTS[n % len(SCRIPTS)]:
            await asyncio.sleep(rng.uniform(*think))  # reading the reply, typing
            start = time.perf_counter()
            response = await client.post(f"/api/v1/conversations/{conv}/messages",
                                         json={"text": text_})
            stats.latencies.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                stats.errors.append(f"HTTP {response.status_code}")
                return
            code = response.json()["state"].get("tracking_code")
            if code:
                stats.acked.add(code)  # the resident has been told: it must be stored
                return
    except (httpx.HTTPError, KeyError, ValueError) as exc:
        stats.errors.append(type(exc).__name__)


async def console(client: httpx.AsyncClient, token: str, stop: asyncio.Event,
                  stats: Stats) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.is_set():
        try:
            response = await client.get("/api/v1/cases", params={"status": "ouverts"},
                                        headers=headers)
            if response.status_code != 200:
                stats.errors.append(f"console HTTP {response.status_code}")
        except httpx.HTTPError as exc:
            stats.errors.append(f"console {type(exc).__name__}")
        await asyncio.sleep(1.0)


async def run(port: int, residents: int, consoles: int, token: str | None, stats: Stats,
              kill: subprocess.Popen[bytes] | None, think: tuple[float, float]) -> None:
    limits = httpx.Limits(max_connections=residents + consoles + 10)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                 limits=limits) as client:
        stop = asyncio.Event()
        watchers = [asyncio.create_task(console(client, token or "", stop, stats))
                    for _ in range(consoles)]
        talkers = [asyncio.create_task(resident(client, n, stats, think))
                   for n in range(residents)]
        if kill is not None:  # once a third of the residents have their code
            while len(stats.acked) < residents // 3 and not all(t.done() for t in talkers):
                await asyncio.sleep(0.05)
            os.killpg(kill.pid, signal.SIGKILL)  # every server process, no shutdown: a power cut
        await asyncio.gather(*talkers)
        stop.set()
        await asyncio.gather(*watchers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--consoles", type=int, default=0)
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server mid-run")
    parser.add_argument("--postgres", help="PostgreSQL server URL (a database is created)")
    parser.add_argument("--think", type=float, nargs=2, default=(2.0, 6.0),
                        metavar=("MIN", "MAX"), help="seconds a resident takes between turns "
                        "(0 0: every turn at once, a burst)")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    args = parser.parse_args()
    url = database(args.postgres)
    port = free_port()
    env = {**os.environ, "BIA_DATABASE_URL": url, "BIA_RATE_LIMIT_ENABLED": "false",
           "BIA_LOG_LEVEL": "WARNING", "BIA_OUTBOX_INTERVAL_S": "0", "BIA_PORT": str(port)}
    for step in (["db", "upgrade"], ["pack", "load", "packs/biarritz"]):
        subprocess.run([*BIA, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    token = None
    if args.consoles:
        subprocess.run([*BIA, "users", "add", "load", "--role", "agent", "--password-stdin"],
                       input=b"load-password-1\n", env=env, cwd=ROOT, check=True,
                       capture_output=True)
    server = start_server(env, port, args.workers)
    if args.consoles:
        token = httpx.post(f"http://127.0.0.1:{port}/api/v1/auth/token",
                           data={"username": "load", "password": "load-password-1"}
                           ).json()["access_token"]
    stats = Stats()
    started = time.perf_counter()
    asyncio.run(run(port, args.residents, args.consoles, token, stats,
                    server if args.kill else None, tuple(args.think)))
    elapsed = time.perf_counter() - started
    if args.kill:
        server.wait()
        server = start_server(env, port, args.workers)  # restart on the same database
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)
    engine = create_engine(url)
    from bia.intake.models import Report

    with engine.connect() as conn:
        stored = set(conn.execute(select(Report.tracking_code)).scalars())
        total = conn.execute(select(func.count()).select_from(Report)).scalar()
    missing = stats.acked - stored
    lat = sorted(stats.latencies) or [0.0]
    print(f"backend {make_url(url).get_backend_name()}, residents {args.residents}, "
          f"consoles {args.consoles}, workers {args.workers}, think {args.think} s, "
          f"kill {args.kill}, {elapsed:.1f} s")
    print(f"turns {len(stats.latencies)}: median {statistics.median(lat):.1f} ms, "
          f"p95 {lat[int(0.95 * (len(lat) - 1))]:.1f} ms, max {lat[-1]:.1f} ms")
    print(f"errors {len(stats.errors)} {sorted(set(stats.errors))[:5]}")
    print(f"reports acknowledged {len(stats.acked)}, stored {total}, "
          f"acknowledged but missing {len(missing)}")
    sys.exit(1 if missing else 0)


if __name__ == "__main__":
    main()
