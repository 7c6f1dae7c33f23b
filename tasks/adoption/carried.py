"""The numbers of a report that stay literal in its template — 0.5万余元, 调解成功率达100%, 每月开展1次, a
count in a quotation, a number a table holds without its unit — recorded beside the template, so that
every draft says they were carried over from the earlier report and are not this year's (DESIGN §7.1).

Numbers that are not data stay out: years and dates (the template writes {{ year }} or keeps the date),
list markers, phone numbers, 第N, fixed formulations (六个方面), codes, and names in quotation marks
written in Chinese numerals (“八五”普法, “两委”).
"""
from __future__ import annotations

import json
import re

from tasks.adoption.result import Skip

NOT_DATA = ("年份", "日期", "序号", "电话号码", "序数", "固定提法", "编号")
QUOTE = "引号或书名号中的名称、口号"
DIGIT = re.compile(r"[0-9０-９]")


def carried(skip: Skip) -> bool:
    """Does this skipped number stay in the template as a number of last year's?"""
    if skip.reason.startswith(NOT_DATA):
        return False
    if skip.reason == QUOTE:  # “1361”工作法, “3个100%”: digits may be data; “八五”, “两委” are names
        return DIGIT.search(skip.text) is not None
    return True


def literals(skips: list[Skip], where: str, place: str, template_text: str) -> list[dict[str, str]]:
    """What the sidecar keeps of each number carried over from one paragraph (or cell) of the report."""
    return [{"where": where, "place": place or where, "text": s.text, "reason": s.reason,
             "paragraph": template_text} for s in skips if carried(s)]


def sidecar(records: list[dict[str, str]]) -> bytes:
    """<home>/templates/<NAME>.literals.json: data for the draft's to-do list, never run."""
    return json.dumps({"version": 1, "literals": records}, ensure_ascii=False, indent=1).encode("utf-8")


def said(records: list[dict[str, str]]) -> list[str]:
    """adopt's review line for them."""
    if not records:
        return []
    shown = "、".join(dict.fromkeys(r["text"] for r in records[:8])) + ("等" if len(records) > 8 else "")
    return [f"有{len(records)}个数字未能由月报数据生成，在模板中保留原文（{shown}）：每份草稿的待完善事项都会列出，"
            "请工作人员核实或改写。"]
