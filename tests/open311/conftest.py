"""An app with the Open311 router (included here until app.py includes it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bia.api.app import create_app
from bia.context import Context
from bia.core.settings import Settings


@pytest.fixture
def o311(ctx: Context, settings: Settings) -> Iterator[TestClient]:
    from bia.api import open311

    # many POSTs per test: the per-client limit is tested with the security middleware
    app = create_app(settings.model_copy(update={"rate_limit_enabled": False}), context=ctx)
    if not any(getattr(r, "path", "") == "/open311/v2/discovery.{fmt}" for r in app.routes):
        app.include_router(open311.router)
    with TestClient(app) as client:
        yield client
