"""history: felregistreringar in the report indexes

Revision ID: 0014_history_spans
Revises: 0013_participant_event
Create Date: 2026-12-01 13:00:00

A felregistrering (exited with reason "registration_error") counts nowhere in a report, so
its columns join the covering indexes the report statements read (they stay index-only), and
an index finds the felregistreringar themselves (placements leave theirs out).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0014_history_spans'
down_revision: str | Sequence[str] | None = '0013_participant_event'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = ['gender', 'county_part_id', 'income_source_start', 'birth_year', 'referral_date',
          'enrolment_date', 'exit_date', 'extended_until', 'programme_id', 'municipality_id',
          'coach_id']
EXITS = ['gender', 'municipality_id', 'exit_reason', 'exit_destination', 'exit_date',
         'enrolment_date', 'county_part_id', 'programme_id', 'coach_id']
REFERRALS = ['referring_party', 'status', 'referral_date', 'county_part_id', 'programme_id',
             'municipality_id', 'coach_id']
# index: (columns before, columns after)
CHANGED = {
    'ix_participant_report_people': (PEOPLE, [*PEOPLE, 'status', 'exit_reason']),
    'ix_participant_report_exits': (EXITS, [*EXITS, 'status']),
    'ix_participant_report_referrals': (REFERRALS, [*REFERRALS, 'exit_reason']),
}


def upgrade() -> None:
    for name, (_, columns) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)
    op.create_index('ix_participant_felregistrering', 'participant',
                    ['exit_reason', 'status', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_participant_felregistrering', table_name='participant')
    for name, (columns, _) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)
