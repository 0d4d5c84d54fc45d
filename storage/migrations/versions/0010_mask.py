"""reports: the grid and the minimum group of masked reports

Revision ID: 0010_mask
Revises: 0005_minute_writers
Create Date: 2026-12-01 07:00:00

Masked reports answer "för få för att redovisa" instead of breaking down a total below this
number (the organisation file's `report_min_population`, default 20), and run for one grain of
periods (`report_grid`: month, quarter, half or year; default half).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010_mask'
down_revision: str | Sequence[str] | None = '0007_audit_retention'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('association') as batch:
        batch.add_column(sa.Column('report_min_population', sa.Integer(), nullable=False,
                                   server_default='20'))
        batch.add_column(sa.Column('report_grid', sa.String(), nullable=False,
                                   server_default='half'))


def downgrade() -> None:
    with op.batch_alter_table('association') as batch:
        batch.drop_column('report_grid')
        batch.drop_column('report_min_population')
