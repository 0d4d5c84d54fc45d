"""A period's measures grouped by municipality and programme, added up in Python: the exact
figures a masked report is protected from. Kept apart from `queries` (which serves unmasked
reports with index-ordered statements for any filter) so that the protection has counts per
(municipality, programme) to build on; tests check the two agree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.clock import clock
from storage.models import CountyPart, Municipality, Participant, Placement, ProgressionStep, Staff
from storage.reports.period import GridPeriod
from storage.reports.queries import (
    AGE_BANDS,
    DECISIONS,
    FLOWS,
    REPORTED_EXIT_REASONS,
    WAIT_BANDS,
    _table,
    counted,
    decision_at,
)
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
            for place, n in self.days.get(cell, {}).items():
                days[place] = days.get(place, 0) + n
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
    where_cell = (Participant.municipality_id, Participant.programme_id)
    parts = {p.id: p.name for p in (await session.exec(select(CountyPart))).scalars()}
    towns = {m.id: m.name for m in (await session.exec(select(Municipality))).scalars()}

    def between(column: Any) -> Any:
        return column.between(start, end)

    # Referrals by party and decision.
    decided = decision_at(end)
    statement = select(*where_cell, Participant.referring_party, decided,
                       func.count()).where(counted(), between(Participant.referral_date)).group_by(
        *where_cell, Participant.referring_party, decided)
    for m, p, party, status, n in (await session.exec(statement)).all():
        accepted = status in (Status.ENROLLED, Status.EXITED)
        found.add((m, p), "referrals", party, Status.ACCEPTED.value if accepted else status, n)
    # Waiting for a decision at the period's end.
    day = min(clock.today(), end)
    waited = case(
        (Participant.referral_date > day - timedelta(days=15), "0_14"),
        (Participant.referral_date > day - timedelta(days=31), "15_30"),
        (Participant.referral_date > day - timedelta(days=61), "31_60"),
        else_="61_plus",
    )
    statement = select(*where_cell, waited, Participant.gender, func.count()).where(
        Participant.id.in_(events.waiting_sql(day)),
        Participant.referral_date <= end,
    ).group_by(*where_cell, waited, Participant.gender)
    for m, p, band, gender, n in (await session.exec(statement)).all():
        found.add((m, p), "pending", band, gender, n)
    # People: the flow, and the active by part, age, income, progression, time past a year.
    active = Participant.enrolment_date <= end
    moved = Participant.id.in_(select(ProgressionStep.participant_id).where(
        ProgressionStep.step != "mapping", ProgressionStep.step_date <= end))
    long = and_(active, or_(Participant.exit_date.is_(None), Participant.exit_date > end),
                Participant.enrolment_date < add_months(end, -12))
    extended = Participant.id.in_(events.extended_sql(end))
    dimensions = (*where_cell, Participant.gender, Participant.county_part_id,
                  Participant.income_source_start, Participant.birth_year)
    statement = select(
        *dimensions,
        func.count().filter(between(Participant.referral_date)),
        func.count().filter(between(Participant.enrolment_date)),
        func.count().filter(active),
        func.count().filter(between(Participant.exit_date)),
        func.count().filter(and_(active, moved)),
        func.count().filter(and_(long, extended)),
        func.count().filter(and_(long, ~extended)),
    ).where(
        counted(),
        Participant.referral_date <= end,
        or_(Participant.exit_date.is_(None), Participant.exit_date >= start),
    ).group_by(*dimensions)
    for row in (await session.exec(statement)).all():
        m, p, gender, part, income, born, referred, enrolled, present, exited, stepped, \
            with_extension, without = row
        cell = (m, p)
        for flow, n in zip(FLOWS, (referred, enrolled, present, exited), strict=True):
            found.add(cell, "flows", flow, gender, n)
            found.add(cell, "flows_county_part", flow, parts[part], n)
        found.add(cell, "active_county_part", parts[part], gender, present)
        found.add(cell, "active_age", age_band(end, born), gender, present)
        found.add(cell, "active_income", income, gender, present)
        found.add(cell, "progression", "positive", gender, stepped)
        found.add(cell, "progression", "not_positive", gender, present - stepped)
        found.add(cell, "past_12_months", "extended", gender, with_extension)
        found.add(cell, "past_12_months", "not_extended", gender, without)
    # Placements started in the period, and under way in it.
    statement = select(
        *where_cell, Placement.placement_type, Placement.sector,
        func.count().filter(Placement.start_date >= start),
        func.count().filter(or_(Placement.end_date.is_(None), Placement.end_date >= start)),
    ).select_from(Placement).join(Participant, Participant.id == Placement.participant_id).where(
        counted(), Placement.start_date <= end
    ).group_by(*where_cell, Placement.placement_type, Placement.sector)
    for m, p, kind, sector, started, under_way in (await session.exec(statement)).all():
        found.add((m, p), "placements", kind, sector, started)
        found.add((m, p), "placements_active", kind, sector, under_way)
    # Exits by reason, destination, SUS group and municipality.
    statement = select(*where_cell, Participant.gender, Participant.exit_reason,
                       Participant.exit_destination, func.count()).where(
        counted(), between(Participant.exit_date)).group_by(
        *where_cell, Participant.gender, Participant.exit_reason, Participant.exit_destination)
    for m, p, gender, reason, destination, n in (await session.exec(statement)).all():
        cell, sus = (m, p), _sus(destination)
        found.add(cell, "exits_reason", str(reason), gender, n)
        found.add(cell, "exits_destination", str(destination), gender, n)
        found.add(cell, "exits_sus", sus, gender, n)
        found.add(cell, "exits_municipality", towns[m], sus, n)
    # Caseload per coach at the period's end, with the coach they had then.
    state = events.caseload_sql(end).subquery()
    statement = select(*where_cell, Staff.display_name, Participant.gender, func.count()).join(
        state, state.c.participant_id == Participant.id).join(
        Staff, Staff.id == state.c.coach_id).group_by(
        *where_cell, Staff.display_name, Participant.gender)
    for m, p, coach, gender, n in (await session.exec(statement)).all():
        found.add((m, p), "caseload", coach, gender, n)
    # Days from enrolment to exit, for the medians.
    if session.bind.dialect.name == "postgresql":
        days = Participant.exit_date - Participant.enrolment_date
    else:
        days = func.julianday(Participant.exit_date) - func.julianday(Participant.enrolment_date)
    statement = select(*where_cell, Participant.gender, days, func.count()).where(
        counted(), between(Participant.exit_date), Participant.enrolment_date.is_not(None)
    ).group_by(*where_cell, Participant.gender, days)
    for m, p, gender, d, n in (await session.exec(statement)).all():
        found.days[(m, p)][(gender, float(d))] = int(n)
    return found
