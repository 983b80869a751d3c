"""`bia phone serve` alone answers calls (BIA_SIP_LISTEN); `bia serve` starts it when set."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bia.channels.phone.service import start_phone
from bia.channels.phone.settings import PhoneSettings
from bia.context import Context
from bia.core.settings import PROJECT_ROOT
from bia.intake.models import Report

PHONE_APP = [sys.executable, "-c", "from bia.cli.phone_cmds import phone_app; phone_app()"]


def test_no_listener_without_bia_sip_listen(ctx: Context) -> None:
    assert start_phone(ctx, PhoneSettings(sip_listen=None)) is None
    with pytest.raises(ValueError, match="HOST:PORT"):
        PhoneSettings(sip_listen="5080")


def test_every_phone_setting_is_documented() -> None:
    assert [n for n, f in PhoneSettings.model_fields.items() if not f.description] == []


@pytest.mark.slow
def test_bia_phone_serve_answers_calls(sqlite_only, ctx: Context, settings, asr_server, sipp,
                                       speech, tmp_path: Path) -> None:
    port = 40000 + os.getpid() % 5000
    asr_server.answer = lambda: "Une voiture est garée devant le 12 avenue Édouard VII"
    env = {**os.environ, "BIA_DATABASE_URL": settings.database_url,
           "BIA_SIP_LISTEN": f"127.0.0.1:{port}", "BIA_ASR_BACKEND": "openai",
           "BIA_ASR_URL": asr_server.url, "BIA_AUDIO_DIR": str(tmp_path / "audio"),
           "BIA_LOG_JSON": "false", "BIA_TTS_RATE": "260"}
    server = subprocess.Popen([*PHONE_APP, "serve"], env=env, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline() for _ in range(1)]
        while f"127.0.0.1:{port}" not in lines[-1] and len(lines) < 20 and lines[-1]:
            lines.append(server.stdout.readline())
        assert f"127.0.0.1:{port}" in lines[-1], lines
        body = (sipp.pause(500) + sipp.say(speech("Une voiture gêne.", ulaw=True)) +
                sipp.pause(6000) + sipp.bye(2))
        run = sipp.run(port, body)
        assert run.returncode == 0, run.output
        deadline = time.monotonic() + 20
        found = []
        while not found and time.monotonic() < deadline:
            with ctx.session() as session:
                found = [r.tracking_code for r in session.scalars(
                    select(Report).where(Report.channel == "phone"))
                    if "phone" in (r.details or {})]
            time.sleep(0.3)
        assert found
    finally:
        server.terminate()
        server.wait(timeout=20)
