"""saved_report: reports saved with `spara rapport <namn>`, their parameters and figures

Revision ID: 0019_extract_saved_report
Revises: 0018_employer
Create Date: 2026-12-01 13:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0019_extract_saved_report'
down_revision: str | Sequence[str] | None = '0018_employer'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'saved_report',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_aad_object_id', sqlmodel.sql.sqltypes.AutoString(length=64),
                  nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=240), nullable=False),
        sa.Column('name_key', sqlmodel.sql.sqltypes.AutoString(length=240), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('figures', sa.Text(), nullable=False),
        sa.Column('masked', sa.Boolean(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('owner_aad_object_id', 'name_key'),
    )
    op.create_index(op.f('ix_saved_report_owner_aad_object_id'), 'saved_report',
                    ['owner_aad_object_id'], unique=False)
    op.create_index(op.f('ix_saved_report_updated_at'), 'saved_report', ['updated_at'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_saved_report_updated_at'), table_name='saved_report')
    op.drop_index(op.f('ix_saved_report_owner_aad_object_id'), table_name='saved_report')
    op.drop_table('saved_report')
