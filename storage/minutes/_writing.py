"""Writing minutes: plan a meeting, log or edit its minutes, add decisions and action points,
mark an action point done.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.minutes._checks import (
    _check_due,
    _check_held,
    _check_lines,
    _meeting_for,
    _people,
    _require_write,
    _resolve_owner,
    _touch,
    check_text,
    known_people,
)
from storage.minutes._groups import find_group
from storage.models import ActionPoint, Meeting, MeetingDecision, key_of, utcnow
from storage.permissions import Action, Actor
from storage.rules import RuleError

Row = TypeVar("Row", MeetingDecision, ActionPoint)


@dataclass(frozen=True)
class ActionPointInput:
    text: str
    owner: str = ""
    due_date: date | None = None


@dataclass(frozen=True)
class MinutesInput:
    """What the card or the one-line form gives: the whole content of a meeting's minutes."""

    group: str
    meeting_date: date
    attendees: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    action_points: list[ActionPointInput] = field(default_factory=list)


async def plan_meeting(session: AsyncSession, actor: Actor, group_text: str, day: date) -> Meeting:
    """A meeting with date and group only; its minutes come later (and are reminded about)."""
    return await log_minutes(session, actor, MinutesInput(group=group_text, meeting_date=day))


async def log_minutes(
    session: AsyncSession, actor: Actor, data: MinutesInput, meeting_id: int | None = None
) -> Meeting:
    """Create a meeting, fill in a planned one, or (with `meeting_id`) replace its minutes.

    Action points kept by the same text keep their done state and id.
    """
    group = await find_group(session, data.group)
    _require_write(actor, group)
    attendees = _check_lines(data.attendees)
    people = await known_people(session, attendees)
    items = _check_lines(data.items, people)
    decisions = [check_text(text, people) for text in data.decisions if text.strip()]
    points = [
        (check_text(p.text, people | _people(p.owner)), p.owner, p.due_date)
        for p in data.action_points
        if p.text.strip()
    ]
    if meeting_id is not None:
        meeting, _ = await _meeting_for(session, actor, meeting_id, Action.WRITE_MINUTES)
    else:
        existing = (
            await session.exec(
                select(Meeting).where(
                    Meeting.steering_group_id == group.id,
                    Meeting.meeting_date == data.meeting_date,
                )
            )
        ).first()
        if existing is not None and existing.minutes_logged_at is not None:
            raise RuleError(
                "minutes_meeting_exists", id=existing.id, date=data.meeting_date.isoformat()
            )
        meeting = existing or Meeting(
            steering_group_id=group.id, meeting_date=data.meeting_date, created_by=actor.staff_id
        )
    meeting.steering_group_id, meeting.meeting_date = group.id, data.meeting_date
    meeting.attendees, meeting.items = attendees, items
    if decisions or points:
        _check_held(meeting)
    for _, _, due in points:
        _check_due(meeting, due)
    has_content = bool(attendees or items or decisions or points)
    if has_content:
        _touch(meeting)
    session.add(meeting)
    await session.flush()

    old_decisions = (
        await session.exec(select(MeetingDecision).where(MeetingDecision.meeting_id == meeting.id))
    ).all()
    for row in old_decisions:
        await session.delete(row)
    for text in decisions:
        session.add(MeetingDecision(meeting_id=key_of(meeting), text=text))

    old_points = {
        p.text: p
        for p in (
            await session.exec(select(ActionPoint).where(ActionPoint.meeting_id == meeting.id))
        ).all()
    }
    for text, owner, due in points:
        point = old_points.pop(text, None) or ActionPoint(meeting_id=key_of(meeting), text=text)
        point.owner_name, point.owner_staff_id = await _resolve_owner(session, actor, owner)
        point.due_date = due
        session.add(point)
    for point in old_points.values():
        await session.delete(point)
    await session.flush()
    return meeting


async def update_meeting(
    session: AsyncSession,
    actor: Actor,
    meeting_id: int,
    *,
    group_text: str | None = None,
    meeting_date: date | None = None,
    attendees: list[str] | None = None,
    items: list[str] | None = None,
) -> Meeting:
    """Correct a meeting's group, date, attendees or items; what is not given is kept."""
    meeting, group = await _meeting_for(session, actor, meeting_id, Action.WRITE_MINUTES)
    if group_text is not None:
        group = await find_group(session, group_text)
        _require_write(actor, group)
        meeting.steering_group_id = group.id
    if meeting_date is not None:
        meeting.meeting_date = meeting_date
    if attendees is not None:
        meeting.attendees = _check_lines(attendees)
    if items is not None:
        meeting.items = _check_lines(items, await known_people(session, meeting.attendees))
    if meeting.attendees or meeting.items:
        _touch(meeting)
    else:
        meeting.updated_at = utcnow()
    session.add(meeting)
    await session.flush()
    return meeting


async def _held_meeting(
    session: AsyncSession, actor: Actor, meeting_id: int
) -> tuple[Meeting, frozenset[str]]:
    """A held meeting the actor writes the minutes of, and the people its texts may name."""
    meeting, _ = await _meeting_for(session, actor, meeting_id, Action.WRITE_MINUTES)
    _check_held(meeting)
    return meeting, await known_people(session, meeting.attendees)


async def _add_to_minutes(
    session: AsyncSession, meeting: Meeting, row: Row
) -> Row:
    """A decision or action point saved with its meeting, which then has minutes."""
    _touch(meeting)
    session.add_all([meeting, row])
    await session.flush()
    return row


async def add_decision(
    session: AsyncSession, actor: Actor, meeting_id: int, text: str
) -> MeetingDecision:
    meeting, people = await _held_meeting(session, actor, meeting_id)
    decision = MeetingDecision(meeting_id=key_of(meeting), text=check_text(text, people))
    return await _add_to_minutes(session, meeting, decision)


async def add_action_point(
    session: AsyncSession, actor: Actor, meeting_id: int, point: ActionPointInput
) -> ActionPoint:
    meeting, people = await _held_meeting(session, actor, meeting_id)
    _check_due(meeting, point.due_date)
    owner_name, owner_id = await _resolve_owner(session, actor, point.owner)
    row = ActionPoint(
        meeting_id=key_of(meeting),
        text=check_text(point.text, people | _people(owner_name)),
        owner_name=owner_name,
        owner_staff_id=owner_id,
        due_date=point.due_date,
    )
    return await _add_to_minutes(session, meeting, row)


async def complete_action_point(session: AsyncSession, actor: Actor, point_id: int) -> ActionPoint:
    """Marked done by someone who writes the group's minutes, or by the point's owner."""
    point = await session.get(ActionPoint, point_id)
    if point is None:
        raise RuleError("minutes_action_not_found", id=point_id)
    if point.owner_staff_id is None or point.owner_staff_id != actor.staff_id:
        await _meeting_for(session, actor, point.meeting_id, Action.WRITE_MINUTES)
    if point.done_at is not None:
        raise RuleError("minutes_action_already_done", id=point_id)
    point.done_at, point.done_by = utcnow(), actor.staff_id
    session.add(point)
    await session.flush()
    return point
