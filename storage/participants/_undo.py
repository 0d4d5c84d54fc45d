"""Undo: the actor's own latest change of the last 24 hours, taken back from the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.audit import AuditAction, snapshot
from storage.clock import STOCKHOLM, clock
from storage.models import (
    AuditEntry,
    Participant,
    Placement,
    PlacementNote,
    ProgressionStep,
    Staff,
    utcnow,
)
from storage.participants._access import get_participant
from storage.permissions import Action, Actor
from storage.rules import RuleError

UNDO_WINDOW = timedelta(hours=24)
_ENTITIES: dict[str, type[SQLModel]] = {
    "participant": Participant,
    "placement": Placement,
    "placement_note": PlacementNote,
    "progression_step": ProgressionStep,
}


@dataclass(frozen=True)
class UndoResult:
    entity: str
    action: str
    participant_code: str | None


def _empty_value(model: type[SQLModel], name: str) -> Any:
    """What an empty free-text field holds ("" or None), from the column's default."""
    default = model.model_fields[name].default
    return default if default in ("", None) else None


def _restored(
    model: type[SQLModel], row: SQLModel, entry: AuditEntry
) -> dict[str, Any]:
    """The values an undo of `entry` puts back, typed as the columns want them. Free text is
    never in the log: it can be put back only when it was empty before the change."""
    changes, details = audit.changes_of(entry), audit.details_of(entry)
    empty_before = set(details.get(audit.EMPTY_BEFORE, ()))
    needs_text = sorted(n for n, v in changes.items() if v is None and n not in empty_before)
    if needs_text:
        raise RuleError("undo_needs_free_text", fields=", ".join(needs_text))
    values = snapshot(row)
    for name, change in changes.items():
        if name in values:
            values[name] = _empty_value(model, name) if change is None else change[0]
    typed = model.model_validate(values)
    return {name: getattr(typed, name) for name in changes if name in values}


async def _refuse_if_changed_since(
    session: AsyncSession, actor: Actor, entry: AuditEntry, row: SQLModel | None
) -> None:
    """An undo takes back only what the actor did: a field someone else has changed since, or
    a row others have built on (a placement on a referral, a note on a placement), stays as it
    is, and the actor is told who changed what."""
    others = (
        select(AuditEntry)
        .where(
            col(AuditEntry.id) > entry.id,
            AuditEntry.actor_aad_object_id != actor.aad_object_id,
            col(AuditEntry.action).in_((AuditAction.CREATE, AuditAction.UPDATE)),
            col(AuditEntry.undone_at).is_(None),
        )
        .order_by(col(AuditEntry.id))
    )
    if entry.action == AuditAction.CREATE and entry.entity == "participant":
        # Everything recorded about the participant hangs on its row.
        others = others.where(AuditEntry.participant_id == entry.participant_id)
    elif entry.action == AuditAction.CREATE and entry.entity == "placement":
        others = others.where(AuditEntry.participant_id == entry.participant_id).where(
            (AuditEntry.entity == "placement_note")
            | ((AuditEntry.entity == "placement") & (AuditEntry.entity_id == entry.entity_id))
        )
    else:
        others = others.where(
            AuditEntry.entity == entry.entity, AuditEntry.entity_id == entry.entity_id
        )
    mine = set(audit.changes_of(entry))
    for later in (await session.exec(others)).all():
        if entry.entity == "placement" and later.entity == "placement_note":
            note = await session.get(PlacementNote, later.entity_id)
            if note is None or note.placement_id != entry.entity_id:
                continue
        touched = set(audit.changes_of(later))
        if entry.action == AuditAction.UPDATE and not touched & mine:
            continue
        fields = sorted(touched & mine) if entry.action == AuditAction.UPDATE else []
        raise RuleError(
            "undo_changed_by_other",
            who=await _staff_name(session, later.actor_aad_object_id),
            fields=", ".join(fields) or later.entity,
            at=later.at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        )
    if entry.action == AuditAction.UPDATE and row is not None:
        now = snapshot(row)
        moved = sorted(
            name
            for name, change in audit.changes_of(entry).items()
            if change is not None and name in now and audit.plain(now[name]) != change[1]
        )
        if moved:
            raise RuleError("undo_changed_since", fields=", ".join(moved))


async def _staff_name(session: AsyncSession, aad_object_id: str) -> str:
    staff = (
        await session.exec(select(Staff).where(Staff.aad_object_id == aad_object_id))
    ).first()
    return staff.display_name if staff else aad_object_id


async def undo_last(session: AsyncSession, actor: Actor) -> UndoResult:
    """Take back the actor's own latest change of the last 24 hours: a created row is removed,
    changed fields get their previous values back (only the fields that change touched)."""
    entry = (
        await session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.actor_aad_object_id == actor.aad_object_id,
                col(AuditEntry.action).in_((AuditAction.CREATE, AuditAction.UPDATE)),
                col(AuditEntry.entity).in_(tuple(_ENTITIES)),
                col(AuditEntry.entity_id).is_not(None),
                col(AuditEntry.undone_at).is_(None),
                AuditEntry.at >= clock.now() - UNDO_WINDOW,
            )
            .order_by(col(AuditEntry.id).desc())
            .limit(1)
        )
    ).first()
    if entry is None:
        raise RuleError("nothing_to_undo")
    participant = await session.get(Participant, entry.participant_id)
    code = participant.code if participant else entry.participant_code
    if participant is not None:
        await get_participant(session, actor, participant.code, Action.WRITE_PARTICIPANT)
    model = _ENTITIES[entry.entity]
    row = await session.get(model, entry.entity_id)
    await _refuse_if_changed_since(session, actor, entry, row)
    before = snapshot(row) if row is not None else None
    if entry.action == AuditAction.CREATE:
        if row is not None:
            await session.delete(row)
    elif row is not None:
        for name, value in _restored(model, row, entry).items():
            setattr(row, name, value)
        session.add(row)
    entry.undone_at = utcnow()
    session.add(entry)
    undo = await audit.record(
        session,
        actor,
        AuditAction.UNDO,
        entry.entity,
        entity_id=entry.entity_id,
        participant_id=entry.participant_id,
        participant_code=code,
        before=before,
        after=snapshot(row) if row is not None and entry.action != AuditAction.CREATE else None,
        details={"undid": entry.id},
    )
    await session.flush()
    await events.take_back(session, actor, entry, undo)
    return UndoResult(entry.entity, entry.action, code)
