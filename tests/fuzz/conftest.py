"""Fixtures for the schemathesis fuzz run: SQLite only, rate limits off, one identity per run.

The shared ``database_url`` fixture is parametrised over SQLite and PostgreSQL; the fuzz run
overrides it with SQLite alone to stay within its CI time budget (the walk in
``tests/api/test_authorization_walk.py`` already covers every route on both backends).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI

from bia.api.app import create_app
from bia.cases import tokens
from bia.cases.users import add_user
from bia.context import Context, build_context
from bia.core.migrate import upgrade
from bia.core.settings import PROJECT_ROOT, Settings
from bia.geo.pack import load_pack
from bia.geo.service import load_pack_into_db

PASSWORD = "un-mot-de-passe-long"
IDENTITIES = ("anonyme", "agent", "analyste")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SQLite only (overrides the SQLite/PostgreSQL parametrisation of tests/conftest.py)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzzdb') / 'bia.db'}"
    upgrade(url)
    context = build_context(Settings(database_url=url))
    with context.session() as session:
        load_pack_into_db(session, pack=load_pack(PROJECT_ROOT / "packs" / "biarritz"))
    context.close()
    yield url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Rate limits off: hundreds of generated requests per minute from one "client" would
    # otherwise turn into 429s and hide what the handlers really answer.
    return Settings(database_url=database_url, log_json=False, rate_limit_enabled=False)


@pytest.fixture(params=IDENTITIES)
def identity(request: pytest.FixtureRequest) -> str:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def auth_headers(identity: str, ctx: Context) -> dict[str, str]:
    """No header for the anonymous run; a valid bearer token for a staff member otherwise."""
    if identity == "anonyme":
        return {}
    with ctx.session() as session:
        add_user(session, username=f"fuzz_{identity}", password=PASSWORD, role=identity,
                 commune_id=ctx.pack().commune_id, badge_number="PM-99")
    value, _ = tokens.issue(ctx.settings.secret_key, username=f"fuzz_{identity}", role=identity)
    return {"Authorization": f"Bearer {value}"}


@pytest.fixture
def fuzz_app(settings: Settings, ctx: Context) -> FastAPI:
    return create_app(settings, context=ctx, run_outbox=False)


@pytest.fixture
def api_schema(fuzz_app: FastAPI) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
