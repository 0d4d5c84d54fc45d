"""Decisions taken between meetings (`beslut mellan möten`).

The programme lead decides things between the steering group's meetings; the group takes note
of them at its next meeting. Such a decision belongs to a group and a day, not to a meeting: the
first meeting of the group after that day lists it (`minutes.interim_decisions_for`), in the card
that serves as the agenda while the meeting is planned and in the minutes once it is held. Who may
write a group's minutes may log its interim decisions; who may read them sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.minutes import (
    GroupRef,
    all_groups,
    check_text,
    find_group,
    known_people,
    may_read,
    writable_groups,
)
from storage.models import InterimDecision, Meeting, key_col
from storage.permissions import Actor
from storage.rules import RuleError

COUNTY_WIDE_KIND = "styrgrupp"


@dataclass(frozen=True)
class NextMeeting:
    id: int
    meeting_date: date


@dataclass(frozen=True)
class InterimRow:
    """An interim decision with its group and the meeting that will take note of it (None:
    the group has no meeting planned after it yet)."""

    id: int
    decided_on: date
    group: GroupRef
    text: str
    next_meeting: NextMeeting | None


async def _default_group(session: AsyncSession, actor: Actor) -> GroupRef:
    """The county-wide steering group when the actor writes it (the programme lead's case), else
    the only group they write; several and none of them county-wide: they must name one."""
    groups = await writable_groups(session, actor)
    county_wide = [g for g in groups if g.county_part is None and g.kind == COUNTY_WIDE_KIND]
    if len(county_wide) == 1:
        return county_wide[0]
    if len(groups) == 1:
        return groups[0]
    if not groups:
        raise RuleError("interim_not_allowed")
    raise RuleError("interim_group_needed", groups=", ".join(g.name for g in groups))


async def _next_meeting(session: AsyncSession, group_id: int, day: date) -> NextMeeting | None:
    row = (
        await session.exec(
            select(key_col(Meeting.id), col(Meeting.meeting_date))
            .where(Meeting.steering_group_id == group_id, Meeting.meeting_date > day)
            .order_by(col(Meeting.meeting_date), col(Meeting.id))
            .limit(1)
        )
    ).first()
    return NextMeeting(row[0], row[1]) if row else None


async def _last_held(session: AsyncSession, group_id: int) -> Meeting | None:
    """The group's latest meeting with minutes: its notes are closed to new interim decisions."""
    return (
        await session.exec(
            select(Meeting)
            .where(
                Meeting.steering_group_id == group_id,
                col(Meeting.minutes_logged_at).is_not(None),
                Meeting.meeting_date <= clock.today(),
            )
            .order_by(col(Meeting.meeting_date).desc())
            .limit(1)
        )
    ).first()


async def add_interim_decision(
    session: AsyncSession,
    actor: Actor,
    text: str,
    group_text: str | None = None,
    day: date | None = None,
) -> InterimRow:
    """Log a decision taken `day` (default today) for a group (default: see `_default_group`).

    A day in the future is refused, and so is a day before the group's latest held meeting:
    that meeting's minutes are what it was reported in (`beslut <nr> "…"` adds it there), and
    they must not change behind the writers' backs.
    """
    if group_text:
        group = await find_group(session, group_text)
        if group not in await writable_groups(session, actor):
            raise RuleError("minutes_not_allowed_write", group=group.name)
    else:
        group = await _default_group(session, actor)
    today = clock.today()
    day = day or today
    if day > today:
        raise RuleError("interim_in_future", date=day.isoformat())
    held = await _last_held(session, group.id)
    if held is not None and day < held.meeting_date:
        raise RuleError(
            "interim_before_last_meeting",
            date=day.isoformat(),
            meeting=held.id,
            meeting_date=held.meeting_date.isoformat(),
        )
    row = InterimDecision(
        steering_group_id=group.id,
        decided_on=day,
        text=check_text(text, await known_people(session, "")),
        decided_by=actor.staff_id,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    return InterimRow(row.id, day, group, row.text, await _next_meeting(session, group.id, day))


async def pending_interim_decisions(session: AsyncSession, actor: Actor) -> list[InterimRow]:
    """Interim decisions of the groups `actor` reads that no held meeting has taken note of
    yet, oldest first: what the next agendas must carry."""
    groups = {g.id: g for g in await all_groups(session) if may_read(actor, g)}
    if not groups:
        return []
    rows = (
        await session.exec(
            select(InterimDecision)
            .where(col(InterimDecision.steering_group_id).in_(list(groups)))
            .order_by(col(InterimDecision.decided_on), col(InterimDecision.id))
        )
    ).all()
    found = []
    for row in rows:
        assert row.id is not None
        nxt = await _next_meeting(session, row.steering_group_id, row.decided_on)
        if nxt is not None and await _has_minutes(session, nxt.id):
            continue
        group = groups[row.steering_group_id]
        found.append(InterimRow(row.id, row.decided_on, group, row.text, nxt))
    return found


async def _has_minutes(session: AsyncSession, meeting_id: int) -> bool:
    meeting = await session.get(Meeting, meeting_id)
    return meeting is not None and meeting.minutes_logged_at is not None
