"""report indexes: covering indexes in the order the report statements group by

Revision ID: 0004_report_indexes
Revises: 0003_minutes, 0003_reminders
Create Date: 2026-11-23 16:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004_report_indexes'
down_revision: str | Sequence[str] | None = ('0003_minutes', '0003_reminders')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    'ix_participant_report_people': ('participant', [
        'gender', 'county_part_id', 'income_source_start', 'birth_year', 'referral_date',
        'enrolment_date', 'exit_date', 'extended_until', 'programme_id', 'municipality_id',
        'coach_id',
    ]),
    'ix_participant_report_exits': ('participant', [
        'gender', 'municipality_id', 'exit_reason', 'exit_destination', 'exit_date',
        'enrolment_date', 'county_part_id', 'programme_id', 'coach_id',
    ]),
    'ix_participant_report_referrals': ('participant', [
        'referring_party', 'status', 'referral_date', 'county_part_id', 'programme_id',
        'municipality_id', 'coach_id',
    ]),
    'ix_participant_report_scope': ('participant', [
        'id', 'county_part_id', 'programme_id', 'municipality_id', 'coach_id',
    ]),
    'ix_placement_report': ('placement', [
        'placement_type', 'sector', 'start_date', 'end_date', 'participant_id',
    ]),
    'ix_progression_step_report': ('progression_step', [
        'participant_id', 'step_date', 'step',
    ]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
