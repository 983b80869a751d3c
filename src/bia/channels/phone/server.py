"""The SIP user agent server: UDP transport, INVITE/ACK/BYE/CANCEL/OPTIONS/INFO/NOTIFY in,
BYE and REFER out, and one :class:`CallLeg` per answered call.

Calls are answered at once (100, 180 then 200 with the SDP answer, retransmitted until the
ACK, RFC 3261 §13.3.1.4): the greeting is ready in memory, so callers hear BIA within the
first ring. In-dialog requests go back to the address the INVITE came from (symmetric
signalling), which is what works behind NAT and on loopback alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from bia.channels.phone import sip
from bia.channels.phone.bridge import Bridge, OutgoingCall, place_bridge
from bia.channels.phone.rtp import RtpSession

log = logging.getLogger("bia.phone.sip")
T1, T2 = 0.5, 4.0


class CallHandler(Protocol):
    """What the server drives: the voice dialogue of one call."""

    def on_frame(self, frame: np.ndarray) -> None: ...
    def on_digit(self, digit: str) -> None: ...
    def on_remote_hangup(self) -> None: ...
    async def run(self) -> None: ...


@dataclass
class Dialog:
    call_id: str
    invite: sip.SipMessage
    addr: tuple[str, int]
    local_tag: str
    rtp: RtpSession
    local_cseq: int = 1
    confirmed: asyncio.Event = field(default_factory=asyncio.Event)
    final: bytes = b""
    ended: bool = False
    handler: CallHandler | None = None
    task: asyncio.Task[None] | None = None
    refer_result: asyncio.Future[int] | None = None
    late_offer: bool = False


class CallLeg:
    """The dialogue's handle on its call: audio out, caller id, hang up, transfer."""

    def __init__(self, server: SipServer, dialog: Dialog) -> None:
        self.server, self.dialog = server, dialog

    @property
    def call_id(self) -> str:
        return self.dialog.call_id

    @property
    def caller(self) -> str | None:
        return sip.user_of(self.dialog.invite.get("from"))

    @property
    def rtp(self) -> RtpSession:
        return self.dialog.rtp

    def play(self, pcm: np.ndarray, *, more: bool = False) -> asyncio.Future[bool]:
        return self.dialog.rtp.play(pcm, more=more)

    def stop_playback(self) -> None:
        self.dialog.rtp.stop_playback()

    async def hangup(self) -> None:
        if not self.dialog.ended:
            self.dialog.ended = True
            try:
                await self.server.request(self.dialog, "BYE")
            except TimeoutError:
                log.warning("BYE sans réponse", extra={"call_id": self.call_id})
        self.server.forget(self.dialog)

    async def transfer(self, target: str, timeout_s: float = 8.0) -> bool:
        """Blind transfer by REFER (RFC 3515); True once the target answered (NOTIFY 200)."""
        dialog = self.dialog
        dialog.refer_result = asyncio.get_running_loop().create_future()
        contact = f"<sip:bia@{self.server.public_host}:{self.server.port}>"
        try:
            answer = await self.server.request(
                dialog, "REFER", [("Refer-To", f"<{target}>"), ("Referred-By", contact)])
        except TimeoutError:
            return False
        if answer.status is None or answer.status >= 300:
            return False
        try:
            status = await asyncio.wait_for(asyncio.shield(dialog.refer_result), timeout_s)
        except TimeoutError:
            return True  # accepted (202) but no progress report: the peer is transferring
        return 200 <= status < 300

    async def bridge(self, target: str, *, trunk: tuple[str, int] | None = None,
                     ring_timeout_s: float = 30.0) -> tuple[Bridge | None, int]:
        """Call ``target`` from BIA and relay the audio (when a REFER could not be done)."""
        return await place_bridge(self.server, self.rtp, target, trunk=trunk,
                                  caller=self.caller, ring_timeout_s=ring_timeout_s)


