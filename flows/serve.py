"""`township serve` (one office PC) and `township deploy` (several machines): the edge that starts
processes, reads the environment and handles signals; the flows themselves know nothing of it."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

from rich.console import Console

from flows.server import (
    ServerError,
    api_url,
    claim_home,
    forget_server,
    is_reachable,
    record_server,
    start_server,
    stop_process,
    ui_url,
)
from flows.server_auth import (
    ExposureError,
    auth_path,
    check_external,
    home_auth_string,
    is_loopback,
    public_api_url,
    use_auth,
)
from tasks.home import Home

WATCH_LOCK_WAIT = 300.0  # an arrival's run waits this long for a running ingest rather than skip
KEEPER_EVERY_S = 2.0     # how often serve looks whether its Prefect server still runs


def serve_home(home: Home, host: str, port: int, console: Console, public_url: str | None = None) -> None:
    """Start (or reuse) a Prefect server, serve the three deployments and watch the inbox until stopped.
    One serve per home (ServerError names the one running); a server it started is restarted if it dies.
    Its API answers only to the home's auth string (flows/server_auth.py); ExposureError: it would not."""
    claim = claim_home(home.root)
    signal.signal(signal.SIGTERM, _interrupt)  # until the runner installs its own graceful handler
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started where SIGINT is ignored
    server = None
    watcher = runs = None
    try:
        api = os.environ.get("PREFECT_API_URL")
        if api and is_reachable(api):
            refused = check_external(api, host)
            if refused:
                raise ExposureError(refused)
            console.print(f"使用已运行的 Prefect 服务：{api}")
            public = api
        else:
            if api:
                console.print(f"[yellow]PREFECT_API_URL={api} 无法访问，改为启动本实例自己的 Prefect 服务[/yellow]")
            public = public_api_url(host, port, public_url) if public_url or not is_loopback(host) else None
            auth = home_auth_string(home.root)
            with console.status("启动 Prefect 服务（数据库在实例目录 .prefect/ 下）…"):
                server = start_server(home.root, host, port, auth, public)
            api = api_url(host, port)
            os.environ["PREFECT_API_URL"] = api  # before prefect is imported: this process and its flow runs
            use_auth(auth)                       # … and with the auth string, which they inherit too
            public = public or api
        os.environ.setdefault("PREFECT_RUNNER_POLL_FREQUENCY", "5")
        from flows.deployed import HOME_VAR
        from flows.deployments import home_deployments
        from flows.watch import ArrivalWatcher, IngestRuns, deployment_trigger, in_process_run

        os.environ[HOME_VAR] = str(home.root)   # the deployed flows' home: serve's, never a run's parameter

        deployments = home_deployments(home.root, home.settings)
        if server is not None:
            server = ServerKeeper(home.root, host, port, server, console, public)
            server.start()
        record_server(home.root, api, server.proc.pid if server else None)
        # In process by default (a receipt in seconds); through the deployment only to measure against.
        how = deployment_trigger if os.environ.get("TOWNSHIP_WATCH_RUNS") == "deployment" else in_process_run
        runs = IngestRuns(how(str(home.root), WATCH_LOCK_WAIT))
        runs.start()
        from tasks.intake.registry_sync import folders_message, new_unit_folders  # units added to units.yaml

        if made := folders_message(home, new_unit_folders(home)):
            console.print(made, soft_wrap=True, markup=False)
        watcher = ArrivalWatcher(home.inbox, home.settings.settle_seconds, runs)
        watcher.start()
        tz = home.settings.schedules.timezone
        for d in deployments:
            console.print(f"  {d.flow_name}/{d.name}  " + "、".join(s.schedule.cron for s in d.schedules)
                          + f"（{tz}）")
        console.print(f"Prefect 界面：{ui_url(public)}  （按 Ctrl-C 停止）", soft_wrap=True)
        if server is not None:
            console.print(f"界面登录时输入认证串：见 {auth_path(home.root)}（只有本机的此用户可读）", soft_wrap=True)
        _serve_through_restarts(deployments, api, server, console)  # returns on Ctrl-C / SIGTERM
    except KeyboardInterrupt:
        pass  # stopped while starting: clean up as after a normal stop
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)   # a second Ctrl-C must not leave the server behind
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if watcher:
            watcher.stop()
            watcher.join(timeout=5)
        if runs:
            runs.stop(timeout=30)   # before the server stops: the runs' records go to it
        forget_server(home.root)
        if isinstance(server, ServerKeeper):
            server.stop()
        elif server is not None:
            stop_process(server)
        claim.release()
        console.print("已停止。")


def _interrupt(*_args) -> None:
    raise KeyboardInterrupt


def _api_gone(exc: BaseException, httpx) -> bool:
    """A connection to the API failed (also inside the exception groups of Prefect's task groups)."""
    if isinstance(exc, BaseExceptionGroup):
        return all(_api_gone(e, httpx) for e in exc.exceptions)
    return isinstance(exc, (httpx.TransportError, ConnectionError))


API_BACK_WAIT_S = 180.0  # how long serve waits for the server it keeps to answer again


def _serve_through_restarts(deployments, api: str, server, console: Console) -> None:
    """Prefect's runner until Ctrl-C / SIGTERM. The runner ends with a connection error when the API is
    gone for a moment (the server serve keeps was killed and is being started again): then it waits for
    the API and serves again (registering deployments is idempotent), rather than let serve, its
    watcher and its schedules end with it."""
    import httpx
    from prefect import serve

    while True:
        try:
            serve(*deployments, print_starting_message=False)
            return
        except Exception as exc:  # noqa: BLE001 — only the API's absence is waited out; the rest is raised
            if not _api_gone(exc, httpx) or not isinstance(server, ServerKeeper) or server.stopping.is_set():
                raise
            console.print(f"[yellow]Prefect 服务暂时无法连接（{type(exc).__name__}），等它恢复后继续…[/yellow]")
            deadline = time.monotonic() + API_BACK_WAIT_S
            while not is_reachable(api, timeout=1.0):
                if time.monotonic() > deadline:
                    raise
                time.sleep(1.0)


class ServerKeeper(threading.Thread):
    """The Prefect server serve started, started again on the same port if it dies: the runner and the
    watcher outlive a short absence of the API, and the UI comes back at its address."""

    def __init__(self, root, host: str, port: int, proc: subprocess.Popen, console: Console, public: str) -> None:
        super().__init__(name="township-server-keeper", daemon=True)
        self.root, self.host, self.port, self.proc, self.console = root, host, port, proc, console
        self.public = public
        self.stopping = threading.Event()
        self._mutex = threading.Lock()

    def run(self) -> None:
        while not self.stopping.wait(KEEPER_EVERY_S):
            if self.proc.poll() is None:
                continue
            self.console.print(f"[yellow]Prefect 服务意外退出（退出码 {self.proc.returncode}），正在重新启动…[/yellow]")
            try:
                with self._mutex:
                    if self.stopping.is_set():
                        return
                    self.proc = start_server(self.root, self.host, self.port, home_auth_string(self.root),
                                             self.public)
            except ServerError as exc:
                self.console.print(f"[red]{exc}；稍后再试[/red]")
                continue
            record_server(self.root, api_url(self.host, self.port), self.proc.pid)
            self.console.print(f"Prefect 服务已重新启动：{ui_url(self.public)}")

    def stop(self) -> None:
        self.stopping.set()
        with self._mutex:  # never leave a server it was starting behind
            stop_process(self.proc)


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

