"""`township serve`'s arrival watcher: file events in the inbox → an `ingest-returns` run through the
server, so a receipt comes within a minute of a file settling. Polling by the cron stays the fallback
where events do not arrive (network shares)."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tasks.intake.arrivals import Pending, is_arrival

log = logging.getLogger("township.watch")


class ArrivalWatcher(threading.Thread):
    def __init__(self, inbox: Path, settle_seconds: float, trigger: Callable[[], None]) -> None:
        super().__init__(name="township-arrivals", daemon=True)
        self.inbox = inbox
        self.pending = Pending(settle_seconds)
        self.trigger = trigger
        self.stopping = threading.Event()

    def run(self) -> None:
        from watchfiles import Change, watch

        self.inbox.mkdir(parents=True, exist_ok=True)
        # Wakes every second even without events, so a pending run starts on time.
        for changes in watch(self.inbox, stop_event=self.stopping, rust_timeout=1000, yield_on_timeout=True,
                             debounce=500, raise_interrupt=False):
            now = time.monotonic()
            if any(is_arrival(Path(p), self.inbox, change == Change.deleted) for change, p in changes):
                self.pending.arrived(now)
            if self.pending.take(now):
                try:
                    self.trigger()
                except Exception:
                    log.exception("无法启动入库运行")

    def stop(self) -> None:
        self.stopping.set()


def deployment_trigger(home: str, lock_wait_seconds: float) -> Callable[[], None]:
    """Start the `ingest-returns` deployment now; it may wait for a running ingest to finish."""
    def trigger() -> None:
        from prefect.deployments import run_deployment

        run_deployment("ingest-returns/ingest-returns", timeout=0,
                       parameters={"home": home, "lock_wait_seconds": lock_wait_seconds})
    return trigger
