"""Removal, shared by erasure and retention: what refers to the participants, counted, then
deleted or anonymised on the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import bindparam, delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.clock import clock
from storage.file_offers import forget_offers_about
from storage.models import (
    AuditEntry,
    BotStateItem,
    Participant,
    Placement,
    PlacementNote,
    ProgressionStep,
    ReminderOutbox,
    key_col,
    key_of,
    table_of,
    utcnow,
)
from storage.pii import opaque_token
from storage.privacy._mentions import codes_in
from storage.rules import Status
from storage.turns import forget_replies_about

ANONYMOUS_PREFIX = "ANON-"
_CHUNK = 500  # ids per IN (...): far below every engine's limit on bound parameters


@dataclass
class RemovalCounts:
    """What a removal touches (or would touch), per kind; never any content."""

    participants: int = 0
    placements: int = 0
    notes: int = 0
    steps: int = 0
    reminders: int = 0
    dialog_states: int = 0
    audit_rows: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Related:
    participant_ids: list[int]
    codes: list[str]
    placement_ids: list[int] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    state_keys: list[str] = field(default_factory=list)


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


async def _state_keys(session: AsyncSession, codes: Sequence[str]) -> list[str]:
    """Keys of saved dialog state whose document mentions one of the codes: one pass over the
    table in batches (retention keeps it small), whatever the number of codes."""
    wanted = {code.upper() for code in codes}
    keys: list[str] = []
    last = 0
    while wanted:
        rows = (
            await session.exec(
                select(key_col(BotStateItem.id), col(BotStateItem.key), col(BotStateItem.document))
                .where(col(BotStateItem.id) > last)
                .order_by(col(BotStateItem.id))
                .limit(_CHUNK)
            )
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        keys += [key for _, key, document in rows if codes_in(document) & wanted]
    return sorted(keys)


async def _related(session: AsyncSession, participants: Sequence[Participant]) -> _Related:
    related = _Related([key_of(p) for p in participants], [p.code for p in participants])
    for ids in _chunks(related.participant_ids):
        related.placement_ids += (
            await session.exec(
                select(key_col(Placement.id)).where(col(Placement.participant_id).in_(ids))
            )
        ).all()
    related.refs = [f"participant:{i}" for i in related.participant_ids] + [
        f"placement:{i}" for i in related.placement_ids
    ]
    related.state_keys = await _state_keys(session, related.codes)
    return related


async def _count(session: AsyncSession, column: Any, values: Sequence[Any]) -> int:
    total = 0
    for chunk in _chunks(values):
        total += (
            await session.exec(select(func.count()).where(col(column).in_(chunk)))
        ).one()
    return total


async def _counts(session: AsyncSession, related: _Related) -> RemovalCounts:
    return RemovalCounts(
        participants=len(related.participant_ids),
        placements=len(related.placement_ids),
        notes=await _count(session, PlacementNote.placement_id, related.placement_ids),
        steps=await _count(session, ProgressionStep.participant_id, related.participant_ids),
        reminders=await _count(session, ReminderOutbox.subject_ref, related.refs),
        dialog_states=len(related.state_keys),
        audit_rows=await _count(session, AuditEntry.participant_id, related.participant_ids),
    )


async def _strip_audit(session: AsyncSession, participant_ids: Sequence[int]) -> None:
    """Audit rows keep who did what, when, and the code; the values and the link to the row go,
    so an anonymised row cannot be tied back to its code through the log. What stays of a
    row's changes depends only on which fields it names, and few sets of fields occur: one
    UPDATE per set, not one per row (a round trip per row made PostgreSQL slow)."""
    table = table_of(AuditEntry)
    for ids in _chunks(participant_ids):
        rows = (
            await session.exec(
                select(key_col(AuditEntry.id), col(AuditEntry.changes)).where(
                    col(AuditEntry.participant_id).in_(ids), col(AuditEntry.changes).is_not(None)
                )
            )
        ).all()
        by_fields: dict[str | None, list[int]] = {}
        for entry_id, changes in rows:
            by_fields.setdefault(audit.stripped(changes), []).append(entry_id)
        for stripped, entry_ids in by_fields.items():
            await session.execute(
                update(table)
                .where(table.c.id.in_(entry_ids))
                .values(changes=stripped, participant_id=None, entity_id=None)
            )
        await session.execute(
            update(table)
            .where(table.c.participant_id.in_(ids))
            .values(participant_id=None, entity_id=None)
        )


# Removal works on the tables (SQLAlchemy Core), not through the ORM: an ORM UPDATE or DELETE
# looks through every object the session holds, which makes a run over thousands of
# participants quadratic.
_PARTICIPANT = table_of(Participant)
_PLACEMENT = table_of(Placement)
_STEP = table_of(ProgressionStep)


async def _delete_in(session: AsyncSession, column: Any, values: Sequence[Any]) -> None:
    table = column.class_.__table__
    for chunk in _chunks(values):
        await session.execute(delete(table).where(table.c[column.key].in_(chunk)))


async def remove_participants(
    session: AsyncSession, participants: Sequence[Participant], mode: str
) -> RemovalCounts:
    """Delete the participants with everything hanging on them, or anonymise them: the code,
    free text, notes, reminders, saved forms and the log's links go; the coded facts reports
    count stay."""
    if not participants:
        return RemovalCounts()
    await session.flush()
    related = await _related(session, participants)
    counts = await _counts(session, related)
    await _delete_in(session, PlacementNote.placement_id, related.placement_ids)
    await _delete_in(session, ReminderOutbox.subject_ref, related.refs)
    await _delete_in(session, BotStateItem.key, related.state_keys)
    for participant in participants:  # replies waiting to be sent again (bot/once.py)
        await forget_replies_about(session, participant.code)
        await forget_offers_about(session, participant.code)
    await _strip_audit(session, related.participant_ids)
    if mode == "delete":
        await events.forget(session, related.participant_ids)
        await _delete_in(session, Placement.participant_id, related.participant_ids)
        await _delete_in(session, ProgressionStep.participant_id, related.participant_ids)
        await _delete_in(session, Participant.id, related.participant_ids)
    else:
        await _close(session, participants)
        await _anonymise(session, related.participant_ids)
        await events.forget_actors(session, related.participant_ids)
    # The rows changed under the session's feet: what it holds in memory is stale.
    session.expunge_all()
    return counts


async def _close(session: AsyncSession, participants: Sequence[Participant]) -> None:
    """An anonymised row can no longer be decided or exited by anyone, so one still in progress
    is closed today ("other", destination and income unknown): otherwise it would count as
    pending or active in every report from now on. Open placements end with it; the closing
    is recorded as the participant's events, like any other change."""
    today = clock.today()
    for p in participants:
        before = audit.snapshot(p)
        if p.status in (Status.REFERRED, Status.WAITING, Status.ACCEPTED):
            values: dict[str, Any] = {
                "status": Status.NOT_ACCEPTED,
                "decision_date": max(today, p.decision_date or p.referral_date),
                "not_accepted_reason": "other",
            }
        elif p.status == Status.ENROLLED:
            day = max(today, p.enrolment_date or p.referral_date)
            values = {"status": Status.EXITED, "exit_date": day, "exit_reason": "other",
                      "exit_destination": "unknown", "income_source_exit": "unknown"}
            for placement in (await session.exec(
                select(Placement).where(Placement.participant_id == p.id,
                                        col(Placement.end_date).is_(None))
            )).all():
                ended = audit.snapshot(placement)
                await events.track(session, audit.SYSTEM, "placement", key_of(p), ended,
                                   {**ended, "end_date": max(placement.start_date, day)})
            larger = func.max if session.get_bind().dialect.name == "sqlite" else func.greatest
            await session.execute(
                update(_PLACEMENT)
                .where(_PLACEMENT.c.participant_id == p.id, _PLACEMENT.c.end_date.is_(None))
                .values(end_date=larger(_PLACEMENT.c.start_date, day))
            )
        else:
            continue
        await session.execute(
            update(_PARTICIPANT).where(_PARTICIPANT.c.id == p.id).values(**values)
        )
        await events.track(session, audit.SYSTEM, "participant", key_of(p), before,
                           {**before, **values})


async def _anonymise(session: AsyncSession, participant_ids: Sequence[int]) -> None:
    """Keep what reports count (gender, birth year, municipality, dates, codes, the coach for
    caseload figures); drop the code, free text and who registered what. The new code is
    random, so it leads nowhere."""
    now = utcnow()
    for ids in _chunks(participant_ids):
        await session.execute(
            update(_PLACEMENT)
            .where(_PLACEMENT.c.participant_id.in_(ids))
            .values(employer="", occupation_area="", created_by=None)
        )
        await session.execute(
            update(_STEP).where(_STEP.c.participant_id.in_(ids)).values(created_by=None)
        )
        await session.execute(
            update(_PARTICIPANT)
            .where(_PARTICIPANT.c.id == bindparam("row_id"))
            .values(
                code=bindparam("new_code"),
                referring_unit="",
                extension_motivation=None,
                created_by=None,
                anonymised_at=now,
                updated_at=now,
            ),
            [
                {"row_id": i, "new_code": f"{ANONYMOUS_PREFIX}{opaque_token(16).upper()}"}
                for i in ids
            ],
        )
