"""Emergency hand-over when the caller's side will not transfer: BIA calls the number itself.

Two real SIPp processes: the caller (whose PBX refuses the REFER, or reports through NOTIFY
that the transfer failed) and the called number (SIPp as UAS, answering in PCMA while the
caller speaks PCMU). BIA's SIP, RTP relay and G.711 transcoding are the real ones; only the
recogniser is the loopback stand-in of conftest.py.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from bia.channels.phone.bridge import address_of

FIRE = "Au secours, il y a le feu dans la cuisine de ma voisine au 6 rue Pellot, ça fume énormément"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alaw_speech(speech, text: str, out: Path) -> Path:
    """What the person at the emergency number says, A-law as their trunk sends it."""
    subprocess.run(["sox", str(speech(text, after=0.5)), "-e", "a-law", str(out)], check=True)
    return out


def test_refused_refer_becomes_a_bridged_call_with_audio_both_ways(
        ctx, phone_reports, start_phone, asr_server, answers, sipp, speech, called_side,
        tmp_path) -> None:
    called_port = free_port()
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url,
                        sip_transfer_uri=f"sip:{{number}}@127.0.0.1:{called_port}")
    asr_server.answer = answers({}, FIRE)
    pompiers = alaw_speech(speech, "Les pompiers, j'écoute. Quelle est l'adresse ?",
                           tmp_path / "pompiers.wav")
    called = called_side(called_port, wav=pompiers)
    caller_words = speech("Au six rue Pellot, au premier étage.", ulaw=True, after=0.5)
    body = (sipp.pause(800) + sipp.say(speech(FIRE, ulaw=True, after=1.0)) + sipp.pause(9000)
            + sipp.dtmf("1") + sipp.refuse_refer(603) + sipp.pause(4500)
            + sipp.say(caller_words) + sipp.pause(4000) + sipp.bye(2))
    run = sipp.run(phone.port, body)
    assert run.returncode == 0, run.output
    called_out = called.communicate(timeout=60)[0]
    assert called.returncode == 0, called_out  # INVITE answered, ACKed, then BYE from BIA
    log = "\n".join(p.read_text(errors="replace")
                    for p in (tmp_path / "called").glob("*messages.log"))
    assert f"INVITE sip:18@127.0.0.1:{called_port} SIP/2.0" in log
    assert "From: <sip:0600000001@" in log  # the caller's number is passed on
    [report] = phone_reports()
    assert report.category_code == "incendie" and report.emergency_number == "18"
    call = report.details["phone"]
    transfer = call["transfer"]
    assert call["outcome"] == "bridged" and transfer["ok"] and transfer["mode"] == "bridge"
    assert transfer["status"] == 200 and transfer["ended_by"] == "caller"
    # audio went both ways: the caller's words to the firefighters (~2 s of 20 ms frames)
    # and the firefighter's question back to the caller
    assert transfer["to_called"] > 50 and transfer["to_caller"] > 50, transfer
    said = [line["text"] for line in call["transcript"] if line["who"] == "bia"]
    assert any("Je compose le 18 pour vous" in s for s in said)


def test_failed_transfer_and_busy_number_leave_the_number_said_slowly_and_the_report(
        sqlite_only, ctx, phone_reports, start_phone, asr_server, answers, sipp, speech,
        called_side) -> None:
    called_port = free_port()
    phone = start_phone(asr_backend="openai", asr_url=asr_server.url, tts_rate=320,
                        sip_transfer_uri=f"sip:{{number}}@127.0.0.1:{called_port}")
    asr_server.answer = answers({}, FIRE)
    called = called_side(called_port, answer=False)
    body = (sipp.pause(800) + sipp.say(speech(FIRE, ulaw=True, after=1.0)) + sipp.pause(9000)
            + sipp.dtmf("1") + sipp.refer_fails(2, 503) + sipp.pause(12000) + sipp.bye(3))
    run = sipp.run(phone.port, body)
    assert run.returncode == 0, run.output
    assert called.wait(timeout=60) == 0  # it was called, said busy, got its ACK
    [report] = phone_reports()
    assert report.category_code == "incendie" and report.emergency
    call = report.details["phone"]
    transfer = call["transfer"]
    assert not transfer["ok"] and transfer["mode"] == "bridge" and transfer["status"] == 486
    said = [line["text"] for line in call["transcript"] if line["who"] == "bia"]
    assert any("Raccrochez et composez le 18. Je répète : le 18" in s for s in said)
    assert call["outcome"] != "bridged"


def test_sip_uri_addresses() -> None:
    assert address_of("sip:18@trunk.example") == ("trunk.example", 5060)
    assert address_of("<sip:18@127.0.0.1:5099;transport=udp>") == ("127.0.0.1", 5099)
    assert address_of("sip:[::1]:5070") == ("::1", 5070)
    assert address_of("tel:18") is None
