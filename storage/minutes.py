"""Steering-group minutes: meetings (planned or held), decisions and action points.

Functions a person calls take the Actor and check `is_allowed` on the group's county part, so no
caller can forget: a county-wide group has no county part and is written only by the programme
lead and owner. The reminder jobs call `action_points_due`, `planned_meetings` and
`meetings_without_minutes`, which take no actor; they say whom to remind.

Attendees and action-point owners are staff or officials, so names are allowed in free text;
personnummer never are. Rule violations raise `RuleError` with a text key for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    ActionPoint,
    CountyPart,
    InterimDecision,
    Meeting,
    MeetingDecision,
    Staff,
    StaffCountyPart,
    SteeringGroup,
    key_of,
    utcnow,
)
from storage.permissions import AREA_ROLES, Action, Actor, Role, Scope, is_allowed
from storage.pii import Policy, check
from storage.rules import RuleError

SELF_WORDS = frozenset({"jag", "mig", "me", "i"})


@dataclass(frozen=True)
class GroupRef:
    """A steering group as users see it, with the county part its permissions follow."""

    id: int
    code: str
    name: str
    county_part: str | None = None
    county_part_name: str | None = None
    kind: str = ""

    @property
    def scope(self) -> Scope:
        return Scope(county_part=self.county_part)


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


@dataclass(frozen=True)
class MeetingDetail:
    meeting: Meeting
    group: GroupRef
    decisions: list[MeetingDecision]
    action_points: list[ActionPoint]
    interim_decisions: list[InterimDecision] = field(default_factory=list)

    @property
    def attendees(self) -> list[str]:
        return split_lines(self.meeting.attendees)

    @property
    def items(self) -> list[str]:
        return split_lines(self.meeting.items)


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    meeting_date: date
    group: GroupRef
    has_minutes: bool
    decisions: int
    open_action_points: int


@dataclass(frozen=True)
class DecisionHit:
    meeting_id: int
    meeting_date: date
    group: GroupRef
    text: str


@dataclass(frozen=True)
class ActionPointRow:
    """An action point with its meeting, for lists and for the reminder jobs."""

    id: int
    meeting_id: int
    meeting_date: date
    group: GroupRef
    text: str
    owner_name: str
    owner_aad_object_id: str | None
    due_date: date | None
    done: bool


@dataclass(frozen=True)
class MeetingDue:
    """A meeting a reminder is about (who to tell: `minutes_writers`)."""

    meeting_id: int
    meeting_date: date
    group: GroupRef


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def may_read(actor: Actor, group: GroupRef) -> bool:
    return is_allowed(actor, Action.READ_MINUTES, group.scope)


def may_write(actor: Actor, group: GroupRef) -> bool:
    return is_allowed(actor, Action.WRITE_MINUTES, group.scope)


# --- groups -----------------------------------------------------------------------------------


async def all_groups(session: AsyncSession) -> list[GroupRef]:
    """Every steering group from the organisation data, county-wide first, then by name."""
    rows = (
        await session.exec(
            select(SteeringGroup, CountyPart)
            .join(CountyPart, col(CountyPart.id) == SteeringGroup.county_part_id, isouter=True)
            .order_by(SteeringGroup.name)
        )
    ).all()
    groups = [
        GroupRef(key_of(g), g.code, g.name, p.code if p else None, p.name if p else None, g.kind)
        for g, p in rows
    ]
    return sorted(groups, key=lambda g: (g.county_part is not None, g.name))


async def writable_groups(session: AsyncSession, actor: Actor) -> list[GroupRef]:
    """The groups whose minutes `actor` may write: what the card offers."""
    return [g for g in await all_groups(session) if may_write(actor, g)]


async def find_group(session: AsyncSession, text: str) -> GroupRef:
    """A group by code or name; a unique partial match ("styrgrupp västra") is enough."""
    wanted = " ".join(text.casefold().split())
    groups = await all_groups(session)
    for group in groups:
        if wanted in {group.code.casefold(), group.name.casefold()}:
            return group
    words = wanted.split()
    found = [
        g
        for g in groups
        if words and all(w in f"{g.name} {g.county_part_name or ''}".casefold() for w in words)
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise RuleError("minutes_group_ambiguous", value=text, groups=_names(found))
    raise RuleError("minutes_group_unknown", value=text, groups=_names(groups))


def _names(groups: list[GroupRef]) -> str:
    return ", ".join(g.name for g in groups)


async def _group(session: AsyncSession, group_id: int) -> GroupRef:
    return next(g for g in await all_groups(session) if g.id == group_id)


# --- checks -----------------------------------------------------------------------------------


def check_text(text: str, people: frozenset[str] | None = None) -> str:
    """Attendees and owners are named (`people` None); items, decisions and action points may
    name only those people (the meeting's attendees and the staff), never a participant."""
    text = " ".join(text.split())
    if not text:
        raise RuleError("minutes_text_empty")
    if people is None:
        check(text, Policy.NUMBERS)
    else:
        check(text, Policy.NO_NAMES, allowed_names=people)
    return text


def _check_lines(lines: list[str], people: frozenset[str] | None = None) -> str:
    return "\n".join(check_text(line, people) for line in lines if line.strip())


async def known_people(session: AsyncSession, attendees: str) -> frozenset[str]:
    """The meeting's attendees and the active staff, as written ("Anna A", "Cem Coach")."""
    staff = (await session.exec(select(Staff.display_name).where(Staff.active))).all()
    return frozenset().union(_people(attendees), staff)


def _people(text: str) -> frozenset[str]:
    """ "Anna Andersson (FK), Bo B" → {"Anna Andersson", "Bo B"}: a name before any role."""
    return frozenset(
        " ".join(part.split("(")[0].split()) for part in re.split(r"[,;\n]", text)
    ) - {""}


def _check_held(meeting: Meeting) -> None:
    """Decisions and action points come from a meeting that has taken place."""
    if meeting.meeting_date > clock.today():
        raise RuleError("minutes_meeting_in_future", date=meeting.meeting_date.isoformat())


def _check_due(meeting: Meeting, due: date | None) -> None:
    if due is not None and due < meeting.meeting_date:
        raise RuleError(
            "minutes_due_before_meeting",
            due=due.isoformat(),
            date=meeting.meeting_date.isoformat(),
        )


def _require_write(actor: Actor, group: GroupRef) -> None:
    if not may_write(actor, group):
        raise RuleError("minutes_not_allowed_write", group=group.name)


async def _meeting_for(
    session: AsyncSession, actor: Actor, meeting_id: int, action: Action
) -> tuple[Meeting, GroupRef]:
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise RuleError("minutes_meeting_not_found", id=meeting_id)
    group = await _group(session, meeting.steering_group_id)
    if action == Action.WRITE_MINUTES:
        _require_write(actor, group)
    elif not may_read(actor, group):
        raise RuleError("minutes_not_allowed_read", group=group.name)
    return meeting, group


def _touch(meeting: Meeting) -> None:
    """A held meeting with any content has minutes; the reminder about missing minutes stops."""
    meeting.updated_at = utcnow()
    if meeting.minutes_logged_at is None and meeting.meeting_date <= clock.today():
        meeting.minutes_logged_at = utcnow()


async def _resolve_owner(session: AsyncSession, actor: Actor, name: str) -> tuple[str, int | None]:
    """ "jag" is the actor; a staff member's full or unique first name links them (reminders)."""
    name = " ".join(name.split())
    if not name:
        return "", None
    if name.casefold() in SELF_WORDS and actor.staff_id is not None:
        return actor.display_name or name, actor.staff_id
    check(name, Policy.NUMBERS)
    staff = (await session.exec(select(Staff).where(Staff.active))).all()
    exact = [s for s in staff if s.display_name.casefold() == name.casefold()]
    first = [s for s in staff if s.display_name.casefold().split()[:1] == [name.casefold()]]
    match = exact or (first if len(first) == 1 else [])
    if len(match) == 1:
        return match[0].display_name, match[0].id
    return name, None


# --- writing ----------------------------------------------------------------------------------


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


async def add_decision(
    session: AsyncSession, actor: Actor, meeting_id: int, text: str
) -> MeetingDecision:
    meeting, _ = await _meeting_for(session, actor, meeting_id, Action.WRITE_MINUTES)
    _check_held(meeting)
    people = await known_people(session, meeting.attendees)
    decision = MeetingDecision(meeting_id=key_of(meeting), text=check_text(text, people))
    _touch(meeting)
    session.add_all([meeting, decision])
    await session.flush()
    return decision


async def add_action_point(
    session: AsyncSession, actor: Actor, meeting_id: int, point: ActionPointInput
) -> ActionPoint:
    meeting, _ = await _meeting_for(session, actor, meeting_id, Action.WRITE_MINUTES)
    _check_held(meeting)
    _check_due(meeting, point.due_date)
    owner_name, owner_id = await _resolve_owner(session, actor, point.owner)
    people = await known_people(session, meeting.attendees)
    row = ActionPoint(
        meeting_id=key_of(meeting),
        text=check_text(point.text, people | _people(owner_name)),
        owner_name=owner_name,
        owner_staff_id=owner_id,
        due_date=point.due_date,
    )
    _touch(meeting)
    session.add_all([meeting, row])
    await session.flush()
    return row


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


# --- reading ----------------------------------------------------------------------------------


async def meeting_detail(session: AsyncSession, actor: Actor, meeting_id: int) -> MeetingDetail:
    meeting, group = await _meeting_for(session, actor, meeting_id, Action.READ_MINUTES)
    decisions = (
        await session.exec(
            select(MeetingDecision)
            .where(MeetingDecision.meeting_id == meeting.id)
            .order_by(col(MeetingDecision.id))
        )
    ).all()
    points = (
        await session.exec(
            select(ActionPoint)
            .where(ActionPoint.meeting_id == meeting.id)
            .order_by(col(ActionPoint.id))
        )
    ).all()
    interim = await interim_decisions_for(session, meeting)
    return MeetingDetail(meeting, group, list(decisions), list(points), interim)


async def interim_decisions_for(session: AsyncSession, meeting: Meeting) -> list[InterimDecision]:
    """Decisions taken between the group's previous meeting and this one, which this meeting
    takes note of: dated on or after the previous meeting's day and before this one's."""
    previous = (
        await session.exec(
            select(col(Meeting.meeting_date))
            .where(
                Meeting.steering_group_id == meeting.steering_group_id,
                Meeting.meeting_date < meeting.meeting_date,
            )
            .order_by(col(Meeting.meeting_date).desc())
            .limit(1)
        )
    ).first()
    query = select(InterimDecision).where(
        InterimDecision.steering_group_id == meeting.steering_group_id,
        InterimDecision.decided_on < meeting.meeting_date,
    )
    if previous is not None:
        query = query.where(col(InterimDecision.decided_on) >= previous)
    query = query.order_by(col(InterimDecision.decided_on), col(InterimDecision.id))
    rows = await session.exec(query)
    return list(rows.all())


async def _readable_meetings(session: AsyncSession, actor: Actor) -> list[tuple[Meeting, GroupRef]]:
    groups = {g.id: g for g in await all_groups(session) if may_read(actor, g)}
    if not groups:
        return []
    meetings = (
        await session.exec(
            select(Meeting)
            .where(col(Meeting.steering_group_id).in_(list(groups)))
            .order_by(col(Meeting.meeting_date).desc(), col(Meeting.id).desc())
        )
    ).all()
    return [(m, groups[m.steering_group_id]) for m in meetings]


def _matches(words: list[str], *texts: str | None) -> bool:
    haystack = " ".join(t for t in texts if t).casefold()
    return all(word in haystack for word in words)


async def list_meetings(
    session: AsyncSession, actor: Actor, query: str = "", limit: int = 10
) -> list[MeetingSummary]:
    """`protokoll Västra`: the latest meetings whose group, date or minutes contain every word."""
    meetings = await _readable_meetings(session, actor)
    if not meetings:
        return []
    ids = [m.id for m, _ in meetings]
    decisions = (
        await session.exec(select(MeetingDecision).where(col(MeetingDecision.meeting_id).in_(ids)))
    ).all()
    points = (
        await session.exec(select(ActionPoint).where(col(ActionPoint.meeting_id).in_(ids)))
    ).all()
    words = query.casefold().split()
    found = []
    for meeting, group in meetings:
        own_decisions = [d.text for d in decisions if d.meeting_id == meeting.id]
        own_points = [p for p in points if p.meeting_id == meeting.id]
        if not _matches(
            words,
            group.name,
            group.county_part_name,
            meeting.meeting_date.isoformat(),
            meeting.attendees,
            meeting.items,
            *own_decisions,
            *(p.text for p in own_points),
        ):
            continue
        found.append(
            MeetingSummary(
                id=key_of(meeting),
                meeting_date=meeting.meeting_date,
                group=group,
                has_minutes=meeting.minutes_logged_at is not None,
                decisions=len(own_decisions),
                open_action_points=sum(p.done_at is None for p in own_points),
            )
        )
    return found[:limit]


async def search_decisions(
    session: AsyncSession, actor: Actor, query: str, limit: int = 20
) -> list[DecisionHit]:
    """`beslut budget`: decisions containing every word, newest meeting first."""
    meetings = {m.id: (m, g) for m, g in await _readable_meetings(session, actor)}
    if not meetings:
        return []
    rows = (
        await session.exec(
            select(MeetingDecision)
            .where(col(MeetingDecision.meeting_id).in_(list(meetings)))
            .order_by(col(MeetingDecision.id))
        )
    ).all()
    words = query.casefold().split()
    hits = [
        DecisionHit(
            d.meeting_id, meetings[d.meeting_id][0].meeting_date, meetings[d.meeting_id][1], d.text
        )
        for d in rows
        if _matches(words, d.text, meetings[d.meeting_id][1].name)
    ]
    hits.sort(key=lambda h: (h.meeting_date, h.meeting_id), reverse=True)
    return hits[:limit]


async def _point_rows(
    session: AsyncSession, points: list[ActionPoint], groups: dict[int, GroupRef]
) -> list[ActionPointRow]:
    meeting_ids = {p.meeting_id for p in points}
    meetings = (
        {
            m.id: m
            for m in (
                await session.exec(select(Meeting).where(col(Meeting.id).in_(meeting_ids)))
            ).all()
        }
        if meeting_ids
        else {}
    )
    owner_ids = {p.owner_staff_id for p in points if p.owner_staff_id is not None}
    owners = (
        {
            s.id: s
            for s in (
                await session.exec(select(Staff).where(col(Staff.id).in_(owner_ids)))
            ).all()
        }
        if owner_ids
        else {}
    )
    rows = [
        ActionPointRow(
            id=key_of(p),
            meeting_id=p.meeting_id,
            meeting_date=meetings[p.meeting_id].meeting_date,
            group=groups[meetings[p.meeting_id].steering_group_id],
            text=p.text,
            owner_name=p.owner_name,
            owner_aad_object_id=owners[p.owner_staff_id].aad_object_id
            if p.owner_staff_id in owners and owners[p.owner_staff_id].active
            else None,
            due_date=p.due_date,
            done=p.done_at is not None,
        )
        for p in points
    ]
    return sorted(rows, key=lambda r: (r.due_date or date.max, r.meeting_date, r.id))


async def open_action_points(session: AsyncSession, actor: Actor) -> list[ActionPointRow]:
    """`åtgärder`: open action points of the groups `actor` may read, earliest due first."""
    meetings = await _readable_meetings(session, actor)
    if not meetings:
        return []
    groups = {g.id: g for _, g in meetings}
    points = (
        await session.exec(
            select(ActionPoint).where(
                col(ActionPoint.meeting_id).in_([m.id for m, _ in meetings]),
                col(ActionPoint.done_at).is_(None),
            )
        )
    ).all()
    return await _point_rows(session, list(points), groups)


# --- for the reminder jobs (no actor: they decide whom to tell) -------------------------------


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
