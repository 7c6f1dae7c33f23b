"""The words a clerk or operator reads for a status, a finding's level and a unit's month: one source
for receipts, the CLI, the period workbook and the run's artifacts."""
from __future__ import annotations

# A submission's status in the ledger (DESIGN §6), and the two a receipt adds for a correction.
STATUS_LABELS = {
    "accepted": "已接收",
    "accepted_with_warnings": "已接收（有提示）",
    "rejected": "已退回",
    "duplicate": "重复报送",
    "superseded": "已被更正",
    "corrected": "已更正",
    "corrected_with_warnings": "已更正（有提示）",
}
# The statuses an ingest run gives a file it takes (a file is superseded only later, by another).
RUN_STATUSES = ("accepted", "accepted_with_warnings", "rejected", "duplicate")

LEVEL_LABELS = {"error": "错误", "warning": "提示", "info": "说明"}

# A unit's state for one month, as the operator chases it (催报).
STATE_LABELS = {"on_time": "按时", "late": "逾期", "rejected": "退回", "missing": "未报", "pending": "未到期",
                "absent": "—"}  # absent: the unit did not exist that month (schemas/registry_time.py)

# A version of the annual report (草稿 → 待审定 → 已退回 | 已定稿); a year's state is its latest version's.
REPORT_STATES = {"draft": "草稿", "pending": "待审定", "rejected": "已退回", "signed": "已定稿"}
