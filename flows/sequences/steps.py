"""How a sequence's steps are run: the interface both runners give, and the plain one.

A step is a plain function of tasks/. `call` runs it, trying again after a fault of ours (is_transient)
at the delays the home's `fault_wait_s` allows, and — with `again` — while its result says something was
kept back for a fault of ours; after the last try, the last result stands. `publish` keeps the run's
report where an operator finds it: a Prefect artifact, or without a server the home's runs/ folder
(tasks/summaries/run_record.py) when the plain steps know the home."""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from tasks.errors import is_transient


def retry_delays(total_s: float) -> list[int]:
    """A fault of ours (a locked or lost database, a full disk) is waited out in growing steps for at most
    `total_s` (township.toml `fault_wait_s`); then the run stops with a Chinese message and the files
    wait in the inbox for the next run."""
    delays: list[int] = []
    step = 2
    while sum(delays) + step <= total_s:
        delays.append(step)
        step = min(2 * step, 30)
    return delays


class Steps(Protocol):
    run_id: str | None   # the Prefect flow run's id; None without a server
    deployed: bool       # a run a deployment started (only such a run can wait, suspended, for a review)

    def call(self, name: str, fn: Callable[..., Any], *args: Any, delays: list[int] | None = None,
             again: Callable[[Any], str] | None = None,
             retry_on: Callable[[BaseException], bool] = is_transient) -> Any: ...

    async def publish(self, key: str | None, description: str, markdown: str,
                      rows: list[dict] | None = None) -> None: ...

    def say(self, text: str) -> None:
        """A line for the run's log (a command prints its own answer)."""

    def tell(self, text: str) -> None:
        """A line the operator must see wherever the run goes (a late correction of a signed year)."""


class PlainSteps:
    """Steps as plain calls in this process (tenacity for the waits); the report kept in `home`/runs/."""
    run_id = None
    deployed = False

    def __init__(self, home: Path | None = None) -> None:
        self.home = home  # None: keep no record (a test's bare sequence)
        self.recorded: Path | None = None  # the last record written

    def call(self, name: str, fn: Callable[..., Any], *args: Any, delays: list[int] | None = None,
             again: Callable[[Any], str] | None = None,
             retry_on: Callable[[BaseException], bool] = is_transient) -> Any:
        from tenacity import Retrying, retry_if_exception, retry_if_result, stop_after_attempt, wait_chain, wait_fixed

        waits = list(delays or [])
        retry = retry_if_exception(retry_on)
        if again is not None:
            retry = retry | retry_if_result(lambda result: bool(again(result)))
        # After the last try its outcome stands: a result (files kept back, said in the tally) or the fault.
        return Retrying(stop=stop_after_attempt(len(waits) + 1), retry=retry,
                        wait=wait_chain(*[wait_fixed(w) for w in waits]) if waits else wait_fixed(0),
                        retry_error_callback=lambda state: state.outcome.result())(fn, *args)

    async def publish(self, key: str | None, description: str, markdown: str,
                      rows: list[dict] | None = None) -> None:
        if self.home is None:
            return
        from tasks.summaries.run_record import write_record

        self.recorded = write_record(self.home, key, description, markdown, rows)

    def say(self, text: str) -> None:
        return None  # no log to keep it: the command says what the run did

    def tell(self, text: str) -> None:
        sys.stderr.write(text.rstrip("\n") + "\n")
