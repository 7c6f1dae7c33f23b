"""The signed report's PDF gets its hash recorded beside the final copy's: a PDF altered in outbox/
after signing is then never mailed to the leaders as the signed report (issue 22).

Revision ID: 0006
Revises: 0005
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_versions") as batch:
        batch.add_column(sa.Column("pdf_sha256", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("report_versions") as batch:
        batch.drop_column("pdf_sha256")
