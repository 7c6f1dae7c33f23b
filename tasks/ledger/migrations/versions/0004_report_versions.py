"""The annual report's versions and their sign-off (审定/签发): each rendered draft, the decision on it,
and for a signed one the final copy (path, hash, PDF), whom it was delivered to, and any reopening.

Revision ID: 0004
Revises: 0003
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("draft_path", sa.Text, nullable=False),
        sa.Column("draft_sha256", sa.String(64), nullable=False),
        sa.Column("rendered_at", sa.DateTime, nullable=False),
        sa.Column("flow_run_id", sa.String(36)),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("decided_by", sa.Text),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("opinion", sa.Text),
        sa.Column("signed_from", sa.Text),
        sa.Column("final_path", sa.Text),
        sa.Column("final_sha256", sa.String(64)),
        sa.Column("pdf_path", sa.Text),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("delivered_to", sa.Text),
        sa.Column("reopened_at", sa.DateTime),
        sa.Column("reopen_reason", sa.Text),
    )
    op.create_index("uq_report_versions_year_version", "report_versions", ["year", "version"], unique=True)
    op.create_index("ix_report_versions_flow_run", "report_versions", ["flow_run_id"])


def downgrade() -> None:
    op.drop_table("report_versions")
