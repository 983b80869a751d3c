"""Console queue render time with 10,000 open cases (target: median and p95 < 200 ms).

    .venv/bin/python bench/web_queue.py                 # SQLite file in a temp folder
    BIA_TEST_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/web_queue.py --backend postgres

Fills a fresh database with N open cases (bulk inserts, 2 % emergencies, random places in the
commune), logs an agent in, then times GET /console (the full page, first 200 rows + count,
audited like every list), GET /console/file (the fragment the live queue re-fetches), one
filtered page, and the SSE change signature. In-process (TestClient): server time plus ASGI,
no network. Prints median / p95 / max in ms and the page size.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bia.api.app import create_app
from bia.api.stream import queue_signature
from bia.cases.models import Case
from bia.cases.users import add_user
from bia.context import build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db
from bia.intake.models import Report

PASSWORD = "un-mot-de-passe-long"
OPEN = ("nouveau", "pris_en_charge", "equipage_affecte", "sur_place")


def database(backend: str) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix="bia-bench-")
        return f"sqlite:///{folder}/bia.db", lambda: None
    server = os.environ.get("BIA_TEST_POSTGRES_URL")
    if not server:
        sys.exit("set BIA_TEST_POSTGRES_URL for --backend postgres")
    name = f"bia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def fill(url: str, n: int, seed: int) -> Settings:
    upgrade(url)
    settings = Settings(database_url=url, log_json=False, log_level="WARNING",
                        rate_limit_enabled=False)
    ctx = build_context(settings)
    with ctx.session() as session:
        load_pack_into_db(session, pack=load_pack(PROJECT_ROOT / "packs" / "biarritz"))
    loaded = ctx.pack()
    rng = random.Random(seed)
    lon0, lat0, lon1, lat1 = loaded.pack.commune.bbox
    codes = [c for c in loaded.pack.categories if c != "information"]
    now = datetime.now(UTC)
    reports, cases = [], []
    for i in range(1, n + 1):
        lat, lon = rng.uniform(lat0, lat1), rng.uniform(lon0, lon1)
        emergency = rng.random() < 0.02
        at = now - timedelta(minutes=rng.uniform(0, 60 * 24 * 30))
        reports.append({
            "id": i, "commune_id": loaded.commune_id, "tracking_code": f"BENCH-{i:08d}",
            "channel": "web", "text": "Signalement de test pour la mesure de la file.",
            "language": "fr", "category_code": rng.choice(codes), "confidence": 0.9,
            "emergency": emergency, "emergency_number": "17" if emergency else None,
            "actors": ["police_municipale"], "routing": {}, "location_text": "rue de test",
            "street": "Rue Gambetta", "number": str(rng.randint(1, 80)), "lat": lat, "lon": lon,
            "zone_code": loaded.zones.zone_of(lat, lon), "received_at": at, "updated_at": at,
            "status": "recu", "details": {}, "contact_consent": False})
        cases.append({"id": i, "commune_id": loaded.commune_id, "report_id": i,
                      "status": rng.choice(OPEN), "priority": 5 if emergency else rng.randint(1, 4),
                      "created_at": at, "updated_at": at})
    with ctx.session() as session:
        for start in range(0, n, 2000):
            session.execute(insert(Report), reports[start:start + 2000])
        for start in range(0, n, 2000):
            session.execute(insert(Case), cases[start:start + 2000])
        add_user(session, username="agent1", password=PASSWORD, role="agent",
                 commune_id=loaded.commune_id)
    if url.startswith("postgresql"):
        with ctx.engine.begin() as conn:
            for table in ("report", "case_file"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {n})"))
                conn.execute(text(f"ANALYZE {table}"))
    ctx.close()
    return settings


def timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and process CPU time (ms) per call; CPU time is what the request costs
    even when other programs share the machine (the wall clock then includes waiting)."""
    fn()  # warm-up: templates compiled, pack cached
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def report(label: str, measured: tuple[list[float], list[float]]) -> None:
    wall, cpu = measured
    print(f"{label:<40} median {statistics.median(wall):6.1f} ms  p95 {p95(wall):6.1f} ms  "
          f"max {max(wall):6.1f} ms | CPU median {statistics.median(cpu):6.1f} ms  "
          f"p95 {p95(cpu):6.1f} ms")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--backend", choices=("sqlite", "postgres"),
                    default="postgres" if os.environ.get("BIA_TEST_POSTGRES_URL") else "sqlite")
    ap.add_argument("--cases", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=40)
    ap.add_argument("--seed", type=int, default=64200)
    args = ap.parse_args(argv)
    url, drop = database(args.backend)
    try:
        start = time.perf_counter()
        settings = fill(url, args.cases, args.seed)
        print(f"{args.backend}: {args.cases} open cases written in "
              f"{time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} CPUs")
        app = create_app(settings)
        with TestClient(app) as client:
            form = client.get("/console/connexion").text
            csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
            done = client.post("/console/connexion", follow_redirects=False,
                               data={"username": "agent1", "password": PASSWORD, "csrf": csrf})
            assert done.status_code == 303, done.text
            page = client.get("/console")
            assert page.status_code == 200 and page.text.count("<tr data-id=") == 200
            assert "Affichés : 1 à 200 sur 10" in page.text or args.cases <= 200
            print(f"GET /console: {len(page.content) / 1024:.0f} KiB, "
                  f"{page.text.count('<tr data-id=')} rows shown")
            report("GET /console", timed(lambda: client.get("/console"), args.repeat))
            report("GET /console/file (live refresh)",
                   timed(lambda: client.get("/console/file"), args.repeat))
            report("GET /console?categorie=bruit&periode=7j",
                   timed(lambda: client.get("/console", params={"categorie": "bruit",
                                                                "periode": "7j"}), args.repeat))
            ctx = app.state.ctx
            commune = ctx.pack().commune_id

            def signature() -> None:
                with ctx.session() as session:
                    queue_signature(session, commune_id=commune)

            report("SSE signature query (every 2 s)", timed(signature, args.repeat))
    finally:
        drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
