"""A participant's history as events with valid time, and their state at any date from it.

Every change of state is a `ParticipantEvent`: the date it took effect (`effective_on`) and the
time it was recorded (`recorded_at`), with coded values only. The storage write paths record
them in their own transaction through `track` (a row before and after a change) and
`take_back` (an undo), both called from the one funnel every participant write goes through
(storage/participants.py, `_audit`), so no write path records a change without its event.

History is not rewritten: a correction is a new event that names the one it replaces
(`corrects_id`); an undo records a "void" (or the earlier version of what it corrected). So the
state at date D can be computed as the records stand now, or as they stood at any time T
(`known_at`), and a report can say how many changes for its period came in after it ended.

A participant's state at D folds the live events that took effect on or before D, in date
order; a felregistrering removes the participant from every count at every date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import STOCKHOLM, clock
from storage.models import (
    FOREVER,
    AuditEntry,
    Participant,
    ParticipantEvent,
    ParticipantSpan,
    Placement,
    ProgressionStep,
    key_of,
    table_of,
)
from storage.permissions import Actor
from storage.rules import Status


class Kind(StrEnum):
    REFERRAL = "referral"
    DECISION = "decision"
    COACH = "coach"
    ENROLMENT = "enrolment"
    EXTENSION = "extension"
    PLACEMENT_START = "placement_start"
    PLACEMENT_END = "placement_end"
    STEP = "step"
    EXIT = "exit"
    FELREGISTRERING = "felregistrering"
    VOID = "void"


# Events of one day apply in the order of the path (a decision before the enrolment it allows).
RANK = {kind: rank for rank, kind in enumerate(Kind)}
DECIDED = frozenset({Status.WAITING, Status.ACCEPTED, Status.NOT_ACCEPTED})
REGISTRATION_ERROR = "registration_error"
# The values an event carries besides who, when and what it corrects.
VALUES = ("status", "reason", "destination", "coach_id", "until", "placement_id",
          "placement_type", "sector", "step", "step_id")
ON_CASELOAD = frozenset({Status.ACCEPTED, Status.ENROLLED})
WAITING_FOR_DECISION = frozenset({Status.REFERRED, Status.WAITING})
# Spans in a placement share the table with the status spans, under this name.
IN_PLACEMENT = "in_placement"


# --- recording -------------------------------------------------------------------------------


def _staff_id(actor: Actor | str) -> int | None:
    return None if isinstance(actor, str) else actor.staff_id


@dataclass
class _Recorder:
    """The events one change adds, checked against the participant's live events."""

    participant_id: int
    live: list[ParticipantEvent]
    new: list[ParticipantEvent] = field(default_factory=list)

    def add(self, kind: Kind, day: date, corrects: ParticipantEvent | None = None,
            **values: Any) -> None:
        self.new.append(ParticipantEvent(
            participant_id=self.participant_id, kind=kind, effective_on=day,
            corrects_id=corrects.id if corrects else None, **values,
        ))

    def latest(self, kind: Kind, **match: Any) -> ParticipantEvent | None:
        found = [e for e in self.live if e.kind == kind
                 and all(getattr(e, k) == v for k, v in match.items())]
        return found[-1] if found else None

    def void(self, event: ParticipantEvent | None) -> None:
        if event is not None:
            self.add(Kind.VOID, event.effective_on, corrects=event)

    def correct(self, kind: Kind, day: date, match: Mapping[str, Any] | None = None,
                **values: Any) -> None:
        """A new version of the live event of `kind`, or a first one if there is none."""
        current = self.latest(kind, **(match or {}))
        if current is not None and current.effective_on == day and all(
            getattr(current, k) == v for k, v in values.items()
        ):
            return
        self.add(kind, day, corrects=current, **(match or {}), **values)


