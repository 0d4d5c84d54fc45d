"""Recording: the events of one write (a row before and after it), of an undo, and forgetting a
participant's events or who recorded them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.events._kinds import DECIDED, REGISTRATION_ERROR, VALUES, Kind
from storage.events._spans import first_spans, rebuild_spans
from storage.events._state import live
from storage.models import AuditEntry, ParticipantEvent, ParticipantSpan, table_of
from storage.permissions import Actor
from storage.rules import Status


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


_INSERT = (
    table_of(ParticipantEvent).insert()
    .returning(table_of(ParticipantEvent).c.id, sort_by_parameter_order=True)
)
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
                 entry: AuditEntry | None, *, created: bool = False) -> list[ParticipantEvent]:
    """Add the recorder's events and derive the spans again; `created`: the participant was
    created by this write, so its new events are all it has."""
    if not rec.new:
        return []
    now, staff = clock.now(), _staff_id(actor)  # the audit row has its id (audit.record)
    for event in rec.new:
        event.recorded_at, event.actor_staff_id = now, staff
        event.audit_id = entry.id if entry is not None else None
    # Core, not the ORM's unit of work: events are written once and never changed.
    rows = [event.model_dump(exclude={"id"}) for event in rec.new]
    ids = (await session.execute(_INSERT, rows)).scalars().all()
    for event, event_id in zip(rec.new, ids, strict=True):
        event.id = event_id
    if created:
        await first_spans(session, rec.participant_id, rec.new)
    else:
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
    # A participant row just created has no events yet: nothing to read (a referral's turn).
    created = entity == "participant" and before is None
    rec = _Recorder(participant_id, [] if created else await live_events(session, participant_id))
    derive(rec, before, after)
    return await _write(session, actor, rec, entry, created=created)


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
