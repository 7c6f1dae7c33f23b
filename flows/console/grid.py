"""报送进度: a year's units × months, each cell one state in words (按时/逾期/有提示/退回/未报/未到期), with
counts per unit and per month. Read from the ledger in one query; the states as the 催报 reckons them
(tasks/summaries/period.py), with 有提示 for a month whose standing return carries warnings."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.engine import Engine

from tasks.home import Home
from tasks.ledger.tables import submissions
from tasks.ledger.timeliness import due_date

# Order of the legend and the counts; the class is the cell's colour in console.css.
STATES = {"on_time": "按时", "late": "逾期", "warning": "有提示", "rejected": "退回", "missing": "未报",
          "pending": "未到期", "absent": "无需报送"}   # absent: the unit did not exist that month (units.yaml)
COUNTED = ("accepted", "accepted_with_warnings", "superseded")


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    cells: tuple[tuple[str, int | None], ...]   # (state, the month's newest submission: what a click opens)
    counts: dict[str, int]


@dataclass(frozen=True)
class Grid:
    year: int
    months: tuple[str, ...]
    rows: tuple[Row, ...]
    column_counts: tuple[dict[str, int], ...]
    totals: dict[str, int]


def month_state(rows: list[tuple], due: dt.date, on: dt.date) -> str:
    """rows: (id, status, late) of one unit's month, oldest first."""
    if len(rows) == 1 and rows[0][1] == "accepted":   # the usual month: one return, no finding
        return "late" if rows[0][2] else "on_time"
    counted = [r for r in rows if r[1] in COUNTED]
    if counted:
        if counted[0][2]:
            return "late"
        standing = [r for r in rows if r[1] in ("accepted", "accepted_with_warnings")]
        return "warning" if standing and standing[-1][1] == "accepted_with_warnings" else "on_time"
    if any(r[1] == "rejected" for r in rows):
        return "rejected"
    return "missing" if on > due else "pending"


def year_grid(home: Home, engine: Engine, year: int, on: dt.date) -> Grid:
    months = tuple(f"{year}-{m:02d}" for m in range(1, 13))
    c = submissions.c
    query = select(c.id, c.unit, c.period, c.status, c.late).where(c.period.in_(months)).order_by(c.id)
    by_key: dict[tuple[str, str], list[tuple]] = {}
    with engine.connect() as conn:
        for id_, unit, period, status, late in conn.execute(query).all():
            by_key.setdefault((unit, period), []).append((id_, status, late))
    s = home.settings
    due = {m: due_date(m, s.due_working_days, s.calendar).due for m in months}
    from schemas.registry_time import active_in

    units = [(u.code, u.name, u) for u in home.registry.units]
    known = {code for code, _, _ in units}
    units += [(code, code, None) for code in sorted({u for u, _ in by_key} - known)]
    rows = []
    columns = [dict.fromkeys(STATES, 0) for _ in months]
    totals = dict.fromkeys(STATES, 0)
    for code, name, unit in units:
        cells = []
        counts = dict.fromkeys(STATES, 0)
        for i, m in enumerate(months):
            found = by_key.get((code, m), [])
            state = month_state(found, due[m], on)
            if state in ("missing", "pending") and unit is not None and not active_in(unit, m):
                state = "absent"
            cells.append((state, found[-1][0] if found else None))
            counts[state] += 1
            columns[i][state] += 1
            totals[state] += 1
        rows.append(Row(code, name, tuple(cells), counts))
    return Grid(year, months, tuple(rows), tuple(columns), totals)


def cells_html(cells: tuple[tuple[str, int | None], ...]) -> str:
    """A row's twelve cells as HTML: built here, not cell by cell in the template, for a county's 4,800
    cells in a few milliseconds. Only our own words and integers go in (no clerk's text): safe markup."""
    return "".join(f'<td class="s-{state}"><a href="/submission/{sid}">{STATES[state]}</a></td>' if sid is not None else
                   EMPTY[state] for state, sid in cells)


EMPTY = {state: f'<td class="s-{state}">{word}</td>' for state, word in STATES.items()}
