"""Events for rows loaded in bulk, without the write paths (an import, a benchmark's data)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.events._kinds import DECIDED, REGISTRATION_ERROR, VALUES, Kind
from storage.events._spans import rebuild_spans
from storage.models import (
    Participant,
    ParticipantEvent,
    Placement,
    ProgressionStep,
    key_of,
    table_of,
)
from storage.rules import Status


def _row_event(participant_id: int, kind: Kind, day: date, now: datetime,
               **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(VALUES)
    row.update(participant_id=participant_id, kind=kind.value, effective_on=day,
               recorded_at=min(datetime.combine(day, time(), tzinfo=UTC), now), **values)
    return row


def _participant_row_events(p: Participant, now: datetime) -> Iterable[dict[str, Any]]:
    """The events one participant row records on its own (as migration 0013 derives them)."""
    later = (Status.ENROLLED, Status.EXITED)
    pid = key_of(p)
    yield _row_event(pid, Kind.REFERRAL, p.referral_date, now, status=Status.REFERRED)
    if p.status in DECIDED or p.status in later:
        yield _row_event(
            pid, Kind.DECISION, p.decision_date or p.enrolment_date or p.referral_date, now,
            status=p.status if p.status in DECIDED else Status.ACCEPTED,
            reason=p.not_accepted_reason if p.status == Status.NOT_ACCEPTED else None,
            coach_id=p.coach_id,
        )
    elif p.coach_id is not None:
        yield _row_event(pid, Kind.COACH, p.referral_date, now, coach_id=p.coach_id)
    if p.enrolment_date is not None and p.status in later:
        yield _row_event(pid, Kind.ENROLMENT, p.enrolment_date, now, status=Status.ENROLLED)
        if p.extended_until is not None:
            yield _row_event(pid, Kind.EXTENSION, p.enrolment_date, now,
                             until=p.extended_until)
    if p.exit_date is not None and p.status == Status.EXITED:
        yield _row_event(pid, Kind.EXIT, p.exit_date, now, status=Status.EXITED,
                         reason=p.exit_reason, destination=p.exit_destination)
        if p.exit_reason == REGISTRATION_ERROR:
            yield _row_event(pid, Kind.FELREGISTRERING, p.referral_date, now)


async def record_rows(session: AsyncSession) -> int:
    """Events for rows written without the write paths (a bulk load, test data): participants
    without any event, placements and steps without theirs. Counted as recorded on the day
    they took effect, as migration 0013 does; returns how many were added."""
    now = clock.now()
    mine = col(ParticipantEvent.participant_id)
    found: list[dict[str, Any]] = []
    for p in (await session.execute(select(Participant).where(
        ~select(col(ParticipantEvent.id)).where(mine == col(Participant.id)).exists()
    ))).scalars():
        found += _participant_row_events(p, now)
    for pl in (await session.execute(select(Placement).where(
        ~select(col(ParticipantEvent.id))
        .where(col(ParticipantEvent.placement_id) == Placement.id)
        .exists()
    ))).scalars():
        found.append(_row_event(pl.participant_id, Kind.PLACEMENT_START, pl.start_date, now,
                                placement_id=pl.id, placement_type=pl.placement_type,
                                sector=pl.sector))
        if pl.end_date is not None:
            found.append(_row_event(pl.participant_id, Kind.PLACEMENT_END, pl.end_date, now,
                                    placement_id=pl.id))
    for st in (await session.execute(select(ProgressionStep).where(
        ~select(col(ParticipantEvent.id))
        .where(col(ParticipantEvent.step_id) == ProgressionStep.id)
        .exists()
    ))).scalars():
        found.append(_row_event(st.participant_id, Kind.STEP, st.step_date, now,
                                step=st.step, step_id=st.id))
    for start in range(0, len(found), 5000):
        await session.execute(table_of(ParticipantEvent).insert(), found[start:start + 5000])
    await rebuild_spans(session, sorted({row["participant_id"] for row in found}))
    return len(found)
