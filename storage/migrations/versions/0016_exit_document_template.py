"""association.exit_document_template: the organisation file's Word template, as bytes

Revision ID: 0016_exit_document_template
Revises: 0015_training
Create Date: 2026-12-01 13:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0016_exit_document_template'
down_revision: str | Sequence[str] | None = '0015_training'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exit_document_template', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('association', schema=None) as batch_op:
        batch_op.drop_column('exit_document_template')
