"""Fixtures for the phone channel: a real SIP listener on loopback, real SIP peers (SIPp,
baresip), French speech made with espeak-ng and sox, and an OpenAI-compatible transcription
server on loopback whose answers follow the conversation (so dialogues are deterministic
while SIP, RTP, VAD, DTMF, the dialogue and storage are all real)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bia.channels.phone.service import PhoneService, PhoneThread
from bia.channels.phone.settings import PhoneSettings
from bia.context import Context

EVENING = datetime(2026, 11, 20, 22, 0, tzinfo=ZoneInfo("Europe/Paris"))  # PM on duty
needs_sipp = pytest.mark.skipif(shutil.which("sipp") is None, reason="apt install sip-tester")
needs_baresip = pytest.mark.skipif(shutil.which("baresip") is None,
                                   reason="apt install baresip-core")


def free_port(kind: int = socket.SOCK_DGRAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """French speech as an 8 kHz WAV (espeak-ng + sox), with silence around it."""
    folder = tmp_path_factory.mktemp("speech")
    if shutil.which("espeak-ng") is None or shutil.which("sox") is None:
        pytest.skip("apt install espeak-ng sox")

    def make(text: str, *, before: float = 0.3, after: float = 1.5, ulaw: bool = False,
             rate: int = 150) -> Path:
        name = f"{abs(hash((text, before, after, ulaw, rate)))}.wav"
        out = folder / name
        if not out.exists():
            raw = folder / f"raw-{name}"
            subprocess.run(["espeak-ng", "-v", "fr", "-s", str(rate), "-w", str(raw), text],
                           check=True)
            encoding = ["-e", "u-law"] if ulaw else ["-e", "signed", "-b", "16"]
            subprocess.run(["sox", str(raw), "-r", "8000", "-c", "1", *encoding, str(out),
                            "pad", str(before), str(after)], check=True)
        return out

    return make


def join_wavs(out: Path, parts: list[Path]) -> Path:
    subprocess.run(["sox", *map(str, parts), str(out)], check=True)
    return out


@dataclass
class ScriptedAsr:
    """``POST /v1/audio/transcriptions`` on loopback; the text comes from ``answer()``."""

    answer: Callable[[], str] = lambda: ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def asr_server() -> Iterator[ScriptedAsr]:
    scripted = ScriptedAsr()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            fields = {}
            for chunk in body.split(b"--")[1:]:
                head, _, value = chunk.partition(b"\r\n\r\n")
                if b'name="' in head:
                    name = head.split(b'name="')[1].split(b'"')[0].decode()
                    fields[name] = value[:-2] if name == "file" else value.strip().decode()
            text = scripted.answer()
            scripted.requests.append({"path": self.path, "fields": fields, "text": text,
                                      "auth": self.headers.get("authorization")})
            data = json.dumps({"text": text}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scripted.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield scripted
    server.shutdown()


@dataclass
class Phone:
    service: PhoneService
    thread: PhoneThread
    settings: PhoneSettings
    peer_port: int  # where transfers (REFER targets) point: the SIP peer of the test

    @property
    def port(self) -> int:
        return self.thread.port


def phone_settings(tmp_path: Path, **overrides: Any) -> PhoneSettings:
    base = free_port() // 2 * 2
    values: dict[str, Any] = {
        "sip_listen": f"127.0.0.1:{free_port()}", "audio_dir": tmp_path / "audio",
        "rtp_port_min": 20000 + base % 20000, "rtp_port_max": 20000 + base % 20000 + 199,
        "tts_rate": 240, "phone_no_input_s": 4.0, **overrides}
    return PhoneSettings(**values)


@pytest.fixture
def start_phone(ctx: Context, tmp_path: Path) -> Iterator[Callable[..., Phone]]:
    """Start BIA's SIP listener in this process (its own event loop thread)."""
    started: list[Phone] = []

    def start(**overrides: Any) -> Phone:
        peer = free_port()
        overrides.setdefault("sip_transfer_uri", f"sip:{{number}}@127.0.0.1:{peer}")
        settings = phone_settings(tmp_path, **overrides)
        service = PhoneService(ctx, settings, clock=lambda: EVENING)
        service.warm()
        address = settings.listen_address()
        assert address is not None
        phone = Phone(service, PhoneThread(service, *address).start(), settings, peer)
        started.append(phone)
        return phone

    yield start
    for phone in started:
        phone.thread.stop()


