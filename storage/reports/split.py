"""A period's measures grouped by municipality and programme, added up in Python: the exact
figures a masked report is protected from. Kept apart from `queries` (which serves unmasked
reports with index-ordered statements for any filter) so that the protection has counts per
(municipality, programme) to build on; tests check the two agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlmodel
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Mapped
from sqlalchemy.util.typing import TupleAny
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.clock import clock
from storage.models import CountyPart, Municipality, Participant, Placement, ProgressionStep, Staff
from storage.reports.counting import (
    AGE_BANDS,
    DECISIONS,
    FLOWS,
    REPORTED_EXIT_REASONS,
    WAIT_BANDS,
    _table,
    counted,
    decision_at,
)
from storage.reports.period import GridPeriod
from storage.reports.result import (
    GENDER_COLUMNS,
    SUS_GROUPS,
    TOTAL,
    Median,
    Report,
    goal_shares,
)
from storage.reports.scope import ReportScope
from storage.rules import (
    DESTINATIONS,
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    REFERRING_PARTIES,
    SECTORS,
    Status,
    SusGroup,
    add_months,
)

Cell = tuple[int, int]  # (municipality id, programme id)
Counts = dict[tuple[str, str], int]


def age_band(end: date, born: int) -> str:
    """As queries._age_band: the age reached in the period's last year."""
    year = end.year
    if born > year - 18:
        return "outside"
    for band, oldest in (("18_24", 24), ("25_29", 29), ("30_39", 39), ("40_49", 49),
                         ("50_64", 64)):
        if born >= year - oldest:
            return band
    return "outside"


def _sus(destination: str | None) -> str:
    group = DESTINATIONS.get(destination or "")
    return (group or SusGroup.OTHER).value


class PeriodCounts:
    """A period's counts per (municipality, programme) and table, and the exits' days in the
    programme; `block` adds them up for a filter."""

    def __init__(self, period: GridPeriod) -> None:
        self.period = period
        self.counts: dict[Cell, dict[str, Counts]] = defaultdict(lambda: defaultdict(dict))
        self.days: dict[Cell, dict[tuple[str, float], int]] = defaultdict(dict)

    def add(self, cell: Cell, table: str, row: str, column: str, n: int) -> None:
        if n:
            counts = self.counts[cell][table]
            counts[(row, column)] = counts.get((row, column), 0) + int(n)

    def block(self, scope: ReportScope, cells: Iterable[Cell], names: dict[str, Any]) -> Report:
        """The exact county-wide report of `scope` from the cells it covers; `names`: the
        county parts and municipalities, in the order the tables list them."""
        summed: dict[str, Counts] = defaultdict(dict)
        days: dict[tuple[str, float], int] = {}
        for cell in cells:
            for table, counts in self.counts.get(cell, {}).items():
                target = summed[table]
                for place, n in counts.items():
                    target[place] = target.get(place, 0) + n
            for gender_days, n in self.days.get(cell, {}).items():
                days[gender_days] = days.get(gender_days, 0) + n
        parts, towns = names["parts"], names["towns"]
        genders = GENDER_COLUMNS
        specs: list[tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None]] = [
            ("referrals", REFERRING_PARTIES, tuple(d.value for d in DECISIONS), "party",
             "status"),
            ("pending", WAIT_BANDS, genders, "report_wait", "gender"),
            ("flows", FLOWS, genders, "report_flow", "gender"),
            ("active_county_part", parts, genders, None, "gender"),
            ("active_age", AGE_BANDS, genders, "report_age", "gender"),
            ("active_income", INCOME_SOURCES, genders, "income", "gender"),
            ("progression", ("positive", "not_positive"), genders, "report_progression",
             "gender"),
            ("past_12_months", ("extended", "not_extended"), genders, "report_extension",
             "gender"),
            ("placements", PLACEMENT_TYPES, SECTORS, "placement_type", "sector"),
            ("placements_active", PLACEMENT_TYPES, SECTORS, "placement_type", "sector"),
            ("exits_reason", REPORTED_EXIT_REASONS, genders, "exit_reason", "gender"),
            ("exits_destination", tuple(DESTINATIONS), genders, "destination", "gender"),
            ("exits_sus", SUS_GROUPS, genders, "sus", "gender"),
            ("exits_municipality", towns, SUS_GROUPS, None, "sus"),
        ]
        specs.insert(3, ("flows_county_part", FLOWS, parts, "report_flow", None))
        tables = {
            key: _table(key, summed.get(key, {}), rows, columns, row_vocab, column_vocab,
                        column_totals=key not in ("flows", "flows_county_part"))
            for key, rows, columns, row_vocab, column_vocab in specs
        }
        caseload = summed.get("caseload", {})
        coaches = tuple(sorted({coach for coach, _ in caseload}))
        tables["caseload"] = _table("caseload", caseload, coaches, genders, None, "gender")
        ordered = ["referrals", "pending", "flows", "flows_county_part", "active_county_part",
                   "active_age", "active_income", "progression", "past_12_months", "placements",
                   "placements_active", "exits_reason", "exits_destination", "exits_sus",
                   "exits_municipality", "caseload"]
        tables = {key: tables[key] for key in ordered}
        return Report(scope=scope, tables=tables, shares=tuple(goal_shares(tables)),
                      medians=tuple(medians(days)), meetings=())


