"""Forwarded reports reach partners by e-mail (real SMTP on loopback) and signed webhooks
(a real HTTP receiver); failures are recorded and only they are retried."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bia.context import Context
from bia.core.types import Analysis, Location
from bia.intake.flows import submit_report
from bia.intake.models import Delivery
from bia.intake.outbox import process_due, sign


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((envelope.rcpt_tos,
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    fail_next = 0

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Receiver.fail_next > 0:
            Receiver.fail_next -= 1
            self.send_response(503)
            self.end_headers()
            return
        Receiver.received.append((dict(self.headers), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    Receiver.received, Receiver.fail_next = [], 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/bia"
    finally:
        server.shutdown()


def theft_report(ctx: Context, webhook_url: str | None = None) -> int:
    loaded = ctx.pack()
    if webhook_url:  # the commissariat also takes webhooks in this deployment
        actor = loaded.pack.actors["police_nationale"]
        loaded.pack.actors["police_nationale"] = actor.model_copy(
            update={"contact": actor.contact.model_copy(update={"webhook": webhook_url})})
    analysis = Analysis(text="On m'a volé mon vélo devant la gare du Midi hier soir",
                        category="vol_cambriolage",
                        location=Location(text="devant la gare du Midi", landmark="Gare du Midi",
                                          lat=43.4793, lon=-1.558))
    submitted = submit_report(ctx, loaded, channel="web", text=analysis.text, analysis=analysis,
                              at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC))
    return submitted.report_id


def test_report_for_the_commissariat_is_mailed(ctx: Context, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    ctx.settings.smtp_port = port
    report_id = theft_report(ctx)
    counts = process_due(ctx.sessions, ctx.settings)
    assert counts["sent"] == 1
    (rcpt, message), = inbox.messages
    assert rcpt == ["commissariat@biarritz.example"]
    assert "Vol, cambriolage" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "volé mon vélo" in body and "Code de suivi : BIA-" in body
    with ctx.session() as session:
        delivery = session.scalar(select(Delivery).where(Delivery.report_id == report_id))
        assert delivery.state == "sent" and delivery.attempts == 1


def test_signed_webhook_and_retry_only_of_failures(ctx: Context, smtp: tuple[Inbox, int],
                                                  webhook: str) -> None:
    inbox, port = smtp
    ctx.settings.smtp_port = port
    report_id = theft_report(ctx, webhook)
    Receiver.fail_next = 1
    now = datetime.now(UTC)
    first = process_due(ctx.sessions, ctx.settings, now=now)
    assert first == {"sent": 1, "failed": 1, "dead": 0}  # mail sent, webhook refused (503)
    assert process_due(ctx.sessions, ctx.settings, now=now) == {"sent": 0, "failed": 0, "dead": 0}
    later = process_due(ctx.sessions, ctx.settings, now=now + timedelta(minutes=5))
    assert later == {"sent": 1, "failed": 0, "dead": 0}
    assert len(inbox.messages) == 1  # the e-mail was not sent twice
    (headers, body), = Receiver.received
    assert headers["X-BIA-Signature"] == sign(body, ctx.settings.webhook_secret)
    payload = json.loads(body)
    assert payload["category"] == "vol_cambriolage" and payload["tracking_code"].startswith("BIA-")
    with ctx.session() as session:
        hook = session.scalar(select(Delivery).where(Delivery.report_id == report_id,
                                                     Delivery.method == "webhook"))
        assert hook.state == "sent" and hook.attempts == 2 and hook.last_error is None


def test_unreachable_partner_ends_dead_after_max_attempts(ctx: Context) -> None:
    ctx.settings.smtp_port = 1  # nothing listens there
    ctx.settings.outbox_max_attempts = 3
    report_id = theft_report(ctx)
    now = datetime.now(UTC)
    for step in range(3):
        process_due(ctx.sessions, ctx.settings, now=now + timedelta(hours=step * 2))
    with ctx.session() as session:
        delivery = session.scalar(select(Delivery).where(Delivery.report_id == report_id))
        assert delivery.state == "dead" and delivery.attempts == 3
        error = delivery.last_error or ""
        assert "Connection" in error or "refused" in error


def test_resident_who_consented_is_mailed_when_the_status_changes(
        ctx: Context, smtp: tuple[Inbox, int], client: Any) -> None:
    from bia.cases.users import add_user

    inbox, port = smtp
    ctx.settings.smtp_port = port
    loaded = ctx.pack()
    with ctx.session() as session:
        add_user(session, username="agent5", password="un-mot-de-passe-long", role="agent",
                 commune_id=loaded.commune_id)
    analysis = Analysis(text="Voiture garée devant mon garage rue Gambetta",
                        category="stationnement", location=Location(street="Rue Gambetta"))
    kept = submit_report(ctx, loaded, channel="web", text=analysis.text, analysis=analysis,
                         contact={"email": "riveraine@example.org"}, contact_consent=True)
    silent = submit_report(ctx, loaded, channel="web", text=analysis.text, analysis=analysis,
                           contact={"email": "autre@example.org"}, contact_consent=False)
    token = client.post("/api/v1/auth/token", data={"username": "agent5",
                                                    "password": "un-mot-de-passe-long"}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for case_id in (kept.case_id, silent.case_id):
        assert client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "prendre"},
                           headers=headers).status_code == 200
    process_due(ctx.sessions, ctx.settings)
    (rcpt, message), = inbox.messages  # only the resident who agreed
    assert rcpt == ["riveraine@example.org"]
    assert kept.tracking_code in message["Subject"]
    assert "Pris en charge" in message.get_body(preferencelist=("plain",)).get_content()
