"""`township serve` (one office PC) and `township deploy` (several machines): the edge that starts
processes, reads the environment and handles signals; the flows themselves know nothing of it."""
from __future__ import annotations

import os
import signal

from rich.console import Console

from flows.server import (
    api_url,
    forget_server,
    is_reachable,
    record_server,
    start_server,
    stop_process,
    ui_url,
)
from tasks.home import Home

WATCH_LOCK_WAIT = 300.0  # an arrival's run waits this long for a running ingest rather than skip


def serve_home(home: Home, host: str, port: int, console: Console) -> None:
    """Start (or reuse) a Prefect server, serve the three deployments and watch the inbox until stopped."""
    signal.signal(signal.SIGTERM, _interrupt)  # until the runner installs its own graceful handler
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started where SIGINT is ignored
    server = None
    watcher = None
    try:
        api = os.environ.get("PREFECT_API_URL")
        if api and is_reachable(api):
            console.print(f"使用已运行的 Prefect 服务：{api}")
        else:
            if api:
                console.print(f"[yellow]PREFECT_API_URL={api} 无法访问，改为启动本实例自己的 Prefect 服务[/yellow]")
            with console.status("启动 Prefect 服务（数据库在实例目录 .prefect/ 下）…"):
                server = start_server(home.root, host, port)
            api = api_url(host, port)
            os.environ["PREFECT_API_URL"] = api  # before prefect is imported: this process and its flow runs
        os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "5")
        from prefect import serve

        from flows.deployments import home_deployments
        from flows.watch import ArrivalWatcher, deployment_trigger

        deployments = home_deployments(home.root, home.settings)
        record_server(home.root, api)
        watcher = ArrivalWatcher(home.inbox, home.settings.settle_seconds,
                                 deployment_trigger(str(home.root), WATCH_LOCK_WAIT))
        watcher.start()
        tz = home.settings.schedules.timezone
        for d in deployments:
            console.print(f"  {d.flow_name}/{d.name}  " + "、".join(s.schedule.cron for s in d.schedules)
                          + f"（{tz}）")
        console.print(f"Prefect 界面：{ui_url(api)}  （按 Ctrl-C 停止）", soft_wrap=True)
        serve(*deployments, print_starting_message=False)  # returns on Ctrl-C / SIGTERM
    except KeyboardInterrupt:
        pass  # stopped while starting: clean up as after a normal stop
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not leave the server behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if watcher:
            watcher.stop()
            watcher.join(timeout=5)
        forget_server(home.root)
        if server is not None:
            stop_process(server)
        console.print("已停止。")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def deploy_home(home: Home, pool: str, console: Console) -> list[str]:
    """Create the process work pool if needed, bring the database to the current schema once (so workers
    never race to migrate it) and register the deployments to the pool. Returns their names."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectNotFound
    from prefect.workers.process import ProcessWorker

    from flows.deployments import home_deployments
    from tasks.ledger.migrate import open_ledger

    with open_ledger(home.database_url, home.archive):
        pass  # at the current schema
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(
                name=pool, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))
            console.print(f"已创建工作池 {pool}（process）")
    names = []
    for d in home_deployments(home.root, home.settings, pool=pool):
        d.apply(work_pool_name=pool)
        names.append(f"{d.flow_name}/{d.name}")
    return names

