"""Phone latency and load: end of caller speech → first audio of BIA's answer.

Starts BIA's SIP listener in this process on a fresh SQLite database with the default models
(faster-whisper base, espeak-ng) unless --asr-url is given, then places calls with SIPp:
first one at a time, then N simultaneous calls. Each call says one resident message
(espeak-ng, 8 kHz µ-law) and hangs up after the answer. The latency is measured by BIA at the
RTP level (last voiced 20 ms frame received → first frame of the reply sent), so it includes
the end-of-speech wait, recognition, the assistant (NLU, database) and synthesis.

    .venv/bin/python bench/phone_latency.py [--calls 8] [--concurrent 10]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "phone"))

from sqlalchemy import select  # noqa: E402

from bia.channels.phone.service import PhoneService, PhoneThread  # noqa: E402
from bia.channels.phone.settings import PhoneSettings  # noqa: E402
from bia.context import build_context  # noqa: E402
from bia.core.migrate import upgrade  # noqa: E402
from bia.core.settings import Settings  # noqa: E402
from bia.geo.pack import load_pack  # noqa: E402
from bia.geo.service import load_pack_into_db  # noqa: E402
from bia.intake.models import Report  # noqa: E402
from conftest import run_sipp, sipp_bye, sipp_pause, sipp_say  # noqa: E402

MESSAGES = [
    "Une voiture est garée sur le trottoir devant le 12 avenue Édouard VII.",
    "Les voisins font la fête avec la musique très forte rue Mazagran.",
    "Il y a des encombrants abandonnés sur le trottoir rue de la Bergerie.",
    "Le lampadaire ne marche plus rue de la Poste.",
    "On m'a volé mon vélo devant la gare du Midi.",
    "Un chien perdu erre sur le trottoir avenue de la Milady.",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wav(folder: Path, text: str) -> Path:
    raw, out = folder / f"{abs(hash(text))}-raw.wav", folder / f"{abs(hash(text))}.wav"
    subprocess.run(["espeak-ng", "-v", "fr", "-s", "150", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", "-e", "u-law", str(out),
                    "pad", "0.2", "1.0"], check=True)
    return out


def latencies(ctx, since: int) -> tuple[list[int], list[int], int, list[int], list[dict]]:
    with ctx.session() as session:
        rows = [r.details["phone"] for r in session.scalars(
            select(Report).where(Report.id > since)) if "phone" in (r.details or {})]
    return ([ms for r in rows for ms in r["latencies_ms"]],
            [ms for r in rows for ms in r["asr_ms"]], len(rows),
            [ms for r in rows for ms in r.get("filler_ms", [])],
            [b for r in rows for b in r.get("breakdown", [])])


STEPS = {"end_of_speech_ms": "end-of-speech wait (VAD hangover)",
         "held_ms": "caller spoke over the greeting's protected sentence",
         "asr_ms": "recognition left after it", "dialogue_ms": "NLU + dialogue + database",
         "tts_ms": "synthesis of the first sentence", "rtp_ms": "to the first RTP packet"}


def figures(name: str, lat: list[int], asr: list[int], reports: int, fillers: list[int],
            breakdown: list[dict], calls: int) -> None:
    if not lat:
        print(f"{name}: no answer measured ({reports}/{calls} reports)")
        return
    print(f"{name}: {reports}/{calls} calls recorded; end of speech → first answer audio "
          f"p50 {np.percentile(lat, 50) / 1000:.2f} s, p95 {np.percentile(lat, 95) / 1000:.2f} s, "
          f"max {max(lat) / 1000:.2f} s (n={len(lat)}); recognition p50 "
          f"{np.percentile(asr, 50) / 1000:.2f} s p95 {np.percentile(asr, 95) / 1000:.2f} s; "
          f"« un instant » said first in {len(fillers)} turns")
    full = [b for b in breakdown if all(k in b for k in STEPS)]
    if full:
        print(f"  where the time goes, median (max) of {len(full)} turns: " + "; ".join(
            f"{label} {np.median([b[k] for b in full]) / 1000:.2f} s "
            f"({max(b[k] for b in full) / 1000:.2f})" for k, label in STEPS.items()))
        held = [sum(b.values()) for b in full if b["held_ms"] < 100]
        if held and len(held) < len(full):
            print(f"  turns not held by the greeting ({len(held)}): p50 "
                  f"{np.percentile(held, 50) / 1000:.2f} s, p95 "
                  f"{np.percentile(held, 95) / 1000:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=8, help="sequential calls")
    parser.add_argument("--concurrent", type=int, default=10, help="simultaneous calls")
    parser.add_argument("--asr-url", default=None, help="OpenAI-compatible ASR instead")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bia-phone-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    upgrade(url)
    ctx = build_context(Settings(database_url=url, log_json=False))
    with ctx.session() as session:
        load_pack_into_db(session, pack=load_pack(ROOT / "packs" / "biarritz"))
    extra = {"asr_backend": "openai", "asr_url": args.asr_url} if args.asr_url else {}
    settings = PhoneSettings(sip_listen=f"127.0.0.1:{free_port()}", audio_dir=folder / "audio",
                             rtp_port_min=24000, rtp_port_max=24999, **extra)
    start = time.perf_counter()
    service = PhoneService(ctx, settings)
    service.warm()
    phone = PhoneThread(service, *settings.listen_address()).start()  # type: ignore[misc]
    print(f"ASR {settings.asr_backend} ({settings.asr_compute_type}, beam "
          f"{settings.asr_beam_size}), TTS {settings.tts_backend}; models ready in "
          f"{time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    wavs = [wav(folder, m) for m in MESSAGES]
    try:
        for i in range(args.calls):  # one at a time
            body = sipp_pause(300) + sipp_say(wavs[i % len(wavs)]) + sipp_pause(12000) + sipp_bye(2)
            run = run_sipp(folder, phone.port, body)
            if run.returncode != 0:
                print("call failed:", run.output[-500:])
        time.sleep(2)
        figures("one call at a time", *latencies(ctx, 0), args.calls)
        with ctx.session() as session:
            last = max(session.scalars(select(Report.id)), default=0)
        body = (sipp_pause(300) + sipp_say(wavs[0]) + sipp_pause(25000) + sipp_bye(2))
        run = run_sipp(folder, phone.port, body, calls=args.concurrent,
                       concurrent=args.concurrent, rate=args.concurrent)
        deadline = time.monotonic() + 60  # the recogniser may still be working through its queue
        while latencies(ctx, last)[2] < args.concurrent and time.monotonic() < deadline:
            time.sleep(1)
        print(f"{args.concurrent} simultaneous calls (SIPp): exit code {run.returncode} "
              f"({'no call failed' if run.returncode == 0 else 'some calls FAILED'})")
        figures(f"under load ({args.concurrent} calls)", *latencies(ctx, last), args.concurrent)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        phone.stop()


if __name__ == "__main__":
    main()
