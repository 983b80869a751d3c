"""SMS notices to residents through an HTTP SMS gateway, and phone numbers in E.164.

A resident who left a mobile number and agreed to be informed gets a short French SMS when the
status of the report changes: the tracking code and the tracking URL, in at most 160 GSM-7
characters when the public URL allows it (one SMS, no UCS-2 fallback that would cut it to 70).

The gateway is generic: one JSON ``POST`` to ``BIA_SMS_GATEWAY_URL`` per message::

    POST /v1/sms                      Authorization: Bearer <BIA_SMS_GATEWAY_TOKEN>
    Idempotency-Key: bia-delivery-42  Content-Type: application/json
    {"from": "BIARRITZ", "to": "+33612345678", "text": "Votre signalement …",
     "reference": "bia-delivery-42"}

Any 2xx answer means accepted. A 4xx answer (except 408, 425 and 429) means the gateway will
never take this message (bad number, refused sender, bad token): the delivery is dead at once
and shown to staff instead of being retried for hours. 5xx, 408/425/429 and network errors are
retried by the outbox with its back-off, like e-mails and webhooks.

French providers differ in field names and authentication header; both are settings, so that a
provider is plugged in by configuration, e.g. for an API taking ``{"sender", "recipient",
"content"}`` with an ``api-key`` header::

    BIA_SMS_GATEWAY_FIELDS='{"from": "sender", "to": "recipient", "text": "content"}'
    BIA_SMS_GATEWAY_AUTH_HEADER=api-key

A provider whose API is not JSON-over-HTTP needs a small relay, or a sender class registered in
:data:`bia.intake.outbox.SENDERS` under the ``sms`` method.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import httpx
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bia.core.errors import Invalid
from bia.core.settings import Settings
from bia.intake.models import Delivery, Report


class SmsSettings(BaseSettings):
    """The HTTP SMS gateway resident notices go through (none: no SMS is sent)."""

    model_config = SettingsConfigDict(env_prefix="BIA_", env_file=".env", extra="ignore")

    sms_gateway_url: str | None = Field(
        default=None, description="URL of the HTTP SMS gateway (JSON POST per message); unset: "
        "residents are informed by e-mail only.")
    sms_gateway_token: str | None = Field(
        default=None, description="Secret the SMS gateway expects (sent as `Bearer TOKEN` in "
        "Authorization, or as is in the header named by BIA_SMS_GATEWAY_AUTH_HEADER).")
    sms_gateway_auth_header: str = Field(
        default="Authorization", description="HTTP header carrying the SMS gateway token; "
        "`Authorization` adds the `Bearer` scheme, any other header gets the token as is.")
    sms_gateway_fields: dict[str, str] = Field(
        default={"from": "from", "to": "to", "text": "text", "reference": "reference"},
        description="JSON object renaming the gateway body's fields (keys from, to, text, "
        "reference) for a provider's API; a key left out is not sent.")
    sms_sender_name: str = Field(
        default="BIA", description="Sender shown on the resident's phone (alphanumeric, 11 "
        "characters at most, as French operators require; e.g. the commune's name).")
    sms_timeout_s: float = Field(default=5.0, description="Timeout of one SMS gateway call.")


# ---------------------------------------------------------------- phone numbers

_SEPARATORS = re.compile(r"[\s.\-/()]")
_FRENCH = re.compile(r"^0[1-9]\d{8}$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
PHONE_HINT = ("Indiquez un numéro français à 10 chiffres (06 12 34 56 78) ou au format "
              "international (+33 6 12 34 56 78).")


def normalise_phone(raw: str) -> str:
    """The number in E.164 (``+33612345678``), or a French :class:`Invalid` error."""
    text = (raw or "").strip()
    compact = _SEPARATORS.sub("", text.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if _FRENCH.match(compact):
        return "+33" + compact[1:]
    if compact.startswith("+33"):
        national = compact[3:]
        national = national[1:] if national.startswith("0") else national
        if re.fullmatch(r"[1-9]\d{8}", national):
            return "+33" + national
    elif _E164.match(compact):
        return compact
    shown = text if len(text) <= 40 else text[:40] + "…"
    raise Invalid(f"Numéro de téléphone invalide : « {shown} ». {PHONE_HINT}",
                  code="telephone_invalide")


def sms_capable(e164: str) -> bool:
    """French mobiles (06, 07) receive SMS, French landlines do not; abroad we cannot tell."""
    if e164.startswith("+33"):
        return e164[3] in "67"
    return bool(_E164.match(e164))


def clean_contact(contact: dict[str, Any] | None) -> dict[str, Any] | None:
    """The contact a resident typed, its phone number in E.164; an invalid one is refused."""
    if not contact or not contact.get("phone"):
        return contact
    return {**contact, "phone": normalise_phone(str(contact["phone"]))}


# ---------------------------------------------------------------- message text

GSM7_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                 "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = set("^{}\\[~]|€\f")  # two septets each
SMS_LIMIT = 160

SHORT_STATUS = {
    "recu": "est enregistré",
    "transmis": "a été transmis au service compétent",
    "en_cours": "est pris en charge",
    "sur_place": "a une équipe sur place",
    "traite": "est traité",
    "clos": "est clos",
    "fusionne": "est regroupé avec un signalement identique",
}


def gsm7_length(text: str) -> int | None:
    """Septets the text takes in GSM-7, or None when it needs UCS-2."""
    total = 0
    for ch in text:
        if ch in GSM7_BASIC:
            total += 1
        elif ch in GSM7_EXTENDED:
            total += 2
        else:
            return None
    return total


def to_gsm7(text: str) -> str:
    """Our own wording in GSM-7: ê→e, ç→c, typographic quotes and spaces to plain ones."""
    text = (text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
            .replace("«", '"').replace("»", '"').replace("…", "..."))
    out = []
    for ch in text:
        if ch in GSM7_BASIC or ch in GSM7_EXTENDED:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFD", ch)[0]
        out.append(base if base in GSM7_BASIC else "?")
    return "".join(out)


def notice_text(*, tracking_code: str, status: str, status_label: str, status_url: str) -> str:
    """One SMS when possible: what changed, the code, the link; the emergency numbers if room."""
    change = SHORT_STATUS.get(status) or f": {status_label.rstrip('.')}"
    core = to_gsm7(f"Votre signalement {tracking_code} {change}. Suivi : {status_url}")
    fuller = core + " Urgence : 17 ou 112."
    for text in (fuller, core):
        if (gsm7_length(text) or SMS_LIMIT + 1) <= SMS_LIMIT:
            return text
    return core  # a long public URL: sent in several parts rather than without the link


# ---------------------------------------------------------------- the sender


class SmsGatewaySender:
    """The ``sms`` method of the outbox: one JSON POST per notice to the configured gateway."""

    def __init__(self, settings: Settings, sms: SmsSettings | None = None) -> None:
        self.settings = settings
        self.sms = sms or SmsSettings()

    def send(self, delivery: Delivery, report: Report) -> None:
        from bia.intake.outbox import PermanentFailure

        cfg = self.sms
        if not cfg.sms_gateway_url:
            raise PermanentFailure("aucune passerelle SMS configurée (BIA_SMS_GATEWAY_URL)")
        data = delivery.payload
        text = data.get("sms_text") or notice_text(
            tracking_code=data["tracking_code"], status=data.get("status", ""),
            status_label=data.get("status_label", ""), status_url=data["status_url"])
        values = {"from": cfg.sms_sender_name, "to": delivery.target, "text": text,
                  "reference": f"bia-delivery-{delivery.id}"}
        body = {cfg.sms_gateway_fields[k]: v for k, v in values.items()
                if cfg.sms_gateway_fields.get(k)}
        headers = {"Idempotency-Key": f"bia-delivery-{delivery.id}"}
        if cfg.sms_gateway_token:
            header = cfg.sms_gateway_auth_header
            headers[header] = (f"Bearer {cfg.sms_gateway_token}"
                               if header.lower() == "authorization" else cfg.sms_gateway_token)
        response = httpx.post(cfg.sms_gateway_url, json=body, headers=headers,
                              timeout=cfg.sms_timeout_s)
        status = response.status_code
        if 200 <= status < 300:
            return
        detail = f"HTTP {status}: {response.text[:200]}"
        if 400 <= status < 500 and status not in (408, 425, 429):
            raise PermanentFailure(f"passerelle SMS : refus définitif, {detail}")
        raise RuntimeError(f"passerelle SMS : {detail}")
