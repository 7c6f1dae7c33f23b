"""`township serve`'s arrival watcher: file events in the inbox → an `ingest-returns` run in serve's own
process, so a receipt comes seconds after a clerk's file is saved. Polling by the cron stays the fallback
where events do not arrive (network shares).

watchdog, not watchfiles: watchfiles' notify layer drops inotify's access events, close-after-write among
them, and a close is what says a file is complete (a modification only says it is being written).
"""
from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileClosedEvent, FileMovedEvent, FileSystemEventHandler

from tasks.intake.arrivals import Pending, closed_as, is_arrival

log = logging.getLogger("township.watch")

BUNCH_S = 0.3   # closes this close together go to one run (a clerk copying a month's files at once)
TICK_S = 0.1    # how often the watcher looks at what it was told


class ArrivalWatcher(threading.Thread):
    """Closed files go to a run at once (`runs.request`), with what they were when closed; other changes
    wait for the settle time (`Pending`)."""

    def __init__(self, inbox: Path, settle_seconds: float, runs: IngestRuns) -> None:
        super().__init__(name="township-arrivals", daemon=True)
        self.inbox = inbox
        self.pending = Pending(settle_seconds)
        self.runs = runs
        self.stopping = threading.Event()
        self._mutex = threading.Lock()
        self._closed: dict[str, None] = {}   # paths closed after writing, in order, not yet handed over
        self._last_close = 0.0

    # Called from watchdog's thread.
    def saw(self, path: str, *, closed: bool) -> None:
        if not is_arrival(Path(path), self.inbox, deleted=False):
            return
        now = time.monotonic()
        with self._mutex:
            if closed:
                self._closed[path] = None
                self._last_close = now
            else:
                self.pending.arrived(now, path)

    def run(self) -> None:
        self.inbox.mkdir(parents=True, exist_ok=True)
        observer = _observer()
        observer.schedule(_Events(self), str(self.inbox), recursive=True)
        observer.start()
        try:
            while not self.stopping.wait(TICK_S):
                self._tick(time.monotonic())
        finally:
            observer.stop()
            observer.join(timeout=5)

    def _tick(self, now: float) -> None:
        with self._mutex:
            closed: list[str] = []
            if self._closed and now - self._last_close >= BUNCH_S:
                closed, self._closed = list(self._closed), {}
                for path in closed:
                    self.pending.closed(path)   # taken on its close: no settle-time run for it
            due = self.pending.take(now)
        # Looked at after the bunch, not at the event: a copy that sets the mtime after closing is seen whole.
        seen = [c for c in (closed_as(Path(p), self.inbox) for p in closed) if c is not None]
        if seen or due:
            self.runs.request(seen)

    def stop(self) -> None:
        self.stopping.set()


def _observer():
    """inotify with unmatched moves reported as moves (a file renamed in from outside the inbox is whole,
    unlike a created one); elsewhere the platform's observer, whose changes wait for the settle time."""
    if sys.platform.startswith("linux"):
        from watchdog.observers.inotify import InotifyObserver

        return InotifyObserver(generate_full_events=True)
    from watchdog.observers import Observer

    return Observer()


class _Events(FileSystemEventHandler):
    """watchdog's thread: each event said to the watcher as a close (whole) or a change (settling)."""

    def __init__(self, watcher: ArrivalWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event) -> None:
        if event.is_directory or event.event_type in ("deleted", "opened", "closed_no_write"):
            return
        if isinstance(event, FileMovedEvent):   # saved by rename (Office, WPS) or moved in: whole
            if event.dest_path:
                self.watcher.saw(os.fsdecode(event.dest_path), closed=True)
            return
        self.watcher.saw(os.fsdecode(event.src_path), closed=isinstance(event, FileClosedEvent))


class IngestRuns(threading.Thread):
    """One `ingest-returns` run at a time, in serve's own process: no runner poll (5 s) and no new process
    importing Prefect (seconds) before a receipt. A request while a run goes leads to one more run after
    it, with every file closed meanwhile; the unit locks keep it apart from the cron's runs."""

    def __init__(self, run: Callable[[list[dict]], None]) -> None:
        super().__init__(name="township-ingest-runs", daemon=True)
        self.run_one = run
        self.stopping = threading.Event()
        self._wanted = threading.Event()
        self._mutex = threading.Lock()
        self._closed: list[dict] = []

    def request(self, closed: list[dict]) -> None:
        with self._mutex:
            self._closed.extend(closed)
            self._wanted.set()

    def run(self) -> None:
        while not self.stopping.is_set():
            if not self._wanted.wait(0.5):
                continue
            with self._mutex:
                closed, self._closed = self._closed, []
                self._wanted.clear()
            if self.stopping.is_set():
                return
            try:
                self.run_one(closed)
            except Exception:  # noqa: BLE001 - the watcher outlives one failed run; the flow logged why
                log.exception("入库运行失败")

    def stop(self, timeout: float) -> None:
        """Let a run going on finish (its files are stored, or wait for the next run), then send what the
        runs logged to the server while it is still up: at exit Prefect would wait for a server gone."""
        self.stopping.set()
        self._wanted.set()
        self.join(timeout)
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        for worker in (APILogWorker, EventsWorker):
            worker.drain_all(timeout=5)


def in_process_run(home: str, lock_wait_seconds: float) -> Callable[[list[dict]], None]:
    """The flow called here, recorded on serve's Prefect server like any run (PREFECT_API_URL is set)."""
    def run(closed: list[dict]) -> None:
        from flows.ingest_returns import run_ingest

        run_ingest(home=home, lock_wait_seconds=lock_wait_seconds, closed=closed or None)
    return run


def deployment_trigger(_home: str, lock_wait_seconds: float) -> Callable[[list[dict]], None]:
    """Start the `ingest-returns` deployment: the runner picks it up at its next poll, in a new process
    (its home is serve's: no run names one). Kept to measure against (flows/bench/receipt.py): serve runs
    in process."""
    def trigger(closed: list[dict]) -> None:
        from prefect.deployments import run_deployment

        run_deployment("ingest-returns/ingest-returns", timeout=0,
                       parameters={"lock_wait_seconds": lock_wait_seconds, "closed": closed or None})
    return trigger
