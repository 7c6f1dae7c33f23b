"""A file refused as unreadable for a reason not its own (a reader killed by a crash of ours) is judged
again when dropped again: its old refusal is then `superseded` by the new judgment of the same bytes,
so the unique index of (unit, content hash) leaves superseded rows out, as it leaves out duplicates.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

LIVE = "status NOT IN ('duplicate', 'superseded')"
OLD = "status != 'duplicate'"


def _unique(where: str) -> None:
    op.create_index("uq_submissions_unit_sha", "submissions", ["unit", "sha256"], unique=True,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))


def upgrade() -> None:
    op.drop_index("uq_submissions_unit_sha", table_name="submissions")
    _unique(LIVE)


def downgrade() -> None:
    op.drop_index("uq_submissions_unit_sha", table_name="submissions")
    _unique(OLD)