def medians(days: dict[tuple[str, float], int]) -> list[Median]:
    """As queries._medians: the middle one or two values of each gender's days, and of all."""
    groups: dict[str, dict[float, int]] = defaultdict(dict)
    for (gender, d), n in days.items():
        for group in (gender, TOTAL):
            groups[group][d] = groups[group].get(d, 0) + n
    found = []
    for group, histogram in groups.items():
        people = sum(histogram.values())

        def value_at(position: int, histogram: dict[float, int] = histogram) -> float:
            running = 0
            for d in sorted(histogram):
                running += histogram[d]
                if running >= position:
                    return d
            raise AssertionError("position past the end")

        middle = (value_at((people + 1) // 2) + value_at((people + 2) // 2)) / 2.0
        found.append(Median(group, float(middle), people))
    return sorted(found, key=lambda m: (m.group == TOTAL, m.group))


async def count_period(session: AsyncSession, period: GridPeriod) -> PeriodCounts:
    """Every measure of `period`, per (municipality, programme)."""
    start, end = period.start, period.end
    found = PeriodCounts(period)
    where_cell = (col(Participant.municipality_id), col(Participant.programme_id))
    gender, party = col(Participant.gender), col(Participant.referring_party)
    referral, enrolment = col(Participant.referral_date), col(Participant.enrolment_date)
    exit_date, participant_id = col(Participant.exit_date), col(Participant.id)
    parts = {p.id: p.name for p in (await session.exec(sqlmodel.select(CountyPart)))}
    towns = {m.id: m.name for m in (await session.exec(sqlmodel.select(Municipality)))}

    def between(column: Mapped[date | None]) -> ColumnElement[bool]:
        return column.between(start, end)

    # Referrals by party and decision.
    decided = decision_at(end)
    statement: Select[*TupleAny] = select(*where_cell, party, decided, func.count()).where(
        counted(), between(referral)).group_by(*where_cell, party, decided)
    for m, p, referred_by, status, n in (await session.execute(statement)).all():
        accepted = status in (Status.ENROLLED, Status.EXITED)
        found.add((m, p), "referrals", referred_by, Status.ACCEPTED.value if accepted else status,
                  n)
    # Waiting for a decision at the period's end.
    day = min(clock.today(), end)
    waited = case(
        (referral > day - timedelta(days=15), "0_14"),
        (referral > day - timedelta(days=31), "15_30"),
        (referral > day - timedelta(days=61), "31_60"),
        else_="61_plus",
    )
    statement = select(*where_cell, waited, gender, func.count()).where(
        participant_id.in_(events.waiting_sql(day)),
        referral <= end,
    ).group_by(*where_cell, waited, gender)
    for m, p, band, sex, n in (await session.execute(statement)).all():
        found.add((m, p), "pending", band, sex, n)
    # People: the flow, and the active by part, age, income, progression, time past a year.
    active = enrolment <= end
    moved = participant_id.in_(select(col(ProgressionStep.participant_id)).where(
        col(ProgressionStep.step) != "mapping", col(ProgressionStep.step_date) <= end))
    long = and_(active, or_(exit_date.is_(None), exit_date > end),
                enrolment < add_months(end, -12))
    extended = participant_id.in_(events.extended_sql(end))
    dimensions = (*where_cell, gender, col(Participant.county_part_id),
                  col(Participant.income_source_start), col(Participant.birth_year))
    statement = select(
        *dimensions,
        func.count().filter(between(referral)),
        func.count().filter(between(enrolment)),
        func.count().filter(active),
        func.count().filter(between(exit_date)),
        func.count().filter(and_(active, moved)),
        func.count().filter(and_(long, extended)),
        func.count().filter(and_(long, ~extended)),
    ).where(
        counted(),
        referral <= end,
        or_(exit_date.is_(None), exit_date >= start),
    ).group_by(*dimensions)
    for row in (await session.execute(statement)).all():
        m, p, sex, part, income, born, referred, enrolled, present, exited, stepped, \
            with_extension, without = row
        cell = (m, p)
        for flow, n in zip(FLOWS, (referred, enrolled, present, exited), strict=True):
            found.add(cell, "flows", flow, sex, n)
            found.add(cell, "flows_county_part", flow, parts[part], n)
        found.add(cell, "active_county_part", parts[part], sex, present)
        found.add(cell, "active_age", age_band(end, born), sex, present)
        found.add(cell, "active_income", income, sex, present)
        found.add(cell, "progression", "positive", sex, stepped)
        found.add(cell, "progression", "not_positive", sex, present - stepped)
        found.add(cell, "past_12_months", "extended", sex, with_extension)
        found.add(cell, "past_12_months", "not_extended", sex, without)
    # Placements started in the period, and under way in it.
    kind_of, sector_of = col(Placement.placement_type), col(Placement.sector)
    placement_end = col(Placement.end_date)
    statement = select(
        *where_cell, kind_of, sector_of,
        func.count().filter(col(Placement.start_date) >= start),
        func.count().filter(or_(placement_end.is_(None), placement_end >= start)),
    ).select_from(Placement).join(Participant, participant_id == Placement.participant_id).where(
        counted(), col(Placement.start_date) <= end
    ).group_by(*where_cell, kind_of, sector_of)
    for m, p, kind, sector, started, under_way in (await session.execute(statement)).all():
        found.add((m, p), "placements", kind, sector, started)
        found.add((m, p), "placements_active", kind, sector, under_way)
    # Exits by reason, destination, SUS group and municipality.
    reason_of, destination_of = col(Participant.exit_reason), col(Participant.exit_destination)
    statement = select(*where_cell, gender, reason_of, destination_of, func.count()).where(
        counted(), between(exit_date)).group_by(*where_cell, gender, reason_of, destination_of)
    for m, p, sex, reason, destination, n in (await session.execute(statement)).all():
        cell, sus = (m, p), _sus(destination)
        found.add(cell, "exits_reason", str(reason), sex, n)
        found.add(cell, "exits_destination", str(destination), sex, n)
        found.add(cell, "exits_sus", sus, sex, n)
        found.add(cell, "exits_municipality", towns[m], sus, n)
    # Caseload per coach at the period's end, with the coach they had then.
    state = events.caseload_sql(end).subquery()
    coach_name = col(Staff.display_name)
    statement = select(*where_cell, coach_name, gender, func.count()).join(
        state, state.c.participant_id == participant_id).join(
        Staff, col(Staff.id) == state.c.coach_id).group_by(*where_cell, coach_name, gender)
    for m, p, coach, sex, n in (await session.execute(statement)).all():
        found.add((m, p), "caseload", coach, sex, n)
    # Days from enrolment to exit, for the medians.
    days: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        days = exit_date - enrolment
    else:
        days = func.julianday(exit_date) - func.julianday(enrolment)
    statement = select(*where_cell, gender, days, func.count()).where(
        counted(), between(exit_date), enrolment.is_not(None)
    ).group_by(*where_cell, gender, days)
    for m, p, sex, d, n in (await session.execute(statement)).all():
        found.days[(m, p)][(sex, float(d))] = int(n)
    return found
