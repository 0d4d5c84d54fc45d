"""processed_turn: each message handled once

Revision ID: 0011_processed_turn
Revises: 0009_load
Create Date: 2026-12-01 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0011_processed_turn'
down_revision: str | Sequence[str] | None = '0009_load'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'processed_turn',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('lease_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('replies', sa.Text(), nullable=True),
        sa.Column('sent', sa.Integer(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('processed_turn', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_processed_turn_created_at'), ['created_at'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('processed_turn', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processed_turn_created_at'))
    op.drop_table('processed_turn')
