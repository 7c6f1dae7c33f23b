"""What was still open when a report was signed, and the signer's acknowledgement of it (issue 24): the
open items (JSON), whether the signer accepted the missing returns / unanswered opinion, the sentence on
the year's completeness the final copy carries, and the appendix choice.

Revision ID: 0007
Revises: 0006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_versions") as batch:
        batch.add_column(sa.Column("open_items", sa.Text))
        batch.add_column(sa.Column("accepted_open", sa.Boolean))
        batch.add_column(sa.Column("completeness", sa.Text))
        batch.add_column(sa.Column("kept_appendix", sa.Boolean))
        batch.add_column(sa.Column("removed_appendices", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("report_versions") as batch:
        for name in ("removed_appendices", "kept_appendix", "completeness", "accepted_open", "open_items"):
            batch.drop_column(name)
