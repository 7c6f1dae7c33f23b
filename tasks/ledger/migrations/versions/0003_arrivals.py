"""Arrival, not modification, decides lateness (issue 13): each row records when its file arrived, and
the files an ingest saw still being written are remembered from the first time it saw them.

A file's mtime is the clerk's, not ours: Explorer keeps it when copying, so a return saved in 2024 and
dropped in 2026 looked on time. `arrived_at` is the earlier of the file's ctime (set when it came into
the inbox) and the first time an ingest saw it; rows from before this revision keep what was known
then, the earlier of their mtime and the time they were taken.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("submissions") as batch:
        batch.add_column(sa.Column("arrived_at", sa.DateTime, nullable=True))
    op.execute("UPDATE submissions SET arrived_at = CASE WHEN submitted_at < received_at "
               "THEN submitted_at ELSE received_at END")
    op.create_table(
        "sightings",
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("unit", "name"),
    )


def downgrade() -> None:
    op.drop_table("sightings")
    with op.batch_alter_table("submissions") as batch:
        batch.drop_column("arrived_at")
