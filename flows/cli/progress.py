"""Progress of long CLI work, watched from outside the flow: files leaving the inbox as a run takes
them. The flows stay free of any display; this costs one stat per file every half second."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tasks.home import Home

BAR_FROM = 20  # fewer files: a spinner says enough


@contextmanager
def inbox_progress(console: Console, paths: list[Path], label: str) -> Iterator[None]:
    if len(paths) < BAR_FROM or not console.is_terminal:
        with console.status(label):
            yield
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        bar = progress.add_task(label, total=len(paths))
        stop = threading.Event()

        def poll() -> None:
            while not stop.wait(0.5):
                progress.update(bar, completed=sum(not p.exists() for p in paths))

        watcher = threading.Thread(target=poll, daemon=True)
        watcher.start()
        try:
            yield
        finally:
            stop.set()
            watcher.join()


def waiting_files(home: Home, units: list[str] | None) -> list[Path]:
    """The settled files a run would take now."""
    import datetime as dt

    from tasks.intake.take_stock import find_new

    wanted = set(units or ())
    return [d.path for d in find_new(home, dt.datetime.now(dt.UTC)).ready if not wanted or d.unit in wanted]
