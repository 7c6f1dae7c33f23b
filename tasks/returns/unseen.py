"""What Excel shows is not what is stored (issue 22): the findings for a return whose stored values
differ from what the clerk saw on screen. A formula saved without its result reads as blank, hence 0; a
hidden sheet, row or column holds numbers nobody saw; a second 报表 sheet leaves open which one was
meant; a number merged across two indicators' 本期数量 counts for the first only. Each is an error at its
place: the clerk looks again rather than the ledger keeping a figure nobody checked.

Pure: a RawReturn in (its marks from `cell_marks.py`/`other_marks.py`), findings out.
"""
from __future__ import annotations

from schemas.findings import Finding, finding
from tasks.returns.cell_refs import cell_ref
from tasks.returns.read import RawReturn


def unseen_findings(ret: RawReturn) -> list[Finding]:
    out: list[Finding] = []
    if ret.hidden_sheet:
        out.append(finding("E_SHEET_HIDDEN", ret.sheet, value=ret.sheet))
    out += [finding("E_SHEET_DUPLICATE", twin, value=twin) for twin in ret.twins]
    out += [finding("E_FORMULA_UNCACHED", f"{ret.sheet}!{ref}") for ref in sorted(ret.marks.uncached, key=_order)]
    out += _hidden_values(ret)
    out += _merged_values(ret)
    return out


def _filled(value: object) -> bool:
    return value is not None and value != "" and value != 0


def _hidden_values(ret: RawReturn) -> list[Finding]:
    marks = ret.marks
    if not (marks.hidden_rows or marks.hidden_cols):
        return []
    out = []
    for row in ret.rows:
        where = marks.hidden(row.row, ret.value_column + 1)
        if where and _filled(row.value.value):
            out.append(finding("E_HIDDEN_VALUE", row.value.place, value=row.value.value, detail=where))
    return out


def _merged_values(ret: RawReturn) -> list[Finding]:
    """A merge that covers 本期数量 of two indicator rows, or of one row from a cell to its left (the number
    is stored in the merge's first cell, not in 本期数量), with a number in it."""
    vc = ret.value_column
    out = []
    rows = {row.row - 1 for row in ret.rows}  # 0-based, as the merges are
    for r1, c1, r2, c2 in ret.merged:
        if not c1 <= vc <= c2:
            continue
        covered = [r for r in rows if r1 <= r <= r2]
        if len(covered) < 2 and (not covered or c1 == vc):
            continue
        anchor = ret.grid[r1][c1] if r1 < len(ret.grid) and c1 < len(ret.grid[r1]) else ""
        if _filled(anchor):
            out.append(finding("E_MERGED_VALUE", f"{ret.sheet}!{cell_ref(r1, c1)}", value=anchor,
                               expected=f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"))
    return out


def _order(ref: str) -> tuple[int, str]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), letters.rjust(3)
