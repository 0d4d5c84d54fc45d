"""The fold: a participant's state at a date from their live events, as the records stand now or
stood at an earlier time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import STOCKHOLM
from storage.events._kinds import ON_CASELOAD, RANK, WAITING_FOR_DECISION, Kind
from storage.models import ParticipantEvent
from storage.rules import Status


def live(events: Iterable[ParticipantEvent], known_at: datetime | None = None
         ) -> list[ParticipantEvent]:
    """The events as the records stood at `known_at` (now if None): recorded by then and not
    corrected by anything recorded by then; voids themselves are not state."""
    known = [e for e in events if known_at is None or e.recorded_at <= known_at]
    corrected = {e.corrects_id for e in known if e.corrects_id is not None}
    return [e for e in known if e.id not in corrected and e.kind != Kind.VOID]


@dataclass(frozen=True)
class State:
    """A participant at a date. `status` None: not referred yet."""

    status: str | None = None
    coach_id: int | None = None
    placements: frozenset[int] = frozenset()
    extended_until: date | None = None
    enrolment_date: date | None = None
    steps: tuple[str, ...] = ()
    felregistrering: bool = False

    @property
    def counts(self) -> bool:
        """Whether the participant counts at all at that date."""
        return self.status is not None and not self.felregistrering


def state_at(events: Iterable[ParticipantEvent], day: date,
             known_at: datetime | None = None) -> State:
    """Fold the live events that took effect on or before `day`. A placement's end date is its
    last day: it counts as under way on that day."""
    current = live(events, known_at)
    flagged = any(e.kind == Kind.FELREGISTRERING for e in current)

    def applies(e: ParticipantEvent) -> bool:
        if e.kind == Kind.PLACEMENT_END:
            return e.effective_on < day
        return e.effective_on <= day

    status: str | None = None
    coach: int | None = None
    placements: set[int] = set()
    until: date | None = None
    enrolled: date | None = None
    steps: list[str] = []
    for e in sorted((e for e in current if applies(e)),
                    key=lambda e: (e.effective_on, RANK[Kind(e.kind)], e.id or 0)):
        kind = Kind(e.kind)
        if kind in (Kind.REFERRAL, Kind.DECISION, Kind.ENROLMENT, Kind.EXIT):
            status = e.status
        if kind in (Kind.DECISION, Kind.COACH):
            coach = e.coach_id
        if kind == Kind.ENROLMENT:
            enrolled = e.effective_on
        elif kind == Kind.EXTENSION:
            until = e.until
        elif kind == Kind.PLACEMENT_START and e.placement_id is not None:
            placements.add(e.placement_id)
        elif kind == Kind.PLACEMENT_END:
            placements.discard(e.placement_id)
        elif kind == Kind.STEP and e.step:
            steps.append(e.step)
    return State(status, coach, frozenset(placements), until, enrolled, tuple(steps), flagged)


@dataclass(frozen=True)
class Figures:
    """State figures at one date over a set of participants."""

    day: date
    waiting_for_decision: int
    enrolled: int
    in_placement: int
    caseload: Mapping[int, int]  # coach id → accepted or enrolled participants


def figures_at(histories: Mapping[int, Sequence[ParticipantEvent]], day: date,
               known_at: datetime | None = None) -> Figures:
    """Waiting for a decision, enrolled, in a placement and caseload per coach at `day`."""
    states = [state_at(events, day, known_at) for events in histories.values()]
    counted = [s for s in states if s.counts]
    return Figures(
        day=day,
        waiting_for_decision=sum(s.status in WAITING_FOR_DECISION for s in counted),
        enrolled=sum(s.status == Status.ENROLLED for s in counted),
        in_placement=sum(bool(s.placements) for s in counted),
        caseload=dict(Counter(
            s.coach_id for s in counted if s.status in ON_CASELOAD and s.coach_id is not None
        )),
    )


def end_of_day(day: date) -> datetime:
    """The last moment of a Swedish date, in UTC: what "recorded by the end of D" means."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=STOCKHOLM).astimezone(
        UTC) - timedelta(microseconds=1)


async def histories(session: AsyncSession, participant_ids: Iterable[int] | None = None,
                    ) -> dict[int, list[ParticipantEvent]]:
    """Every participant's events (or those of `participant_ids`), in recorded order."""
    statement = select(ParticipantEvent).order_by(col(ParticipantEvent.id))
    if participant_ids is not None:
        statement = statement.where(col(ParticipantEvent.participant_id).in_(
            list(participant_ids)))
    found: dict[int, list[ParticipantEvent]] = {}
    for event in (await session.execute(statement)).scalars():
        found.setdefault(event.participant_id, []).append(event)
    return found


async def figures(session: AsyncSession, day: date, known_at: datetime | None = None,
                  participant_ids: Iterable[int] | None = None) -> Figures:
    """`figures_at` over the stored events."""
    return figures_at(await histories(session, participant_ids), day, known_at)
