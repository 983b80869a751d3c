"""Latency of the analyst endpoints on 3 years of demo history (≈51,000 events).

    .venv/bin/python bench/api_analytics.py [--postgres URL]

Builds a fresh database (SQLite file, or PostgreSQL when --postgres names a server), loads the
Biarritz pack and the seeded demo history, then times each endpoint through the ASGI app
(TestClient: no network, the same code path as uvicorn). Prints median and p95 in ms; the
target is < 300 ms for the zone statistics. Then the interactive ensemble forecast: the first
request (answered by the KDE stand-in while the ensemble is computed off-thread), the
off-thread computation time, cached requests, and the refresh after a new event (the previous
forecast is served meanwhile; the refit is warm-started).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bia.api.app import create_app
from bia.cases.events import load_demo_history
from bia.cases.users import add_user
from bia.context import build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db


def database(postgres: str | None) -> str:
    if not postgres:
        return f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    name = f"bia_bench_{uuid.uuid4().hex[:8]}"
    with create_engine(postgres, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(postgres).set(database=name).render_as_string(hide_password=False)


def timed(client: TestClient, path: str, headers: dict[str, str], params: dict[str, str],
          runs: int) -> tuple[float, float]:
    client.get(path, headers=headers, params=params)  # warm the frame cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path, headers=headers, params=params)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def ensemble(ctx: Any, client: TestClient, headers: dict[str, str]) -> None:
    import pandas as pd

    from bia.analytics.cache import ForecastCache
    from bia.cases.events import store_events

    path, params = "/api/v1/analytics/forecast", {"horizon": "1d"}

    def call() -> tuple[float, dict[str, Any]]:
        tic = time.perf_counter()
        body = client.get(path, headers=headers, params=params).json()
        return (time.perf_counter() - tic) * 1000, body

    cache: ForecastCache = ctx.service("forecast-cache", ForecastCache)
    ms, body = call()
    print(f"ensemble forecast, first request: {ms:.0f} ms, statut {body['statut']} "
          f"(model served: {body['model']})")
    cache.wait_idle(900)
    ms, body = call()
    print(f"ensemble computed off-thread in {body['compute_seconds']:.1f} s; "
          f"next request {ms:.0f} ms, statut {body['statut']}")
    samples = sorted(call()[0] for _ in range(10))
    print(f"cached ensemble requests: median {statistics.median(samples):.1f} ms, "
          f"max {samples[-1]:.1f} ms")
    loaded = ctx.pack()
    new = pd.DataFrame([{"event_id": "bench-live-1", "lat": 43.4832, "lon": -1.5586,
                         "t": pd.Timestamp.now(tz="UTC") - pd.Timedelta(minutes=2),
                         "category": "bruit", "source": "resident"}])
    with ctx.session() as session:
        store_events(session, commune_id=loaded.commune_id, dataset="bench-live", frame=new,
                     zones=loaded.zones)
    ms, body = call()
    print(f"after a new event: {ms:.0f} ms, statut {body['statut']}")
    cache.wait_idle(900)
    ms, body = call()
    print(f"refresh (warm start) computed in {body['compute_seconds']:.1f} s; "
          f"next request {ms:.0f} ms, statut {body['statut']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="PostgreSQL server URL (a database is created)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    url = database(args.postgres)
    upgrade(url)
    settings = Settings(database_url=url, rate_limit_enabled=False, log_json=False)
    ctx = build_context(settings)
    with ctx.session() as session:
        load_pack_into_db(session, pack=load_pack(PROJECT_ROOT / "packs" / "biarritz"))
    start = time.perf_counter()
    inserted, total = load_demo_history(ctx, years=3, seed=64200)
    print(f"demo history: {total} events loaded in {time.perf_counter() - start:.1f} s")
    with ctx.session() as session:
        add_user(session, username="bench", password="bench-password-1", role="analyste",
                 commune_id=ctx.pack().commune_id)
    client = TestClient(create_app(settings, context=ctx, run_outbox=False))
    token = client.post("/api/v1/auth/token",
                        data={"username": "bench", "password": "bench-password-1"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    print(f"backend: {make_url(url).get_backend_name()}; runs per endpoint: {args.runs}")
    print(f"{'endpoint':48s} {'median ms':>10s} {'p95 ms':>8s}")
    cases = [("/api/v1/analytics/zones", {}), ("/api/v1/analytics/zones", {"category": "bruit"}),
             ("/api/v1/analytics/heatmap", {}), ("/api/v1/analytics/hotspots", {}),
             ("/api/v1/analytics/forecast", {"horizon": "1d", "model": "kde"}),
             ("/api/v1/analytics/recurring", {})]
    for path, params in cases:
        runs = args.runs if "recurring" not in path and "forecast" not in path else 3
        median, p95 = timed(client, path, headers, params, runs)
        label = path + (f"?{next(iter(params))}={next(iter(params.values()))}" if params else "")
        print(f"{label:48s} {median:10.1f} {p95:8.1f}")
    ensemble(ctx, client, headers)
    ctx.close()
    sys.exit(0)


if __name__ == "__main__":
    main()
