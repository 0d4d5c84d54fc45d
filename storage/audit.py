"""The audit log, one module for every writer: who, when, which action, on which record and
participant, and which fields changed.

Minimising by construction: values are copied only for coded fields (statuses, dates, vocabulary
codes, ids, booleans, numbers). A text column counts as free text unless it is listed in
`CODED_TEXT`, so a new text column is never copied by accident; free text is recorded as
`{field: null}` (the field changed, its content is not kept). `changes` is
`{field: [before, after]}` for coded fields, which is what field-level undo needs: the values to
restore and the values to compare with what the row holds now.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditEntry, table_of, utcnow
from storage.permissions import Actor

# Actors without a Teams identity.
SYSTEM = "system"  # the retention job, the bootstrap admin
CLI = "cli"  # `python -m bot …` on the server


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    READ = "read"
    LIST = "list"
    DENIED = "denied"
    UNDO = "undo"
    REPORT = "report"
    EXPORT = "export"
    ROLE = "role"
    EXTRACT = "extract"
    ERASE = "erase"
    RETENTION = "retention"


# Text columns whose values are codes, statuses or keys rather than something a person wrote.
CODED_TEXT: dict[str, frozenset[str]] = {
    "participant": frozenset(
        {
            "code",
            "status",
            "gender",
            "income_source_start",
            "income_source_exit",
            "referring_party",
            "not_accepted_reason",
            "exit_reason",
            "exit_destination",
        }
    ),
    "placement": frozenset({"placement_type", "sector"}),
    "progression_step": frozenset({"step"}),
    "staff": frozenset({"role", "aad_object_id", "county_parts"}),
}
# Kept by the row itself; a change of these says nothing about what the actor did.
BOOKKEEPING = frozenset({"id", "created_at", "updated_at"})
# details["empty_before"]: free-text fields that were empty before the change, so an undo can
# empty them again without the text ever having been kept.
EMPTY_BEFORE = "empty_before"


def snapshot(row: SQLModel) -> dict[str, Any]:
    """The row's values with their Python types (dates stay dates, so they count as coded), in
    memory only: never stored as such."""
    return row.model_dump()


def is_coded(entity: str, name: str, value: Any) -> bool:
    """Whether a field's value may be copied into the log: anything but text, and text only in
    the columns listed as codes."""
    if name in CODED_TEXT.get(entity, frozenset()):
        return True
    return not isinstance(value, str)


def plain(value: Any) -> Any:
    """A coded value as JSON: dates and times as ISO text."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def field_changes(
    entity: str, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> tuple[dict[str, list[Any] | None], list[str]]:
    """({field: [before, after]} for coded fields and {field: None} for free text, the free-text
    fields that were empty before). A create has no `before`; a removal no `after`."""
    before, after = before or {}, after or {}
    changes: dict[str, list[Any] | None] = {}
    empty_before: list[str] = []
    for name in sorted(set(before) | set(after)):
        if name in BOOKKEEPING:
            continue
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if is_coded(entity, name, old) and is_coded(entity, name, new):
            changes[name] = [plain(old), plain(new)]
        else:
            changes[name] = None
            if old in (None, ""):
                empty_before.append(name)
    return changes, empty_before


def _json(value: Mapping[str, Any] | None) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def actor_id(actor: Actor | str) -> str:
    return actor if isinstance(actor, str) else actor.aad_object_id


def entry(
    actor: Actor | str,
    action: AuditAction | str,
    entity: str,
    *,
    entity_id: int | None = None,
    participant_id: int | None = None,
    participant_code: str | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The values of one audit row. `before`/`after` are snapshots (or any field → value
    mapping); only their differences are kept, minimised as described above. `details` must
    hold codes, counts and names of staff or organisation units only, never free text about a
    participant."""
    changes, empty_before = field_changes(entity, before, after)
    extra = dict(details or {})
    if empty_before:
        extra[EMPTY_BEFORE] = empty_before
    return {
        "at": utcnow(),
        "actor_aad_object_id": actor_id(actor),
        "action": str(action),
        "entity": entity,
        "entity_id": entity_id,
        "participant_id": participant_id,
        "participant_code": participant_code,
        "changes": _json(changes),
        "details": _json(extra),
    }


async def record(
    session: AsyncSession,
    actor: Actor | str,
    action: AuditAction | str,
    entity: str,
    **about: Any,
) -> AuditEntry:
    """Write one audit row (`entry`'s arguments), at once: the entry returned has its id."""
    values = entry(actor, action, entity, **about)
    # A Core INSERT rather than the ORM's unit of work: the row's id at once, and no flush to
    # wait for (pending ORM rows are flushed first, so the order of the writes holds).
    row_id = (await session.execute(_INSERT, values)).scalar_one()
    return AuditEntry(id=row_id, **values)


_INSERT = table_of(AuditEntry).insert().returning(table_of(AuditEntry).c.id)


def changes_of(entry: AuditEntry) -> dict[str, list[Any] | None]:
    return json.loads(entry.changes) if entry.changes else {}


def details_of(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.details) if entry.details else {}


def stripped(changes: str | None) -> str | None:
    """The same fields with every value dropped: what stays of a record's audit after erasure."""
    if not changes:
        return changes
    return _json({name: None for name in json.loads(changes)})
