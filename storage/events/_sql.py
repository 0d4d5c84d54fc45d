"""The same states in SQL, for reports over many participants."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col

from storage.events._kinds import IN_PLACEMENT, ON_CASELOAD, WAITING_FOR_DECISION, Kind
from storage.models import Participant, ParticipantEvent, ParticipantSpan
from storage.rules import Status


def _live_sql(event: Any, known_at: datetime | None) -> list[Any]:
    """Conditions for `event` (an alias of the table) to be live as the records stood at
    `known_at`: as `live` above."""
    later = aliased(ParticipantEvent)
    correction = select(col(later.id)).where(col(later.corrects_id) == event.id)
    conditions = [event.kind != Kind.VOID]
    if known_at is not None:
        correction = correction.where(col(later.recorded_at) <= known_at)
        conditions.append(event.recorded_at <= known_at)
    return [*conditions, ~correction.exists()]


def _flagged(participant_id: Any, known_at: datetime | None) -> Any:
    event = aliased(ParticipantEvent)
    return select(col(event.id)).where(
        col(event.participant_id) == participant_id, col(event.kind) == Kind.FELREGISTRERING,
        *_live_sql(event, known_at),
    ).exists()


def _decided(event: Any) -> Any:
    """Past waiting: accepted, refused, enrolled or exited."""
    return or_(
        and_(event.kind == Kind.DECISION,
             event.status.in_((Status.ACCEPTED, Status.NOT_ACCEPTED))),
        event.kind.in_((Kind.ENROLMENT, Kind.EXIT)),
    )


def _left(event: Any) -> Any:
    """Off the caseload: refused after all, or exited."""
    return or_(
        and_(event.kind == Kind.DECISION, event.status == Status.NOT_ACCEPTED),
        event.kind == Kind.EXIT,
    )


def _only(participant_id: Any, day: date, known_at: datetime | None,
          good: Callable[[Any], Any], bad: Callable[[Any], Any]) -> Any:
    """Whether the participant has a live event in effect on `day` for which `good` holds, none
    for which `bad` does, and no felregistrering: one pass over their events (a subquery per
    condition would read them three times)."""
    event = aliased(ParticipantEvent)
    in_effect = col(event.effective_on) <= day
    verdict = func.max(case(
        (col(event.kind) == Kind.FELREGISTRERING, 2),
        (and_(in_effect, bad(event)), 2),
        (and_(in_effect, good(event)), 1),
        else_=0,
    ))
    return select(verdict).where(
        col(event.participant_id) == participant_id, *_live_sql(event, known_at)
    ).scalar_subquery() == 1


def _spans_at(day: date, statuses: Iterable[str]) -> list[Any]:
    """The spans of `statuses` in effect on `day`: a range of ix_participant_span_at."""
    span = ParticipantSpan
    return [col(span.status).in_(list(statuses)), col(span.valid_until) > day,
            col(span.valid_from) <= day]


# For the records as they stand now (no `known_at`) the SQL below reads the spans, kept from
# the live events (tests/test_events.py checks them against the fold after every write path);
# as the records stood at an earlier time it folds the events themselves, one participant at a
# time (for tests and audits, not for reports).


def status_at_sql(participant_id: Any, day: date) -> Any:
    """Scalar subquery: the participant's status at `day` as the records stand now (NULL: not
    referred yet, or a felregistrering); one lookup in ix_participant_span_participant."""
    span = ParticipantSpan
    return (
        select(col(span.status))
        .where(col(span.participant_id) == participant_id, col(span.valid_until) > day,
               col(span.valid_from) <= day, col(span.status) != IN_PLACEMENT)
        .limit(1)
        .scalar_subquery()
    )


def extended_sql(day: date) -> Any:
    """SELECT of the ids of participants enrolled at `day` with an extension in effect then."""
    span = ParticipantSpan
    return select(col(span.participant_id)).where(
        *_spans_at(day, (Status.ENROLLED,)), col(span.extended_until).is_not(None))


def waiting_sql(day: date, known_at: datetime | None = None) -> Any:
    """SELECT of the ids of participants waiting for a decision at `day` (referred, or told to
    wait, and not yet accepted, refused, enrolled or exited); as `figures_at`."""
    if known_at is None:
        return select(col(ParticipantSpan.participant_id)).where(
            *_spans_at(day, WAITING_FOR_DECISION))
    pid = col(Participant.id)
    return select(pid).where(
        _only(pid, day, known_at, lambda e: e.kind == Kind.REFERRAL, _decided))


def caseload_sql(day: date, known_at: datetime | None = None) -> Any:
    """SELECT of (participant_id, coach_id) for everyone accepted or enrolled at `day`: the
    coach of the latest decision or coach change in effect (NULL: none); as `figures_at`."""
    if known_at is None:
        span = ParticipantSpan
        return select(col(span.participant_id).label("participant_id"),
                      col(span.coach_id).label("coach_id")).where(*_spans_at(day, ON_CASELOAD))
    pid = col(Participant.id)
    coaching = aliased(ParticipantEvent)
    coach = (
        select(col(coaching.coach_id))
        .where(col(coaching.participant_id) == pid, col(coaching.effective_on) <= day,
               col(coaching.kind).in_((Kind.DECISION, Kind.COACH)), *_live_sql(coaching, known_at))
        .order_by(col(coaching.effective_on).desc(),
                  case((col(coaching.kind) == Kind.COACH, 1), else_=0).desc(),
                  col(coaching.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    accepted = _only(pid, day, known_at, lambda e: and_(
        e.kind == Kind.DECISION, e.status == Status.ACCEPTED), _left)
    # Someone without a coach then has a NULL coach: joined with the staff, they drop out.
    return select(pid.label("participant_id"), coach.label("coach_id")).where(accepted)


def enrolled_sql(day: date, known_at: datetime | None = None) -> Any:
    """SELECT of (participant_id, enrolled_on) for everyone enrolled and not exited at `day`;
    as `figures_at`. `enrolled_on` gives the time in the programme at `day`."""
    if known_at is None:
        span = ParticipantSpan
        return select(col(span.participant_id).label("participant_id"),
                      col(span.enrolled_on).label("enrolled_on")).where(
            *_spans_at(day, (Status.ENROLLED,)))
    pid = col(Participant.id)
    enrolment = aliased(ParticipantEvent)
    enrolled_on = (
        select(func.max(col(enrolment.effective_on)))
        .where(col(enrolment.participant_id) == pid, col(enrolment.kind) == Kind.ENROLMENT,
               col(enrolment.effective_on) <= day, *_live_sql(enrolment, known_at))
        .scalar_subquery()
    )
    inner = (
        select(pid.label("participant_id"), enrolled_on.label("enrolled_on"))
        .where(_only(pid, day, known_at, lambda e: e.kind == Kind.ENROLMENT,
                     lambda e: e.kind == Kind.EXIT))
        .subquery()
    )
    return select(inner.c.participant_id, inner.c.enrolled_on).where(
        inner.c.enrolled_on.is_not(None))


def in_placement_sql(day: date, known_at: datetime | None = None) -> Any:
    """SELECT of the ids of participants with a placement under way at `day` (started on or
    before it, not ended before it); as `figures_at`."""
    if known_at is None:
        return select(col(ParticipantSpan.participant_id)).where(*_spans_at(day, (IN_PLACEMENT,)))
    pid = col(Participant.id)
    start = aliased(ParticipantEvent)
    end = aliased(ParticipantEvent)
    ended = select(col(end.id)).where(
        col(end.placement_id) == col(start.placement_id), col(end.kind) == Kind.PLACEMENT_END,
        col(end.effective_on) < day, *_live_sql(end, known_at),
    ).exists()
    under_way = select(col(start.id)).where(
        col(start.participant_id) == pid, col(start.kind) == Kind.PLACEMENT_START,
        col(start.effective_on) <= day, *_live_sql(start, known_at), ~ended,
    ).exists()
    return select(pid).where(under_way, ~_flagged(pid, known_at))
