"""Handing a caller over: to a person (the emergency number or the on-duty desk), or, when
nobody can take the call, to a voicemail transcribed into the report.

A blind transfer (REFER) first: the caller's PBX then calls the number and BIA leaves the call.
When the PBX refuses the REFER or reports that it failed, BIA places the call itself and relays
the audio (:mod:`bia.channels.phone.bridge`); when that fails too, the caller hears the number
slowly, twice, and the report is kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bia.channels.phone import prompts as P
from bia.channels.speech.tts import Part

if TYPE_CHECKING:
    import numpy as np

    from bia.channels.phone.call import Event
    from bia.channels.phone.records import CallRecord
    from bia.channels.phone.server import CallLeg
    from bia.channels.phone.service import PhoneService
    from bia.channels.phone.settings import PhoneSettings
    from bia.channels.speech.vad import Segmenter
    from bia.intake.assistant import TurnResult


class HandOver:
    """The hand-over half of :class:`~bia.channels.phone.call.VoiceCall`."""

    leg: CallLeg
    svc: PhoneService
    settings: PhoneSettings
    record: CallRecord
    hung_up: bool
    _gone: asyncio.Event
    segmenter: Segmenter

    async def say(self, parts: Sequence[Part | str], *, protect_s: float = 0.0,
                  log_text: str | None = None) -> bool:
        raise NotImplementedError

    async def respond(self, text: str) -> bool:
        raise NotImplementedError

    async def listen(self, timeout_s: float) -> Event | None:
        raise NotImplementedError

    async def transcribe(self, audio: np.ndarray) -> str:
        raise NotImplementedError

    async def _ask_assistant(self, text: str) -> TurnResult | None:
        raise NotImplementedError

    def now(self) -> datetime:
        raise NotImplementedError

    async def transfer_emergency(self) -> bool:
        number = self.record.emergency_number or "17"
        target = self.svc.transfer_target(number)
        if target is None:
            return False
        await self.say([P.transferring(number)])
        if await self.connect(target, number):
            mode = (self.record.transfer or {}).get("mode")
            self.record.outcome = "bridged" if mode == "bridge" else "transferred"
            return True
        await self.say(P.dial_yourself(number),
                       log_text=f"Je n'arrive pas à joindre ce numéro. Raccrochez et composez "
                                f"le {number}. Je répète : le {number}.")
        return False

    async def connect(self, target: str, number: str = "") -> bool:
        """Hand the caller to ``target``: a REFER first; when the caller's side refuses it or
        reports a failure, a bridged call placed by BIA. True once someone answered (for a
        bridge: after the bridged conversation is over)."""
        self.record.transfer = {"target": target, "ok": False, "mode": "refer"}
        if await self.leg.transfer(target):
            self.record.transfer["ok"] = True
            return True
        if not self.settings.sip_bridge or self.hung_up:
            return False
        await self.say([P.CALLING_FOR_YOU.format(number=number)] if number
                       else [P.CALLING_DESK])
        bridge, status = await self.leg.bridge(target, trunk=self.settings.trunk_address(),
                                               ring_timeout_s=self.settings.sip_ring_timeout_s)
        self.record.transfer.update(mode="bridge", status=status)
        if bridge is None:
            return False
        self.record.transfer["ok"] = True
        self.record.add("bia", f"[appel relayé vers {target}]")
        try:
            ended_by = await bridge.until_over(self._gone, self.settings.phone_max_call_s)
        finally:
            bridge.close()
        self.record.transfer.update(bridge.stats(), ended_by=ended_by)
        return True

    async def operator(self, text: str = "je veux parler à un agent") -> bool:
        """« Tapez 0 »: the desk when it is on duty, else a callback request in the report."""
        target = self.settings.sip_operator_uri
        if target and self.svc.desk_on_duty(self.now()):
            await self.say([P.TO_DESK])
            if await self.connect(target):
                self.record.transfer = {**(self.record.transfer or {}), "desk": True}
                self.record.outcome = "to_desk"
                return True
            self.record.transfer = {**(self.record.transfer or {}), "desk": True}
            await self.say([P.DESK_FAILED])
        self.record.callback = True
        return await self.respond(text)

    async def voicemail(self) -> None:
        """Several silences: take a message, transcribed into the report."""
        if not await self.say([P.VOICEMAIL]) and self.hung_up:
            return
        self.leg.play(self.svc.beep)
        self.record.outcome = "voicemail"
        self.segmenter.end_silence_ms = 3000
        self.segmenter.max_ms = int(self.settings.phone_voicemail_s * 1000)
        event = await self.listen(8.0)
        if event is None or event.kind != "speech" or event.audio is None:
            if not self.hung_up:
                await self.say([P.NOTHING_HEARD])
            self.record.outcome = "silent"
            return
        text = await self.transcribe(event.audio)
        self.record.add("caller", text or "[inaudible]")
        if text:
            self.record.voicemail = text
            await self._ask_assistant(text)
        if not self.hung_up:
            await self.say([P.MESSAGE_KEPT, P.GOODBYE])
