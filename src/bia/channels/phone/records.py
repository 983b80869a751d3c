"""What a call leaves behind: the report (always), its transcript and, per retention, the audio.

Why here and not only in the dialogue: a caller may hang up before the dialogue records
anything (silence, a hang-up mid-sentence, a voicemail). Public safety lines treat such calls
as reports too, so the call is filed with whatever was understood, under the same idempotency
key the dialogue uses (``conv-<id>``), so a report is never stored twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.audio import wav_bytes
from bia.context import Context, LoadedPack
from bia.core.coltypes import utcnow
from bia.core.types import Analysis, Location
from bia.intake import assistant
from bia.intake.flows import place, submit_report
from bia.intake.models import Conversation, Report

log = logging.getLogger("bia.phone.records")
SILENT_CALL = "(appel sans parole)"


@dataclass
class CallRecord:
    """Everything the call learnt, kept in memory until hang-up."""

    call_id: str
    caller: str | None = None
    asr: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)
    dtmf: list[str] = field(default_factory=list)
    latencies_ms: list[int] = field(default_factory=list)
    asr_ms: list[int] = field(default_factory=list)
    filler_ms: list[int] = field(default_factory=list)
    breakdown: list[dict[str, int]] = field(default_factory=list)  # per answered turn
    asr_errors: int = 0
    emergency_number: str | None = None
    transfer: dict[str, Any] | None = None
    callback: bool = False
    voicemail: str | None = None
    outcome: str = "completed"
    rtp: dict[str, int] = field(default_factory=dict)
    duration_s: float = 0.0
    audio: np.ndarray | None = None
    started: float = field(default_factory=time.monotonic)

    def add(self, who: str, text: str) -> None:
        self.lines.append({"who": who, "text": text,
                           "t": round(time.monotonic() - self.started, 1)})

    def caller_text(self) -> str:
        return " / ".join(line["text"] for line in self.lines
                          if line["who"] == "caller" and not line["text"].startswith("["))

    def as_details(self, audio_path: str | None) -> dict[str, Any]:
        return {"call_id": self.call_id, "transcript": self.lines, "dtmf": self.dtmf,
                "asr": self.asr, "latencies_ms": self.latencies_ms, "asr_ms": self.asr_ms,
                "filler_ms": self.filler_ms, "breakdown": self.breakdown,
                "asr_errors": self.asr_errors, "transfer": self.transfer,
                "callback": self.callback, "voicemail": self.voicemail, "outcome": self.outcome,
                "duration_s": self.duration_s, "rtp": self.rtp, "audio": audio_path}


def _file_report(ctx: Context, loaded: LoadedPack, conversation_id: str | None,
                 record: CallRecord, state: dict[str, Any]) -> int:
    """Store the call as a report when the dialogue did not (hang-up, silence, voicemail)."""
    text = record.caller_text()
    if not text:
        record.outcome = "silent" if record.outcome == "completed" else record.outcome
    at = utcnow()
    analysis = (assistant.nlu_for(ctx, loaded).analyze(text, at) if text
                else Analysis(text=SILENT_CALL, category="autre"))
    if state.get("category") and analysis.category in ("autre", "information"):
        analysis.category = state["category"]
    loc = state.get("location")
    if analysis.location is None and loc:
        analysis.location = Location(**{k: loc.get(k) for k in (
            "text", "street", "number", "lat", "lon", "zone", "cross_street")})
    place(ctx, loaded, analysis)
    contact = {"phone": record.caller} if record.callback and record.caller else None
    key = f"conv-{conversation_id}" if conversation_id else f"call-{record.call_id}"[:80]
    submitted = submit_report(ctx, loaded, channel="phone", text=text or SILENT_CALL,
                              analysis=analysis, at=at, contact=contact,
                              contact_consent=contact is not None, idempotency_key=key)
    return submitted.report_id


def _audio_path(settings: PhoneSettings, record: CallRecord, code: str) -> Path | None:
    if record.audio is None or settings.audio_retention_days <= 0:
        return None
    day = utcnow().strftime("%Y/%m/%d")
    digest = hashlib.sha256(record.call_id.encode()).hexdigest()[:10]
    path = settings.audio_dir / day / f"{code}-{digest}.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(wav_bytes(record.audio, channels=2))
    return path


def finalize_call(ctx: Context, loaded: LoadedPack, settings: PhoneSettings,
                  conversation_id: str | None, record: CallRecord) -> int:
    """After hang-up: make sure the report exists, attach the call to it; returns its id."""
    state: dict[str, Any] = {}
    report_id = None
    if conversation_id is not None:
        with ctx.session() as session:
            conv = session.get(Conversation, conversation_id)
            if conv is not None:
                report_id, state = conv.report_id, dict(conv.state or {})
    if report_id is None:
        report_id = _file_report(ctx, loaded, conversation_id, record, state)
        if conversation_id is not None:
            with ctx.session() as session:
                conv = session.get(Conversation, conversation_id)
                if conv is not None:
                    conv.report_id = report_id
    with ctx.session() as session:
        report = session.get(Report, report_id)
        assert report is not None
        try:
            path = _audio_path(settings, record, report.tracking_code)
        except OSError:
            log.exception("enregistrement audio non écrit")
            path = None
        report.details = {**(report.details or {}), "phone": record.as_details(
            str(path) if path else None)}
        if record.callback and record.caller and not report.contact:
            report.contact, report.contact_consent = {"phone": record.caller}, True
        log.info("appel terminé", extra={"call_id": record.call_id, "report": report.tracking_code,
                                         "outcome": record.outcome})
    return report_id


def purge_audio(audio_dir: Path, retention_days: int, now: float | None = None) -> int:
    """Delete recordings older than the retention period (all of them when it is 0)."""
    if not audio_dir.is_dir():
        return 0
    limit = (now or time.time()) - retention_days * 86400
    removed = 0
    for path in audio_dir.rglob("*.wav"):
        if retention_days <= 0 or path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    for folder in sorted((p for p in audio_dir.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            os.rmdir(folder)
    return removed


def report_of_call(ctx: Context, call_id: str) -> Report | None:
    """The report a call left (for tests, the bench and support)."""
    with ctx.session() as session:
        for report in session.scalars(select(Report).where(Report.channel == "phone")):
            if (report.details or {}).get("phone", {}).get("call_id") == call_id:
                session.expunge(report)
                return report
    return None
