"""history: participant_span (state as spans of valid time); felregistreringar in the indexes

Revision ID: 0020_history_spans
Revises: 0019_extract_saved_report
Create Date: 2026-12-01 13:00:00

participant_span keeps each participant's state as spans of valid time (status with coach
and enrolment date; in a placement), derived from the live events, so that a report's "at
date D" is one index range scan instead of a pass over each candidate's events. It is filled
here from participant_event with the fold storage/events.py uses, frozen with the migration
on purpose (it must not follow later changes of that module).

A felregistrering (exited with reason "registration_error") counts nowhere in a report, so
its columns join the covering indexes the report statements read (they stay index-only), and
an index finds the felregistreringar themselves (placements leave theirs out). The referrals'
index gets the decision date: only those decided after a period ended are looked up in the
spans for their decision at its end.
"""
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0020_history_spans'
down_revision: str | Sequence[str] | None = '0019_extract_saved_report'
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
    'ix_participant_report_referrals': (REFERRALS, [*REFERRALS, 'exit_reason',
                                                    'decision_date']),
}


CHUNK = 2000
FOREVER = date(2999, 12, 31)
# Events of one day apply in this order (storage/events.py, Kind).
RANK = {kind: rank for rank, kind in enumerate((
    'referral', 'decision', 'coach', 'enrolment', 'extension', 'placement_start',
    'placement_end', 'step', 'exit', 'felregistrering', 'void'))}


def _create_table() -> None:
    op.create_table(
        'participant_span',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=False),
        sa.Column('coach_id', sa.Integer(), nullable=True),
        sa.Column('enrolled_on', sa.Date(), nullable=True),
        sa.Column('extended_until', sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('participant_span', schema=None) as batch_op:
        batch_op.create_index('ix_participant_span_at', [
            'status', 'valid_until', 'valid_from', 'participant_id', 'coach_id', 'enrolled_on',
            'extended_until',
        ], unique=False)
        batch_op.create_index('ix_participant_span_participant', [
            'participant_id', 'valid_until', 'valid_from', 'status',
        ], unique=False)


def _day(value: Any) -> date:
    """SQLite hands dates back as text through a bare table."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _state(events: list[Any], day: date) -> tuple[tuple | None, bool]:
    """(status, coach, enrolment date, extension) once referred, and whether a placement is
    under way, at `day`: the live events in effect then, folded in date order."""
    status = coach = enrolled = until = None
    placements: set[int] = set()
    for e in sorted(events, key=lambda e: (e.day, RANK[e.kind], e.id)):
        if e.day > day or (e.kind == 'placement_end' and e.day >= day):
            continue
        if e.kind in ('referral', 'decision', 'enrolment', 'exit'):
            status = e.status
        if e.kind in ('decision', 'coach'):
            coach = e.coach_id
        if e.kind == 'enrolment':
            enrolled = e.day
        elif e.kind == 'extension':
            until = e.until
        elif e.kind == 'placement_start' and e.placement_id is not None:
            placements.add(e.placement_id)
        elif e.kind == 'placement_end':
            placements.discard(e.placement_id)
    spanned = (status, coach, enrolled, until) if status is not None else None
    return spanned, bool(placements) and status is not None


def spans(participant_id: int, history: Iterable[Any]) -> list[dict]:
    """The spans of one participant's events (all of them, in id order)."""
    history = list(history)
    corrected = {e.corrects_id for e in history if e.corrects_id is not None}
    current = [e for e in history if e.id not in corrected and e.kind != 'void']
    if not current or any(e.kind == 'felregistrering' for e in current):
        return []
    points = sorted({e.day + timedelta(days=1) if e.kind == 'placement_end' else e.day
                     for e in current})
    found: list[dict] = []
    runs: dict[str, tuple[date, tuple] | None] = {'status': None, 'placed': None}
    for day in points + [FOREVER]:
        state, placed = _state(current, day) if day != FOREVER else (None, False)
        now = {'status': state,
               'placed': ('in_placement', None, None, None) if placed else None}
        for which, value in now.items():
            run = runs[which]
            if run is not None and run[1] == value:
                continue
            if run is not None:
                since, (status, coach, enrolled, until) = run
                found.append({'participant_id': participant_id, 'status': status,
                              'valid_from': since, 'valid_until': day, 'coach_id': coach,
                              'enrolled_on': enrolled, 'extended_until': until})
            runs[which] = None if value is None else (day, value)
    return found


class _Event:
    __slots__ = ('id', 'kind', 'day', 'status', 'coach_id', 'placement_id', 'corrects_id',
                 'until')

    def __init__(self, row: Any) -> None:
        self.id, self.kind, self.day = row.id, row.kind, _day(row.effective_on)
        self.until = None if row.until is None else _day(row.until)
        self.status, self.coach_id = row.status, row.coach_id
        self.placement_id, self.corrects_id = row.placement_id, row.corrects_id


def _backfill() -> None:
    connection = op.get_bind()
    event = sa.table('participant_event', *(sa.column(name) for name in (
        'id', 'participant_id', 'kind', 'effective_on', 'status', 'coach_id', 'placement_id',
        'corrects_id', 'until')))
    # The write guard checks each date against its column's window: an open span ends at
    # FOREVER, far past the default.
    span = sa.Table(
        'participant_span', sa.MetaData(),
        *(sa.Column(name, sa.Date) for name in ('valid_from', 'enrolled_on', 'extended_until')),
        sa.Column('valid_until', sa.Date, info={'days_ahead': 400_000}),
        *(sa.Column(name) for name in ('participant_id', 'status', 'coach_id')),
    )
    people = [row[0] for row in connection.execute(
        sa.select(event.c.participant_id).distinct().order_by(event.c.participant_id))]
    for start in range(0, len(people), CHUNK):
        chunk = people[start:start + CHUNK]
        histories: dict[int, list[_Event]] = {}
        for row in connection.execute(sa.select(event).where(
                event.c.participant_id.in_(chunk)).order_by(event.c.id)):
            histories.setdefault(row.participant_id, []).append(_Event(row))
        rows = [s for pid, history in histories.items() for s in spans(pid, history)]
        if rows:
            connection.execute(sa.insert(span), rows)


def upgrade() -> None:
    _create_table()
    _backfill()
    for name, (_, columns) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)
    op.create_index('ix_participant_felregistrering', 'participant',
                    ['exit_reason', 'status', 'id'], unique=False)


def downgrade() -> None:
    op.drop_table('participant_span')
    op.drop_index('ix_participant_felregistrering', table_name='participant')
    for name, (columns, _) in CHANGED.items():
        op.drop_index(name, table_name='participant')
        op.create_index(name, 'participant', columns, unique=False)
