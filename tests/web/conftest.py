"""Fixtures for the pages: staff accounts, reports made through the real intake flow, a real
uvicorn server on loopback, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from bia.cases.users import add_user
from bia.context import Context
from bia.core.settings import Settings
from bia.core.types import Analysis, Location
from bia.intake.flows import submit_report

PASSWORD = "un-mot-de-passe-long"
SHOTS = Path(os.environ.get("BIA_SCREENSHOTS", "/tmp/bia-screens"))


@pytest.fixture
def staff(ctx: Context) -> None:
    with ctx.session() as session:
        commune_id = ctx.pack().commune_id
        add_user(session, username="agent1", password=PASSWORD, role="agent",
                 commune_id=commune_id, full_name="Jean Etchegaray", badge_number="PM-042")
        add_user(session, username="analyste1", password=PASSWORD, role="analyste",
                 commune_id=commune_id)


def make_report(ctx: Context, category: str, text: str, *, emergency: bool = False,
                street: str = "Rue Gambetta", lat: float = 43.4822, lon: float = -1.5588,
                at: datetime | None = None) -> int:
    """A report stored by the intake flow (routing, case opening), as a resident's would be."""
    analysis = Analysis(text=text, category=category, emergency=emergency,
                        emergency_number="15" if emergency else None,
                        location=Location(text=f"vers {street}", street=street, lat=lat, lon=lon))
    submitted = submit_report(ctx, ctx.pack(), channel="web", text=text, analysis=analysis,
                              at=at or datetime(2026, 11, 20, 22, 0, tzinfo=UTC))
    assert submitted.case_id is not None
    return submitted.case_id


@pytest.fixture
def report() -> Callable[..., int]:
    return make_report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    """uvicorn in a thread on a free loopback port, serving the app over the test database."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                timeout_graceful_shutdown=1, lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture
def make_server(ctx: Context, settings: Settings) -> Iterator[Callable[..., LiveServer]]:
    """Start servers on demand; ``wrap`` may put an ASGI app in front (e.g. a fake API)."""
    from bia.api.app import create_app

    started: list[LiveServer] = []

    def start(wrap: Callable[[FastAPI], Any] | None = None) -> LiveServer:
        app = create_app(settings, context=ctx)
        server = LiveServer(wrap(app) if wrap is not None else app).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


@pytest.fixture
def live_server(make_server: Callable[..., LiveServer]) -> LiveServer:
    return make_server()


class PageProbe:
    """A browser tab that records console errors (CSP violations show up there)."""

    def __init__(self, browser: Any, **context_args: Any) -> None:
        self.context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris",
                                           **context_args)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("response", self._response)

    def _console(self, message: Any) -> None:
        # error statuses of pages and API calls are part of the tests (401, 403, 409…);
        # broken assets are caught by _response, CSP violations and script errors here
        if message.type == "error" and "Failed to load resource" not in message.text:
            self.errors.append(message.text)

    def _response(self, response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def shot(self, name: str, full_page: bool = True) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[PageProbe]:
    probe = PageProbe(browser, viewport={"width": 1366, "height": 900})
    yield probe
    probe.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[PageProbe]:
    probe = PageProbe(browser, viewport={"width": 390, "height": 844}, is_mobile=True,
                      has_touch=True, device_scale_factor=2)
    yield probe
    probe.close()


@pytest.fixture
def tablet(browser: Any) -> Iterator[PageProbe]:
    probe = PageProbe(browser, viewport={"width": 820, "height": 1180}, has_touch=True)
    yield probe
    probe.close()
