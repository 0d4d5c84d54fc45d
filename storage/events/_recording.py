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
from storage.events._spans import first_spans, rebuild_spans, spans_of
from storage.events._state import live
from storage.models import AuditEntry, ParticipantEvent, ParticipantSpan, table_of
from storage.permissions import Actor
from storage.rules import Status
from storage.together import IdOf, Row, insert_rows, resolve


def _staff_id(actor: Actor | str) -> int | None:
    return None if isinstance(actor, str) else actor.staff_id


@dataclass
class _Recorder:
    """The events one change adds, checked against the participant's live events."""

    participant_id: int | None  # None: the participant is being created (_write)
    live: list[ParticipantEvent]
    new: list[ParticipantEvent] = field(default_factory=list)

    def add(self, kind: Kind, day: date, corrects: ParticipantEvent | None = None,
            **values: Any) -> None:
        self.new.append(ParticipantEvent(
            # None for a participant being created: `_write` puts in its id.
            participant_id=self.participant_id,  # type: ignore[arg-type]
            kind=kind, effective_on=day,
            corrects_id=corrects.id if corrects else None, **values,
        ))

    def latest(self, kind: Kind, **match: Any) -> ParticipantEvent | None:
        if any(v is None for v in match.values()):
            # A row being created has no id yet (it comes with the statement, together.py)
            # and no events: an event whose id column is NULL is not its own.
            return None
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
_AUDIT, _EVENT, _SPAN = (table_of(m) for m in (AuditEntry, ParticipantEvent, ParticipantSpan))
# The event column that names the row of each tracked entity.
_NAMES_ROW = {"participant": "participant_id", "placement": "placement_id",
              "progression_step": "step_id"}
_TRACKED = {"participant": _participant, "placement": _placement, "progression_step": _step}


async def live_events(session: AsyncSession, participant_id: int) -> list[ParticipantEvent]:
    """The participant's events that nothing has corrected, in the order they were recorded."""
    rows = (await session.execute(
        select(ParticipantEvent)
        .where(col(ParticipantEvent.participant_id) == participant_id)
        .order_by(col(ParticipantEvent.id))
    )).scalars().all()
    return live(rows)


@dataclass
class _Written:
    """What `_write` wrote: the ids of the row it inserted and of the audit row (when it wrote
    them), and the events."""

    row_id: int | None
    audit_id: int | None
    events: list[ParticipantEvent]


async def _write(session: AsyncSession, actor: Actor | str, rec: _Recorder,
                 audit: AuditEntry | dict[str, Any] | None, *, new_participant: bool = False,
                 created: tuple[str, Row] | None = None) -> _Written:
    """Add the recorder's events and derive the spans again. `audit`: the change's audit row,
    written already or its values, to be written here; `new_participant`: the participant was
    created by this change, so its new events are all it has; `created`: the entity and row
    this change inserts, written first (`IdOf(0)` in the other rows where its id belongs)."""
    now, staff = clock.now(), _staff_id(actor)
    for event in rec.new:
        event.recorded_at, event.actor_staff_id = now, staff
    rows = [created[1]] if created is not None else []
    # The event column naming the inserted row (still without an id in the events).
    names_row = _NAMES_ROW.get(created[0]) if created is not None else None
    audit_ref: int | IdOf | None = audit.id if isinstance(audit, AuditEntry) else None
    if isinstance(audit, dict):
        audit_ref = IdOf(len(rows))
        rows.append(Row(_AUDIT, audit))
    first_event = len(rows)
    # One statement on PostgreSQL (storage/together.py) for the row, its audit row, the one
    # event most changes make and a new participant's spans. Several events go in one
    # multi-row INSERT after them: their ids follow the order they were recorded in, which the
    # state's fold breaks ties by (WITH clauses run in an order PostgreSQL does not promise).
    together = len(rec.new) <= 1
    if together:
        rows += [Row(_EVENT, _event_row(e, audit_ref, names_row)) for e in rec.new]
        if new_participant:
            pid = IdOf(0) if names_row == "participant_id" else rec.participant_id
            rows += [Row(_SPAN, {"participant_id": pid, **span}, returning=False)
                     for span in spans_of(rec.new)]
    ids = await insert_rows(session, rows) if rows else []
    row_id = ids[0] if created is not None else None
    audit_id = resolve(audit_ref, ids)
    if names_row == "participant_id":
        rec.participant_id = row_id
    for event in rec.new:
        event.audit_id = audit_id
        if names_row is not None:
            setattr(event, names_row, row_id)
    if together:
        for event, event_id in zip(rec.new, ids[first_event:], strict=False):
            event.id = event_id
    else:
        values = [event.model_dump(exclude={"id"}) for event in rec.new]
        written = (await session.execute(_INSERT, values)).scalars().all()
        for event, event_id in zip(rec.new, written, strict=True):
            event.id = event_id
    participant_id = rec.participant_id
    if rec.new and participant_id is not None:
        if not new_participant:
            await rebuild_spans(session, [participant_id])
        elif not together:
            await first_spans(session, participant_id, rec.new)
    return _Written(row_id, audit_id, rec.new)


def _event_row(event: ParticipantEvent, audit: int | IdOf | None,
               names_row: str | None) -> dict[str, Any]:
    row: dict[str, Any] = {**event.model_dump(exclude={"id"}), "audit_id": audit}
    if names_row is not None:
        row[names_row] = IdOf(0)
    return row


async def _change(
    session: AsyncSession,
    actor: Actor | str,
    entity: str,
    participant_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    audit: AuditEntry | dict[str, Any] | None,
    created: Row | None = None,
) -> _Written:
    derive = _TRACKED.get(entity)
    # A participant row just created has no events yet: nothing to read (a referral's turn).
    new_participant = entity == "participant" and before is None
    unread = new_participant or derive is None or participant_id is None
    rec = _Recorder(participant_id,
                    [] if unread or participant_id is None
                    else await live_events(session, participant_id))
    if derive is not None:
        derive(rec, before, after)
    return await _write(session, actor, rec, audit, new_participant=new_participant,
                        created=(entity, created) if created is not None else None)


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
    return (await _change(session, actor, entity, participant_id, before, after, entry)).events


async def record_change(
    session: AsyncSession,
    actor: Actor | str,
    entity: str,
    participant_id: int | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    audit: dict[str, Any],
    created: Row | None = None,
) -> tuple[int | None, AuditEntry]:
    """`track`, writing the change's audit row (`audit.entry`'s values) with its events, and
    first the row the change inserts (`created`: then `participant_id` is None for a new
    participant, and the row's id goes wherever it belongs); on PostgreSQL all in one
    statement. The inserted row's id, and the audit row."""
    if created is not None:
        audit = {**audit, "entity_id": IdOf(0)}
        if entity == "participant":
            audit["participant_id"] = IdOf(0)
    written = await _change(session, actor, entity, participant_id, before, after, audit, created)
    values = {key: resolve(value, [written.row_id]) for key, value in audit.items()}
    return written.row_id, AuditEntry(**{**values, "id": written.audit_id})


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
    return (await _write(session, actor, rec, undo)).events


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