# ---- SIPp ---------------------------------------------------------------------------------

_HEAD = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bia">
  <send retrans="500"><![CDATA[
INVITE sip:mairie@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:0600000001@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
To: <sip:mairie@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:0600000001@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=sipp 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [rtpstream_audio_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
ACK sip:mairie@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Appelant" <sip:0600000001@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
To: <sip:mairie@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0
]]></send>
"""
_OUR = """From: "Appelant" <sip:0600000001@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
To: <sip:mairie@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
Max-Forwards: 70"""


def sipp_say(wav: Path) -> str:
    return f'  <nop><action><exec rtp_stream="{wav},1,0"/></action></nop>\n'


def sipp_pause(ms: int) -> str:
    return f'  <pause milliseconds="{ms}"/>\n'


def sipp_dtmf(digit: str) -> str:
    """RFC 4733 telephone-event packets from SIPp's own capture of the digit."""
    pcap = f"/usr/share/sip-tester/dtmf_2833_{digit}.pcap"
    return f'  <nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'


def sipp_info(digit: str, cseq: int) -> str:
    body = f"Signal={digit}\r\nDuration=160\r\n"
    return f"""  <send retrans="500"><![CDATA[
INFO sip:mairie@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
{_OUR}
CSeq: {cseq} INFO
Content-Type: application/dtmf-relay
Content-Length: [len]

{body}]]></send>
  <recv response="200"/>
"""


def sipp_bye(cseq: int) -> str:
    return f"""  <send retrans="500"><![CDATA[
BYE sip:mairie@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
{_OUR}
CSeq: {cseq} BYE
Content-Length: 0
]]></send>
  <recv response="200"/>
"""


_REASONS = {200: "OK", 486: "Busy Here", 503: "Service Unavailable", 603: "Decline"}


def _refer_then_notify(cseq: int, status: int, receive: str) -> str:
    """Accept BIA's REFER (202), then NOTIFY how the transfer ended (a sipfrag with ``status``)."""
    return f"""{receive}
  <send><![CDATA[
SIP/2.0 202 Accepted
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
  <send retrans="500"><![CDATA[
NOTIFY sip:bia@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
{_OUR}
CSeq: {cseq} NOTIFY
Event: refer
Subscription-State: terminated;reason=noresource
Content-Type: message/sipfrag;version=2.0
Content-Length: [len]

SIP/2.0 {status} {_REASONS.get(status, "Failed")}
]]></send>
  <recv response="200"/>
"""


def sipp_accept_refer(cseq: int, target_regexp: str) -> str:
    """Receive BIA's REFER (checking its Refer-To), accept it, report success."""
    from xml.sax.saxutils import escape

    return _refer_then_notify(cseq, 200, f"""  <recv request="REFER" timeout="60000">
    <action><ereg regexp="{escape(target_regexp)}" search_in="hdr" header="Refer-To:"
      check_it="true" assign_to="refer_to"/><log message="REFER to [$refer_to]"/></action>
  </recv>""")


def sipp_await_bye(timeout_ms: int = 90000) -> str:
    return f"""  <recv request="BYE" timeout="{timeout_ms}"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
"""


@dataclass
class SippRun:
    returncode: int
    output: str
    messages: str


def run_sipp(folder: Path, port: int, body: str, *, calls: int = 1, concurrent: int = 1,
             rate: float = 10, local_port: int | None = None, timeout: float = 150) -> SippRun:
    """One SIPp run (UAC) against BIA on 127.0.0.1:``port``; returncode 0 = every call passed."""
    scenario = folder / f"scenario-{free_port()}.xml"
    scenario.write_text(_HEAD + body + "</scenario>\n", encoding="latin-1")
    media = 30000 + free_port() % 15000 // 4 * 4
    args = ["sipp", f"127.0.0.1:{port}", "-sf", str(scenario), "-i", "127.0.0.1",
            "-p", str(local_port or free_port()), "-mi", "127.0.0.1", "-mp", str(media),
            "-m", str(calls), "-l", str(concurrent),
            "-r", str(rate), "-nostdin", "-trace_err", "-trace_msg",
            "-timeout", str(int(timeout)), "-timeout_error", "-max_recv_loops", "1000"]
    done = subprocess.run(args, cwd=folder, capture_output=True, text=True,
                          timeout=timeout + 30, check=False)
    messages = "\n".join(p.read_text(errors="replace") for p in folder.glob("*messages.log"))
    errors = "\n".join(p.read_text(errors="replace") for p in folder.glob("*errors.log"))
    return SippRun(done.returncode, done.stdout[-3000:] + done.stderr[-2000:] + errors, messages)


@pytest.fixture
def sipp(tmp_path: Path) -> Any:
    """SIPp scenario pieces and runner (a fixture, since tests cannot import conftest)."""
    if shutil.which("sipp") is None:
        pytest.skip("apt install sip-tester")
    from types import SimpleNamespace

    folder = tmp_path / "sipp"
    folder.mkdir()
    return SimpleNamespace(say=sipp_say, pause=sipp_pause, dtmf=sipp_dtmf, info=sipp_info,
                           bye=sipp_bye, accept_refer=sipp_accept_refer,
                           refuse_refer=sipp_refuse_refer, refer_fails=sipp_refer_fails,
                           await_bye=sipp_await_bye, folder=folder,
                           run=lambda port, body, **kw: run_sipp(folder, port, body, **kw))


def answers_for(ctx: Context, replies: dict[str, str], default: str) -> Callable[[], str]:
    """What the scripted recogniser "hears": the answer to the question BIA is asking now
    (read from the latest phone conversation), so the dialogue's path does not matter."""
    from sqlalchemy import select

    from bia.intake.models import Conversation

    def answer() -> str:
        with ctx.session() as session:
            conv = session.scalars(select(Conversation).where(Conversation.channel == "phone")
                                   .order_by(Conversation.created_at.desc())).first()
            state = dict(conv.state) if conv is not None else {}
        if state.get("phase") in (None, "start"):
            return default
        return replies.get(str(state.get("asking") or state.get("phase")), replies.get("*", "oui"))

    return answer


@pytest.fixture
def answers(ctx: Context) -> Callable[[dict[str, str], str], Callable[[], str]]:
    return lambda replies, default: answers_for(ctx, replies, default)


@pytest.fixture
def baresip(tmp_path: Path) -> Iterator[Callable[[str, Path, float], subprocess.Popen[str]]]:
    """Start baresip (headless: WAV file as microphone, no speaker) dialling ``uri``."""
    if shutil.which("baresip") is None:
        pytest.skip("apt install baresip-core")
    procs: list[subprocess.Popen[str]] = []

    def call(uri: str, wav: Path, quit_after_s: float = 90) -> subprocess.Popen[str]:
        conf = tmp_path / f"baresip-{len(procs)}"
        (conf / "rec").mkdir(parents=True)
        (conf / "config").write_text(
            f"poll_method epoll\nsip_listen 127.0.0.1:{free_port()}\n"
            f"audio_player aubridge,nil\naudio_alert aubridge,nil\n"
            f"audio_source aufile,{wav}\nmodule_path /usr/lib/baresip/modules\n"
            "module g711.so\nmodule aufile.so\nmodule aubridge.so\nmodule sndfile.so\n"
            f"module_app account.so\nmodule_app menu.so\nsnd_path {conf / 'rec'}\n")
        (conf / "accounts").write_text(
            "<sip:0611223344@127.0.0.1>;regint=0;audio_codecs=PCMU\n")
        (conf / "contacts").write_text("")
        proc = subprocess.Popen(["baresip", "-f", str(conf), "-e", f"/dial {uri}",
                                 "-t", str(int(quit_after_s))], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        procs.append(proc)
        return proc

    yield call
    stop_all(procs)


@pytest.fixture
def sqlite_only(database_url: str) -> None:
    """Call-level behaviour checked once: the database side of calls runs on both backends in
    the emergency and ten-call tests, and the suite stays within a few minutes."""
    if not database_url.startswith("sqlite"):
        pytest.skip("checked on SQLite only (see tests/phone/conftest.py: sqlite_only)")


# ---- the called side of a bridged call (SIPp as UAS) --------------------------------------

def sipp_refuse_refer(status: int = 603) -> str:
    """The caller's PBX refuses the REFER outright (many do, against toll fraud)."""
    return f"""  <recv request="REFER" timeout="60000"/>
  <send><![CDATA[
SIP/2.0 {status} Refused
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0
]]></send>
"""


def sipp_refer_fails(cseq: int, status: int = 503) -> str:
    """The REFER is accepted, then NOTIFY reports that the transfer failed."""
    return _refer_then_notify(cseq, status, """  <recv request="REFER" timeout="60000"/>""")


_UAS_REPLY = """[last_Via:]
[last_From:]
[last_To:];tag=[pid]SIPpTag01[call_number]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:[local_ip]:[local_port];transport=[transport]>"""


def uas_scenario(*, answer: bool = True, wav: Path | None = None, payload: int = 8) -> str:
    """The called number: rings, then answers (PCMA by default, so BIA transcodes) and speaks
    ``wav`` until BIA hangs up; or, with ``answer`` False, is busy (486)."""
    if not answer:
        final = f"""  <send><![CDATA[
SIP/2.0 486 Busy Here
{_UAS_REPLY}
Content-Length: 0
]]></send>
  <recv request="ACK"/>
"""
    else:
        codec = "PCMA" if payload == 8 else "PCMU"
        play = (f'  <nop><action><exec rtp_stream="{wav},1,{payload}"/></action></nop>\n'
                if wav else "")
        final = f"""  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
{_UAS_REPLY}
Content-Type: application/sdp
Content-Length: [len]

v=0
o=called 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [media_ip]
t=0 0
m=audio [rtpstream_audio_port] RTP/AVP {payload}
a=rtpmap:{payload} {codec}/8000
]]></send>
  <recv request="ACK"/>
{play}{sipp_await_bye(60000)}"""
    return f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="called">
  <recv request="INVITE"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
{_UAS_REPLY}
Content-Length: 0
]]></send>
{final}</scenario>
"""


def start_sipp_uas(folder: Path, port: int, scenario: str,
                   timeout: float = 120) -> subprocess.Popen[str]:
    """SIPp answering on 127.0.0.1:``port`` for one call (the emergency number's side)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "called.xml"
    path.write_text(scenario, encoding="latin-1")
    media = 30000 + free_port() % 15000 // 4 * 4
    return subprocess.Popen(
        ["sipp", "-sf", str(path), "-i", "127.0.0.1", "-p", str(port), "-mi", "127.0.0.1",
         "-mp", str(media), "-m", "1", "-nostdin", "-trace_err", "-trace_msg",
         "-timeout", str(int(timeout)), "-timeout_error"],
        cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop_all(procs: list[subprocess.Popen[str]]) -> None:
    """Terminate the peers a test started (killed if they do not stop within 10 s)."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def phone_reports(ctx: Context) -> Callable[..., list[Any]]:
    """Waits for reports of channel "phone" carrying their call record (written after hang-up)."""
    from sqlalchemy import select

    from bia.intake.models import Report

    def wait(count: int = 1, wait_s: float = 20.0) -> list[Report]:
        deadline = time.monotonic() + wait_s
        while True:
            with ctx.session() as session:
                reports = [r for r in session.scalars(
                    select(Report).where(Report.channel == "phone"))
                    if "phone" in (r.details or {})]
                for r in reports:
                    session.expunge(r)
            if len(reports) >= count or time.monotonic() > deadline:
                return reports
            time.sleep(0.3)

    return wait


@pytest.fixture
def called_side(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start SIPp as the number BIA calls when it bridges; stopped after the test."""
    procs: list[subprocess.Popen[str]] = []

    def start(port: int, **kwargs: Any) -> subprocess.Popen[str]:
        proc = start_sipp_uas(tmp_path / "called", port, uas_scenario(**kwargs))
        procs.append(proc)
        return proc

    yield start
    stop_all(procs)
