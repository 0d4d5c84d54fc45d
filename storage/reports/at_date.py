"""The state of the programme on one date, from the participants' events (storage/events.py):
waiting for a decision, enrolled, in a placement, time in the programme so far, and caseload
per coach. The same date gives the same figures whenever it is asked, unless a change about it
was recorded later, and then the report says how many.

Exact counts only: a report at a date is for those who may see the individuals (a masked
report's protection covers the grid periods, not single dates).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.models import CountyPart, Participant, key_col, table_of
from storage.reports.build import build_report
from storage.reports.counting import _grouped, _participants, _table
from storage.reports.queries import _caseload, _pending
from storage.reports.result import GENDER_COLUMNS, Report
from storage.reports.scope import ReportFilter, ReportScope
from storage.reports.split import medians
from storage.rules import RuleError

# Months since enrolment, for the distribution of time in the programme.
TIME_BANDS = ("0_3", "3_6", "6_12", "12_plus")


def _days_since(session: AsyncSession, day: date,
                enrolled_on: ColumnElement[Any]) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return day - enrolled_on
    return func.julianday(day.isoformat()) - func.julianday(enrolled_on)


async def state_report(session: AsyncSession, scope: ReportScope, day: date) -> Report:
    """Every state measure at `day` for the participants of `scope` (unmasked scopes only)."""
    if scope.masked:
        raise RuleError("report_at_needs_unmasked")
    at = replace(scope, start=day, end=day)
    people = _participants(at)
    parts = table_of(Participant).join(table_of(CountyPart),
                                       col(CountyPart.id) == Participant.county_part_id)
    enrolled = events.enrolled_sql(day).subquery()
    with_enrolment = parts.join(enrolled, enrolled.c.participant_id == Participant.id)
    placed = [*people, col(Participant.id).in_(events.in_placement_sql(day))]
    days = _days_since(session, day, enrolled.c.enrolled_on)
    band = case((days < 91, "0_3"), (days < 183, "3_6"), (days < 366, "6_12"),
                else_="12_plus")
    part_names = tuple(sorted((await session.execute(
        select(col(CountyPart.name)).where(col(CountyPart.id).in_(scope.county_part_ids))
    )).scalars()))
    part_name, gender = col(CountyPart.name), col(Participant.gender)
    enrolled_counts = await _grouped(session, part_name, gender, people, with_enrolment)
    placed_counts = await _grouped(session, part_name, gender, placed, parts)
    time_counts = await _grouped(session, band, gender, people, with_enrolment)
    tables = {
        "pending": await _pending(session, at),
        "enrolled_at": _table("enrolled_at", enrolled_counts, part_names, GENDER_COLUMNS, None,
                              "gender"),
        "in_placement_at": _table("in_placement_at", placed_counts, part_names,
                                  GENDER_COLUMNS, None, "gender"),
        "time_in_programme": _table("time_in_programme", time_counts, TIME_BANDS,
                                    GENDER_COLUMNS, "report_months", "gender"),
        "caseload": await _caseload(session, at),
    }
    histogram = {(gender, float(d)): n for (gender, d), n in (
        await _grouped(session, gender, days, people, with_enrolment)).items()}
    ids = select(key_col(Participant.id)).where(*people) if people else None
    return Report(scope=at, tables=tables, shares=(), medians=tuple(medians(histogram)),
                  meetings=(), late_changes=await events.late_changes(session, day, ids),
                  at=day)


async def report_for(session: AsyncSession, scope: ReportScope, wanted: ReportFilter, *,
                     funders: bool = True) -> Report:
    """The report `wanted` asks for: the state on its date, or the period's report (with the
    funders' tables unless `funders` is False: see `build_report`)."""
    if wanted.at is not None:
        return await state_report(session, scope, wanted.at)
    return await build_report(session, scope, funders=funders)
