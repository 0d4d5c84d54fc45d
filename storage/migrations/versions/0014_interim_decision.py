"""interim_decision: decisions taken between a group's meetings, listed at the next meeting

Revision ID: 0014_interim_decision
Revises: 0013_participant_event
Create Date: 2026-12-01 13:10:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0014_interim_decision'
down_revision: str | Sequence[str] | None = '0013_participant_event'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'interim_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('steering_group_id', sa.Integer(), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['decided_by'], ['staff.id']),
        sa.ForeignKeyConstraint(['steering_group_id'], ['steering_group.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('interim_decision', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_interim_decision_steering_group_id'), ['steering_group_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_interim_decision_decided_on'), ['decided_on'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('interim_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interim_decision_decided_on'))
        batch_op.drop_index(batch_op.f('ix_interim_decision_steering_group_id'))
    op.drop_table('interim_decision')
