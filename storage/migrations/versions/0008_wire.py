"""file offers; dialog state as plain JSON instead of jsonpickle

Revision ID: 0008_wire
Revises: 0005_minute_writers
Create Date: 2026-12-01 08:00:00

file_offer: a FileConsentCard names an offer stored here (issue 11, point 8).

bot_state: documents were jsonpickle, which builds any class a row names (and with py/repr
evaluates code); they are rewritten as plain JSON by storage.bot_state, reading the old form
with an allow-list of the SDK's dialog types only. A row that cannot be read that way is
deleted (that conversation starts afresh). There is no way back to jsonpickle: downgrade
leaves the documents as they are, which the old code cannot read, and drops file_offer.
"""
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008_wire'
down_revision: str | Sequence[str] | None = '0010_mask'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('file_offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('conversation_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('aad_object_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('file_offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_file_offer_expires_at'), ['expires_at'], unique=False)

    from bot.state_codec import convert_legacy_rows
    convert_legacy_rows(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('file_offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_file_offer_expires_at'))
    op.drop_table('file_offer')
