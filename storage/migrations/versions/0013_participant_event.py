"""participant_event: every change of a participant's state, with valid and recorded time

Revision ID: 0013_participant_event
Revises: 0012_user_language
Create Date: 2026-12-01 10:30:00

Also an index on participant.decision_date (who was still waiting for a decision at a date).
The table is filled from the rows as they stand: one event for each fact a row records
(referral, decision, coach, enrolment, extension, exit, felregistrering, placement start and
end, progression step). When those facts were typed in is not known, so each migrated event
counts as recorded on the day it took effect (never later than now): figures for past periods
stay what they were, and only changes recorded from now on count as late corrections.
Migrated events have no actor. The code below is frozen with the migration on purpose: it
must not follow later changes of storage/events.py.
"""
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0013_participant_event'
down_revision: str | Sequence[str] | None = '0012_user_language'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000
DECIDED = ('waiting', 'accepted', 'not_accepted')
# Enrolled and exited people were accepted first.
ACCEPTED_LATER = ('enrolled', 'exited')
REGISTRATION_ERROR = 'registration_error'


def _code() -> Any:
    return sqlmodel.sql.sqltypes.AutoString()


def _create_table() -> None:
    op.create_table(
        'participant_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('kind', _code(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('actor_staff_id', sa.Integer(), nullable=True),
        sa.Column('status', _code(), nullable=True),
        sa.Column('reason', _code(), nullable=True),
        sa.Column('destination', _code(), nullable=True),
        sa.Column('coach_id', sa.Integer(), nullable=True),
        sa.Column('until', sa.Date(), nullable=True),
        sa.Column('placement_id', sa.Integer(), nullable=True),
        sa.Column('placement_type', _code(), nullable=True),
        sa.Column('sector', _code(), nullable=True),
        sa.Column('step', _code(), nullable=True),
        sa.Column('step_id', sa.Integer(), nullable=True),
        sa.Column('corrects_id', sa.Integer(), nullable=True),
        sa.Column('audit_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('participant_event', schema=None) as batch_op:
        batch_op.create_index(
            'ix_participant_event_state',
            ['participant_id', 'kind', 'effective_on', 'status', 'coach_id', 'id'],
            unique=False,
        )
        batch_op.create_index(
            'ix_participant_event_late',
            ['recorded_at', 'effective_on', 'corrects_id', 'participant_id'],
            unique=False,
        )
        for name in ('effective_on', 'corrects_id', 'audit_id'):
            batch_op.create_index(
                batch_op.f(f'ix_participant_event_{name}'), [name], unique=False
            )


EVENT = sa.table(
    'participant_event',
    *(sa.column(name) for name in (
        'participant_id', 'kind', 'effective_on', 'recorded_at', 'status', 'reason',
        'destination', 'coach_id', 'until', 'placement_id', 'placement_type', 'sector',
        'step', 'step_id',
    )),
)
PARTICIPANT = sa.table(
    'participant',
    *(sa.column(name) for name in (
        'id', 'referral_date', 'status', 'decision_date', 'not_accepted_reason', 'coach_id',
        'enrolment_date', 'extended_until', 'exit_date', 'exit_reason', 'exit_destination',
    )),
)
PLACEMENT = sa.table(
    'placement',
    *(sa.column(name) for name in (
        'id', 'participant_id', 'placement_type', 'sector', 'start_date', 'end_date',
    )),
)
STEP = sa.table(
    'progression_step',
    *(sa.column(name) for name in ('id', 'participant_id', 'step', 'step_date')),
)


def _day(value: Any) -> date:
    """SQLite hands dates back as text through a bare table."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _event(participant_id: int, kind: str, day: Any, now: datetime, **values: Any) -> dict:
    effective = _day(day)
    recorded = min(datetime.combine(effective, time(), tzinfo=UTC), now)
    row = dict.fromkeys(EVENT.c.keys())
    row.update(participant_id=participant_id, kind=kind, effective_on=effective,
               recorded_at=recorded, **values)
    return row


def participant_events(p: Any, now: datetime) -> Iterator[dict]:
    """The events one participant row records."""
    pid, status = p.id, p.status
    yield _event(pid, 'referral', p.referral_date, now, status='referred')
    decided = status in DECIDED or status in ACCEPTED_LATER
    decision_day = p.decision_date or p.enrolment_date or p.referral_date
    if decided:
        yield _event(
            pid, 'decision', decision_day, now,
            status=status if status in DECIDED else 'accepted',
            reason=p.not_accepted_reason if status == 'not_accepted' else None,
            coach_id=p.coach_id,
        )
    elif p.coach_id is not None:
        yield _event(pid, 'coach', p.referral_date, now, coach_id=p.coach_id)
    if p.enrolment_date is not None and status in ACCEPTED_LATER:
        yield _event(pid, 'enrolment', p.enrolment_date, now, status='enrolled')
        if p.extended_until is not None:
            yield _event(pid, 'extension', p.enrolment_date, now, until=_day(p.extended_until))
    if p.exit_date is not None and status == 'exited':
        yield _event(pid, 'exit', p.exit_date, now, status='exited', reason=p.exit_reason,
                     destination=p.exit_destination)
        if p.exit_reason == REGISTRATION_ERROR:
            yield _event(pid, 'felregistrering', p.referral_date, now)


def _backfill() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    sources = (
        (PARTICIPANT, PARTICIPANT.c.id, lambda row: participant_events(row, now)),
        (PLACEMENT, PLACEMENT.c.id, lambda row: _placement_events(row, now)),
        (STEP, STEP.c.id, lambda row: [_event(
            row.participant_id, 'step', row.step_date, now, step=row.step, step_id=row.id)]),
    )
    for table, key, events in sources:
        last = -1
        while True:
            rows = connection.execute(
                sa.select(table).where(key > last).order_by(key).limit(CHUNK)
            ).all()
            if not rows:
                break
            last = rows[-1].id
            batch = [event for row in rows for event in events(row)]
            if batch:
                connection.execute(sa.insert(EVENT), batch)


def _placement_events(p: Any, now: datetime) -> list[dict]:
    found = [_event(p.participant_id, 'placement_start', p.start_date, now, placement_id=p.id,
                    placement_type=p.placement_type, sector=p.sector)]
    if p.end_date is not None:
        found.append(_event(p.participant_id, 'placement_end', p.end_date, now,
                            placement_id=p.id))
    return found


def upgrade() -> None:
    _create_table()
    _backfill()
    # Who was waiting for a decision at a date: the rows decided after it, or not at all.
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_participant_decision_date'), ['decision_date'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_participant_decision_date'))
    op.drop_table('participant_event')
