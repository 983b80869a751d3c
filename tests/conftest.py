"""Shared fixtures: real databases (a temp SQLite file; PostgreSQL when configured).

``BIA_TEST_POSTGRES_URL`` names a PostgreSQL server (any database on it); each test session
creates its own database there and drops it at the end. ``.ci/run`` sets it and
``BIA_TEST_REQUIRE_POSTGRES=1`` so that CI fails instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bia.context import Context, build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.geo.pack import Pack, load_pack
from bia.geo.service import load_pack_into_db

PACK_DIR = PROJECT_ROOT / "packs" / "biarritz"
SHARED = PROJECT_ROOT.parent / "shared"
STAFF_PASSWORD = "un-mot-de-passe-long"  # the password of the staff fixtures
MUTABLE_TABLES = ("document_counter",
                  "photo", "delivery", "conversation", "case_file", "report", "event", "address",
                  "audit_log", "staff_user")


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(PACK_DIR)


def _postgres_database() -> Iterator[str | None]:
    server = os.environ.get("BIA_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("BIA_TEST_REQUIRE_POSTGRES"):
            pytest.fail("BIA_TEST_REQUIRE_POSTGRES is set but BIA_TEST_POSTGRES_URL is not")
        yield None
        return
    name = f"bia_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                 ) -> Iterator[str]:
    """A migrated database with the Biarritz pack loaded, once per backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'bia.db'}"
        upgrade(url)
        _load_pack(url)
        yield url
        return
    gen = _postgres_database()
    url = next(gen)
    if url is None:
        pytest.skip("PostgreSQL not configured (set BIA_TEST_POSTGRES_URL)")
    upgrade(url)
    _load_pack(url)
    yield url
    next(gen, None)


def _load_pack(url: str) -> None:
    ctx = build_context(Settings(database_url=url))
    with ctx.session() as session:
        load_pack_into_db(session, pack=load_pack(PACK_DIR))
    ctx.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, log_json=False)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[Context]:
    """A context on a clean database (pack kept, everything residents or staff made wiped)."""
    context = build_context(settings)
    with context.engine.begin() as conn:
        for table in MUTABLE_TABLES:
            conn.execute(text(f"DELETE FROM {table}"))
    yield context
    context.close()


@pytest.fixture
def client(ctx: Context, settings: Settings) -> Iterator[object]:
    from fastapi.testclient import TestClient

    from bia.api.app import create_app

    with TestClient(create_app(settings, context=ctx)) as test_client:
        yield test_client


@pytest.fixture
def history(ctx: Context) -> object:
    """A year of seeded demo interventions up to now, stored as events, with an analyste
    ("ana") and an agent ("agent7") whose password is ``STAFF_PASSWORD``."""
    from datetime import date

    import pandas as pd

    from bia.cases.events import store_events
    from bia.cases.users import add_user
    from bia.demo.generator import generate_history

    loaded = ctx.pack()
    today = pd.Timestamp.now(tz="UTC")
    frame = generate_history(zones_geojson=loaded.pack.zones_geojson,
                             landmarks=loaded.pack.landmarks, streets=loaded.pack.streets,
                             start=date(today.year - 1, today.month, 1), years=1, seed=5)
    frame = frame[frame["occurred_at"] < today]
    with ctx.session() as session:
        store_events(session, commune_id=loaded.commune_id, dataset="demo-test", frame=frame,
                     zones=loaded.zones)
        for username, role in (("ana", "analyste"), ("agent7", "agent")):
            add_user(session, username=username, password=STAFF_PASSWORD, role=role,
                     commune_id=loaded.commune_id)
    return frame


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, one per test module. Playwright's sync API keeps an asyncio
    loop running in the main thread while it is open, so it must never outlive its module:
    two open at once fail, and so does any later test calling ``asyncio.run``."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()
