"""A background outbox worker for one process (``bia serve`` starts one; ``bia outbox run``
runs it alone). Several can run at once: PostgreSQL hands each row to one of them."""

from __future__ import annotations

import logging
import threading

from bia.context import Context
from bia.intake.outbox import process_due

log = logging.getLogger("bia.outbox")


class OutboxWorker:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> dict[str, int]:
        return process_due(self.ctx.sessions, self.ctx.settings)

    def _loop(self) -> None:
        interval = self.ctx.settings.outbox_interval_s
        while not self._stop.wait(interval):
            try:
                counts = self.run_once()
                if any(counts.values()):
                    log.info("outbox pass: %s", counts)
            except Exception:  # noqa: BLE001 - the worker must survive a bad pass
                log.exception("outbox pass failed")

    def start(self) -> None:
        if self.ctx.settings.outbox_interval_s <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._loop, name="bia-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
