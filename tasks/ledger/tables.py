"""The ledger's tables (SQLAlchemy Core): submissions, their findings and their values; the annual
report's versions and their sign-off.

The schema changes only through alembic migrations (`tasks/ledger/migrations/`, applied by
`tasks/ledger/migrate.py`); these definitions are what the migrations arrive at.
"""
from __future__ import annotations

from sqlalchemy import (
                        BigInteger,
                        Boolean,
                        Column,
                        Date,
                        DateTime,
                        ForeignKey,
                        Index,
                        Integer,
                        MetaData,
                        String,
                        Table,
                        Text,
)

metadata = MetaData()

submissions = Table(
    "submissions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(40), nullable=False),          # the folder's unit: identity comes from the folder
    Column("declared_unit", String(64)),                 # what the file said
    Column("period", String(7)),                         # 2024-03; null when unreadable
    Column("version", Integer),                          # 1, 2, … for stored returns of (unit, period)
    Column("sha256", String(64), nullable=False),
    Column("original_name", Text, nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("format", String(16)),
    Column("received_at", DateTime, nullable=False),     # UTC, when this run took the file
    Column("submitted_at", DateTime, nullable=False),    # UTC, when the file was last written (its mtime)
    Column("arrived_at", DateTime),                      # UTC, when it came into the inbox: lateness (0003)
    Column("status", String(24), nullable=False),
    Column("late", Boolean),
    Column("due_date", Date),
    Column("archive_path", Text),
    Column("receipt_path", Text),
    Column("stage", String(12), nullable=False),         # stored → receipted → done (inbox emptied)
    Column("duplicate_of", Integer, ForeignKey("submissions.id")),
    Column("superseded_by", Integer, ForeignKey("submissions.id")),
)
# Two partial indexes live in the migrations only: the last line of defence against processing one file
# twice, whatever the locks did (uq_submissions_unit_sha: unit, sha256 WHERE status NOT IN ('duplicate',
# 'superseded'), 0001/0005), and the unfinished rows reconcile looks for at every run (0002: WHERE stage
# != 'done'). Declared here, their dialect options (sqlite_where, postgresql_where) would import both
# dialects into every process that imports this module (~25 ms of `township status`); nothing builds
# the schema from this metadata.
Index("uq_submissions_version", submissions.c.unit, submissions.c.period, submissions.c.version, unique=True)
Index("ix_submissions_period", submissions.c.period)

findings = Table(
    "findings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("code", String(40), nullable=False),
    Column("level", String(10), nullable=False),
    Column("place", String(80), nullable=False),
    Column("message", Text, nullable=False),
    Column("hint", Text, nullable=False, default=""),
    Column("value", Text, nullable=False, default=""),
)

return_values = Table(
    "return_values", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("submission_id", Integer, ForeignKey("submissions.id"), nullable=False, index=True),
    Column("unit", String(40), nullable=False),
    Column("period", String(7), nullable=False),
    Column("indicator", String(64), nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("raw", Text, nullable=False, default=""),
    Column("place", String(80), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
)
Index("ix_values_period_indicator", return_values.c.period, return_values.c.indicator)

# Files an ingest saw still being written, from the first time it saw them (migration 0003): their arrival
# is no later than that, whatever their ctime says by the time they are taken.
sightings = Table(
    "sightings", metadata,
    Column("unit", String(40), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("first_seen", DateTime, nullable=False),      # UTC
)

STORED = ("accepted", "accepted_with_warnings")  # statuses whose values count

# Each rendered annual draft is a version of its year's report; the township's decision on it (审定/签发)
# is recorded on the same row: who, when, the opinion, and for a signed one the final copy and its hash.
report_versions = Table(
    "report_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("year", Integer, nullable=False),
    Column("version", Integer, nullable=False),          # 1, 2, … per year
    Column("state", String(12), nullable=False),         # draft → pending → rejected | signed
    Column("draft_path", Text, nullable=False),
    Column("draft_sha256", String(64), nullable=False),
    Column("rendered_at", DateTime, nullable=False),     # UTC
    Column("flow_run_id", String(36)),                   # the annual-report run that rendered it, and waits
    Column("figures", Text, nullable=False),             # JSON: code → {name, unit, total, stated, in_final}
    Column("decided_by", Text),
    Column("decided_at", DateTime),                      # UTC
    Column("opinion", Text),
    Column("signed_from", Text),                         # the staff's edited file, or the draft
    Column("final_path", Text),
    Column("final_sha256", String(64)),
    Column("pdf_path", Text),
    Column("delivered_at", DateTime),
    Column("delivered_to", Text),
    Column("reopened_at", DateTime),                     # a signed version stays; reopened, a new one starts
    Column("reopen_reason", Text),
    Column("pdf_sha256", String(64)),                    # the PDF as signed (0006): mailed only if unchanged
    Column("open_items", Text),                          # JSON (0007): what was open when signed
    Column("accepted_open", Boolean),                    # the signer accepted missing returns / an opinion
    Column("completeness", Text),                        # 应报/已收 and who was missing, as the copy states it
    Column("kept_appendix", Boolean),                    # 附表/附图 kept in the final copy
    Column("removed_appendices", Text),                  # 附录、附表、附图: what the final copy lost
)
Index("uq_report_versions_year_version", report_versions.c.year, report_versions.c.version, unique=True)
Index("ix_report_versions_flow_run", report_versions.c.flow_run_id)
