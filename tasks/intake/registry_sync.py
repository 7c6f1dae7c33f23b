"""The registry against the home (issue 28): a unit added to units.yaml gets its inbox folder (回执/,
模板/ with a blank return) the next time ingest, serve's watcher or status runs — said once, since the
folder then exists; a unit removed from units.yaml while the ledger holds its returns is refused, so no
return ever loses its unit (close it with `until` instead)."""
from __future__ import annotations

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine

from schemas.problems import ContractError, ContractProblem
from schemas.registry import Unit
from tasks.home import RECEIPT_DIR, TEMPLATE_DIR, Home
from tasks.ledger.tables import STORED, submissions

BLANK = "空白月报表模板.xlsx"


def new_unit_folders(home: Home) -> list[Unit]:
    """Folders for the units that have none yet (a closed unit's missing folder is not made again)."""
    made = []
    for unit in home.registry.units:
        folder = home.unit_inbox(unit.code)
        if unit.until is not None or folder.exists():
            continue
        for sub in (RECEIPT_DIR, TEMPLATE_DIR):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        _blank_template(home, unit)
        made.append(unit)
    return made


def _blank_template(home: Home, unit: Unit) -> None:
    """A blank return with the unit's name and code filled in: what `township template --all-units`
    writes; an unwritable 模板/ leaves the folder usable (the template can be made later)."""
    from tasks.intake.unit_folder import UnitFolder
    from tasks.returns.blank import ReturnContent, return_bytes

    data = return_bytes(home.catalog, ReturnContent(home.registry.township.name, unit, ""))
    try:
        with UnitFolder(home.inbox, unit.code) as folder:
            folder.write_file(TEMPLATE_DIR, BLANK, data)
    except OSError:
        pass


def folders_message(home: Home, made: list[Unit]) -> str:
    if not made:
        return ""
    shown = "、".join(f"{u.name}（{home.unit_inbox(u.code).relative_to(home.root)}/）" for u in made)
    return f"已为新增单位建立报送文件夹：{shown}。请把文件夹（含 {TEMPLATE_DIR}/ 中的空白报表）交给该单位的报送人。"


def removed_units(engine: Engine, home: Home) -> list[tuple[str, int]]:
    """(code, stored returns) of the units the ledger holds returns of and units.yaml no longer lists."""
    known = set(home.registry.by_code())
    with engine.connect() as conn:
        if not inspect(conn).has_table(submissions.name):
            return []  # a ledger not made yet holds no returns
        rows = conn.execute(select(submissions.c.unit, func.count()).where(submissions.c.status.in_(STORED))
                            .group_by(submissions.c.unit)).all()
    return sorted((unit, count) for unit, count in rows if unit not in known)


def check_removed(engine: Engine, home: Home) -> None:
    """A ContractError on units.yaml when a unit with stored returns was deleted from it."""
    gone = removed_units(engine, home)
    if gone:
        raise ContractError("units.yaml", [ContractProblem(
            "units", None, f"单位 {code} 已从名录删除，但库中存有它的 {count} 份月报表：请把它加回 units.yaml，"
                           "并用 until 关闭（如 until: 2025-06，并入别的单位再写 merged_into），不要删除")
            for code, count in gone])
