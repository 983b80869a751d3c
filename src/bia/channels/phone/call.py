"""One phone call as a conversation: listen, transcribe, ask the assistant, speak, repeat.

The call never goes quiet: after a question BIA waits ``phone_no_input_s`` then asks again
gently; after ``phone_max_no_input`` it offers voicemail; while the recogniser or the database
is slow it says « un instant ». The caller may speak over BIA (barge-in) except during the
first sentence of the greeting, which says BIA is an automated assistant and not the 17.
Whatever happens, the call leaves a report (``records.finalize_call``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from bia.channels.phone import prompts as P
from bia.channels.phone.handover import HandOver
from bia.channels.phone.records import CallRecord, finalize_call
from bia.channels.phone.server import CallLeg
from bia.channels.speech.audio import RATE
from bia.channels.speech.tts import Part, sentences
from bia.channels.speech.vad import Segmenter
from bia.core.coltypes import utcnow
from bia.intake import assistant

if TYPE_CHECKING:
    from bia.channels.phone.service import PhoneService

log = logging.getLogger("bia.phone.call")
T = TypeVar("T")
DIGIT_TEXT = {"1": "oui", "2": "non"}
EARLY_MS = 300


@dataclass
class Event:
    kind: str  # "start" | "speech" | "digit" | "hangup"
    audio: np.ndarray | None = None
    early: asyncio.Future[str] | None = None  # transcription started before the turn ended
    digit: str = ""
    at: float = field(default_factory=time.monotonic)  # when the caller stopped speaking
    detected: float = field(default_factory=time.monotonic)  # when the VAD decided so


class VoiceCall(HandOver):
    """The dialogue of one call, driven by the SIP server through :class:`CallLeg`."""

    def __init__(self, leg: CallLeg, service: PhoneService) -> None:
        self.leg, self.svc, self.settings = leg, service, service.settings
        self.events: asyncio.Queue[Event] = asyncio.Queue()
        self.segmenter = Segmenter(end_silence_ms=self.settings.phone_end_silence_ms,
                                   max_ms=int(self.settings.phone_max_utterance_s * 1000))
        self.record = CallRecord(call_id=leg.call_id, caller=leg.caller,
                                 asr=self.settings.asr_backend)
        self.hung_up = False
        self.barge_in = True
        self.conversation_id: str | None = None
        self.state: dict[str, Any] = {}
        self.last_reply = ""
        self.transfer_offered = False
        self.deferred = ""  # an emergency's confirmation, said before hanging up
        self.started = time.monotonic()
        self._speech_end: float | None = None
        self._answered_turn = True
        self._last_frame = time.monotonic()
        self._early: tuple[int, asyncio.Future[str]] | None = None
        self._filler_playing = False
        self._marks: dict[str, float] = {}
        self._gone = asyncio.Event()  # the caller hung up
        self._asr_own = 0  # this call's transcriptions queued or running
        leg.rtp.on_play_start = self._on_play_start

    # ---- called by the server (event loop thread) ---------------------------------------
    def on_frame(self, frame: np.ndarray) -> None:
        self._last_frame = time.monotonic()
        event = self.segmenter.feed(frame)
        if event == "start":
            if self.barge_in and self.leg.rtp.playing:
                self.leg.stop_playback()
            self.events.put_nowait(Event("start"))
        elif event == "end":
            end = time.monotonic() - self.segmenter.trailing_silence_ms / 1000
            early = self._early if self._early and self._early[0] == self.segmenter.voiced_ms \
                else None
            self._early = None
            self.events.put_nowait(Event("speech", audio=self.segmenter.take(), at=end,
                                         early=early[1] if early else None))
        elif (self.segmenter.speaking and self.segmenter.trailing_silence_ms == EARLY_MS
              and self._asr_own <= 1 and self.svc.asr_idle(own=self._asr_own)):
            # Half-way through the end-of-turn silence, start recognising what was said: if
            # the caller goes on, the result is dropped; if not, it saves that wait. Only when
            # no other caller waits for the recogniser; this call's own earlier attempt (the
            # caller paused, then went on) may still be ahead of it, and then this one is
            # already queued when the turn ends instead of starting only then.
            self._early = (self.segmenter.voiced_ms,
                           asyncio.ensure_future(self.transcribe(self.segmenter.peek())))

    def on_digit(self, digit: str) -> None:
        if self.barge_in and self.leg.rtp.playing:
            self.leg.stop_playback()
        self.events.put_nowait(Event("digit", digit=digit))

    def on_remote_hangup(self) -> None:
        self.hung_up = True
        self._gone.set()
        self.leg.stop_playback()
        self.events.put_nowait(Event("hangup"))

    def _on_play_start(self, at: float) -> None:
        if self._filler_playing:  # « un instant » is not the answer: timed apart
            self._filler_playing = False
            if self._speech_end is not None:
                self.record.filler_ms.append(round((at - self._speech_end) * 1000))
            return
        if self._speech_end is not None and not self._answered_turn:
            self.record.latencies_ms.append(round((at - self._speech_end) * 1000))
            self._answered_turn = True
            marks, previous = {**self._marks, "rtp": at}, self._speech_end
            steps = {}
            for step in ("end_of_speech", "held", "asr", "dialogue", "tts", "rtp"):
                if step in marks:
                    steps[f"{step}_ms"] = round((marks[step] - previous) * 1000)
                    previous = marks[step]
            self.record.breakdown.append(steps)

    # ---- speaking and listening -----------------------------------------------------------
    async def say(self, parts: Sequence[Part | str], *, protect_s: float = 0.0,
                  log_text: str | None = None) -> bool:
        """Speak; True when heard to the end, False when the caller cut in or hung up.

        The reply is synthesised sentence by sentence and streamed: the caller hears the first
        sentence while the next ones are made, instead of waiting for the whole reply."""
        if self.hung_up:
            return False
        self.record.add("bia", log_text or " ".join(p if isinstance(p, str) else p.text
                                                     for p in parts))
        if protect_s > 0:
            pcm = await self._work(self.svc.voice.render, parts)
            self.barge_in = False
            head = int(protect_s * RATE)
            done = await self.leg.play(pcm[:head])
            self.barge_in = True
            if self.hung_up or not done or self.segmenter.speaking or not self.events.empty():
                return False  # the caller started talking meanwhile: listen to them now
            return await self.leg.play(pcm[head:])
        pieces = sentences(parts) or [Part("", pause_ms=200)]
        first = await self._work(self.svc.voice.render_one, pieces[0])
        self._mark("tts")
        if self.hung_up:
            return False
        playing = self.leg.play(first, more=len(pieces) > 1)
        for i, piece in enumerate(pieces[1:], start=2):
            pcm = await self._work(self.svc.voice.render_one, piece)
            if not self.leg.rtp.append(pcm, more=i < len(pieces)):
                break  # cut by the caller: the rest is not needed
        return await playing

    def _mark(self, step: str) -> None:
        """Time one step of the current turn (for the latency breakdown)."""
        if not self._answered_turn and step not in self._marks:
            self._marks[step] = time.monotonic()

    async def listen(self, timeout_s: float) -> Event | None:
        """The caller's next turn (speech or key), or None after ``timeout_s`` of nothing.

        A turn also ends when packets stop (phones with silence suppression send nothing
        while the caller is quiet, so the VAD would never see the silence)."""
        deadline = time.monotonic() + timeout_s
        while True:
            now = time.monotonic()
            if self.segmenter.speaking:
                if now - self._last_frame > self.settings.phone_end_silence_ms / 1000:
                    return self._force_end()
                wait = 0.1
            elif now >= deadline:
                return None
            else:
                wait = min(0.25, deadline - now)
            try:
                event = await asyncio.wait_for(self.events.get(), wait)
            except TimeoutError:
                continue
            if event.kind == "start":
                deadline = time.monotonic() + self.settings.phone_max_utterance_s + 2
                continue
            return event

    def _force_end(self) -> Event:
        self.segmenter.speaking = False
        return Event("speech", audio=self.segmenter.take(), at=self._last_frame)

    async def _work(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.svc.work_pool, lambda: fn(*args, **kwargs))

    async def _with_filler(self, job: Awaitable[T]) -> T:
        """Await ``job``; if it takes long, tell the caller so the line is never dead."""
        task = asyncio.ensure_future(job)
        done, _ = await asyncio.wait({task}, timeout=self.settings.phone_filler_s)
        if not done and not self.hung_up:
            self.record.add("bia", P.ONE_MOMENT)
            self._filler_playing = True
            self.leg.play(await self._work(self.svc.voice.render, [P.ONE_MOMENT]))
        return await task

    async def transcribe(self, audio: np.ndarray) -> str:
        loop = asyncio.get_running_loop()
        self.svc.asr_pending += 1
        self._asr_own += 1
        try:
            result = await loop.run_in_executor(
                self.svc.asr_pool, lambda: self.svc.asr.transcribe(audio, prompt=self.svc.prompt))
        except Exception:  # noqa: BLE001 - a recogniser outage must not drop the call
            log.exception("reconnaissance vocale en échec", extra={"call_id": self.leg.call_id})
            self.record.asr_errors += 1
            return ""
        finally:
            self.svc.asr_pending -= 1
            self._asr_own -= 1
        self.record.asr_ms.append(round(result.elapsed_s * 1000))
        return result.text

    # ---- the call ---------------------------------------------------------------------------
    async def run(self) -> None:
        try:
            await self._converse()
        finally:
            if self.hung_up:  # what was said just before hanging up still counts
                await self._drain_speech()
            if not self.hung_up:
                await self.leg.hangup()
            self.record.duration_s = round(time.monotonic() - self.started, 1)
            self.record.audio = self.leg.rtp.recording()
            self.record.rtp = {"in": self.leg.rtp.packets_in, "out": self.leg.rtp.packets_out}
            await self._work(finalize_call, self.svc.ctx, self.svc.loaded(), self.svc.settings,
                             self.conversation_id, self.record)

    async def _drain_speech(self) -> None:
        pending = [e.audio for e in self._pending_events() if e.kind == "speech"]
        if self.segmenter.speaking:
            pending.append(self.segmenter.take())
        for audio in pending:
            if audio is not None and audio.size > RATE // 2:
                text = await self.transcribe(audio)
                self.record.add("caller", text or "[inaudible]")
                if text:
                    await self._ask_assistant(text)

    def _pending_events(self) -> list[Event]:
        events = []
        while not self.events.empty():
            events.append(self.events.get_nowait())
        return events

    async def _converse(self) -> None:
        loaded = self.svc.loaded()
        turn = await self._work(assistant.start, self.svc.ctx, loaded, channel="phone",
                                at=self.now())
        self.conversation_id, self.state = turn.conversation_id, turn.state
        self.last_reply = P.greeting_for_phone(turn.reply)
        first, _, rest = self.last_reply.partition(". ")
        await self.say([Part(P.for_voice(first) + ".", pause_ms=200), rest],
                       protect_s=self.svc.greeting_protect_s(first), log_text=self.last_reply)
        silences = 0
        while not self.hung_up:
            if time.monotonic() - self.started > self.settings.phone_max_call_s:
                await self.say([P.TOO_LONG])
                return
            event = await self.listen(self.settings.phone_no_input_s)
            if event is None:
                silences += 1
                if silences > self.settings.phone_max_no_input:
                    await self.voicemail()
                    return
                await self.say([P.STILL_THERE, P.last_question(self.last_reply)])
                continue
            if event.kind == "hangup":
                return
            silences = 0
            if event.kind == "digit":
                self.record.dtmf.append(event.digit)
                self.record.add("caller", f"[touche {event.digit}]")
                if await self.on_key(event.digit):
                    return
                continue
            assert event.audio is not None
            self._speech_end, self._answered_turn = event.at, False
            # "held": the turn waited for BIA to finish speaking (the greeting's protected
            # first sentence, « je ne suis pas le 17 », cannot be interrupted)
            self._marks = {"end_of_speech": event.detected, "held": time.monotonic()}
            text = await self._with_filler(event.early or self.transcribe(event.audio))
            self._mark("asr")
            self.record.add("caller", text or "[inaudible]")
            if not text:
                await self.say([P.NOT_HEARD])
                continue
            if await self.on_text(text):
                return

    async def on_key(self, digit: str) -> bool:
        """Keypad: 0 a person, 1 yes, 2 no, * repeat. True when the call is over."""
        if digit == "0":
            return await self.operator()
        if digit == "*":
            await self.say([self.last_reply])
            return False
        if digit in DIGIT_TEXT:
            self._speech_end, self._answered_turn = time.monotonic(), False
            self._marks = {}
            return await self.on_text(DIGIT_TEXT[digit])
        await self.say([P.KEYS_HELP])
        return False

    async def on_text(self, text: str) -> bool:
        """One caller sentence. True when the call is over."""
        if self.transfer_offered:
            self.transfer_offered = False
            if P.is_yes(text):
                return await self.transfer_emergency()
            if P.is_no(text) and len(text.split()) <= 3:
                await self.say([P.NO_TRANSFER, P.last_question(self.last_reply)])
                return False
        if P.wants_operator(text) and self.settings.sip_operator_uri:
            return await self.operator(text)
        return await self.respond(text)

    async def _ask_assistant(self, text: str) -> assistant.TurnResult | None:
        if self.conversation_id is None:
            return None
        turn = await self._work(assistant.message, self.svc.ctx, self.svc.loaded(),
                                conversation_id=self.conversation_id, text=text, at=self.now())
        self.state = turn.state
        return turn

    async def respond(self, text: str) -> bool:
        was_emergency = bool(self.state.get("emergency"))
        turn = await self._with_filler(self._ask_assistant(text))
        self._mark("dialogue")
        if turn is None:
            return True
        self.last_reply = turn.reply
        state = turn.state
        reply = turn.reply
        parts: list[Part | str] = []
        said = reply
        if state.get("emergency") and not was_emergency:
            # the number first, then the transfer offer; the confirmation (tracking code)
            # waits for the end of the call: an emergency caller has other things to do
            number = state.get("emergency_number") or "17"
            self.record.emergency_number = number
            first, _, self.deferred = reply.partition("\n\n")
            head, rest = P.first_sentence(first)
            parts.append(head)
            if self.svc.transfer_target(number):
                parts.append(P.offer_transfer(number))
                self.transfer_offered = True
            parts.append(rest)
            said = " ".join(p for p in parts if isinstance(p, str))
        else:
            parts += P.speech_parts(reply)
        finished = bool(state.get("done")) and not self.transfer_offered and (
            not state.get("emergency") or bool(state.get("location")) or P.is_goodbye(text))
        if finished:
            if self.deferred:
                parts += P.speech_parts(self.deferred)
                said += "\n\n" + self.deferred
                self.deferred = ""
            parts.append(P.GOODBYE)
            said += " " + P.GOODBYE
        await self.say(parts, log_text=said)
        return finished

    def now(self) -> datetime:
        return self.svc.clock() or utcnow()
