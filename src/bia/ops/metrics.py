"""Prometheus metrics: what the operator of a commune's BIA watches.

Two sources. Process metrics (HTTP latency, dialogue turn latency, reports and calls counted
as they happen) live in prometheus-client objects built once per process by
:func:`get_metrics` (never at import). Database metrics (outbox backlog, oldest due delivery,
reports of the last 24 h, open cases) are computed at scrape time by :class:`DatabaseCollector`:
they are true whichever worker served the requests, and need no worker to keep them up to date.

With several API workers set ``PROMETHEUS_MULTIPROC_DIR`` (an empty folder, wiped at start):
prometheus-client then writes each worker's values to files there and ``/metrics`` sums them.

For the lead: ``app.add_middleware(MetricsMiddleware)`` and ``app.include_router(router)``;
channels call :func:`observe_turn`, :func:`count_report` and :func:`count_call`.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, MutableMapping
from contextlib import contextmanager
from datetime import timedelta
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bia.cases.models import Case
from bia.cases.service import OPEN_STATES
from bia.core.coltypes import utcnow
from bia.core.errors import Unauthorized
from bia.intake.models import Delivery, Report
from bia.ops.settings import get_ops_settings

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
OUTBOX_STATES = ("pending", "failed", "dead")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class Metrics:
    """The process metrics; a test builds its own on a fresh registry."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.http_requests = Counter(
            "bia_http_requests_total", "HTTP requests by method, route template and status.",
            ["method", "route", "status"], registry=self.registry)
        self.http_latency = Histogram(
            "bia_http_request_duration_seconds", "HTTP request duration by route template.",
            ["method", "route"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.turn_latency = Histogram(
            "bia_turn_duration_seconds",
            "Time to answer one dialogue turn (understanding, routing, storing).",
            ["channel"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.reports = Counter("bia_reports_total", "Reports stored, by channel.", ["channel"],
                               registry=self.registry)
        self.calls = Counter("bia_calls_total", "Phone calls handled, by outcome.", ["outcome"],
                             registry=self.registry)


@lru_cache(maxsize=1)
def get_metrics() -> Metrics:
    """The process-wide metrics, built on first use."""
    return Metrics()


@contextmanager
def observe_turn(channel: str, metrics: Metrics | None = None) -> Iterator[None]:
    """Time one dialogue turn: ``with observe_turn("web"): reply = engine.turn(...)``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        (metrics or get_metrics()).turn_latency.labels(channel).observe(
            time.perf_counter() - start)


def count_report(channel: str, metrics: Metrics | None = None) -> None:
    (metrics or get_metrics()).reports.labels(channel).inc()


def count_call(outcome: str, metrics: Metrics | None = None) -> None:
    """``outcome``: answered, completed, abandoned, transferred, failed…"""
    (metrics or get_metrics()).calls.labels(outcome).inc()


class DatabaseCollector(Collector):
    """Gauges read from the database at each scrape."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterable[GaugeMetricFamily]:
        up = GaugeMetricFamily("bia_database_up", "1 when the scrape could read the database.")
        try:
            families = list(self._families())
        except Exception:  # noqa: BLE001 - a scrape must answer even with the database down
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        return [up, *families]

    def _families(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        with self.sessions() as session:
            by_state = dict(session.execute(
                select(Delivery.state, func.count()).where(Delivery.state.in_(OUTBOX_STATES))
                .group_by(Delivery.state)).all())
            oldest = session.scalar(select(func.min(Delivery.next_attempt_at)).where(
                Delivery.state.in_(("pending", "failed")), Delivery.next_attempt_at <= now))
            by_channel = session.execute(
                select(Report.channel, func.count())
                .where(Report.received_at >= now - timedelta(hours=24))
                .group_by(Report.channel)).all()
            open_cases = session.execute(
                select(Case.priority, func.count()).where(Case.status.in_(OPEN_STATES))
                .group_by(Case.priority)).all()
        backlog = GaugeMetricFamily("bia_outbox_backlog", "Outbox deliveries not sent, by state.",
                                    labels=["state"])
        for state in OUTBOX_STATES:
            backlog.add_metric([state], by_state.get(state, 0))
        yield backlog
        age = GaugeMetricFamily("bia_outbox_oldest_due_seconds",
                                "Seconds the oldest due delivery has been waiting (0: none).")
        age.add_metric([], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield age
        recent = GaugeMetricFamily("bia_reports_last_24h", "Reports received in the last 24 h.",
                                   labels=["channel"])
        for channel, n in by_channel:
            recent.add_metric([channel], n)
        yield recent
        cases = GaugeMetricFamily("bia_cases_open", "Open police cases, by priority.",
                                  labels=["priority"])
        for priority, n in open_cases:
            cases.add_metric([str(priority)], n)
        yield cases


def render(sessions: sessionmaker[Session] | None, metrics: Metrics | None = None) -> bytes:
    """The exposition text: process metrics (summed over workers if multiprocess) + database."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)  # type: ignore[no-untyped-call]
    else:
        process = (metrics or get_metrics()).registry
    body = generate_latest(process)
    if sessions is not None:
        database = CollectorRegistry()
        database.register(DatabaseCollector(sessions))
        body += generate_latest(database)
    return body


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    """Prometheus scrape target; with ``BIA_METRICS_TOKEN`` set, a bearer token is required."""
    token = get_ops_settings().metrics_token
    if token and request.headers.get("authorization") != f"Bearer {token}":
        raise Unauthorized("Jeton de supervision requis.", code="jeton_metrics")
    ctx = getattr(request.app.state, "ctx", None)
    return Response(render(ctx.sessions if ctx else None), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Pure ASGI middleware timing every HTTP request.

    Labelled by the route *template* (``/suivi/{code}``), never the raw path: tracking codes
    in paths would both explode the series count and copy identifiers into the monitoring.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", None) or "<unmatched>"
            metrics = self.metrics or get_metrics()
            method = scope.get("method", "GET")
            metrics.http_requests.labels(method, route, str(status)).inc()
            metrics.http_latency.labels(method, route).observe(time.perf_counter() - start)
