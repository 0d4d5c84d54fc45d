"""funders' tables read covering indexes: income sources in the exits' index, gender and the
felregistrering's columns in the scope index

Revision ID: 0023_funders_indexes
Revises: 0022_survey_exit_14_days
Create Date: 2026-12-01 19:00:00

The funders' tables (storage/reports/funders.py) count exits by income source at start and at
exit, and placements and progression steps by the participant's gender, leaving the
felregistreringar out. Without these columns in an index, each of those statements read every
participant's table row: over 100,000 participants and five years most of a second on SQLite.
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0023_funders_indexes'
down_revision: str | Sequence[str] | None = '0022_survey_exit_14_days'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXITS = ['gender', 'municipality_id', 'exit_reason', 'exit_destination', 'exit_date',
         'enrolment_date', 'county_part_id', 'programme_id', 'coach_id', 'status']
SCOPE = ['id', 'county_part_id', 'programme_id', 'municipality_id', 'coach_id']
# index: (columns before, columns after)
CHANGED = {
    'ix_participant_report_exits': (EXITS, [*EXITS, 'income_source_start',
                                            'income_source_exit']),
    'ix_participant_report_scope': (SCOPE, [*SCOPE, 'gender', 'status', 'exit_reason']),
}


def upgrade() -> None:
    for name, (_, columns) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)


def downgrade() -> None:
    for name, (columns, _) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)
