"""The sequences' steps as Prefect task runs (flows/sequences/steps.py says what a step is): each call a
task run of its name, retried by Prefect at the given delays, its arguments passed as values (`quote`:
Prefect would otherwise walk a batch's thousand files looking for futures); reports as artifacts."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect import task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.utilities.annotations import quote

from tasks.errors import TransientError, is_transient


class PrefectSteps:
    def __init__(self) -> None:
        ctx = FlowRunContext.get()
        run = ctx.flow_run if ctx else None
        self.run_id = str(run.id) if run else None
        self.deployed = bool(run and run.deployment_id)

    def call(self, name: str, fn: Callable[..., Any], *args: Any, delays: list[int] | None = None,
             again: Callable[[Any], str] | None = None,
             retry_on: Callable[[BaseException], bool] = is_transient) -> Any:
        waits = list(delays or [])

        def step(*values: Any) -> Any:
            from prefect.runtime import task_run

            result = fn(*values)
            why = again(result) if again is not None else ""
            if why and task_run.run_count <= len(waits):  # tried again by Prefect; the last result stands
                raise TransientError(why)
            return result

        def should_retry(_task, _run, state) -> bool:
            try:
                state.result()
            except Exception as exc:  # noqa: BLE001
                return isinstance(exc, TransientError) or retry_on(exc)
            return False

        step.__name__ = step.__qualname__ = fn.__name__
        runner = task(step, name=name, cache_policy=NO_CACHE, retries=len(waits), retry_delay_seconds=waits or 0,
                      retry_condition_fn=should_retry)
        return runner(*[quote(v) for v in args])

    async def publish(self, key: str | None, description: str, markdown: str,
                      rows: list[dict] | None = None) -> None:
        if rows is not None:
            await acreate_table_artifact(rows, key=key, description=description)
        await acreate_markdown_artifact(markdown, key=f"{key}-text" if key and rows is not None else key,
                                        description=description)

    def say(self, text: str) -> None:
        print(text)  # the flow's log_prints: into the run's log on the server

    def tell(self, text: str) -> None:
        print(text)
