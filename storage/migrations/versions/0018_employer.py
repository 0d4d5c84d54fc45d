"""employer: the employer register and its contact history

Revision ID: 0018_employer
Revises: 0017_survey
Create Date: 2026-12-01 14:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0018_employer'
down_revision: str | Sequence[str] | None = '0017_survey'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'employer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('org_number', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('sector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=True),
        sa.Column('contact_role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('contact_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('contact_phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('open_slots', sa.Integer(), nullable=False),
        sa.Column('last_contact_on', sa.Date(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id']),
        sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_employer_municipality_id'), ['municipality_id'], unique=False
        )
    op.create_table(
        'employer_contact',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employer_id', sa.Integer(), nullable=False),
        sa.Column('contact_date', sa.Date(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['staff.id']),
        sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_employer_contact_contact_date'), ['contact_date'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_employer_contact_employer_id'), ['employer_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_contact_employer_id'))
        batch_op.drop_index(batch_op.f('ix_employer_contact_contact_date'))
    op.drop_table('employer_contact')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_municipality_id'))
    op.drop_table('employer')
