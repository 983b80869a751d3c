"""Residents who left a mobile number and consented get SMS notices through an HTTP SMS gateway
(a real HTTP server on loopback stands in for the provider); numbers are stored in E.164 and an
invalid one is refused at intake in French; the outbox retries a gateway error, and a refusal
is dead at once instead of being retried for ever."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bia.cases.users import add_user
from bia.context import Context
from bia.core.errors import Invalid
from bia.core.types import Analysis, Location
from bia.intake.flows import Submitted, submit_report
from bia.intake.models import Delivery, Report
from bia.intake.outbox import enqueue_notice, process_due
from bia.intake.sms import gsm7_length, normalise_phone, notice_text, sms_capable

PASSWORD = "un-mot-de-passe-long"


class Gateway(BaseHTTPRequestHandler):
    """An SMS provider: records each message, answers with the scripted statuses."""

    received: list[tuple[dict[str, str], dict[str, Any]]] = []
    script: list[int] = []

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = Gateway.script.pop(0) if Gateway.script else 200
        Gateway.received.append((dict(self.headers), body))
        answer = json.dumps({"id": len(Gateway.received)} if status < 300
                            else {"error": "numéro refusé" if status < 500 else "panne"})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def gateway(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    Gateway.received, Gateway.script = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/sms"
    monkeypatch.setenv("BIA_SMS_GATEWAY_URL", url)
    monkeypatch.setenv("BIA_SMS_GATEWAY_TOKEN", "jeton-secret")
    monkeypatch.setenv("BIA_SMS_SENDER_NAME", "BIARRITZ")
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


def _report(ctx: Context, phone: str | None, *, consent: bool = True,
            email: str | None = None) -> Submitted:
    loaded = ctx.pack()
    analysis = Analysis(text="Voiture garée devant mon garage rue Gambetta",
                        category="stationnement", location=Location(street="Rue Gambetta"))
    contact = {k: v for k, v in (("phone", phone), ("email", email)) if v}
    return submit_report(ctx, loaded, channel="web", text=analysis.text, analysis=analysis,
                         contact=contact or None, contact_consent=consent)


def _take(ctx: Context, client: TestClient, *case_ids: int | None) -> None:
    with ctx.session() as session:
        add_user(session, username="agent7", password=PASSWORD, role="agent",
                 commune_id=ctx.pack().commune_id)
    token = client.post("/api/v1/auth/token",
                        data={"username": "agent7", "password": PASSWORD}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    for case_id in case_ids:
        answer = client.post(f"/api/v1/cases/{case_id}/actions", json={"action": "prendre"},
                             headers=headers)
        assert answer.status_code == 200, answer.text


def _sms_rows(ctx: Context) -> list[Delivery]:
    with ctx.session() as session:
        rows = list(session.scalars(select(Delivery).where(Delivery.method == "sms")
                                    .order_by(Delivery.id)))
        session.expunge_all()
        return rows


@pytest.mark.parametrize(("typed", "e164"), [
    ("06 12 34 56 78", "+33612345678"), ("07.81.23.45.67", "+33781234567"),
    ("+33 (0)6 12 34 56 78", "+33612345678"), ("0033 6 12 34 56 78", "+33612345678"),
    ("+33612345678", "+33612345678"), ("05 59 41 53 53", "+33559415353"),
    ("+34 612 345 678", "+34612345678"),
])
def test_numbers_are_stored_in_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize("typed", ["12345", "06 12 34", "06 12 34 56 78 90", "appelez-moi",
                                   "3617", "+33 12 34", ""])
def test_invalid_numbers_are_refused_in_french(typed: str) -> None:
    with pytest.raises(Invalid, match="Numéro de téléphone invalide.*06 12 34 56 78"):
        normalise_phone(typed)


def test_only_mobiles_get_sms() -> None:
    assert sms_capable("+33612345678") and sms_capable("+33712345678")
    assert not sms_capable("+33559415353")  # a landline in Biarritz


def test_every_notice_fits_one_gsm7_sms() -> None:
    url = "https://signalement.biarritz.fr/suivi/BIA-ABCD-EFGH-JK"
    for status in ("recu", "transmis", "en_cours", "sur_place", "traite", "clos", "fusionne"):
        text = notice_text(tracking_code="BIA-ABCD-EFGH-JK", status=status,
                           status_label="ignoré", status_url=url)
        length = gsm7_length(text)
        assert length is not None and length <= 160, (status, text)
        assert "BIA-ABCD-EFGH-JK" in text and url in text
    unknown = notice_text(tracking_code="BIA-ABCD-EFGH-JK", status="autre",
                          status_label="Requête mise en attente, pièce à fournir.",
                          status_url=url)  # ê is not GSM-7 (it would force UCS-2), è and à are
    assert "Requete mise en attente, pièce à fournir" in unknown and gsm7_length(unknown)


def test_invalid_number_is_refused_at_intake_and_nothing_is_stored(ctx: Context,
                                                                   client: TestClient) -> None:
    with pytest.raises(Invalid, match="Numéro de téléphone invalide : « 06 12 »"):
        _report(ctx, "06 12")
    answer = client.post("/open311/v2/requests.json", data={
        "service_code": "stationnement", "description": "Voiture sur le trottoir",
        "lat": "43.48221", "long": "-1.55884", "phone": "0612", "contact_consent": "true"})
    if answer.status_code != 404:  # the Open311 router is mounted: the spec's error shape
        assert answer.status_code == 400
        assert "Numéro de téléphone invalide" in answer.json()[0]["description"]
    with ctx.session() as session:
        assert session.scalar(select(Report.id)) is None


def test_a_caller_id_that_is_no_number_never_loses_the_call(ctx: Context) -> None:
    loaded = ctx.pack()
    analysis = Analysis(text="Tapage rue Gambetta", category="bruit",
                        location=Location(street="Rue Gambetta"))
    kept = submit_report(ctx, loaded, channel="phone", text=analysis.text, analysis=analysis,
                         contact={"phone": "anonymous"}, contact_consent=True)
    with ctx.session() as session:
        report = session.get(Report, kept.report_id)
        assert report is not None and report.contact == {"phone": "anonymous"}
        report.status = "en_cours"
        assert enqueue_notice(session, report=report, status_label="Pris en charge.",
                              category_label="Bruit", public_url="http://bia.example",
                              sms_enabled=True) == []  # no SMS to a number that is none


def test_sms_retried_after_a_gateway_error_then_sent(ctx: Context, client: TestClient,
                                                     gateway: str) -> None:
    kept = _report(ctx, "06 12 34 56 78")
    landline = _report(ctx, "05 59 41 53 53")
    silent = _report(ctx, "07 81 23 45 67", consent=False)
    with ctx.session() as session:
        stored = session.get(Report, kept.report_id)
        assert stored is not None and stored.contact == {"phone": "+33612345678"}
    _take(ctx, client, kept.case_id, landline.case_id, silent.case_id)
    row, = _sms_rows(ctx)  # the mobile of the resident who agreed, only
    assert row.target == "+33612345678" and row.actor_code == "resident"

    Gateway.script = [500]
    now = datetime.now(UTC)
    assert process_due(ctx.sessions, ctx.settings, now=now)["failed"] == 1
    row, = _sms_rows(ctx)
    assert row.state == "failed" and "HTTP 500" in (row.last_error or "")
    assert process_due(ctx.sessions, ctx.settings, now=now)["failed"] == 0  # not due yet
    assert process_due(ctx.sessions, ctx.settings, now=now + timedelta(minutes=5))["sent"] == 1
    row, = _sms_rows(ctx)
    assert row.state == "sent" and row.attempts == 2 and row.last_error is None

    assert len(Gateway.received) == 2
    headers, body = Gateway.received[-1]
    assert headers["Authorization"] == "Bearer jeton-secret"
    assert headers["Idempotency-Key"] == f"bia-delivery-{row.id}"
    assert body["to"] == "+33612345678" and body["from"] == "BIARRITZ"
    assert kept.tracking_code in body["text"] and "est pris en charge" in body["text"]
    assert f"{ctx.settings.public_url}/suivi/{kept.tracking_code}" in body["text"]
    assert (gsm7_length(body["text"]) or 999) <= 160


def test_a_refused_sms_is_dead_at_once_and_never_retried(ctx: Context, client: TestClient,
                                                         gateway: str) -> None:
    ctx.settings.outbox_max_attempts = 8
    kept = _report(ctx, "06 12 34 56 78")
    _take(ctx, client, kept.case_id)
    Gateway.script = [400, 400, 400]
    now = datetime.now(UTC)
    assert process_due(ctx.sessions, ctx.settings, now=now)["dead"] == 1
    for hours in (1, 5, 24):
        assert process_due(ctx.sessions, ctx.settings,
                           now=now + timedelta(hours=hours)) == {"sent": 0, "failed": 0,
                                                                 "dead": 0}
    row, = _sms_rows(ctx)
    assert row.state == "dead" and row.attempts == 1
    assert "refus définitif" in (row.last_error or "") and "HTTP 400" in (row.last_error or "")
    assert len(Gateway.received) == 1


def test_a_gateway_always_down_ends_dead_after_max_attempts(ctx: Context, client: TestClient,
                                                            gateway: str) -> None:
    ctx.settings.outbox_max_attempts = 3
    kept = _report(ctx, "06 12 34 56 78")
    _take(ctx, client, kept.case_id)
    Gateway.script = [503] * 5
    now = datetime.now(UTC)
    for step in range(4):
        process_due(ctx.sessions, ctx.settings, now=now + timedelta(hours=2 * step))
    row, = _sms_rows(ctx)
    assert row.state == "dead" and row.attempts == 3 and len(Gateway.received) == 3


def test_a_provider_with_its_own_field_names_and_header(ctx: Context, client: TestClient,
                                                        gateway: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIA_SMS_GATEWAY_FIELDS",
                       '{"from": "sender", "to": "recipient", "text": "content"}')
    monkeypatch.setenv("BIA_SMS_GATEWAY_AUTH_HEADER", "api-key")
    kept = _report(ctx, "+33 7 81 23 45 67")
    _take(ctx, client, kept.case_id)
    assert process_due(ctx.sessions, ctx.settings)["sent"] == 1
    (headers, body), = Gateway.received
    assert headers["api-key"] == "jeton-secret" and "Authorization" not in headers
    assert set(body) == {"sender", "recipient", "content"}
    assert body["recipient"] == "+33781234567" and kept.tracking_code in body["content"]


def test_no_gateway_configured_means_e_mail_only(ctx: Context, client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIA_SMS_GATEWAY_URL", raising=False)
    kept = _report(ctx, "06 12 34 56 78", email="riveraine@example.org")
    _take(ctx, client, kept.case_id)
    with ctx.session() as session:
        methods = session.scalars(select(Delivery.method).where(
            Delivery.report_id == kept.report_id, Delivery.actor_code == "resident")).all()
    assert methods == ["email"]
