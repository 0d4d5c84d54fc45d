"""survey: participant survey questions (organisation file) and anonymous responses

Revision ID: 0017_survey
Revises: 0016_exit_document_template
Create Date: 2026-12-01 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0017_survey'
down_revision: str | Sequence[str] | None = '0016_exit_document_template'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'survey_question',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('moments', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('programmes', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
    )
    op.create_table(
        'survey_response',
        sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('moment', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('programme_id', sa.Integer(), nullable=False),
        sa.Column('county_part_id', sa.Integer(), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('gender', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('age_band', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(['county_part_id'], ['county_part.id']),
        sa.ForeignKeyConstraint(['programme_id'], ['programme.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_response_period'), ['period'], unique=False)
    op.create_table(
        'survey_answer',
        sa.Column('response_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('question_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['response_id'], ['survey_response.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('response_id', 'question_code'),
    )


def downgrade() -> None:
    op.drop_table('survey_answer')
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_response_period'))
    op.drop_table('survey_response')
    op.drop_table('survey_question')
