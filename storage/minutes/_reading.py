"""Reading minutes: one meeting's record, the list and search, open action points."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.minutes._checks import _meeting_for
from storage.minutes._groups import GroupRef, all_groups, may_read
from storage.models import ActionPoint, InterimDecision, Meeting, MeetingDecision, Staff, key_of
from storage.permissions import Action, Actor


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


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


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
