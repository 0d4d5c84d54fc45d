"""Spans of valid time kept from the live events, for reports over many participants."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.events._kinds import IN_PLACEMENT, Kind
from storage.events._state import end_of_day, live, state_at
from storage.models import FOREVER, Participant, ParticipantEvent, ParticipantSpan, table_of


def spans_of(history: Iterable[Any]) -> list[dict[str, Any]]:
    """The participant's state as spans of valid time, as the records stand now: from each
    date an event takes effect (a placement's end: the day after) to the next, the state
    `state_at` folds, runs of one state joined. Status spans (with the coach, enrolment date
    and extension then), and spans in a placement; none for a felregistrering, which counts
    at no date."""
    current = live(history)
    if not current or any(e.kind == Kind.FELREGISTRERING for e in current):
        return []
    points = sorted({e.effective_on + timedelta(days=1) if e.kind == Kind.PLACEMENT_END
                     else e.effective_on for e in current})
    found: list[dict[str, Any]] = []
    runs: dict[str, tuple[date, tuple[Any, ...]] | None] = {"status": None, "placed": None}

    def close(which: str, until: date) -> None:
        run = runs[which]
        if run is not None:
            since, (status, coach, enrolled_on, extended_until) = run
            found.append({"status": status, "valid_from": since, "valid_until": until,
                          "coach_id": coach, "enrolled_on": enrolled_on,
                          "extended_until": extended_until})
        runs[which] = None

    for day in points:
        state = state_at(current, day)
        now = {
            "status": (state.status, state.coach_id, state.enrolment_date,
                       state.extended_until) if state.status is not None else None,
            "placed": (IN_PLACEMENT, None, None, None) if state.placements and state.counts
            else None,
        }
        for which, value in now.items():
            run = runs[which]
            if run is not None and run[1] == value:
                continue
            close(which, day)
            if value is not None:
                runs[which] = (day, value)
    for which in runs:
        close(which, FOREVER)
    return found


async def rebuild_spans(session: AsyncSession, participant_ids: Sequence[int]) -> None:
    """Derive the participants' spans again from their events (in the caller's transaction)."""
    spans, events = table_of(ParticipantSpan), table_of(ParticipantEvent)
    for start in range(0, len(participant_ids), 500):
        chunk = list(participant_ids[start:start + 500])
        await session.execute(delete(spans).where(spans.c.participant_id.in_(chunk)))
        histories: dict[int, list[Any]] = {}
        for row in (await session.execute(
            select(events).where(events.c.participant_id.in_(chunk)).order_by(events.c.id)
        )).all():
            histories.setdefault(row.participant_id, []).append(row)
        await _insert_spans(session, histories)


async def first_spans(session: AsyncSession, participant_id: int,
                      history: Sequence[ParticipantEvent]) -> None:
    """The spans of a participant created in this transaction, whose `history` (flushed) is
    all the events it has: nothing to delete or read back, as `rebuild_spans` would."""
    await _insert_spans(session, {participant_id: list(history)})


async def _insert_spans(session: AsyncSession, histories: dict[int, list[Any]]) -> None:
    rows = [{"participant_id": pid, **span}
            for pid, history in histories.items() for span in spans_of(history)]
    if rows:
        await session.execute(table_of(ParticipantSpan).insert(), rows)


async def late_changes(session: AsyncSession, end: date, participants: Any = None) -> int:
    """Changes recorded after `end` that alter the state on or before it: the reason a report
    for a period ending at `end` may differ from one run when the period ended. A correction
    alters the state from the earlier of its own date and that of the event it replaces.
    `participants`: a SELECT of the ids to count for (everyone if None)."""
    corrected = aliased(ParticipantEvent)
    statement = (
        select(col(ParticipantEvent.participant_id))
        .select_from(ParticipantEvent)
        .outerjoin(corrected, col(corrected.id) == ParticipantEvent.corrects_id)
        .where(
            col(ParticipantEvent.recorded_at) > end_of_day(end),
            (col(ParticipantEvent.effective_on) <= end) | (col(corrected.effective_on) <= end),
        )
    )
    # The late changes are read from their index first, and counted here (a GROUP BY would
    # make SQLite read every event in participant order); then only their participants are
    # looked up (a filter on the participants first would read every one's events).
    counts = Counter((await session.execute(statement)).scalars())
    if participants is None or not counts:
        return sum(counts.values())
    ids = list(counts)
    wanted: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found = participants.where(col(Participant.id).in_(chunk))
        wanted.update((await session.exec(found)).scalars())
    return sum(n for pid, n in counts.items() if pid in wanted)
