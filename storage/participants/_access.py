"""Access to one participant: the permission check and the audit row (with its events) that
every read and write of a participant goes through.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.audit import AuditAction, snapshot
from storage.db import adopt
from storage.models import (
    AuditEntry,
    CountyPart,
    Participant,
    Placement,
    PlacementNote,
    ProgressionStep,
    key_of,
    table_of,
    utcnow,
)
from storage.permissions import Action, Actor, Scope, is_allowed
from storage.rules import RuleError
from storage.together import Row


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    entity: str,
    row: SQLModel,
    participant: Participant,
    before: dict[str, Any] | None = None,
) -> AuditEntry:
    """One audit row about `row` of `participant`; writes compare `before` with the row now,
    and record what they changed in the participant's state as events (storage/events/)."""
    writes = action in {AuditAction.CREATE, AuditAction.UPDATE}
    after = snapshot(row) if writes else None
    about: dict[str, Any] = {
        "entity_id": getattr(row, "id", None),
        "participant_id": participant.id,
        "participant_code": participant.code,
        "before": before,
        "after": after,
    }
    if after is None:
        return await audit.record(session, actor, action, entity, **about)
    values = audit.entry(actor, action, entity, **about)
    _, entry = await events.record_change(
        session, actor, entity, key_of(participant), before, after, values
    )
    return entry


async def _create(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    row: Participant | Placement | PlacementNote | ProgressionStep,
    participant: Participant,
) -> None:
    """Insert a row with its audit row and events, on PostgreSQL in one statement
    (storage/together.py); the row then belongs to the session as if it had been loaded. A new
    participant is its own participant (its id is known only after the insert)."""
    after = snapshot(row)
    values = audit.entry(actor, AuditAction.CREATE, entity, participant_id=participant.id,
                         participant_code=participant.code, after=after)
    inserted = Row(table_of(type(row)), {k: v for k, v in after.items() if k != "id"})
    row_id, _ = await events.record_change(
        session, actor, entity, participant.id, None, after, values, inserted
    )
    row.id = row_id
    adopt(session, row)


async def _scope(session: AsyncSession, participant: Participant) -> Scope:
    part = await session.get(CountyPart, participant.county_part_id)
    return Scope(county_part=part.code if part else None, coach_staff_id=participant.coach_id)


async def get_participant(
    session: AsyncSession, actor: Actor, code: str, action: Action = Action.READ_PARTICIPANT
) -> Participant:
    """The participant if `actor` may `action` it; otherwise the same "not found" as for a
    code that does not exist, so codes cannot be probed. Reads are audited."""
    code = code.strip().upper()
    participant = (
        await session.exec(
            select(Participant).where(
                Participant.code == code, col(Participant.anonymised_at).is_(None)
            )
        )
    ).first()
    if participant is None:
        raise RuleError("participant_not_found", code=code)
    if not is_allowed(actor, action, await _scope(session, participant)):
        entry = await _audit(
            session, actor, AuditAction.DENIED, "participant", participant, participant
        )
        refused = RuleError("participant_not_found", code=code)
        refused.keep.append(AuditEntry(**entry.model_dump(exclude={"id"})))
        raise refused
    if action == Action.READ_PARTICIPANT:
        await _audit(session, actor, AuditAction.READ, "participant", participant, participant)
    return participant


async def _save(
    session: AsyncSession, actor: Actor, participant: Participant, before: dict[str, Any]
) -> Participant:
    participant.updated_at = utcnow()
    session.add(participant)
    await session.flush()
    await _audit(
        session, actor, AuditAction.UPDATE, "participant", participant, participant, before
    )
    return participant
