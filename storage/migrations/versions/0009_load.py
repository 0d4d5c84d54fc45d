"""reminder dispatch: a partial index of the open outbox rows; APScheduler's job table goes

Revision ID: 0009_load
Revises: 0005_minute_writers
Create Date: 2026-11-24 10:00:00

The dispatcher claims the oldest due row that is pending or sending. With only an index on
next_attempt_at, every claim walked past all the sent rows of earlier days; the partial index
holds just the open ones. The scheduler now keeps its jobs in memory (the outbox is what makes
delivery durable), so the table APScheduler's SQL job store created is dropped.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009_load'
down_revision: str | Sequence[str] | None = '0008_wire'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_OUTBOX = "status IN ('pending', 'sending') AND outcome IS NULL"


def upgrade() -> None:
    op.create_index(
        'ix_reminder_outbox_due',
        'reminder_outbox',
        ['next_attempt_at', 'id'],
        sqlite_where=sa.text(OPEN_OUTBOX),
        postgresql_where=sa.text(OPEN_OUTBOX),
    )
    op.execute('DROP TABLE IF EXISTS apscheduler_jobs')


def downgrade() -> None:
    # The older scheduler creates its job table itself when it starts.
    op.drop_index('ix_reminder_outbox_due', table_name='reminder_outbox')
