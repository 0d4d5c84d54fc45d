"""Steering-group meetings held in a report's period against the plan: about meetings, not
people, so printed as counted in masked reports too."""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import ActionPoint, Meeting, SteeringGroup
from storage.reports.result import MeetingRow
from storage.reports.scope import ReportScope


async def meetings(session: AsyncSession, scope: ReportScope) -> list[MeetingRow]:
    """Meetings dated in the period (up to today) against meetings_per_half_year."""
    last = min(scope.end, clock.today())
    held = (
        select(func.count(col(Meeting.id)))
        .where(col(Meeting.steering_group_id) == SteeringGroup.id)
        .where(col(Meeting.meeting_date).between(scope.start, last))
        .scalar_subquery()
    )
    open_points = (
        select(func.count(col(ActionPoint.id)))
        .join(Meeting, col(Meeting.id) == ActionPoint.meeting_id)
        .where(col(Meeting.steering_group_id) == SteeringGroup.id)
        .where(col(ActionPoint.done_at).is_(None), col(Meeting.meeting_date) <= scope.end)
        .scalar_subquery()
    )
    part_id = col(SteeringGroup.county_part_id)
    where = [or_(part_id.is_(None), part_id.in_(scope.county_part_ids))]
    if scope.programme_id is not None:
        programme_id = col(SteeringGroup.programme_id)
        where.append(or_(programme_id.is_(None), programme_id == scope.programme_id))
    statement = (
        select(col(SteeringGroup.name), col(SteeringGroup.meetings_per_half_year), held,
               open_points)
        .where(*where)
        .order_by(part_id.is_not(None), col(SteeringGroup.name))
    )
    half_years = _months(scope.start, scope.end) / 6
    return [
        MeetingRow(name, held_count, math.ceil(per_half * half_years - 1e-9), points)
        for name, per_half, held_count, points in (await session.execute(statement)).all()
    ]


def _months(start: date, end: date) -> int:
    """Calendar months the period touches (1 Jan–30 Jun is 6)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1
