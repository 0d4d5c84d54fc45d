"""training: staff-training sessions with attendance counts, and programmes' training goals

Revision ID: 0015_training
Revises: 0014_interim_decision
Create Date: 2026-12-01 13:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0015_training'
down_revision: str | Sequence[str] | None = '0014_interim_decision'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('training_target', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('training_useful_goal', sa.Integer(), nullable=True))
    op.create_table(
        'training_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('theme', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('already_counted', sa.Integer(), nullable=False),
        sa.Column('survey_responses', sa.Integer(), nullable=True),
        sa.Column('survey_useful', sa.Integer(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id']),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_session_held_on'), ['held_on'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_training_session_programme_id'), ['programme_id'], unique=False
        )
    op.create_table(
        'training_attendance',
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('organisation', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('attendees', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['training_session.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('session_id', 'organisation'),
    )


def downgrade() -> None:
    op.drop_table('training_attendance')
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_session_programme_id'))
        batch_op.drop_index(batch_op.f('ix_training_session_held_on'))
    op.drop_table('training_session')
    # Plain ALTER TABLE (SQLite 3.35+): a batch copy would drop `programme`, which participants
    # and steering groups reference.
    op.execute('ALTER TABLE programme DROP COLUMN training_useful_goal')
    op.execute('ALTER TABLE programme DROP COLUMN training_target')