def _participant(rec: _Recorder, before: Mapping[str, Any] | None,
                 after: Mapping[str, Any]) -> None:
    """What a change of a participant row says happened."""
    a, b = after, before or {}
    if before is None:
        rec.add(Kind.REFERRAL, a["referral_date"], status=Status.REFERRED)
        return
    status, changed = a["status"], a["status"] != b.get("status")
    if a["referral_date"] != b["referral_date"]:
        rec.correct(Kind.REFERRAL, a["referral_date"], status=Status.REFERRED)
    decision = {
        "status": status if status in DECIDED else Status.ACCEPTED,
        "reason": a["not_accepted_reason"] if status == Status.NOT_ACCEPTED else None,
        "coach_id": a["coach_id"],
    }
    coach_told = False
    if changed and status in DECIDED:
        rec.add(Kind.DECISION, a["decision_date"] or clock.today(), **decision)
        coach_told = True
    elif status in DECIDED and (a["decision_date"], a["not_accepted_reason"]) != (
        b["decision_date"], b["not_accepted_reason"]
    ) and a["decision_date"] is not None:
        latest = rec.latest(Kind.DECISION)
        rec.correct(Kind.DECISION, a["decision_date"],
                    **{**decision, "coach_id": latest.coach_id if latest else a["coach_id"]})
    if a["enrolment_date"] is not None and (changed and status == Status.ENROLLED or (
        not changed and a["enrolment_date"] != b["enrolment_date"]
        and status in (Status.ENROLLED, Status.EXITED)
    )):
        rec.correct(Kind.ENROLMENT, a["enrolment_date"], status=Status.ENROLLED)
    exit_fields = ("exit_date", "exit_reason", "exit_destination")
    if status == Status.EXITED and a["exit_date"] is not None and (
        changed or any(a[k] != b[k] for k in exit_fields)
    ):
        rec.correct(Kind.EXIT, a["exit_date"], status=Status.EXITED, reason=a["exit_reason"],
                    destination=a["exit_destination"])
    marked = status == Status.EXITED and a["exit_reason"] == REGISTRATION_ERROR
    flagged = rec.latest(Kind.FELREGISTRERING)
    if marked and flagged is None:
        # A mistaken record was never true: it is taken out from its first day.
        rec.add(Kind.FELREGISTRERING, a["referral_date"])
    elif not marked and flagged is not None:
        rec.void(flagged)
    if a["coach_id"] != b["coach_id"] and not coach_told:
        rec.add(Kind.COACH, clock.today(), coach_id=a["coach_id"])
    if a["extended_until"] is not None and a["extended_until"] != b["extended_until"]:
        rec.add(Kind.EXTENSION, clock.today(), until=a["extended_until"])


def _placement(rec: _Recorder, before: Mapping[str, Any] | None,
               after: Mapping[str, Any]) -> None:
    b, match = before or {}, {"placement_id": after["id"]}
    if before is None or after["start_date"] != b["start_date"]:
        rec.correct(Kind.PLACEMENT_START, after["start_date"], match,
                    placement_type=after["placement_type"], sector=after["sector"])
    if after["end_date"] != b.get("end_date"):
        if after["end_date"] is None:
            rec.void(rec.latest(Kind.PLACEMENT_END, **match))
        else:
            rec.correct(Kind.PLACEMENT_END, after["end_date"], match)