class SipServer(asyncio.DatagramProtocol):
    def __init__(self, make_handler: Callable[[CallLeg], CallHandler], *, public_host: str,
                 rtp_host: str, rtp_ports: tuple[int, int], max_calls: int = 20,
                 record: bool = False) -> None:
        self.make_handler = make_handler
        self.public_host, self.rtp_host, self.rtp_ports = public_host, rtp_host, rtp_ports
        self.max_calls, self.record = max_calls, record
        self.transport: asyncio.DatagramTransport | None = None
        self.port = 0
        self.dialogs: dict[str, Dialog] = {}
        self.outgoing: dict[str, OutgoingCall] = {}  # called legs of bridged calls
        self._pending: dict[tuple[str, int, str], asyncio.Future[sip.SipMessage]] = {}
        self.calls_total = 0

    async def start(self, host: str, port: int) -> None:
        loop = asyncio.get_running_loop()
        await loop.create_datagram_endpoint(lambda: self, local_addr=(host, port))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.port = transport.get_extra_info("sockname")[1]

    def send(self, msg: sip.SipMessage | bytes, addr: tuple[str, int]) -> bytes:
        data = msg if isinstance(msg, bytes) else msg.encode()
        if self.transport is not None:
            self.transport.sendto(data, addr)
        return data

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        msg = sip.parse(data)
        if msg is None:
            return
        try:
            if msg.status is not None:
                self._on_response(msg)
            else:
                self._on_request(msg, addr)
        except Exception:  # noqa: BLE001 - one bad datagram must not stop the listener
            log.exception("message SIP non traité")
            if msg.method and msg.method != "ACK":
                self.send(sip.response(msg, 500), addr)

    # ---- requests in --------------------------------------------------------------------
    def _on_request(self, msg: sip.SipMessage, addr: tuple[str, int]) -> None:
        called = self.outgoing.get(msg.call_id)
        if called is not None:
            called.on_request(msg, addr)
            return
        dialog = self.dialogs.get(msg.call_id)
        method = msg.method or ""
        if method == "INVITE":
            if dialog is None:
                asyncio.get_running_loop().create_task(self._new_call(msg, addr))
            elif sip.tag_of(msg.get("to")) is None:  # retransmitted INVITE
                if dialog.final:
                    self.send(dialog.final, addr)
            else:
                self._reinvite(dialog, msg, addr)
        elif method == "ACK":
            if dialog is not None:
                if dialog.late_offer and msg.body:
                    self._apply_offer(dialog, sip.parse_sdp(msg.body))
                dialog.confirmed.set()
        elif method == "OPTIONS":
            self.send(sip.response(msg, 200, extra=[("Allow", sip.ALLOW),
                                                    ("Accept", "application/sdp")]), addr)
        elif dialog is None:
            self.send(sip.response(msg, 481), addr)
        elif method == "BYE":
            self.send(sip.response(msg, 200), addr)
            dialog.ended = True
            if dialog.handler is not None:
                dialog.handler.on_remote_hangup()
        elif method == "CANCEL":
            self.send(sip.response(msg, 200), addr)
            if not dialog.confirmed.is_set():
                self.send(sip.response(dialog.invite, 487, to_tag=dialog.local_tag), addr)
                dialog.ended = True
                if dialog.handler is not None:
                    dialog.handler.on_remote_hangup()
        elif method == "INFO":
            self.send(sip.response(msg, 200), addr)
            digit = sip.parse_info_dtmf(msg)
            if digit and dialog.handler is not None:
                dialog.handler.on_digit(digit)
        elif method == "NOTIFY":
            self.send(sip.response(msg, 200), addr)
            match = re.match(rb"SIP/2\.0 (\d{3})", msg.body.strip())
            if match and dialog.refer_result is not None and int(match.group(1)) >= 200 \
                    and not dialog.refer_result.done():
                dialog.refer_result.set_result(int(match.group(1)))
        else:
            self.send(sip.response(msg, 501), addr)

    async def _new_call(self, invite: sip.SipMessage, addr: tuple[str, int]) -> None:
        self.send(sip.response(invite, 100), addr)
        if len(self.dialogs) >= self.max_calls:
            self.send(sip.response(invite, 486, to_tag=sip.new_tag()), addr)
            return
        offer = sip.parse_sdp(invite.body) if invite.body else None
        chosen = offer.choose() if offer else (0, 101)
        if chosen is None:
            self.send(sip.response(invite, 488, to_tag=sip.new_tag()), addr)
            return
        audio_pt, event_pt = chosen
        rtp = await RtpSession.open(self.rtp_host, self.rtp_ports,
                                    law="ulaw" if audio_pt == 0 else "alaw", audio_pt=audio_pt,
                                    event_pt=event_pt, on_frame=lambda f: None,
                                    on_digit=lambda d: None, record=self.record)
        dialog = Dialog(invite.call_id, invite, addr, sip.new_tag(), rtp,
                        late_offer=offer is None)
        self.dialogs[dialog.call_id] = dialog
        if offer is not None:
            self._apply_offer(dialog, offer)
        handler = self.make_handler(CallLeg(self, dialog))
        dialog.handler = handler
        rtp.on_frame, rtp.on_digit = handler.on_frame, handler.on_digit
        self.send(sip.response(invite, 180, to_tag=dialog.local_tag), addr)
        sdp = sip.build_sdp(self.public_host, rtp.port, None if offer is None else audio_pt,
                            None if offer is None else event_pt, int(time.time()))
        ok = sip.response(invite, 200, to_tag=dialog.local_tag, body=sdp,
                          extra=[("Contact", f"<sip:bia@{self.public_host}:{self.port}>"),
                                 ("Allow", sip.ALLOW), ("Supported", "replaces")])
        dialog.final = self.send(ok, addr)
        self.calls_total += 1
        asyncio.get_running_loop().create_task(self._retransmit_ok(dialog))
        dialog.task = asyncio.get_running_loop().create_task(self._run_call(dialog))

    def _apply_offer(self, dialog: Dialog, offer: sip.MediaOffer | None) -> None:
        if offer is not None and offer.host not in ("0.0.0.0", ""):
            dialog.rtp.set_remote(offer.host, offer.port)
        if offer is not None and dialog.late_offer:
            chosen = offer.choose()
            if chosen:
                dialog.rtp.audio_pt, dialog.rtp.event_pt = chosen
                dialog.rtp.law = "ulaw" if chosen[0] == 0 else "alaw"

    def _reinvite(self, dialog: Dialog, msg: sip.SipMessage, addr: tuple[str, int]) -> None:
        offer = sip.parse_sdp(msg.body) if msg.body else None
        self._apply_offer(dialog, offer)
        rtp = dialog.rtp
        sdp = sip.build_sdp(self.public_host, rtp.port, rtp.audio_pt, rtp.event_pt,
                            int(time.time()))
        self.send(sip.response(msg, 200, to_tag=dialog.local_tag, body=sdp,
                               extra=[("Contact", f"<sip:bia@{self.public_host}:{self.port}>")]),
                  addr)

    async def _retransmit_ok(self, dialog: Dialog) -> None:
        interval, waited = T1, 0.0
        while waited < 64 * T1 and not dialog.ended:
            try:
                await asyncio.wait_for(dialog.confirmed.wait(), interval)
                return
            except TimeoutError:
                waited += interval
                self.send(dialog.final, dialog.addr)
                interval = min(interval * 2, T2)
        if not dialog.confirmed.is_set() and not dialog.ended:  # no ACK: give up the call
            log.warning("200 OK sans ACK", extra={"call_id": dialog.call_id})
            dialog.ended = True
            if dialog.handler is not None:
                dialog.handler.on_remote_hangup()

    async def _run_call(self, dialog: Dialog) -> None:
        with contextlib.suppress(TimeoutError):  # media may flow before the ACK: start anyway
            await asyncio.wait_for(dialog.confirmed.wait(), 2.0)
        dialog.rtp.start()
        try:
            assert dialog.handler is not None
            await dialog.handler.run()
        except Exception:  # noqa: BLE001
            log.exception("appel interrompu par une erreur", extra={"call_id": dialog.call_id})
        finally:
            if not dialog.ended:
                await CallLeg(self, dialog).hangup()
            self.forget(dialog)

    def forget(self, dialog: Dialog) -> None:
        dialog.rtp.close()
        self.dialogs.pop(dialog.call_id, None)

    # ---- requests out -------------------------------------------------------------------
    async def request(self, dialog: Dialog, method: str,
                      extra: list[tuple[str, str]] | None = None) -> sip.SipMessage:
        """An in-dialog request, retransmitted (T1 doubling) until its final response."""
        dialog.local_cseq += 1
        invite = dialog.invite
        target = sip.uri_of(invite.get("contact")) or sip.uri_of(invite.get("from"))
        msg = sip.SipMessage(method=method, uri=target)
        msg.headers = [
            ("Via", f"SIP/2.0/UDP {self.public_host}:{self.port};branch={sip.new_branch()};rport"),
            ("Max-Forwards", "70"),
            ("From", f"{invite.get('to')};tag={dialog.local_tag}"),
            ("To", invite.get("from") or ""), ("Call-ID", dialog.call_id),
            ("CSeq", f"{dialog.local_cseq} {method}"),
            ("Contact", f"<sip:bia@{self.public_host}:{self.port}>"), *(extra or [])]
        return await self.transact((dialog.call_id, dialog.local_cseq, method), msg.encode(),
                                   dialog.addr)

    async def transact(self, key: tuple[str, int, str], data: bytes,
                       addr: tuple[str, int]) -> sip.SipMessage:
        """Send a request, retransmitted (T1 doubling) until its final response arrives."""
        future: asyncio.Future[sip.SipMessage] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        self.send(data, addr)
        interval, waited = T1, 0.0
        try:
            while waited < 32 * T1:
                try:
                    return await asyncio.wait_for(asyncio.shield(future), interval)
                except TimeoutError:
                    waited += interval
                    self.send(data, addr)
                    interval = min(interval * 2, T2)
            raise TimeoutError(key[2])
        finally:
            self._pending.pop(key, None)

    def _on_response(self, msg: sip.SipMessage) -> None:
        number, method = msg.cseq
        called = self.outgoing.get(msg.call_id)
        if called is not None and method == "INVITE":
            called.on_response(msg)
            return
        future = self._pending.get((msg.call_id, number, method))
        if future is not None and not future.done() and (msg.status or 0) >= 200:
            future.set_result(msg)
