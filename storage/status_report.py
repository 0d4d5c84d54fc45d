"""What a steering group's half-year status report (lägesrapport) gathers besides the report
figures: the group's meetings in the period with their decisions, decisions taken between
meetings, and the open action points. Figures, training and survey results come from their own
modules; `dialogs.status_report` lays it all out as a Word document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.minutes import (
    ActionPointRow,
    GroupRef,
    find_group,
    may_read,
    open_action_points,
)
from storage.models import InterimDecision, Meeting, MeetingDecision
from storage.permissions import Actor
from storage.rules import RuleError


@dataclass(frozen=True)
class MeetingDecisions:
    meeting_id: int
    meeting_date: date
    decisions: list[str]


@dataclass(frozen=True)
class GroupPeriod:
    group: GroupRef
    start: date
    end: date
    meetings: list[MeetingDecisions] = field(default_factory=list)
    interim: list[InterimDecision] = field(default_factory=list)
    open_points: list[ActionPointRow] = field(default_factory=list)


async def group_period(
    session: AsyncSession, actor: Actor, group_text: str, start: date, end: date
) -> GroupPeriod:
    """The group's minutes from `start` to `end` as the actor may read them."""
    group = await find_group(session, group_text)
    if not may_read(actor, group):
        raise RuleError("minutes_not_allowed_read", group=group.name)
    meetings = (
        await session.exec(
            select(Meeting)
            .where(
                Meeting.steering_group_id == group.id,
                Meeting.meeting_date >= start,
                Meeting.meeting_date <= end,
                col(Meeting.minutes_logged_at).is_not(None),
            )
            .order_by(col(Meeting.meeting_date), col(Meeting.id))
        )
    ).all()
    found = []
    for meeting in meetings:
        decisions = (
            await session.exec(
                select(MeetingDecision.text)
                .where(MeetingDecision.meeting_id == meeting.id)
                .order_by(col(MeetingDecision.id))
            )
        ).all()
        assert meeting.id is not None
        found.append(MeetingDecisions(meeting.id, meeting.meeting_date, list(decisions)))
    interim = (
        await session.exec(
            select(InterimDecision)
            .where(
                InterimDecision.steering_group_id == group.id,
                InterimDecision.decided_on >= start,
                InterimDecision.decided_on <= end,
            )
            .order_by(col(InterimDecision.decided_on), col(InterimDecision.id))
        )
    ).all()
    points = [p for p in await open_action_points(session, actor) if p.group.id == group.id]
    return GroupPeriod(group, start, end, found, list(interim), points)
