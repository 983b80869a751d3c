"""A bridged call (back-to-back user agent): BIA calls the number itself and relays the audio.

Used when a blind transfer cannot be done: the caller's PBX or trunk refuses the REFER (many
do, for toll-fraud reasons) or reports through NOTIFY that the transfer failed. BIA then sends
an INVITE to the emergency or on-duty number through the configured trunk (or straight to the
URI's host) and, once it is answered, copies each 20 ms audio frame of one leg to the other
(decoded and re-encoded, so a µ-law caller can talk to an A-law trunk). The call ends when
either side hangs up; BIA then says goodbye to the other side with a BYE.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from typing import TYPE_CHECKING

from bia.channels.phone import sip
from bia.channels.phone.rtp import RtpSession

if TYPE_CHECKING:
    from bia.channels.phone.server import SipServer

log = logging.getLogger("bia.phone.bridge")
T1, T2 = 0.5, 4.0
_HOST_PORT = re.compile(r"^sips?:(?:[^@;>]+@)?(\[[^\]]+\]|[^:;>]+)(?::(\d+))?")


def address_of(uri: str, default_port: int = 5060) -> tuple[str, int] | None:
    """(host, port) a SIP URI points at (no DNS SRV: a trunk is configured by address)."""
    match = _HOST_PORT.match(uri.strip("<>"))
    if match is None:
        return None
    return match.group(1).strip("[]"), int(match.group(2) or default_port)


class OutgoingCall:
    """The called leg: one INVITE client transaction, then a dialog that can only end."""

    def __init__(self, server: SipServer, target: str, addr: tuple[str, int], rtp: RtpSession,
                 caller: str | None) -> None:
        self.server, self.target, self.addr, self.rtp = server, target, addr, rtp
        self.call_id = f"{sip.new_tag()}{sip.new_tag()}@bia"
        self.local_tag, self.branch = sip.new_tag(), sip.new_branch()
        self.remote_tag: str | None = None
        self.remote_target = target
        self.local_cseq = 1
        user = caller if caller and re.fullmatch(r"[+0-9A-Za-z._-]{1,32}", caller) else "bia"
        self.from_value = f"<sip:{user}@{server.public_host}:{server.port}>;tag={self.local_tag}"
        self.to_value = f"<{target}>"
        self.provisional = asyncio.Event()
        self.final: asyncio.Future[sip.SipMessage] = asyncio.get_running_loop().create_future()
        self.ended = asyncio.Event()
        self._ack = b""
        self.status: int | None = None

    def _headers(self, method: str, cseq: int, branch: str) -> list[tuple[str, str]]:
        to = self.to_value + (f";tag={self.remote_tag}" if self.remote_tag else "")
        return [("Via", f"SIP/2.0/UDP {self.server.public_host}:{self.server.port};"
                        f"branch={branch};rport"),
                ("Max-Forwards", "70"), ("From", self.from_value), ("To", to),
                ("Call-ID", self.call_id), ("CSeq", f"{cseq} {method}"),
                ("Contact", f"<sip:bia@{self.server.public_host}:{self.server.port}>")]

    def invite(self) -> bytes:
        msg = sip.SipMessage(method="INVITE", uri=self.target,
                             headers=self._headers("INVITE", 1, self.branch))
        msg.headers += [("Allow", sip.ALLOW), ("Content-Type", "application/sdp")]
        msg.body = sip.build_sdp(self.server.public_host, self.rtp.port, None, None,
                                 int(time.time()))
        return self.server.send(msg, self.addr)

    # ---- responses and requests from the called side ---------------------------------
    def on_response(self, msg: sip.SipMessage) -> None:
        status = msg.status or 0
        if status < 200:
            self.provisional.set()
            return
        self.remote_tag = sip.tag_of(msg.get("to")) or self.remote_tag
        if status >= 300:  # non-2xx: ACKed in the INVITE transaction (same branch)
            ack = sip.SipMessage(method="ACK", uri=self.target,
                                 headers=self._headers("ACK", 1, self.branch))
            self.server.send(ack, self.addr)
        elif not self._ack:  # the first 2xx: the dialog exists, its ACK is a new transaction
            self.remote_target = sip.uri_of(msg.get("contact")) or self.target
            ack = sip.SipMessage(method="ACK", uri=self.remote_target,
                                 headers=self._headers("ACK", 1, sip.new_branch()))
            self._ack = self.server.send(ack, self.addr)
        else:  # a retransmitted 2xx: our ACK was lost
            self.server.send(self._ack, self.addr)
        if not self.final.done():
            self.final.set_result(msg)

    def on_request(self, msg: sip.SipMessage, addr: tuple[str, int]) -> None:
        method = msg.method or ""
        if method == "ACK":
            return
        if method == "BYE":
            self.server.send(sip.response(msg, 200), addr)
            self.ended.set()
        elif method == "INVITE":  # a re-INVITE (hold, codec change): keep our media as is
            offer = sip.parse_sdp(msg.body) if msg.body else None
            if offer is not None and offer.host not in ("0.0.0.0", ""):
                self.rtp.set_remote(offer.host, offer.port)
            sdp = sip.build_sdp(self.server.public_host, self.rtp.port, self.rtp.audio_pt,
                                self.rtp.event_pt, int(time.time()))
            self.server.send(sip.response(msg, 200, body=sdp), addr)
        elif method in ("OPTIONS", "INFO", "NOTIFY", "UPDATE"):
            self.server.send(sip.response(msg, 200), addr)
        else:
            self.server.send(sip.response(msg, 501), addr)

    # ---- what BIA does ---------------------------------------------------------------
    async def connect(self, ring_timeout_s: float) -> int:
        """Send the INVITE until it is answered; the final status (408 when nobody answers)."""
        data = self.invite()
        interval, waited = T1, 0.0
        while not self.provisional.is_set() and not self.final.done():
            if waited >= 64 * T1:
                return 408
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self.final), interval)
            waited += interval
            if not self.provisional.is_set() and not self.final.done():
                self.server.send(data, self.addr)
                interval = min(interval * 2, T2)
        try:
            answer = await asyncio.wait_for(asyncio.shield(self.final), ring_timeout_s)
        except TimeoutError:
            await self.cancel()
            return 408
        self.status = answer.status or 500
        if 200 <= self.status < 300:
            offer = sip.parse_sdp(answer.body) if answer.body else None
            chosen = offer.choose() if offer is not None else None
            if offer is None or chosen is None:
                await self.hangup()
                return 488
            self.rtp.set_remote(offer.host, offer.port)
            self.rtp.audio_pt, self.rtp.event_pt = chosen
            self.rtp.law = "ulaw" if chosen[0] == 0 else "alaw"
        return self.status

    async def cancel(self) -> None:
        msg = sip.SipMessage(method="CANCEL", uri=self.target,
                             headers=self._headers("CANCEL", 1, self.branch))
        with contextlib.suppress(TimeoutError):
            await self.server.transact((self.call_id, 1, "CANCEL"), msg.encode(), self.addr)
        with contextlib.suppress(TimeoutError):  # the 487 that ends the INVITE
            await asyncio.wait_for(asyncio.shield(self.final), 4.0)

    async def hangup(self) -> None:
        if self.ended.is_set():
            return
        self.ended.set()
        self.local_cseq += 1
        msg = sip.SipMessage(method="BYE", uri=self.remote_target,
                             headers=self._headers("BYE", self.local_cseq, sip.new_branch()))
        try:
            await self.server.transact((self.call_id, self.local_cseq, "BYE"), msg.encode(),
                                       self.addr)
        except TimeoutError:
            log.warning("BYE sans réponse (appel relayé)", extra={"call_id": self.call_id})


class Bridge:
    """Two legs whose audio is relayed both ways until one of them hangs up."""

    def __init__(self, caller_rtp: RtpSession, called: OutgoingCall) -> None:
        self.caller_rtp, self.called = caller_rtp, called
        self.started = time.monotonic()

    def start(self) -> None:
        callee = self.called.rtp
        callee.on_frame = self.caller_rtp.relay
        self.caller_rtp.stop_playback()
        self.caller_rtp.on_frame = callee.relay
        callee.start()

    async def until_over(self, caller_gone: asyncio.Event, max_s: float) -> str:
        """Relay until someone hangs up: "caller", "called" or "timeout"."""
        waits = {asyncio.ensure_future(caller_gone.wait()): "caller",
                 asyncio.ensure_future(self.called.ended.wait()): "called"}
        done, pending = await asyncio.wait(waits, timeout=max_s,
                                           return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        who = waits[next(iter(done))] if done else "timeout"
        if who != "called":
            await self.called.hangup()
        self.caller_rtp.on_frame = lambda frame: None
        return who

    def stats(self) -> dict[str, float | int]:
        """Frames relayed each way: the proof that the two people could hear each other."""
        return {"to_called": self.called.rtp.relayed, "to_caller": self.caller_rtp.relayed,
                "seconds": round(time.monotonic() - self.started, 1)}

    def close(self) -> None:
        self.called.rtp.close()
        self.called.server.outgoing.pop(self.called.call_id, None)


async def place_bridge(server: SipServer, caller_rtp: RtpSession, target: str, *,
                       trunk: tuple[str, int] | None, caller: str | None,
                       ring_timeout_s: float) -> tuple[Bridge | None, int]:
    """Call ``target`` and, once it answers, bridge it to the caller: (bridge, SIP status)."""
    addr = trunk or address_of(target)
    if addr is None:
        return None, 400
    rtp = await RtpSession.open(server.rtp_host, server.rtp_ports, law="ulaw", audio_pt=0,
                                event_pt=101, on_frame=lambda f: None, on_digit=lambda d: None)
    called = OutgoingCall(server, target, addr, rtp, caller)
    server.outgoing[called.call_id] = called
    bridge = Bridge(caller_rtp, called)
    try:
        status = await called.connect(ring_timeout_s)
    except OSError:
        status = 503
    if not 200 <= status < 300:
        bridge.close()
        return None, status
    bridge.start()
    return bridge, status