def _step(rec: _Recorder, before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> None:
    b = before or {}
    if (after["step"], after["step_date"]) != (b.get("step"), b.get("step_date")):
        rec.correct(Kind.STEP, after["step_date"], {"step_id": after["id"]}, step=after["step"])


_TRACKED = {"participant": _participant, "placement": _placement, "progression_step": _step}


async def live_events(session: AsyncSession, participant_id: int) -> list[ParticipantEvent]:
    """The participant's events that nothing has corrected, in the order they were recorded."""
    rows = (await session.execute(
        select(ParticipantEvent)
        .where(col(ParticipantEvent.participant_id) == participant_id)
        .order_by(col(ParticipantEvent.id))
    )).scalars().all()
    return live(rows)


async def _write(session: AsyncSession, actor: Actor | str, rec: _Recorder,
                 entry: AuditEntry | None) -> list[ParticipantEvent]:
    if not rec.new:
        return []
    await session.flush()  # the audit row's id
    now, staff = clock.now(), _staff_id(actor)
    for event in rec.new:
        event.recorded_at, event.actor_staff_id = now, staff
        event.audit_id = entry.id if entry is not None else None
        session.add(event)
    await session.flush()
    await rebuild_spans(session, [rec.participant_id])
    return rec.new


async def track(
    session: AsyncSession,
    actor: Actor | str,
    entity: str,
    participant_id: int,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    entry: AuditEntry | None = None,
) -> list[ParticipantEvent]:
    """Record what a write to a participant, placement or step row changed in the
    participant's state (nothing for other rows, or for fields that are not state). `before`
    None: the row was created. `entry` is the change's audit row, which an undo follows."""
    derive = _TRACKED.get(entity)
    if derive is None:
        return []
    rec = _Recorder(participant_id, await live_events(session, participant_id))
    derive(rec, before, after)
    return await _write(session, actor, rec, entry)


def _removed_with(undone: AuditEntry, event: ParticipantEvent) -> bool:
    """Whether `event` is about the row an undone creation removed."""
    if undone.action != "create":
        return False
    if undone.entity == "participant":
        return True
    if undone.entity == "placement":
        return event.placement_id == undone.entity_id
    return undone.entity == "progression_step" and event.step_id == undone.entity_id


async def take_back(
    session: AsyncSession,
    actor: Actor | str,
    undone: AuditEntry,
    undo: AuditEntry,
) -> list[ParticipantEvent]:
    """Correcting events for an undo of `undone`: each live event it recorded is voided, or, if
    it corrected an earlier one, replaced by that earlier version. An undone creation removed
    its row: every live event about that row is voided."""
    if undone.participant_id is None:
        return []
    events = await live_events(session, undone.participant_id)
    rec = _Recorder(undone.participant_id, events)
    mine = col(ParticipantEvent.participant_id) == undone.participant_id
    by_id = {e.id: e for e in (await session.execute(
        select(ParticipantEvent).where(mine)
    )).scalars()}
    for event in events:
        gone = _removed_with(undone, event)
        if event.audit_id == undone.id or gone:
            earlier = by_id.get(event.corrects_id) if event.corrects_id else None
            if earlier is not None and not gone:
                rec.add(Kind(earlier.kind), earlier.effective_on, corrects=event,
                        **{k: getattr(earlier, k) for k in VALUES})
            else:
                rec.void(event)
    return await _write(session, actor, rec, undo)


async def forget(session: AsyncSession, participant_ids: Sequence[int]) -> None:
    """Erasure by deletion: the participant's history goes with the participant."""
    for table in (table_of(ParticipantEvent), table_of(ParticipantSpan)):
        for start in range(0, len(participant_ids), 500):
            chunk = list(participant_ids[start:start + 500])
            await session.execute(delete(table).where(table.c.participant_id.in_(chunk)))


async def forget_actors(session: AsyncSession, participant_ids: Sequence[int]) -> None:
    """Anonymisation: the facts stay for the counts, who recorded them goes."""
    table = table_of(ParticipantEvent)
    for start in range(0, len(participant_ids), 500):
        chunk = list(participant_ids[start:start + 500])
        await session.execute(
            table.update().where(table.c.participant_id.in_(chunk)).values(actor_staff_id=None)
        )


# --- rows loaded in bulk ---------------------------------------------------------------------


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


# --- state at a date -------------------------------------------------------------------------


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


# --- spans of valid time, for reports over many participants ----------------------------------


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
        rows = [{"participant_id": pid, **span}
                for pid, history in histories.items() for span in spans_of(history)]
        if rows:
            await session.execute(spans.insert(), rows)


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


# --- the same states in SQL, for reports over many participants ------------------------------


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
