"""Staff registry: roles tied to Teams users (aadObjectId) and county parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.audit import SYSTEM, AuditAction
from storage.models import ConversationRef, CountyPart, Staff, StaffCountyPart, key_of, utcnow
from storage.notices import enqueue_notice
from storage.permissions import AREA_ROLES, Actor, Role
from storage.rules import RuleError

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")



@dataclass(frozen=True)
class StaffRow:
    aad_object_id: str
    display_name: str
    role: Role
    county_parts: tuple[str, ...]


def normalise_aad_id(value: str) -> str:
    return value.strip().lower()


def is_aad_object_id(value: str) -> bool:
    return bool(GUID.match(normalise_aad_id(value)))


async def _county_parts(session: AsyncSession, codes: list[str]) -> list[CountyPart]:
    if not codes:
        return []
    parts = (await session.exec(select(CountyPart).where(col(CountyPart.code).in_(codes)))).all()
    missing = set(codes) - {p.code for p in parts}
    if missing:
        raise RuleError("staff_unknown_county_part", parts=", ".join(sorted(missing)))
    return list(parts)


async def _access(session: AsyncSession, staff: Staff) -> dict[str, Any] | None:
    """What a role change compares: role, active, county parts (None: not yet a member)."""
    if staff.id is None:
        return None
    return await _saved_access(session, staff)


async def _saved_access(session: AsyncSession, staff: Staff) -> dict[str, Any]:
    """`_access` of a member already saved."""
    codes = (
        await session.exec(
            select(CountyPart.code)
            .join(StaffCountyPart, col(StaffCountyPart.county_part_id) == CountyPart.id)
            .where(StaffCountyPart.staff_id == staff.id)
        )
    ).all()
    return {
        "aad_object_id": staff.aad_object_id,
        "display_name": staff.display_name,
        "role": staff.role,
        "active": staff.active,
        "county_parts": sorted(codes),
    }


def _without_name(access: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in access.items() if k != "display_name"} if access else None


async def _keep_an_admin(session: AsyncSession, staff: Staff) -> None:
    """Refuse to demote or remove the last active admin. The admin rows are locked in id order
    (PostgreSQL), so two admins demoting each other at once cannot both succeed."""
    if staff.role != Role.ADMIN or not staff.active:
        return
    admins = (
        await session.exec(
            select(Staff.id)
            .where(Staff.role == Role.ADMIN, Staff.active)
            .order_by(col(Staff.id))
            .with_for_update()
        )
    ).all()
    if not set(admins) - {staff.id}:
        raise RuleError("staff_last_admin", name=staff.display_name)


async def _record_access_change(
    session: AsyncSession,
    by: Actor | str,
    staff: Staff,
    before: dict[str, Any] | None,
    after: dict[str, Any],
) -> None:
    """Audit a change of someone's access (one's own too) and tell the other admins."""
    entry = await audit.record(
        session, by, AuditAction.ROLE, "staff", entity_id=staff.id, before=before, after=after
    )
    await session.flush()
    if by == SYSTEM:
        return  # configuration (the bootstrap admin), not a person's decision
    if before is None or not before["active"]:
        kind = "role_added"
    elif not after["active"]:
        kind = "role_removed"
    else:
        kind = "role_changed"
    names = (
        await session.exec(
            select(CountyPart.name).where(col(CountyPart.code).in_(after["county_parts"]))
        )
    ).all()
    admins = (
        await session.exec(
            select(Staff.aad_object_id).where(Staff.role == Role.ADMIN, Staff.active)
        )
    ).all()
    by_name = by if isinstance(by, str) else by.display_name or by.aad_object_id
    await enqueue_notice(
        session,
        [aad for aad in admins if aad != audit.actor_id(by)],
        f"staff:{staff.id}:{entry.id}",
        {
            "notice": kind,
            "name": staff.display_name,
            "role": after["role"],
            "old_role": before["role"] if before else "",
            "parts": ", ".join(sorted(names)),
            "by": by_name,
        },
    )


async def upsert_staff(
    session: AsyncSession,
    aad_object_id: str,
    display_name: str,
    role: Role,
    county_part_codes: list[str],
    *,
    by: Actor | str = SYSTEM,
) -> Staff:
    """Add a person or change their role and areas. Coaches and coordinators need an area.
    A change is audited and told to the other admins; the last admin stays an admin."""
    if not is_aad_object_id(aad_object_id):
        raise RuleError("staff_bad_id", value=aad_object_id)
    if role in AREA_ROLES and not county_part_codes:
        raise RuleError("staff_needs_county_part")
    parts = await _county_parts(session, county_part_codes if role in AREA_ROLES else [])
    aad = normalise_aad_id(aad_object_id)
    staff = (await session.exec(select(Staff).where(Staff.aad_object_id == aad))).first()
    if staff is None:
        staff = Staff(aad_object_id=aad, display_name=display_name, role=role)
    before = await _access(session, staff)
    if role != Role.ADMIN:
        await _keep_an_admin(session, staff)
    staff.display_name = display_name or staff.display_name
    staff.role, staff.active, staff.updated_at = role, True, utcnow()
    session.add(staff)
    await session.flush()
    await session.exec(delete(StaffCountyPart).where(col(StaffCountyPart.staff_id) == staff.id))
    for part in parts:
        session.add(StaffCountyPart(staff_id=key_of(staff), county_part_id=key_of(part)))
    await session.flush()
    after = await _saved_access(session, staff)
    if _without_name(after) != _without_name(before):
        await _record_access_change(session, by, staff, before, after)
    elif after != before:
        await audit.record(
            session, by, AuditAction.UPDATE, "staff", entity_id=staff.id, before=before, after=after
        )
    return staff


async def deactivate_staff(
    session: AsyncSession, aad_object_id: str, *, by: Actor | str = SYSTEM
) -> Staff:
    """Staff are deactivated, not deleted: records they made keep pointing at them. Audited and
    told to the other admins; the last admin cannot be removed."""
    staff = (
        await session.exec(
            select(Staff).where(Staff.aad_object_id == normalise_aad_id(aad_object_id))
        )
    ).first()
    if staff is None or not staff.active:
        raise RuleError("staff_not_found", value=aad_object_id)
    await _keep_an_admin(session, staff)
    before = await _access(session, staff)
    staff.active, staff.updated_at = False, utcnow()
    session.add(staff)
    await session.flush()
    await _record_access_change(session, by, staff, before, await _saved_access(session, staff))
    return staff


async def list_staff(session: AsyncSession) -> list[StaffRow]:
    rows = (
        await session.exec(
            select(Staff, CountyPart.name)
            .join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id, isouter=True)
            .join(CountyPart, col(CountyPart.id) == StaffCountyPart.county_part_id, isouter=True)
            .where(Staff.active)
            .order_by(Staff.display_name)
        )
    ).all()
    grouped: dict[int, tuple[Staff, list[str]]] = {}
    for staff, part_name in rows:
        entry = grouped.setdefault(key_of(staff), (staff, []))
        if part_name:
            entry[1].append(part_name)
    return [
        StaffRow(s.aad_object_id, s.display_name, Role(s.role), tuple(sorted(parts)))
        for s, parts in grouped.values()
    ]


# Every turn loads its actor: the statement is built once, and reads columns, not ORM rows.
# The columns and joins are shared with the turn's opening read (storage/opening.py).
ACTOR_COLUMNS = (col(Staff.id), col(Staff.role), col(Staff.display_name), col(CountyPart.code))
_ACTOR = (
    select(*ACTOR_COLUMNS)
    .join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id, isouter=True)
    .join(CountyPart, col(CountyPart.id) == StaffCountyPart.county_part_id, isouter=True)
    .where(col(Staff.aad_object_id) == bindparam("aad"), col(Staff.active))
)


async def load_actor(session: AsyncSession, aad_object_id: str, display_name: str = "") -> Actor:
    """The actor for a turn: the staff row with its county parts, or an unregistered user."""
    aad = normalise_aad_id(aad_object_id)
    rows = (await session.execute(_ACTOR, {"aad": aad})).all()
    return actor_of([tuple(row) for row in rows], aad, display_name)


def actor_of(rows: list[tuple[Any, ...]], aad: str, display_name: str = "") -> Actor:
    """The actor from `ACTOR_COLUMNS` rows of the staff member `aad` (none: not registered)."""
    if not rows or rows[0][0] is None:
        return Actor(aad_object_id=aad, display_name=display_name)
    staff_id, role, name, _ = rows[0]
    return Actor(
        aad_object_id=aad,
        role=Role(role),
        county_parts=frozenset(code for *_, code in rows if code),
        staff_id=staff_id,
        display_name=name,
    )


async def ensure_bootstrap_admin(
    session: AsyncSession, aad_object_id: str, display_name: str
) -> bool:
    """Register a configured bootstrap admin on first contact; never downgrades anyone."""
    aad = normalise_aad_id(aad_object_id)
    existing = (await session.exec(select(Staff).where(Staff.aad_object_id == aad))).first()
    if existing:
        if display_name and existing.display_name == aad:
            # First seen without a name (the install event): the name it writes under now.
            existing.display_name = display_name
            session.add(existing)
        return False
    await upsert_staff(session, aad, display_name or aad, Role.ADMIN, [])
    return True


async def find_known_users(session: AsyncSession, query: str) -> list[tuple[str, str]]:
    """People who have talked to the bot, matched by name or id: (aadObjectId, name) pairs."""
    needle = query.strip().casefold()
    rows = (
        await session.exec(
            select(ConversationRef.aad_object_id, ConversationRef.user_name).where(
                col(ConversationRef.aad_object_id).is_not(None),
                ConversationRef.conversation_type == "personal",
            )
        )
    ).all()
    people = {aad: name or aad for aad, name in rows if aad is not None}  # none is, by `where`
    exact = [(a, n) for a, n in people.items() if needle in {a, n.casefold()}]
    if exact:
        return exact
    return [(a, n) for a, n in people.items() if needle and needle in n.casefold()]
