"""The heavier calls: the default models end to end, and the pacing of a silent call."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from bia.context import Context
from bia.intake.models import Report


def phone_report(ctx: Context, wait_s: float) -> Report | None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        with ctx.session() as session:
            for report in session.scalars(select(Report).where(Report.channel == "phone")):
                if "phone" in (report.details or {}):
                    session.expunge(report)
                    return report
        time.sleep(0.5)
    return None


@pytest.mark.slow
def test_default_models_hear_a_caller_and_answer(sqlite_only, ctx, start_phone, sipp,
                                                 speech) -> None:
    """faster-whisper base (packaged model, assembled under var/models) and espeak-ng."""
    phone = start_phone()  # the defaults: faster-whisper + espeak
    text = "Une voiture est garée sur le trottoir devant le 12 avenue Édouard VII."
    body = (sipp.pause(500) + sipp.say(speech(text, ulaw=True, after=1.0)) + sipp.pause(20000)
            + sipp.bye(2))
    run = sipp.run(phone.port, body)
    assert run.returncode == 0, run.output
    report = phone_report(ctx, 30)
    assert report is not None
    call = report.details["phone"]
    heard = [line["text"] for line in call["transcript"] if line["who"] == "caller"]
    assert heard and heard[0] != "[inaudible]"  # what the base model heard (often wrong)
    assert call["asr"] == "faster-whisper" and call["asr_ms"] and call["latencies_ms"]
    said = [line["text"] for line in call["transcript"] if line["who"] == "bia"]
    assert len(said) >= 2  # greeting, then an answer to what was heard


@pytest.mark.slow
def test_a_silent_caller_is_prompted_then_offered_voicemail_then_released(sqlite_only,
        ctx, start_phone, asr_server, sipp) -> None:
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url, phone_no_input_s=1.5,
                        phone_max_no_input=1, tts_rate=320)
    run = sipp.run(phone.port, sipp.await_bye(90000))
    assert run.returncode == 0, run.output  # BIA hung up by itself
    report = phone_report(ctx, 20)
    assert report is not None and report.text == "(appel sans parole)"
    call = report.details["phone"]
    assert call["outcome"] == "silent"
    said = [line["text"] for line in call["transcript"] if line["who"] == "bia"]
    assert any("toujours là" in s for s in said)  # a gentle repeat
    assert any("laisser un message après le bip" in s for s in said)  # voicemail offered
    assert "Je n'entends rien" in said[-1]
    gaps = [b["t"] - a["t"] for a, b in zip(call["transcript"], call["transcript"][1:],
                                            strict=False)]
    assert max(gaps) < 30  # never a long dead line (prompts included)
