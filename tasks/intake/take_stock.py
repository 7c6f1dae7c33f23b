"""A run's first step: the ledger at the current schema, what an interrupted run left finished, and the
settled files found in the inbox — with the units whose folders cannot be served now, whose files wait."""
from __future__ import annotations

import datetime as dt
import time

from tasks.home import Home
from tasks.intake.arrivals import settled_on_close
from tasks.intake.discover import Discovery, discover
from tasks.intake.folder_problems import UnitProblem
from tasks.intake.reconcile import reconcile
from tasks.intake.unit_folder import Folders
from tasks.ledger.migrate import open_ledger
from tasks.ledger.record import mark_done


def reconcile_home(home: Home, finish_interrupted: bool = True) -> list[UnitProblem]:
    """Bring the database to the current schema and finish what an interrupted run left. Returns the
    units whose unfinished rows must wait (their folder cannot take a receipt now). Finishing touches
    every unit's rows: only a run that holds every unit's lock may do it (a per-unit run passes False)."""
    with open_ledger(home.database_url, home.archive) as engine:
        if not finish_interrupted:
            return []
        finished, problems = reconcile(home, engine)
        mark_done(engine, finished)
        return problems


def find_new(home: Home, now: dt.datetime, wall: float | None = None, closed: list[dict] | None = None) -> Discovery:
    """Settled files: judged by the wall clock (`wall`, default the machine's), whatever `now` a run acts on,
    or seen closed after writing (`closed`, from `township serve`'s watcher: arrivals.closed_as).
    A unit with files ready is checked to take a receipt before any of them is stored."""
    limits = home.settings.limits
    found = discover(home.inbox, {u.code for u in home.registry.units}, time.time() if wall is None else wall,
                     home.settings.settle_seconds, limits.max_folder_files, limits.max_folder_depth,
                     settled_on_close(closed))
    problems: list[UnitProblem] = []
    with Folders(home.inbox) as folders:
        for unit in sorted({d.unit for d in found.ready}):
            folder = folders.get(unit)
            problem = folders.problem(unit) if folder is None else folder.probe()
            if problem is not None:
                problems.append(problem)
    return found.without(problems)


def take_stock(home: Home, now: dt.datetime, finish_interrupted: bool = True,
               closed: list[dict] | None = None) -> Discovery:
    """`prepare`, then `find_new`: one step of the flow rather than two, since a Prefect task costs
    ~40 ms of a run's wall time here whatever it does (measured: both together take ~10 ms of work).
    Files still being written are remembered as seen now: their arrival is no later than this run."""
    waiting = reconcile_home(home, finish_interrupted)
    found = find_new(home, now, closed=closed).without(waiting)
    if found.settling:
        note_seen(home, found, now)
    return found


def note_seen(home: Home, found: Discovery, now: dt.datetime) -> None:
    from tasks.ledger.engine import make_engine
    from tasks.ledger.sightings import note_sightings

    engine = make_engine(home.database_url)
    try:
        note_sightings(engine, [(d.unit, d.name) for d in found.settling], now)
    finally:
        engine.dispose()
