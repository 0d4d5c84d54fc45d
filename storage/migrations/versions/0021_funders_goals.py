"""association.goals: the organisation file's [[goals]] (storage/goals.py), as JSON

Revision ID: 0021_funders_goals
Revises: 0020_history_spans
Create Date: 2026-12-01 13:30:00

Until now the goals were constants in the code: at least 35 % of exits to work or studies, and
women's share of the active and of exits to work or studies between 40 and 60 %. An existing
association keeps exactly those (from 2024, for every programme) until its organisation file
says otherwise; the JSON is frozen here on purpose.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021_funders_goals'
down_revision: str | Sequence[str] | None = '0020_history_spans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PREVIOUS = (
    '[{"at_least": 0.35, "at_most": null, "end": null, "measure": "work_or_studies", '
    '"programme": null, "start": "2024-01-01"}, '
    '{"at_least": 0.4, "at_most": 0.6, "end": null, "measure": "women_active", '
    '"programme": null, "start": "2024-01-01"}, '
    '{"at_least": 0.4, "at_most": 0.6, "end": null, "measure": "women_work_or_studies", '
    '"programme": null, "start": "2024-01-01"}]'
)


def upgrade() -> None:
    with op.batch_alter_table('association') as batch:
        batch.add_column(sa.Column('goals', sa.Text(), nullable=True))
    op.execute(sa.text('UPDATE association SET goals = :goals').bindparams(goals=PREVIOUS))


def downgrade() -> None:
    with op.batch_alter_table('association') as batch:
        batch.drop_column('goals')
