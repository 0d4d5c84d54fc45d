"""What the reminder jobs ask of the minutes (no actor: they decide whom to tell)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.minutes._groups import GroupRef, all_groups, may_write
from storage.minutes._reading import ActionPointRow, _point_rows
from storage.models import ActionPoint, CountyPart, Meeting, Staff, StaffCountyPart, key_of
from storage.permissions import AREA_ROLES, Actor, Role


@dataclass(frozen=True)
class MeetingDue:
    """A meeting a reminder is about (who to tell: `minutes_writers`)."""

    meeting_id: int
    meeting_date: date
    group: GroupRef


async def action_points_due(session: AsyncSession, until: date) -> list[ActionPointRow]:
    """Open action points due on or before `until` (overdue ones included), earliest first.

    `owner_aad_object_id` is set when the owner is active staff; the group's minute writers
    (`minutes_writers`) hear of every point, so one owned by someone outside staff is not lost.
    """
    points = (
        await session.exec(
            select(ActionPoint).where(
                col(ActionPoint.done_at).is_(None),
                col(ActionPoint.due_date).is_not(None),
                col(ActionPoint.due_date) <= until,
            )
        )
    ).all()
    groups = {g.id: g for g in await all_groups(session)}
    return await _point_rows(session, list(points), groups)


async def minutes_writers(session: AsyncSession) -> dict[int, tuple[str, ...]]:
    """Group id → aadObjectIds of the active staff expected to write its minutes: a local
    group's samordnare; for the county-wide group (or a local group without a samordnare)
    everyone allowed to (`is_allowed`), that is the programme lead and owner."""
    staff = (await session.exec(select(Staff).where(Staff.active))).all()
    links = (
        await session.exec(
            select(StaffCountyPart.staff_id, CountyPart.code).join(
                CountyPart, col(CountyPart.id) == col(StaffCountyPart.county_part_id)
            )
        )
    ).all()
    actors = [
        Actor(
            aad_object_id=s.aad_object_id,
            role=Role(s.role),
            county_parts=frozenset(code for sid, code in links if sid == s.id),
            staff_id=s.id,
        )
        for s in staff
    ]
    found = {}
    for group in await all_groups(session):
        allowed = [a for a in actors if may_write(a, group)]
        local = [a for a in allowed if group.county_part and a.role in AREA_ROLES]
        found[group.id] = tuple(sorted(a.aad_object_id for a in local or allowed))
    return found


async def _meetings_due(
    session: AsyncSession, *conditions: ColumnElement[bool]
) -> list[MeetingDue]:
    meetings = (
        await session.exec(
            select(Meeting).where(*conditions).order_by(col(Meeting.meeting_date), col(Meeting.id))
        )
    ).all()
    groups = {g.id: g for g in await all_groups(session)}
    return [MeetingDue(key_of(m), m.meeting_date, groups[m.steering_group_id]) for m in meetings]


async def planned_meetings(session: AsyncSession, start: date, until: date) -> list[MeetingDue]:
    """Meetings dated `start`..`until` (inclusive) without minutes: "prepare the agenda"."""
    return await _meetings_due(
        session,
        col(Meeting.meeting_date) >= start,
        col(Meeting.meeting_date) <= until,
        col(Meeting.minutes_logged_at).is_(None),
    )


async def meetings_without_minutes(
    session: AsyncSession, held_on_or_before: date
) -> list[MeetingDue]:
    """Meetings held on or before the given day that still have no minutes.

    For "no minutes N days after the meeting", pass `clock.today() - timedelta(days=N)`.
    """
    return await _meetings_due(
        session,
        col(Meeting.meeting_date) <= held_on_or_before,
        col(Meeting.minutes_logged_at).is_(None),
    )
