"""RTP audio for one call (RFC 3550): G.711 at 20 ms, RFC 4733 DTMF, paced playback.

One ``RtpSession`` per call on the shared asyncio loop. The send clock ticks every 20 ms and
always sends something (speech or G.711 silence): peers and NATs drop a stream that stops, and a
steady clock gives the call recording two aligned tracks. Playback can be cut at any frame,
which is how barge-in works. The remote address is latched from the first packet received
(symmetric RTP), since a caller behind NAT announces an address it cannot receive on.
"""

from __future__ import annotations

import asyncio
import secrets
import struct
import time
from collections.abc import Callable

import numpy as np

from bia.channels.speech.audio import FRAME, decode_g711, encode_g711, silence_byte

EVENTS = "0123456789*#ABCD"
TICK = FRAME / 8000


class RtpSession(asyncio.DatagramProtocol):
    def __init__(self, *, law: str, audio_pt: int, event_pt: int | None,
                 on_frame: Callable[[np.ndarray], None], on_digit: Callable[[str], None],
                 record: bool = False) -> None:
        self.law, self.audio_pt, self.event_pt = law, audio_pt, event_pt
        self.on_frame, self.on_digit = on_frame, on_digit
        self.transport: asyncio.DatagramTransport | None = None
        self.remote: tuple[str, int] | None = None
        self._latched = False
        self.port = 0
        self._seq = secrets.randbelow(1 << 16)
        self._ts = secrets.randbelow(1 << 31)
        self._ssrc = secrets.randbelow(1 << 32)
        self._pending = np.zeros(0, dtype=np.int16)  # inbound samples not yet a full frame
        self._queue: list[np.ndarray] = []  # outbound frames
        self._done: asyncio.Future[bool] | None = None
        self._started_speaking = False
        self._more = False  # a streamed reply has parts still to come
        self.relayed = 0  # frames received from the other leg of a bridged call
        self._last_event_ts: int | None = None
        self._silence = bytes([silence_byte(law)]) * FRAME
        self._clock: asyncio.Task[None] | None = None
        self.on_play_start: Callable[[float], None] | None = None
        self.record = record
        self.rec_in: list[np.ndarray] = []
        self.rec_out: list[np.ndarray] = []
        self._inbox: list[np.ndarray] = []
        self.packets_in = self.packets_out = 0

    # ---- set-up -----------------------------------------------------------------------
    @classmethod
    async def open(cls, host: str, ports: tuple[int, int], **kwargs: object) -> RtpSession:
        loop = asyncio.get_running_loop()
        first, last = ports
        span = last - first + 1
        start = secrets.randbelow(max(1, span // 2)) * 2
        for i in range(0, span, 2):  # even ports, RTCP convention
            port = first + (start + i) % span
            port -= port % 2
            try:
                _, proto = await loop.create_datagram_endpoint(
                    lambda: cls(**kwargs), local_addr=(host, port))  # type: ignore[arg-type]
            except OSError:
                continue
            assert isinstance(proto, RtpSession)
            proto.port = port
            return proto
        raise OSError("plus de port RTP libre")

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def set_remote(self, host: str, port: int) -> None:
        if not self._latched:
            self.remote = (host, port)

    def start(self) -> None:
        if self._clock is None:
            self._clock = asyncio.get_running_loop().create_task(self._run_clock())

    def close(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
        self.stop_playback()
        if self.transport is not None:
            self.transport.close()

    # ---- receiving ----------------------------------------------------------------------
    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) < 12 or data[0] >> 6 != 2:
            return
        if not self._latched:
            self.remote, self._latched = (addr[0], addr[1]), True
        csrc, pt = data[0] & 0x0F, data[1] & 0x7F
        offset = 12 + 4 * csrc
        if data[0] & 0x10 and len(data) >= offset + 4:  # header extension
            offset += 4 + 4 * struct.unpack("!H", data[offset + 2:offset + 4])[0]
        payload = data[offset:]
        if data[0] & 0x20 and payload:  # padding
            payload = payload[: -payload[-1]]
        self.packets_in += 1
        if pt == self.event_pt:
            self._event(payload, struct.unpack("!I", data[4:8])[0])
        elif pt in (0, 8):
            samples = decode_g711(payload, "ulaw" if pt == 0 else "alaw")
            self._pending = np.concatenate([self._pending, samples])
            while self._pending.size >= FRAME:
                frame, self._pending = self._pending[:FRAME], self._pending[FRAME:]
                if self.record:
                    self._inbox.append(frame)
                self.on_frame(frame)

    def _event(self, payload: bytes, timestamp: int) -> None:
        if len(payload) < 4 or timestamp == self._last_event_ts:
            return  # RFC 4733 repeats each event (and its end) with the same timestamp
        self._last_event_ts = timestamp
        if payload[0] < len(EVENTS):
            self.on_digit(EVENTS[payload[0]])

    # ---- sending ------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """Speaking, or between two sentences of a reply still being synthesised."""
        return bool(self._queue) or (self._done is not None and not self._done.done())

    def play(self, pcm: np.ndarray, *, more: bool = False) -> asyncio.Future[bool]:
        """Queue audio; the future is True when it was all sent, False when cut.

        With ``more`` the reply is streamed: the first sentence plays while the next ones are
        synthesised and added with :meth:`append`; the future waits for the last of them."""
        self.stop_playback()
        self._queue = self._frames(pcm)
        self._more = more
        self._done = asyncio.get_running_loop().create_future()
        self._started_speaking = False
        if not self._queue and not more:
            self._done.set_result(True)
        return self._done

    def append(self, pcm: np.ndarray, *, more: bool = False) -> bool:
        """Add the next part of a streamed reply; False when that reply was cut (barge-in)."""
        if self._done is None or self._done.done():
            return False
        self._queue.extend(self._frames(pcm))
        self._more = more
        if not self._queue and not more:
            self._done.set_result(True)
        return True

    @staticmethod
    def _frames(pcm: np.ndarray) -> list[np.ndarray]:
        pad = (-pcm.size) % FRAME
        pcm = np.concatenate([pcm, np.zeros(pad, np.int16)]) if pad else pcm
        return list(pcm.reshape(-1, FRAME)) if pcm.size else []

    def relay(self, frame: np.ndarray) -> None:
        """Audio of the other leg of a bridged call, sent on this leg's clock (a few frames of
        jitter buffer; older frames are dropped rather than delaying the conversation)."""
        self._queue.append(frame)
        if len(self._queue) > 6:
            del self._queue[0]
        self.relayed += 1

    def stop_playback(self) -> None:
        self._queue = []
        self._more = False
        if self._done is not None and not self._done.done():
            self._done.set_result(False)

    async def _run_clock(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            next_at += TICK
            delay = next_at - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.1:  # the loop was stalled: resynchronise instead of bursting
                next_at = loop.time()
            self._tick()

    def _tick(self) -> None:
        marker = False
        if self._queue:
            frame = self._queue.pop(0)
            if not self._started_speaking:
                self._started_speaking, marker = True, True
                if self.on_play_start is not None:
                    self.on_play_start(time.monotonic())
            payload = encode_g711(frame, self.law)
            if not self._queue and not self._more and self._done is not None \
                    and not self._done.done():
                self._done.set_result(True)
        else:
            frame, payload = None, self._silence
        self._send(payload, marker)
        if self.record:
            inbound = self._inbox.pop(0) if self._inbox else np.zeros(FRAME, np.int16)
            if len(self._inbox) > 5:
                self._inbox.pop(0)
            self.rec_in.append(inbound)
            self.rec_out.append(frame if frame is not None else np.zeros(FRAME, np.int16))

    def _send(self, payload: bytes, marker: bool) -> None:
        if self.transport is None or self.remote is None:
            return
        header = struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | self.audio_pt,
                             self._seq, self._ts, self._ssrc)
        self._seq = (self._seq + 1) & 0xFFFF
        self._ts = (self._ts + FRAME) & 0xFFFFFFFF
        self.transport.sendto(header + payload, self.remote)
        self.packets_out += 1

    def recording(self) -> np.ndarray | None:
        """Stereo (caller left, BIA right) int16 samples of the call, interleaved."""
        if not self.rec_in:
            return None
        left, right = np.concatenate(self.rec_in), np.concatenate(self.rec_out)
        return np.stack([left, right], axis=1).reshape(-1)
