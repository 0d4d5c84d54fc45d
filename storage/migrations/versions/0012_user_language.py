"""user_language: the language each user chose (`språk en`), else the default

Revision ID: 0012_user_language
Revises: 0011_processed_turn
Create Date: 2026-12-01 11:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0012_user_language'
down_revision: str | Sequence[str] | None = '0011_processed_turn'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'user_language',
        sa.Column('user_id', sqlmodel.sql.sqltypes.AutoString(length=512), nullable=False),
        sa.Column('locale', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )


def downgrade() -> None:
    op.drop_table('user_language')
