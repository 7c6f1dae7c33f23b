"""运行: 入库、汇总、年度草稿 started from the console. Under `township serve` each is a run of the served
deployment, created through Prefect's API so Prefect records it; without a Prefect server the same
sequence runs in a thread of the console (as `township ingest` does without one), and the console
keeps the record. Either way the page lists runs with their states in Chinese."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

KINDS = {"ingest": ("入库", "ingest-returns"), "summary": ("汇总", "period-summary"),
         "draft": ("年度草稿", "annual-report")}
# Prefect's state types and names, as an operator reads them; a run waiting for 审定 is suspended.
PREFECT_STATES = {"SCHEDULED": "已排队", "PENDING": "准备中", "RUNNING": "运行中", "COMPLETED": "已完成",
                  "FAILED": "失败", "CRASHED": "异常中止", "CANCELLED": "已取消", "CANCELLING": "取消中",
                  "PAUSED": "待审定"}
OWN_STATES = {"running": "运行中", "completed": "已完成", "failed": "失败", "skipped": "未运行",
              "handed": "已启动"}
KEEP = 50


@dataclass
class Job:
    id: str
    kind: str
    what: str                      # 入库 / 2024年3月汇总 / 2024年度草稿
    started: str                   # local time, as shown
    state: str = "running"         # running | completed | failed | skipped (OWN_STATES) or Prefect's label
    message: str = ""
    files: list[str] = field(default_factory=list)
    flow_run_id: str | None = None

    @property
    def label(self) -> str:
        return OWN_STATES.get(self.state, self.state)


def prefect_label(state_type: str, state_name: str, flow_name: str) -> str:
    """Suspended (Prefect's name for a run that waits for its input) reads 待审定, never an error."""
    if state_type == "PAUSED" or state_name in ("Suspended", "Paused"):
        return "待审定" if flow_name == "annual-report" else "暂停"
    if state_name in ("已定稿", "已退回", "模板不可用"):
        return state_name
    if state_name == "Late":
        return "已排队"
    return PREFECT_STATES.get(state_type, state_name)


class Journal:
    """The console's own record of the runs it started (kept in <home>/.console/runs.json)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        try:
            self.jobs = [Job(**j) for j in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            self.jobs = []
        for job in self.jobs:   # a thread of an earlier console process: it ended with that process
            if job.state == "running":
                job.state, job.message = "failed", "工作台重新启动，这次运行被中断；请再运行一次。"

    def add(self, job: Job) -> None:
        with self.lock:
            self.jobs.insert(0, job)
            del self.jobs[KEEP:]
            self._save()

    def update(self, job: Job, **values) -> None:
        with self.lock:
            for k, v in values.items():
                setattr(job, k, v)
            self._save()

    def running(self) -> bool:
        return any(j.state == "running" for j in self.jobs)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(j) for j in self.jobs], ensure_ascii=False), encoding="utf-8")
        tmp.replace(self.path)


def new_job(kind: str, what: str, now: dt.datetime) -> Job:
    return Job(uuid.uuid4().hex[:12], kind, what, now.strftime("%Y-%m-%d %H:%M:%S"))


def run_plain(root: Path, kind: str, params: dict) -> tuple[str, str, list[str]]:
    """The sequence itself, as `township ingest/summary/report` run it without a Prefect server.
    Returns (state, message, files)."""
    from flows.sequences.steps import PlainSteps
    from tasks.home import open_home

    home = open_home(root)
    if kind == "ingest":
        from flows.sequences.ingest import ingest_sequence

        run = asyncio.run(ingest_sequence(PlainSteps(), str(root), None))
        if run.skipped:
            return "skipped", run.skipped, []
        if run.stopped or (run.summary and run.summary.left):
            return "failed", run.stopped or run.summary.line(), []
        return "completed", run.summary.line(), []
    if kind == "summary":
        from flows.sequences.summary import summary_sequence

        files = summary_sequence(PlainSteps(), str(root), params["period"], deliver=False)
        return "completed", files.text, [str(files.workbook), str(files.notice)]
    from flows.cli.recording import _annual_plain
    from flows.sequences.annual import Signed

    drafted = asyncio.run(_annual_plain(home, year=params["year"], out=None, template=None, reopen=None))
    if isinstance(drafted, Signed):
        return "skipped", drafted.message, []
    return "completed", f"{params['year']}年度报告草稿已生成，请到“审定”页审阅。", [str(drafted)]


def start_plain(journal: Journal, root: Path, job: Job, params: dict) -> threading.Thread:
    def work() -> None:
        try:
            state, message, files = run_plain(root, job.kind, params)
        except Exception as exc:  # noqa: BLE001 — the operator reads why in the page, the console goes on
            state, message, files = "failed", f"运行出错：{exc}", []
        journal.update(job, state=state, message=message, files=files)

    thread = threading.Thread(target=work, name=f"console-{job.kind}", daemon=True)
    thread.start()
    return thread


REGISTERED_WAIT_S = 60.0   # serve registers its deployments just after it starts: a click may come first


def start_deployment(kind: str, params: dict, wait_s: float = REGISTERED_WAIT_S) -> str:
    """A run of the served deployment, created through Prefect's API (not waited for); its id."""
    import time

    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    flow_name = KINDS[kind][1]
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return str(run_deployment(f"{flow_name}/{flow_name}", parameters=params, timeout=0).id)
        except ObjectNotFound:
            if time.monotonic() > deadline:
                raise
            time.sleep(1.0)


def not_started(exc: Exception) -> str:
    """Why a run could not be handed to Prefect, for an operator (the detail is in serve's log)."""
    if type(exc).__name__ == "ObjectNotFound":
        return "未能启动：后台服务可能还在启动中，请稍后再试。"
    return "未能启动：后台服务暂时无法连接，请稍后再试；仍不行请联系管理这台电脑的同事。"


def recent_prefect_runs(tz: str, limit: int = 20) -> list[dict]:
    """The served deployments' runs that have started (not the schedule's future ones), newest first, in
    the township's time; a state's message only when it is ours (Chinese), never Prefect's English."""
    import re
    from zoneinfo import ZoneInfo

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    begun = [t for t in StateType if t not in (StateType.SCHEDULED,)]
    only = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=begun)))
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(flow_run_filter=only, limit=limit, sort=FlowRunSort.START_TIME_DESC)
        names = {f.id: f.name for f in client.read_flows(limit=50)}
    zone = ZoneInfo(tz)
    out = []
    for r in runs:
        flow_name = names.get(r.flow_id, "")
        kind = next((k for k, (_, f) in KINDS.items() if f == flow_name), None)
        state = r.state
        when = r.start_time or r.expected_start_time or r.created
        message = (state.message or "") if state else ""
        out.append({"what": KINDS[kind][0] if kind else flow_name, "id": str(r.id),
                    "started": when.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") if when else "",
                    "label": prefect_label(state.type.value if state else "", state.name if state else "", flow_name),
                    "message": message if re.search(r"[\u4e00-\u9fff]", message) else ""})
    return out
