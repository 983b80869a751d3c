"""The phone service: shared models, the SIP listener, and how it runs beside the web app.

Models are loaded once at start (Whisper takes seconds) so that the first caller is answered
at once. Recognition runs on one dedicated thread (two decodes at once on two cores are slower
than in a row); the database and synthesis on a small pool; SIP and RTP stay on the event
loop, so audio keeps its 20 ms pace while a turn is being understood.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import numpy as np

from bia.channels.phone.records import purge_audio
from bia.channels.phone.server import SipServer
from bia.channels.phone.settings import PhoneSettings
from bia.channels.speech.asr import Recognizer, get_asr, vocabulary_prompt
from bia.channels.speech.audio import RATE
from bia.channels.speech.tts import Voice, get_tts
from bia.context import Context, LoadedPack

log = logging.getLogger("bia.phone")


class PhoneService:
    def __init__(self, ctx: Context, settings: PhoneSettings, *,
                 asr: Recognizer | None = None,
                 clock: Callable[[], datetime | None] = lambda: None) -> None:
        self.ctx, self.settings, self.clock = ctx, settings, clock
        self.asr: Recognizer = asr or get_asr(settings)
        self.voice = Voice(get_tts(settings))
        self.asr_pool = ThreadPoolExecutor(1, thread_name_prefix="bia-asr")
        self.work_pool = ThreadPoolExecutor(8, thread_name_prefix="bia-phone")
        loaded = self.loaded()
        streets = sorted(loaded.pack.streets, key=lambda s: -float(s.get("length_m") or 0))
        self.prompt = vocabulary_prompt(loaded.pack.commune.name,
                                        [str(s["name"]) for s in streets],
                                        [str(lm["name"]) for lm in loaded.pack.landmarks[:12]])
        t = np.arange(int(RATE * 0.4)) / RATE
        self.beep = (np.sin(2 * np.pi * 1000 * t) * 8000).astype(np.int16)
        self.server: SipServer | None = None
        self.asr_pending = 0  # transcriptions queued or running (event loop thread only)

    def asr_idle(self, own: int = 0) -> bool:
        """Whether an early, possibly wasted, transcription would delay no other caller
        (``own``: transcriptions of the asking call itself still queued or running)."""
        return self.asr_pending <= own

    def loaded(self) -> LoadedPack:
        return self.ctx.pack()

    def greeting_protect_s(self, first_sentence: str) -> float:
        """Seconds of greeting the caller cannot cut: the "automated, not the 17" sentence."""
        return min(8.0, 0.4 + len(first_sentence.split()) / (self.settings.tts_rate / 60))

    def transfer_target(self, number: str) -> str | None:
        uri = self.settings.sip_transfer_uri
        return uri.replace("{number}", number) if uri else None

    def desk_on_duty(self, at: datetime) -> bool:
        decision = self.loaded().router.route(category="autre", zone=None, at=at,
                                              emergency=False, emergency_number=None,
                                              extra_numbers=[])
        return bool(decision.on_duty)

    def warm(self) -> None:
        """Synthesise the fixed prompts once, so that no caller waits for them."""
        from bia.channels.phone import prompts as P

        for text in (P.NOT_HEARD, P.STILL_THERE, P.ONE_MOMENT, P.GOODBYE, P.VOICEMAIL):
            self.voice.render([text])

    async def serve(self, host: str, port: int) -> SipServer:
        from bia.channels.phone.call import VoiceCall

        public = self.settings.sip_public_host or (host if host not in ("0.0.0.0", "") else
                                                   "127.0.0.1")
        self.server = SipServer(lambda leg: VoiceCall(leg, self), public_host=public,
                                rtp_host=host, rtp_ports=(self.settings.rtp_port_min,
                                                          self.settings.rtp_port_max),
                                max_calls=self.settings.sip_max_calls,
                                record=self.settings.audio_retention_days > 0)
        await self.server.start(host, port)
        log.info("SIP à l'écoute", extra={"host": host, "port": self.server.port})
        return self.server

    async def housekeeping(self) -> None:
        while True:
            removed = await asyncio.get_running_loop().run_in_executor(
                self.work_pool, purge_audio, self.settings.audio_dir,
                self.settings.audio_retention_days)
            if removed:
                log.info("enregistrements purgés", extra={"count": removed})
            await asyncio.sleep(3600)

    def close(self) -> None:
        self.asr_pool.shutdown(wait=False, cancel_futures=True)
        self.work_pool.shutdown(wait=False, cancel_futures=True)


class PhoneThread:
    """The SIP listener on its own event loop thread (beside uvicorn in `bia serve`)."""

    def __init__(self, service: PhoneService, host: str, port: int) -> None:
        self.service, self.host, self.port = service, host, port
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="bia-sip", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            server = self.loop.run_until_complete(self.service.serve(self.host, self.port))
            self.port = server.port
            self.loop.create_task(self.service.housekeeping())
        except BaseException as exc:  # noqa: BLE001 - reported to the starter
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()

    def start(self, timeout_s: float = 30.0) -> PhoneThread:
        self.thread.start()
        if not self.ready.wait(timeout_s) or self.error is not None:
            raise RuntimeError(f"écoute SIP impossible sur {self.host}:{self.port}: {self.error}")
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            server = self.service.server
            if server is not None and server.transport is not None:
                server.transport.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.loop.stop()

        if self.loop.is_running():
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop)
        self.thread.join(timeout=10)
        self.service.close()


def start_phone(ctx: Context, settings: PhoneSettings | None = None) -> PhoneThread | None:
    """Start the SIP listener when BIA_SIP_LISTEN is set (None otherwise): for `bia serve`."""
    settings = settings or PhoneSettings()
    address = settings.listen_address()
    if address is None:
        return None
    service = PhoneService(ctx, settings)
    service.warm()
    return PhoneThread(service, *address).start()
