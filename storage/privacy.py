"""Register extract and erasure per participant code, and the removal retention shares with
erasure.

What refers to a participant: its row; placements, follow-up notes and progression steps;
reminder outbox rows about it or its placements (`subject_ref`, whose params carry the code);
saved dialog state (`bot_state`) of a form about the code; audit rows; and, possibly, the text
of steering-group minutes. Removal handles each: rows and notes go (or are anonymised), outbox
rows and dialog state mentioning the code go, audit rows keep who did what and when but lose
their values and their link to the row. Minutes are archive documents: they are shown in the
extract and counted, never changed here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from sqlalchemy import bindparam, delete, func, or_, update
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.audit import AuditAction
from storage.clock import clock
from storage.file_offers import forget_offers_about
from storage.models import (
    ActionPoint,
    AuditEntry,
    BotStateItem,
    CountyPart,
    InterimDecision,
    Meeting,
    MeetingDecision,
    Municipality,
    Participant,
    Placement,
    PlacementNote,
    Programme,
    ProgressionStep,
    ReminderOutbox,
    Staff,
    key_col,
    key_of,
    table_of,
    utcnow,
)
from storage.org import retention_policy
from storage.permissions import Action, Actor, is_allowed
from storage.pii import opaque_token
from storage.rules import RuleError, Status
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
class Erasure:
    code: str
    mode: str
    counts: RemovalCounts
    minutes_mentions: int = 0
    closes_today: bool = False  # anonymising one still in progress closes it (see _close)


IN_PROGRESS = (Status.REFERRED, Status.WAITING, Status.ACCEPTED, Status.ENROLLED)


@dataclass
class _Related:
    participant_ids: list[int]
    codes: list[str]
    placement_ids: list[int] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    state_keys: list[str] = field(default_factory=list)


def _plain(row: SQLModel) -> dict[str, Any]:
    """A row as JSON types, for the extract."""
    return row.model_dump(mode="json")


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


# Anything shaped like a participant code (letters, year, number), as a whole word.
_CODE_SHAPE = re.compile(r"(?<![\w-])([^\W\d_]+-\d{4}-\d+)(?![\w-])")


def codes_in(text: str) -> set[str]:
    """The participant codes `text` names, upper-cased (V-2026-00421 does not name
    V-2026-0042); JSON escapes are undone first."""
    return {found.upper() for found in _CODE_SHAPE.findall(_readable(text))}


def mentions_code(text: str, code: str) -> bool:
    return code.upper() in codes_in(text)


def _spellings(code: str) -> set[str]:
    """How a code may appear in stored text: as typed in either case, and JSON-escaped (a
    county-part prefix may be Å, Ä or Ö, which SQLite's lower() does not fold)."""
    forms = {code, code.lower()}
    return forms | {json.dumps(form)[1:-1] for form in forms}


def _contains_code(column: Any, code: str) -> Any:
    """SQL pre-filter for `mentions_code`; Python confirms the match."""
    return or_(*(func.lower(column).contains(form.lower()) for form in _spellings(code)),
               *(column.contains(form) for form in _spellings(code)))


def _readable(document: str) -> str:
    """A stored JSON document with escapes undone, so Ö-2026-0001 is found however it was
    written; other text as it is."""
    try:
        return json.dumps(json.loads(document), ensure_ascii=False)
    except ValueError:
        return document


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


# --- one participant, for an admin ------------------------------------------------------------


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


_Item = TypeVar("_Item", MeetingDecision, ActionPoint)


async def _item_mentions(
    session: AsyncSession, model: type[_Item], code: str
) -> list[dict[str, Any]]:
    """`_minutes_mentions` among a meeting's decisions or action points."""
    found: list[dict[str, Any]] = []
    rows = (
        await session.exec(
            select(model, col(Meeting.meeting_date))
            .join(Meeting, col(Meeting.id) == model.meeting_id)
            .where(_contains_code(model.text, code))
        )
    ).all()
    for row, day in rows:
        if mentions_code(row.text, code):
            found.append(
                {"kind": model.__tablename__, "id": row.id, "meeting_id": row.meeting_id,
                 "meeting_date": day.isoformat(), "text": row.text}
            )
    return found


async def _minutes_mentions(session: AsyncSession, code: str) -> list[dict[str, Any]]:
    """Minutes whose text names the code: (kind, id, meeting, date, text)."""
    found: list[dict[str, Any]] = []
    meetings = (
        await session.exec(
            select(Meeting).where(
                or_(_contains_code(Meeting.items, code), _contains_code(Meeting.attendees, code))
            )
        )
    ).all()
    for meeting in meetings:
        text = f"{meeting.attendees}\n{meeting.items}"
        if mentions_code(text, code):
            found.append(
                {"kind": "meeting", "id": meeting.id, "meeting_id": meeting.id,
                 "meeting_date": meeting.meeting_date.isoformat(), "text": text}
            )
    found += await _item_mentions(session, MeetingDecision, code)
    found += await _item_mentions(session, ActionPoint, code)
    interim = (
        await session.exec(
            select(InterimDecision).where(_contains_code(InterimDecision.text, code))
        )
    ).all()
    found += [
        {"kind": InterimDecision.__tablename__, "id": row.id, "meeting_id": None,
         "meeting_date": row.decided_on.isoformat(), "text": row.text}
        for row in interim
        if mentions_code(row.text, code)
    ]
    return found


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
    placements = list(
        (
            await session.exec(
                select(Placement)
                .where(Placement.participant_id == participant.id)
                .order_by(col(Placement.start_date), col(Placement.id))
            )
        ).all()
    )
    notes = list(
        (
            await session.exec(
                select(PlacementNote)
                .where(col(PlacementNote.placement_id).in_([p.id for p in placements]))
                .order_by(col(PlacementNote.note_date), col(PlacementNote.id))
            )
        ).all()
    ) if placements else []
    steps = list(
        (
            await session.exec(
                select(ProgressionStep)
                .where(ProgressionStep.participant_id == participant.id)
                .order_by(col(ProgressionStep.step_date), col(ProgressionStep.id))
            )
        ).all()
    )
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
