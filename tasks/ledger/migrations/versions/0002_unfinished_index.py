"""An index on the ledger rows an interrupted run left unfinished.

Every ingest starts by finishing such rows (tasks/intake/steps.py `reconcile`), and `township serve` starts an
ingest on every arrival: without the index each of those scans the whole ledger, which in a county grows
by tens of thousands of rows a year. Partial, so it stays as small as the unfinished rows are few.

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_submissions_unfinished", "submissions", ["id"],
                    sqlite_where=sa.text("stage != 'done'"), postgresql_where=sa.text("stage != 'done'"))


def downgrade() -> None:
    op.drop_index("ix_submissions_unfinished", table_name="submissions")
