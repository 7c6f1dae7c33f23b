"""The signer's acknowledgement of what is still open (issue 24): the refusal that lists it when not
given, and what the ledger records with the decision when given (what was open, the completeness
sentence, the appendix choice)."""
from __future__ import annotations

import json

from tasks.drafts.open_items import OpenItems
from tasks.ledger.reports import ReportVersion
from tasks.signoff.decision import Decision

ACCEPT_FLAG = "--accept-open"
KEEP_FLAG = "--keep-appendix"


def unaccepted(version: ReportVersion, items: OpenItems) -> str:
    """The refusal: the grouped list, and the two ways on (acknowledge, or mend and draft again)."""
    listed = "\n".join(items.lines())
    return (f"{version.year}年度报告第{version.version}稿还有未了结的事项，未签发：\n{listed}\n"
            f"确已知晓上述缺报或意见、仍要签发的，请加 {ACCEPT_FLAG} 重新审定（确认记入台账，定稿注明应报、已收和"
            f"未报的单位）；否则请催报或按意见修改后重新生成草稿：township report --year {version.year}")


def acceptance(items: OpenItems, decision: Decision, removed: tuple[str, ...]) -> dict[str, object]:
    """The columns (0007) recorded with 通过."""
    accepted = items.needs_acceptance and decision.accept_open
    return {"open_items": json.dumps(items.as_json(), ensure_ascii=False),
            "accepted_open": accepted,
            "completeness": items.completeness() if accepted and items.gaps else None,
            "kept_appendix": decision.keep_appendix,
            "removed_appendices": "、".join(removed) or None}


def recorded_lines(version: ReportVersion) -> list[str]:
    """What `township signoff` says after 通过: what was open and acknowledged, the appendix choice."""
    from tasks.drafts.open_items import GROUPS

    recorded = version.open_items or {}
    counts = recorded.get("counts") or {}
    lines = []
    if counts:
        listed = "、".join(f"{GROUPS.get(k, k)}{n}项" for k, n in counts.items())
        lines.append(f"签发时仍有待完善事项{sum(counts.values())}项（{listed}）"
                     + ("，审定人已确认，记入台账" if version.accepted_open else ""))
    if version.completeness:
        lines.append(f"定稿注明：{version.completeness}")
    if version.removed_appendices:
        lines.append(f"定稿已删去：{version.removed_appendices}" + ("（按要求保留附表、附图）" if version.kept_appendix else ""))
    return lines
