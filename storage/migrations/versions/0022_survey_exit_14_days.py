"""the exit-survey reminder fires 14 days after the exit, not 7

Revision ID: 0022_survey_exit_14_days
Revises: 0021_funders_goals
Create Date: 2026-12-01 18:45:00

Issue 17 asks for a reminder when an exit has no exit survey after 14 days; the rule was seeded
with 7. A rule still at the old default moves to 14; one an admin has set to anything else is
left alone (the rule rows are data, see storage/reminder_rules.py).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0022_survey_exit_14_days'
down_revision: str | Sequence[str] | None = '0021_funders_goals'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _set(old: int, new: int) -> None:
    rule = sa.table('reminder_rule', sa.column('code', sa.String), sa.column('days', sa.Integer))
    op.execute(
        rule.update().where(rule.c.code == 'survey_exit', rule.c.days == old).values(days=new)
    )


def upgrade() -> None:
    _set(7, 14)


def downgrade() -> None:
    _set(14, 7)
