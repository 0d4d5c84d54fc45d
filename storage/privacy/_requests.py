"""One participant, for an admin: the register extract, and the erasure with its preview."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.audit import AuditAction
from storage.clock import clock
from storage.models import (
    AuditEntry,
    BotStateItem,
    CountyPart,
    Municipality,
    Participant,
    Programme,
    ReminderOutbox,
    Staff,
)
from storage.org import retention_policy
from storage.participants import notes_on, placements_of, steps_of
from storage.permissions import Action, Actor, is_allowed
from storage.privacy._mentions import _minutes_mentions
from storage.privacy._removal import RemovalCounts, _counts, _related, remove_participants
from storage.rules import RuleError, Status


@dataclass
class Erasure:
    code: str
    mode: str
    counts: RemovalCounts
    minutes_mentions: int = 0
    closes_today: bool = False  # anonymising one still in progress closes it (see _close)


IN_PROGRESS = (Status.REFERRED, Status.WAITING, Status.ACCEPTED, Status.ENROLLED)


def _plain(row: SQLModel) -> dict[str, Any]:
    """A row as JSON types, for the extract."""
    return row.model_dump(mode="json")


async def _target(session: AsyncSession, actor: Actor, code: str) -> Participant:
    """The participant an extract or erasure is about; admins only (checked here too, so no
    caller can forget). Anonymised rows have no code left to ask for."""
    if not is_allowed(actor, Action.PRIVACY_REQUESTS):
        raise RuleError("not_allowed_privacy")
    code = code.strip().upper()
    participant = (
        await session.exec(
            select(Participant)
            .where(Participant.code == code, col(Participant.anonymised_at).is_(None))
            .with_for_update()
        )
    ).first()
    if participant is None:
        raise RuleError("privacy_not_found", code=code)
    return participant


async def _names(
    session: AsyncSession, model: Any, ids: Iterable[int | None]
) -> dict[int | None, str]:
    """Names by id; keyed by optional ids, so that an id not set looks up to None."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    label = model.display_name if model is Staff else model.name
    rows = await session.exec(select(model.id, label).where(col(model.id).in_(wanted)))
    return dict(rows.all())


async def participant_extract(
    session: AsyncSession, actor: Actor, code: str, *, file_format: str, audited: bool = True
) -> dict[str, Any]:
    """Everything stored about one code, as plain data (JSON types), audit included. The
    extract is audited (unless it is only being measured before the user accepts the file)."""
    participant = await _target(session, actor, code)
    placements = await placements_of(session, participant)
    notes = await notes_on(session, placements)
    steps = await steps_of(session, participant)
    entries = list(
        (
            await session.exec(
                select(AuditEntry)
                .where(
                    or_(
                        col(AuditEntry.participant_id) == participant.id,
                        col(AuditEntry.participant_code) == participant.code,
                    )
                )
                .order_by(col(AuditEntry.id))
            )
        ).all()
    )
    related = await _related(session, [participant])
    reminders = list(
        (
            await session.exec(
                select(ReminderOutbox)
                .where(col(ReminderOutbox.subject_ref).in_(related.refs))
                .order_by(col(ReminderOutbox.id))
            )
        ).all()
    )
    states = list(
        (
            await session.exec(
                select(BotStateItem).where(col(BotStateItem.key).in_(related.state_keys))
            )
        ).all()
    ) if related.state_keys else []
    staff = await _names(
        session,
        Staff,
        [participant.coach_id, participant.created_by]
        + [p.created_by for p in placements]
        + [n.created_by for n in notes]
        + [s.created_by for s in steps],
    )
    aads = {e.actor_aad_object_id for e in entries} | {r.recipient for r in reminders}
    people = dict(
        (
            await session.exec(
                select(Staff.aad_object_id, Staff.display_name).where(
                    col(Staff.aad_object_id).in_(sorted(aads))
                )
            )
        ).all()
    )
    names = {
        "programme": (await _names(session, Programme, [participant.programme_id])),
        "county_part": (await _names(session, CountyPart, [participant.county_part_id])),
        "municipality": (await _names(session, Municipality, [participant.municipality_id])),
    }
    document: dict[str, Any] = {
        "code": participant.code,
        "generated_at": clock.now().isoformat(timespec="seconds"),
        "participant": {
            **_plain(participant),
            "programme": names["programme"].get(participant.programme_id),
            "county_part": names["county_part"].get(participant.county_part_id),
            "municipality": names["municipality"].get(participant.municipality_id),
            "coach": staff.get(participant.coach_id),
            "created_by_name": staff.get(participant.created_by),
        },
        "placements": [
            {"number": n, **_plain(p), "created_by_name": staff.get(p.created_by)}
            for n, p in enumerate(placements, start=1)
        ],
        "notes": [{**_plain(n), "created_by_name": staff.get(n.created_by)} for n in notes],
        "steps": [{**_plain(s), "created_by_name": staff.get(s.created_by)} for s in steps],
        "audit": [
            {
                "id": e.id,
                "at": e.at.isoformat(timespec="seconds"),
                "actor": e.actor_aad_object_id,
                "actor_name": people.get(e.actor_aad_object_id),
                "action": e.action,
                "entity": e.entity,
                "entity_id": e.entity_id,
                "changes": audit.changes_of(e),
                "details": audit.details_of(e),
                "undone_at": e.undone_at.isoformat(timespec="seconds") if e.undone_at else None,
            }
            for e in entries
        ],
        "reminders": [
            {
                **{k: v for k, v in _plain(r).items() if k != "params"},
                "params": json.loads(r.params),
                "recipient_name": people.get(r.recipient),
            }
            for r in reminders
        ],
        "dialog_state": [
            {"key": s.key, "updated_at": s.updated_at.isoformat(timespec="seconds"),
             "document": s.document}
            for s in states
        ],
        "minutes": await _minutes_mentions(session, participant.code),
    }
    if audited:
        await audit.record(
            session,
            actor,
            AuditAction.EXTRACT,
            "participant",
            entity_id=participant.id,
            participant_id=participant.id,
            participant_code=participant.code,
            details={"format": file_format},
        )
    return document


async def erasure_preview(session: AsyncSession, actor: Actor, code: str) -> Erasure:
    """What `erase_participant` would remove, in counts, and how (the configured mode)."""
    participant = await _target(session, actor, code)
    mode = (await retention_policy(session)).participant_removal
    counts = await _counts(session, await _related(session, [participant]))
    mentions = len(await _minutes_mentions(session, participant.code))
    closes = mode == "anonymise" and participant.status in IN_PROGRESS
    return Erasure(participant.code, mode, counts, mentions, closes)


async def erase_participant(session: AsyncSession, actor: Actor, code: str) -> Erasure:
    """Erase one participant as the organisation file says (delete or anonymise); audited
    with counts and the mode, never the erased content."""
    participant = await _target(session, actor, code)
    mode = (await retention_policy(session)).participant_removal
    code = participant.code
    mentions = len(await _minutes_mentions(session, code))
    counts = await remove_participants(session, [participant], mode)
    await audit.record(
        session,
        actor,
        AuditAction.ERASE,
        "participant",
        participant_code=code,
        details={"mode": mode, **counts.as_dict(), "minutes_mentions": mentions},
    )
    await session.flush()
    return Erasure(code, mode, counts, mentions)
