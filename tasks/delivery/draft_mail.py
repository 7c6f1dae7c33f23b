"""The mail that goes with a draft (issue 24): to those who review it, saying it is a draft, where to
review it, what is still open — and, for a year with no or little data, saying so before anything else
(subject and first line), so nobody reads a half-empty draft as the year's report."""
from __future__ import annotations

from pathlib import Path

from tasks.drafts.open_items import OpenItems

DRAFT_WORD = "草稿"


def thin_words(items: OpenItems) -> str:
    """'' for a year with enough data; else what the subject and the first line say."""
    if items.thin == "无数据":
        return f"{items.year}年无数据：应报{items.expected}份月报表，一份未收"
    if items.thin:
        return f"{items.year}年数据不全：应报{items.expected}份月报表，只收到{items.received}份"
    return ""


def draft_subject_line(township: str, what: str, items: OpenItems | None) -> str:
    """【下汤镇】2024年法治政府建设情况报告（草稿，待审定）【2024年数据不全：…】."""
    title = what if DRAFT_WORD in what else f"{what}（{DRAFT_WORD}）"
    title = title.replace(f"（{DRAFT_WORD}）", f"（{DRAFT_WORD}，待审定）", 1)
    thin = thin_words(items) if items else ""
    return f"【{township}】{title}" + (f"【{thin}】" if thin else "")


def draft_mail(township: str, what: str, files: list[Path], items: OpenItems | None,
               address: str = "", how_to_decide: str = "") -> tuple[str, str]:
    """(subject, body) of a draft's mail. `address`: where to review it (the console's 审定 page; until
    it exists, the Prefect run waiting for the decision)."""
    thin = thin_words(items) if items else ""
    names = "\n".join(f"  {p.name}" for p in files)
    lines = [f"请注意：{thin}，文中数字只含已收到的报表，不能作为全年情况。", ""] if thin else []
    lines += ["各位领导：", "", f"附件为{township}{what}，是未经审定的草稿，不是定稿，请勿转发或引用："
              f"\n{names}", "", "文中数字均附有来源批注；黄色底纹为待完善的套话。"]
    if address:
        lines += ["", f"审定地址：{address}"]
    if items is not None:
        lines += ["", *items.lines()]
    if how_to_decide:
        lines += ["", how_to_decide]
    lines += ["", "乡镇报表系统（自动发送，请勿直接回复）"]
    return draft_subject_line(township, what, items), "\n".join(lines)
