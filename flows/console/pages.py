"""The pages that read: 报送进度 (the grid), a submission, 催报, 文件. Reads only; nothing from the browser
is a path (a submission by its ledger id, a file by the id the files page issued)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from flows.console.files import download, find_file, outbox_files, size_label
from flows.console.grid import STATES, year_grid
from flows.console.web import guarded, page, today
from schemas.labels import LEVEL_LABELS, STATUS_LABELS
from tasks.ledger.migrate import open_ledger
from tasks.ledger.tables import findings as findings_t
from tasks.ledger.tables import submissions
from tasks.returns.periods import PeriodSpecError, months_of, previous_month

NOT_FOUND = "没有找到（可能已被删除或地址有误）"


def _year(request: Request, engine) -> int:
    """The year asked for; else the newest year the ledger holds returns of (else this year): in January
    the office still looks at the year just ended."""
    raw = request.query_params.get("year", "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    from sqlalchemy import func

    with engine.connect() as conn:
        newest = conn.execute(select(func.max(submissions.c.period))).scalar()
    return int(newest[:4]) if newest else today(request).year


@guarded()
async def progress(request: Request) -> Response:
    home = request.app.state.home
    with open_ledger(home.database_url, home.archive) as engine:
        grid = year_grid(home, engine, _year(request, engine), today(request))
    return page(request, "progress.html", grid=grid, states=STATES, township=home.registry.township.name)


def _local(moment: dt.datetime | None, request: Request) -> str:
    if moment is None:
        return ""
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(request.app.state.home.settings.schedules.timezone)
    return moment.replace(tzinfo=dt.UTC).astimezone(tz).strftime("%Y-%m-%d %H:%M")


@guarded()
async def submission(request: Request) -> Response:
    home = request.app.state.home
    sid = request.path_params["sid"]
    c = submissions.c
    with open_ledger(home.database_url, home.archive) as engine, engine.connect() as conn:
        sub = conn.execute(select(submissions).where(c.id == sid)).first()
        if sub is None:
            return PlainTextResponse(NOT_FOUND, status_code=404)
        found = conn.execute(select(findings_t).where(findings_t.c.submission_id == sid)
                             .order_by(findings_t.c.seq)).all()
        others = conn.execute(select(c.id, c.version, c.status, c.original_name, c.received_at, c.late)
                              .where(c.unit == sub.unit, c.period == sub.period).order_by(c.id)).all()
    names = {u.code: u.name for u in home.registry.units}
    return page(request, "submission.html", sub=sub, unit_name=names.get(sub.unit, sub.unit),
                status_label=STATUS_LABELS.get(sub.status, sub.status), findings=found, levels=LEVEL_LABELS,
                versions=others, labels=STATUS_LABELS, local=lambda m: _local(m, request),
                has_receipt=_ledger_file(home, sub.receipt_path) is not None,
                has_original=_ledger_file(home, sub.archive_path) is not None)


def _ledger_file(home, stored: str | None) -> Path | None:
    """A file the ledger names, only if it lies in the home's inbox or archive."""
    if not stored:
        return None
    p = Path(stored)
    p = (p if p.is_absolute() else home.root / p).resolve()
    inside = any(p.is_relative_to(d.resolve()) for d in (home.inbox, home.archive))
    return p if inside and p.is_file() else None


@guarded()
async def submission_file(request: Request) -> Response:
    home = request.app.state.home
    what = request.path_params["what"]
    if what not in ("receipt", "original"):
        return PlainTextResponse(NOT_FOUND, status_code=404)
    with open_ledger(home.database_url, home.archive) as engine, engine.connect() as conn:
        sub = conn.execute(select(submissions).where(submissions.c.id == request.path_params["sid"])).first()
    if sub is None:
        return PlainTextResponse(NOT_FOUND, status_code=404)
    path = _ledger_file(home, sub.receipt_path if what == "receipt" else sub.archive_path)
    if path is None:
        return PlainTextResponse(NOT_FOUND, status_code=404)
    name = path.name if what == "receipt" else sub.original_name
    return download(path, name)


@guarded()
async def chase(request: Request) -> Response:
    from tasks.summaries.chase_notice import notice_text
    from tasks.summaries.period import collect, period_label

    home = request.app.state.home
    spec = request.query_params.get("period", "").strip() or previous_month(today(request))
    try:
        months = months_of(spec)
    except PeriodSpecError as exc:
        return page(request, "chase.html", status=400, problem=str(exc), spec=spec)
    if len(months) != 1:
        return page(request, "chase.html", status=400, problem="催报按月进行：请写成 2024-03", spec=spec)
    with open_ledger(home.database_url, home.archive) as engine:
        data = collect(home, engine, months[0], today(request))
    return page(request, "chase.html", spec=months[0], label=period_label(months[0]), chase=data.chase,
                notice=notice_text(data), states={"missing": "未报", "rejected": "退回", "pending": "未到期"})


@guarded()
async def files(request: Request) -> Response:
    home = request.app.state.home
    from zoneinfo import ZoneInfo

    found = outbox_files(home.outbox, request.app.state.file_key)
    tz = ZoneInfo(home.settings.schedules.timezone)
    when = {f.id: dt.datetime.fromtimestamp(f.mtime, tz).strftime("%Y-%m-%d %H:%M") for f in found}
    return page(request, "files.html", files=found, when=when, size=size_label)


@guarded()
async def file_download(request: Request) -> Response:
    home = request.app.state.home
    found = find_file(home.outbox, request.app.state.file_key, request.path_params["fid"])
    if found is None:
        return PlainTextResponse(NOT_FOUND, status_code=404)
    return download(found.path)
