"""The first schema: the submissions ledger, its findings and the stored values.

Revision ID: 0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("declared_unit", sa.String(64)),
        sa.Column("period", sa.String(7)),
        sa.Column("version", sa.Integer),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("format", sa.String(16)),
        sa.Column("received_at", sa.DateTime, nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("late", sa.Boolean),
        sa.Column("due_date", sa.Date),
        sa.Column("archive_path", sa.Text),
        sa.Column("receipt_path", sa.Text),
        sa.Column("stage", sa.String(12), nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("submissions.id")),
        sa.Column("superseded_by", sa.Integer, sa.ForeignKey("submissions.id")),
    )
    op.create_index("uq_submissions_unit_sha", "submissions", ["unit", "sha256"], unique=True,
                    sqlite_where=sa.text("status != 'duplicate'"),
                    postgresql_where=sa.text("status != 'duplicate'"))
    op.create_index("uq_submissions_version", "submissions", ["unit", "period", "version"], unique=True)
    op.create_index("ix_submissions_period", "submissions", ["period"])
    op.create_table(
        "findings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("level", sa.String(10), nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("hint", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "return_values",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("raw", sa.Text, nullable=False),
        sa.Column("place", sa.String(80), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_values_period_indicator", "return_values", ["period", "indicator"])


def downgrade() -> None:
    op.drop_table("return_values")
    op.drop_table("findings")
    op.drop_table("submissions")
