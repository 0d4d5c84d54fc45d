"""reminders: rules, deadline calendar, outbox

Revision ID: 0003_reminders
Revises: 0002
Create Date: 2026-11-23 15:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003_reminders'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('reminder_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('watch', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('direction', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('recipients', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reminder_rule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_rule_code'), ['code'], unique=True)

    op.create_table('deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('county_part_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['county_part_id'], ['county_part.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('rule_code', 'due_date', 'title')
    )
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_deadline_rule_code'), ['rule_code'], unique=False)

    op.create_table('reminder_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
    sa.Column('rule_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('subject_ref', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('remind_on', sa.Date(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('activity_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('outcome_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_outbox_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_outbox_recipient'), ['recipient'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_outbox_rule_code'), ['rule_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_outbox_status'), ['status'], unique=False)


def downgrade() -> None:
    op.drop_table('reminder_outbox')
    op.drop_table('deadline')
    op.drop_table('reminder_rule')
