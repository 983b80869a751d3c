"""The outbox: one row per forwarded report and target; a worker sends, only failures retry.

Senders are pluggable (``SENDERS``), as FixMyStreet's ``send_method``: ``email`` over SMTP,
``webhook`` as a signed JSON POST and ``sms`` through an HTTP SMS gateway
(:mod:`bia.intake.sms`). A sender raises :class:`PermanentFailure` when retrying cannot help
(the gateway refused the message for good): the row is dead at once, as it is after
``BIA_OUTBOX_MAX_ATTEMPTS`` failures. On PostgreSQL several workers share the queue through
``FOR UPDATE SKIP LOCKED``; SQLite's single writer serialises them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bia.core.coltypes import utcnow
from bia.core.errors import BiaError
from bia.core.settings import Settings
from bia.geo.pack import Pack
from bia.intake.models import Delivery, Report

log = logging.getLogger("bia.outbox")


class PermanentFailure(Exception):
    """The target refused the delivery for good (e.g. a 4xx answer): no retry."""


class Sender(Protocol):
    def send(self, delivery: Delivery, report: Report) -> None:
        """Deliver or raise; the exception text is stored as the last error."""


def report_payload(report: Report, pack: Pack, public_url: str) -> dict[str, Any]:
    """What a partner receives: the report, its place and why it is theirs."""
    category = pack.categories.get(report.category_code)
    return {
        "tracking_code": report.tracking_code,
        "commune": pack.commune.insee,
        "category": report.category_code,
        "category_label": category.label if category else report.category_code,
        "emergency": report.emergency,
        "emergency_number": report.emergency_number,
        "text": report.text,
        "location": {"text": report.location_text, "street": report.street,
                     "number": report.number, "lat": report.lat, "lon": report.lon,
                     "zone": report.zone_code},
        "occurred_at": report.occurred_at.isoformat() if report.occurred_at else None,
        "received_at": report.received_at.isoformat(),
        "routing": report.routing.get("explanation"),
        "details": report.details,
        "status_url": f"{public_url}/suivi/{report.tracking_code}",
    }


class EmailSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery, report: Report) -> None:
        data = delivery.payload
        if data.get("kind") == "notice":
            self._send_notice(delivery, data)
            return
        place = data["location"].get("street") or data["location"].get("text") or "non précisé"
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = delivery.target
        msg["Subject"] = (f"[BIA {data['tracking_code']}] {data['category_label']} – {place}"
                          + (" – URGENCE" if data["emergency"] else ""))
        msg["X-BIA-Tracking-Code"] = data["tracking_code"]
        lines = [
            "Signalement transmis par BIA, l'assistant de tranquillité publique de la Ville.",
            "",
            f"Code de suivi : {data['tracking_code']}",
            f"Catégorie : {data['category_label']}",
            f"Lieu : {place}" + (f", n° {data['location']['number']}"
                                 if data["location"].get("number") else ""),
            f"Faits : {data['occurred_at'] or 'heure non précisée'}",
            f"Reçu : {data['received_at']}",
            f"Orientation : {data['routing']}",
            "",
            "Propos du déclarant :",
            data["text"],
            "",
            f"Suivi : {data['status_url']}",
        ]
        msg.set_content("\n".join(lines))
        msg.add_attachment(json.dumps(data, ensure_ascii=False, indent=2).encode(),
                           maintype="application", subtype="json",
                           filename=f"{data['tracking_code']}.json")
        self._deliver(msg)


    def _send_notice(self, delivery: Delivery, data: dict[str, Any]) -> None:
        """A status update for the resident who left an e-mail address and agreed."""
        msg = EmailMessage()
        msg["From"] = self.settings.smtp_from
        msg["To"] = delivery.target
        msg["Subject"] = f"Votre signalement {data['tracking_code']} : {data['status_label']}"
        msg.set_content("\n".join([
            "Bonjour,", "",
            f"Votre signalement {data['tracking_code']} ({data['category_label']}) a évolué :",
            data["status_label"], "",
            f"Suivi : {data['status_url']}", "",
            "Ce message est envoyé par l'assistant automatisé de la Ville parce que vous avez "
            "accepté d'être informé. En cas d'urgence, appelez le 17 ou le 112.",
        ]))
        self._deliver(msg)

    def _deliver(self, msg: EmailMessage) -> None:
        with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=10) as smtp:
            if self.settings.smtp_starttls:
                smtp.starttls()
            if self.settings.smtp_user:
                smtp.login(self.settings.smtp_user, self.settings.smtp_password or "")
            smtp.send_message(msg)


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, delivery: Delivery, report: Report) -> None:
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
        response = httpx.post(delivery.target, content=body,
                              timeout=self.settings.webhook_timeout_s,
                              headers={"Content-Type": "application/json",
                                       "X-BIA-Signature": sign(body, self.settings.webhook_secret),
                                       "X-BIA-Delivery": str(delivery.id),
                                       "Idempotency-Key": f"bia-delivery-{delivery.id}"})
        if response.status_code >= 300:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")


def _sms_sender(settings: Settings) -> Sender:
    from bia.intake.sms import SmsGatewaySender

    return SmsGatewaySender(settings)


SENDERS: dict[str, Callable[[Settings], Sender]] = {"email": EmailSender,
                                                    "webhook": WebhookSender,
                                                    "sms": _sms_sender}


def enqueue_deliveries(session: Session, *, report: Report, pack: Pack,
                       public_url: str) -> list[Delivery]:
    """One delivery per forwarded actor and contact method the pack gives."""
    rows = []
    payload = report_payload(report, pack, public_url)
    for actor_id in report.actors:
        actor = pack.actors.get(actor_id)
        if actor is None or actor.kind != "forwarded":
            continue
        for method in actor.delivery:
            target = {"email": actor.contact.email, "webhook": actor.contact.webhook}.get(method)
            if not target:
                continue
            row = Delivery(commune_id=report.commune_id, report_id=report.id,
                           actor_code=actor_id, method=method, target=target, payload=payload)
            session.add(row)
            rows.append(row)
    session.flush()
    return rows


def enqueue_notice(session: Session, *, report: Report, status_label: str, category_label: str,
                   public_url: str, sms_enabled: bool | None = None) -> list[Delivery]:
    """Tell the resident about a status change: by e-mail and by SMS, only to the contacts
    they left and consented to. ``sms_enabled`` defaults to whether a gateway is configured."""
    from bia.intake.sms import SmsSettings, normalise_phone, notice_text, sms_capable

    contact = (report.contact or {}) if report.contact_consent else {}
    payload = {"kind": "notice", "tracking_code": report.tracking_code,
               "status": report.status, "status_label": status_label,
               "category_label": category_label,
               "status_url": f"{public_url}/suivi/{report.tracking_code}"}
    targets: list[tuple[str, str, dict[str, Any]]] = []
    if contact.get("email"):
        targets.append(("email", str(contact["email"])[:300], payload))
    if sms_enabled is None:
        sms_enabled = SmsSettings().sms_gateway_url is not None
    if sms_enabled and contact.get("phone"):
        try:
            number = normalise_phone(str(contact["phone"]))
        except BiaError:  # stored before numbers were checked: no SMS rather than a crash
            number = None
        if number and sms_capable(number):
            text = notice_text(tracking_code=report.tracking_code, status=report.status,
                               status_label=status_label, status_url=payload["status_url"])
            targets.append(("sms", number, {**payload, "sms_text": text}))
    rows = []
    for method, target, data in targets:
        row = Delivery(commune_id=report.commune_id, report_id=report.id,
                       actor_code="resident", method=method, target=target, payload=data)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def _claim_next(session: Session, now: datetime) -> Delivery | None:
    return session.scalars(
        select(Delivery)
        .where(or_(Delivery.state == "pending", Delivery.state == "failed"),
               Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id).limit(1)
        .with_for_update(skip_locked=True)
    ).first()


def _attempt(delivery: Delivery, report: Report, sender: Sender | None, *, now: datetime,
             max_attempts: int) -> str:
    delivery.attempts += 1
    try:
        if sender is None:
            raise RuntimeError(f"méthode d'envoi inconnue : {delivery.method}")
        sender.send(delivery, report)
    except PermanentFailure as exc:
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        log.warning("delivery %s refused for good: %s", delivery.id, delivery.last_error)
        delivery.state = "dead"
        return "dead"
    except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        log.warning("delivery %s failed: %s", delivery.id, delivery.last_error)
        if delivery.attempts >= max_attempts:
            delivery.state = "dead"
        else:
            delivery.state = "failed"
            delivery.next_attempt_at = now + backoff(delivery.attempts)
        return delivery.state
    delivery.state, delivery.sent_at, delivery.last_error = "sent", utcnow(), None
    return "sent"


def process_due(sessions: sessionmaker[Session], settings: Settings, *,
                now: datetime | None = None, limit: int = 100,
                senders: dict[str, Sender] | None = None) -> dict[str, int]:
    """Send what is due, one row per transaction (a crash re-sends at most one row)."""
    senders = senders or {name: factory(settings) for name, factory in SENDERS.items()}
    counts = {"sent": 0, "failed": 0, "dead": 0}
    now = now or utcnow()
    for _ in range(limit):
        with sessions() as session:
            delivery = _claim_next(session, now)
            if delivery is None:
                break
            report = session.get(Report, delivery.report_id)
            outcome = _attempt(delivery, report, senders.get(delivery.method),  # type: ignore[arg-type]
                               now=now, max_attempts=settings.outbox_max_attempts)
            counts[outcome] += 1
            session.commit()
    return counts
