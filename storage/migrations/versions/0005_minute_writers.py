"""steering-group reminders go to the group's minute writers

Revision ID: 0005_minute_writers
Revises: 0004_report_indexes
Create Date: 2026-11-23 16:10:00

The meeting, minutes and action-point rules went to every samordnare. For the county-wide
steering group that is the wrong people (its minutes are written by the programme lead and
owner), so the defaults now name "protokollforare". Rules an admin has changed are left alone.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_minute_writers'
down_revision: str | Sequence[str] | None = '0004_report_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANGES = {
    'meeting_agenda': ('samordnare', 'protokollforare'),
    'minutes_missing': ('samordnare', 'protokollforare'),
    'action_point_due': ('coach,samordnare', 'coach,protokollforare'),
}


def _set(direction: int) -> None:
    rule = sa.table('reminder_rule', sa.column('code', sa.String),
                    sa.column('recipients', sa.String))
    for code, values in CHANGES.items():
        old, new = values[::direction]
        op.execute(
            rule.update()
            .where(rule.c.code == code, rule.c.recipients == old)
            .values(recipients=new)
        )


def upgrade() -> None:
    _set(1)


def downgrade() -> None:
    _set(-1)
