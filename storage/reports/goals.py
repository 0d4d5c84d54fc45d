"""The configured goals (storage/goals.py) that apply to a report, next to its results."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.goals import goal_for, goals_from_json
from storage.models import Association, Programme
from storage.reports.result import TOTAL, GoalResult, Share
from storage.reports.scope import ReportScope


async def report_goals(session: AsyncSession, scope: ReportScope,
                       shares: tuple[Share, ...]) -> tuple[GoalResult, ...]:
    """The goals in effect at the end of the report's period, each next to its (protected)
    result, in the order the goals are listed."""
    association = (await session.exec(select(Association))).first()
    goals = goals_from_json(association.goals if association else None)
    if not goals:
        return ()
    programme = None
    if scope.programme_id is not None:
        programme = (await session.exec(
            select(col(Programme.code)).where(col(Programme.id) == scope.programme_id))).first()
    found = []
    for measure in dict.fromkeys(g.measure for g in goals):
        goal = goal_for(goals, measure, scope.end, programme)
        share = next((s for s in shares if s.key == measure and s.group == TOTAL), None)
        if goal is None or share is None:
            continue
        found.append(GoalResult(measure, TOTAL, goal.at_least, goal.at_most, share))
    return tuple(found)
