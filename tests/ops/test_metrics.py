"""/metrics: request timings by route template, and database gauges computed at scrape."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client import CollectorRegistry
from sqlalchemy import select

from bia.context import Context
from bia.core.coltypes import utcnow
from bia.core.settings import Settings
from bia.geo.models import Commune
from bia.intake import codes
from bia.intake.models import Delivery, Report
from bia.ops.metrics import (
    Metrics,
    count_call,
    count_report,
    get_metrics,
    observe_turn,
)
from bia.ops.settings import get_ops_settings


@pytest.fixture
def app_client(ctx: Context, settings: Settings) -> Iterator[TestClient]:
    """The app as wired by create_app: middleware plus the /metrics router."""
    from bia.api.app import create_app

    app = create_app(settings, context=ctx)
    get_ops_settings.cache_clear()
    with TestClient(app) as client:
        yield client
    get_ops_settings.cache_clear()


def sample(line_start: str, body: str) -> float:
    for line in body.splitlines():
        if line.startswith(line_start):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{line_start} absent")


def plant_deliveries(ctx: Context) -> None:
    with ctx.session() as session:
        commune_id = session.scalar(select(Commune.id).where(
            Commune.insee == ctx.settings.default_commune))
        report = Report(commune_id=commune_id, tracking_code=codes.new_code(), channel="phone",
                        text="x", category_code="tapage_nocturne", received_at=utcnow())
        session.add(report)
        session.flush()
        for state, age in (("pending", 120), ("pending", 10), ("failed", 30), ("dead", 5),
                           ("sent", 1)):
            session.add(Delivery(commune_id=commune_id, report_id=report.id, actor_code="st",
                                 method="email", target="a@example.org", state=state,
                                 next_attempt_at=utcnow() - timedelta(seconds=age)))


def test_metrics_expose_requests_and_database_gauges(ctx: Context,
                                                     app_client: TestClient) -> None:
    plant_deliveries(ctx)
    label = 'bia_http_requests_total{method="GET",route="/api/v1/reports/{tracking_code}"'
    before = get_metrics().registry.get_sample_value(
        "bia_http_requests_total",
        {"method": "GET", "route": "/api/v1/reports/{tracking_code}", "status": "404"}) or 0
    for code in ("BIA-2222-3333-44", "BIA-5555-6666-77"):
        app_client.get(f"/api/v1/reports/{code}")
    response = app_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    assert sample(label + ',status="404"}', body) == before + 2
    assert "BIA-2222" not in body  # route templates, never identifiers
    assert sample('bia_outbox_backlog{state="pending"}', body) == 2
    assert sample('bia_outbox_backlog{state="failed"}', body) == 1
    assert sample('bia_outbox_backlog{state="dead"}', body) == 1
    assert sample("bia_outbox_oldest_due_seconds", body) >= 120
    assert sample('bia_reports_last_24h{channel="phone"}', body) == 1
    assert sample("bia_database_up", body) == 1
    assert "bia_http_request_duration_seconds_bucket" in body


def test_metrics_token(app_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIA_METRICS_TOKEN", "t0ken")
    get_ops_settings.cache_clear()
    assert app_client.get("/metrics").status_code == 401
    ok = app_client.get("/metrics", headers={"Authorization": "Bearer t0ken"})
    assert ok.status_code == 200


def test_helpers_count_turns_reports_and_calls() -> None:
    metrics = Metrics(CollectorRegistry())
    with observe_turn("phone", metrics):
        pass
    count_report("web", metrics)
    count_report("web", metrics)
    count_call("completed", metrics)
    reg = metrics.registry
    assert reg.get_sample_value("bia_turn_duration_seconds_count", {"channel": "phone"}) == 1
    assert reg.get_sample_value("bia_reports_total", {"channel": "web"}) == 2
    assert reg.get_sample_value("bia_calls_total", {"outcome": "completed"}) == 1


def test_multiprocess_mode_sums_the_workers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Several uvicorn workers: each writes its values under PROMETHEUS_MULTIPROC_DIR."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    worker = "from bia.ops.metrics import count_report; count_report('web'); count_report('web')"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", worker], env=env, check=True, timeout=60)
    scrape = "from bia.ops.metrics import render; print(render(None).decode())"
    body = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60,
                          capture_output=True, text=True).stdout
    assert sample('bia_reports_total{channel="web"}', body) == 4
