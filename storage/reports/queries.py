"""The SQL behind a report: each family of measures is one statement with GROUP BY over the
filtered participants. Counts only, exact and unprotected; `storage.reports.build` decides what
may be printed. What every count shares (who is counted, the tables' vocabularies) is in
`storage.reports.counting`."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.expression import ColumnElement, CompoundSelect, FromClause, Select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.clock import clock
from storage.models import (
    CountyPart,
    Municipality,
    Participant,
    Placement,
    ProgressionStep,
    Staff,
    table_of,
)
from storage.reports.counting import (
    AGE_BANDS,
    DECISIONS,
    FLOWS,
    REPORTED_EXIT_REASONS,
    WAIT_BANDS,
    Counts,
    _grouped,
    _participants,
    _table,
    counted,
    likely,
    mistaken,
)
from storage.reports.meetings import meetings
from storage.reports.result import (
    GENDER_COLUMNS,
    SUS_GROUPS,
    TOTAL,
    CountTable,
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

# --- The measures --------------------------------------------------------------------------
#
# At 100,000 participants the cost of a report is the number of times each row is touched.
# So each family of measures is one statement: the first GROUP BY folds the period's
# participants into a small cube (a few thousand groups), read in the order of a covering
# index so that nothing is sorted (ix_participant_report_*, migration 0004); the tables are
# then GROUP BYs over that cube, joined with UNION ALL into rows of (table, row, column, n).


def _between(column: Mapped[date | None], scope: ReportScope) -> ColumnElement[bool]:
    return column.between(scope.start, scope.end)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count().filter(condition)


def _age_band(end: date, born: ColumnElement[int]) -> ColumnElement[str]:
    """Age reached in the period's last year, from the birth year (the only thing stored)."""
    year = end.year
    return case(
        (born > year - 18, "outside"),
        (born >= year - 24, "18_24"),
        (born >= year - 29, "25_29"),
        (born >= year - 39, "30_39"),
        (born >= year - 49, "40_49"),
        (born >= year - 64, "50_64"),
        else_="outside",
    )


def _sus_group(destination: ColumnElement[str | None]) -> ColumnElement[str]:
    """A destination's SUS group; an unknown destination counts as "other"."""
    groups: dict[SusGroup, list[str]] = {}
    for code, group in DESTINATIONS.items():
        groups.setdefault(group, []).append(code)
    return case(
        *((destination.in_(codes), g.value) for g, codes in groups.items()),
        else_=SusGroup.OTHER.value,
    )


def _rollup(cube: FromClause, table: str, row: ColumnElement[Any] | Mapped[Any] | str,
            column: ColumnElement[Any] | Mapped[Any], measure: ColumnElement[Any],
            source: FromClause | None = None) -> Select[str, str, str, int]:
    """One table's counts from a cube: (table, row, column, n). A `row` given as a string is a
    fixed row label (a measure that is its own row, like "exited")."""
    fixed = isinstance(row, str)
    groups = (column,) if fixed else (row, column)
    return (
        select(
            literal(table, String).label("t"),
            (literal(row, String) if fixed else cast(row, String)).label("r"),
            cast(column, String).label("c"),
            cast(func.sum(measure), Integer).label("n"),
        )
        .select_from(cube if source is None else source)
        .group_by(*groups)
    )


async def _rollups(session: AsyncSession,
                   parts: list[Select[str, str, str, int]]) -> dict[str, Counts]:
    """Run the rollups as one statement; counts by table, then (row, column)."""
    found: dict[str, Counts] = {}
    statement: CompoundSelect[str, str, str, int] = union_all(*parts)
    for table, row, column, n in (await session.execute(statement)).all():
        found.setdefault(table, {})[(row, column)] = int(n or 0)
    return found


async def _referrals(session: AsyncSession, scope: ReportScope) -> CountTable:
    """Referrals in the period by party and decision at its end (enrolled and exited were
    accepted). Grouped by status first, in the order of ix_participant_report_referrals."""
    # Those decided by the end (most) keep their status and are grouped in index order; only
    # those decided later are looked up in the spans.
    where = [*_participants(scope), counted(),
             likely(_between(col(Participant.referral_date), scope))]
    party, status = col(Participant.referring_party), col(Participant.status)
    decided_later = col(Participant.decision_date) > scope.end
    then = func.coalesce(events.status_at_sql(Participant.id, scope.end), status)
    by_status = union_all(
        select(party.label("party"), status.label("status"), func.count().label("n"))
        .where(*where, or_(col(Participant.decision_date).is_(None), ~decided_later))
        .group_by(party, status),
        select(party, then, func.count())
        .where(*where, decided_later)
        .group_by(party, then),
    ).subquery()
    decision = case(
        (by_status.c.status.in_((Status.ENROLLED, Status.EXITED)), Status.ACCEPTED.value),
        else_=by_status.c.status,
    )
    statement = select(by_status.c.party, decision, func.sum(by_status.c.n)).group_by(
        by_status.c.party, decision
    )
    counts = {(str(r), str(c)): int(n) for r, c, n in (await session.execute(statement)).all()}
    decisions = tuple(d.value for d in DECISIONS)
    return _table("referrals", counts, REFERRING_PARTIES, decisions, "party", "status")


async def _pending(session: AsyncSession, scope: ReportScope) -> CountTable:
    """Referrals without a decision at the period's end (or today, if earlier), by how long
    they had waited then: from the participants' events, so a past period gives the same
    figures whenever it is run (storage/events.py)."""
    day = min(clock.today(), scope.end)
    referral = col(Participant.referral_date)
    waited = case(
        (referral > day - timedelta(days=15), "0_14"),
        (referral > day - timedelta(days=31), "15_30"),
        (referral > day - timedelta(days=61), "31_60"),
        else_="61_plus",
    )
    where = [
        *_participants(scope),
        col(Participant.id).in_(events.waiting_sql(day)),
        likely(referral <= scope.end),
    ]
    counts = await _grouped(session, waited, col(Participant.gender), where)
    return _table("pending", counts, WAIT_BANDS, GENDER_COLUMNS, "report_wait", "gender")


async def _participant_tables(session: AsyncSession, scope: ReportScope) -> list[CountTable]:
    """The flow (referred, enrolled, active, exited in the period), also by county part, and
    the participants active in the period by county part, age band, income source, progression
    and time past 12 months, all split by gender.

    The cube groups by gender, county part, income source and birth year (the order of
    ix_participant_report_people) and counts each measure once per group.
    """
    enrolment, exit_date = col(Participant.enrolment_date), col(Participant.exit_date)
    active = enrolment <= scope.end  # the WHERE has the exit side
    moved = col(Participant.id).in_(
        select(col(ProgressionStep.participant_id)).where(
            col(ProgressionStep.step) != "mapping", col(ProgressionStep.step_date) <= scope.end
        )
    )
    long = and_(
        active,
        or_(exit_date.is_(None), exit_date > scope.end),
        enrolment < add_months(scope.end, -12),
    )
    extended = col(Participant.id).in_(events.extended_sql(scope.end))
    dimensions = (col(Participant.gender), col(Participant.county_part_id),
                  col(Participant.income_source_start), col(Participant.birth_year))
    cube = (
        select(
            *dimensions,
            _count_if(_between(col(Participant.referral_date), scope)).label("referred"),
            _count_if(_between(enrolment, scope)).label("enrolled"),
            _count_if(active).label("active"),
            _count_if(_between(exit_date, scope)).label("exited"),
            _count_if(and_(active, moved)).label("moved"),
            _count_if(and_(long, extended)).label("extended"),
            _count_if(and_(long, ~extended)).label("not_extended"),
        )
        .where(
            *_participants(scope),
            counted(),
            likely(col(Participant.referral_date) <= scope.end),
            likely(or_(exit_date.is_(None), exit_date >= scope.start)),
        )
        .group_by(*dimensions)
        .cte("people")
    )
    gender, part_name = cube.c.gender, col(CountyPart.name)
    with_part = cube.join(CountyPart, col(CountyPart.id) == cube.c.county_part_id)
    counts = await _rollups(session, [
        *(_rollup(cube, "flows", flow, gender, cube.c[flow]) for flow in FLOWS),
        _rollup(cube, "active_county_part", part_name, gender, cube.c.active, with_part),
        *(_rollup(cube, "flows_county_part", flow, part_name, cube.c[flow], with_part)
          for flow in FLOWS),
        _rollup(cube, "active_age", _age_band(scope.end, cube.c.birth_year), gender,
                cube.c.active),
        _rollup(cube, "active_income", cube.c.income_source_start, gender, cube.c.active),
        _rollup(cube, "progression", "positive", gender, cube.c.moved),
        _rollup(cube, "progression", "not_positive", gender, cube.c.active - cube.c.moved),
        _rollup(cube, "past_12_months", "extended", gender, cube.c.extended),
        _rollup(cube, "past_12_months", "not_extended", gender, cube.c.not_extended),
    ])
    part_names = tuple(sorted(
        (await session.execute(
            select(part_name).where(col(CountyPart.id).in_(scope.county_part_ids))
        )).scalars()
    ))
    tables: dict[str, tuple[tuple[str, ...], str | None]] = {
        "active_county_part": (part_names, None),
        "active_age": (AGE_BANDS, "report_age"),
        "active_income": (INCOME_SOURCES, "income"),
        "progression": (("positive", "not_positive"), "report_progression"),
        "past_12_months": (("extended", "not_extended"), "report_extension"),
    }
    return [
        _table("flows", counts.get("flows", {}), FLOWS, GENDER_COLUMNS, "report_flow", "gender",
               column_totals=False),
        _table("flows_county_part", counts.get("flows_county_part", {}), FLOWS, part_names,
               "report_flow", None, column_totals=False),
        *(
            _table(key, counts.get(key, {}), rows, GENDER_COLUMNS, vocab, "gender")
            for key, (rows, vocab) in tables.items()
        ),
    ]


async def _placement_tables(session: AsyncSession, scope: ReportScope) -> list[CountTable]:
    """Placements started in the period, and those under way at some time in it, by type and
    sector: one read of ix_placement_report. The participant is looked up only when the report
    is narrower than the county (one lookup per placement)."""
    narrower = _participants(scope)
    source: FromClause | type[Placement] = Placement
    if narrower:
        source = table_of(Placement).join(
            table_of(Participant), col(Participant.id) == Placement.participant_id
        )
    # The felregistreringar as a list read once: a condition on the joined row would read
    # each participant's table row instead of an index.
    narrower.append(col(Placement.participant_id).not_in(mistaken()))
    end_date, start_date = col(Placement.end_date), col(Placement.start_date)
    under_way = or_(end_date.is_(None), end_date >= scope.start)
    kind_of, sector_of = col(Placement.placement_type), col(Placement.sector)
    statement = (
        select(
            kind_of,
            sector_of,
            _count_if(start_date >= scope.start),
            _count_if(under_way),
        )
        .select_from(source)
        .where(*narrower, likely(start_date <= scope.end))
        .group_by(kind_of, sector_of)
    )
    started: Counts = {}
    active: Counts = {}
    for kind, sector, new, ongoing in (await session.execute(statement)).all():
        started[(kind, sector)], active[(kind, sector)] = new, ongoing
    return [
        _table(key, counts, PLACEMENT_TYPES, SECTORS, "placement_type", "sector")
        for key, counts in (("placements", started), ("placements_active", active))
    ]


async def _exit_tables(session: AsyncSession, scope: ReportScope) -> list[CountTable]:
    """Exits in the period by reason, destination and SUS group (split by gender) and by
    municipality and SUS group. The cube groups by gender, municipality, reason and
    destination (the order of ix_participant_report_exits)."""
    dimensions = (col(Participant.gender), col(Participant.municipality_id),
                  col(Participant.exit_reason), col(Participant.exit_destination))
    cube = (
        select(*dimensions, func.count().label("n"))
        .where(*_participants(scope), counted(),
               likely(_between(col(Participant.exit_date), scope)))
        .group_by(*dimensions)
        .cte("exits")
    )
    gender, sus = cube.c.gender, _sus_group(cube.c.exit_destination)
    with_names = cube.join(Municipality, col(Municipality.id) == cube.c.municipality_id)
    counts = await _rollups(session, [
        _rollup(cube, "exits_reason", cube.c.exit_reason, gender, cube.c.n),
        _rollup(cube, "exits_destination", cube.c.exit_destination, gender, cube.c.n),
        _rollup(cube, "exits_sus", sus, gender, cube.c.n),
        _rollup(cube, "exits_municipality", col(Municipality.name), sus, cube.c.n, with_names),
    ])
    if scope.municipality_id is not None:
        names: tuple[str, ...] = (scope.labels["municipality"],)
    else:
        names = tuple((await session.execute(
            select(col(Municipality.name))
            .where(col(Municipality.county_part_id).in_(scope.county_part_ids))
            .order_by(col(Municipality.name))
        )).scalars())
    by_gender = {
        "exits_reason": (REPORTED_EXIT_REASONS, "exit_reason"),
        "exits_destination": (tuple(DESTINATIONS), "destination"),
        "exits_sus": (SUS_GROUPS, "sus"),
    }
    return [
        *(
            _table(key, counts.get(key, {}), rows, GENDER_COLUMNS, vocab, "gender")
            for key, (rows, vocab) in by_gender.items()
        ),
        _table("exits_municipality", counts.get("exits_municipality", {}), names, SUS_GROUPS,
               None, "sus"),
    ]


async def _caseload(session: AsyncSession, scope: ReportScope) -> CountTable:
    """Per coach at period end: enrolled, or accepted and waiting for enrolment, with the coach
    they had then; from the participants' events (storage/events.py)."""
    state = events.caseload_sql(scope.end).subquery()
    source = table_of(Participant).join(state, state.c.participant_id == Participant.id).join(
        table_of(Staff), col(Staff.id) == state.c.coach_id)
    where = _participants(scope, coach=False)
    if scope.coach_id is not None:
        where.append(state.c.coach_id == scope.coach_id)
    counts = await _grouped(session, col(Staff.display_name), col(Participant.gender), where,
                            source)
    coaches = tuple(sorted({name for name, _ in counts}))
    return _table("caseload", counts, coaches, GENDER_COLUMNS, None, "gender")


async def _medians(session: AsyncSession, scope: ReportScope) -> list[tuple[str, float, int]]:
    """(gender or "total", median days enrolled, people) for exits in the period.

    Days take few values, so a histogram (people per gender and number of days) is small;
    a running sum over it finds the middle one or two values. The same SQL on both databases.
    """
    exit_date, enrolment = col(Participant.exit_date), col(Participant.enrolment_date)
    days: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        days = exit_date - enrolment
    else:
        days = func.julianday(exit_date) - func.julianday(enrolment)
    gender = col(Participant.gender)
    histogram = (
        select(gender.label("g"), days.label("d"), func.count().label("n"))
        .where(*_participants(scope), counted(), likely(_between(exit_date, scope)),
               enrolment.is_not(None))
        .group_by(gender, days)
        .cte("histogram")
    )
    both = union_all(
        select(histogram.c.g, histogram.c.d, histogram.c.n),
        select(literal(TOTAL, String), histogram.c.d, func.sum(histogram.c.n))
        .group_by(histogram.c.d),
    ).subquery()
    ranked = select(
        both.c.g,
        both.c.d,
        cast(func.sum(both.c.n).over(partition_by=both.c.g, order_by=both.c.d), Integer)
        .label("upto"),
        cast(func.sum(both.c.n).over(partition_by=both.c.g), Integer).label("people"),
    ).subquery()

    def value_at(position: ColumnElement[int]) -> ColumnElement[Any]:
        return func.min(case((ranked.c.upto >= position, ranked.c.d)))

    people = ranked.c.people
    statement = select(
        ranked.c.g,
        (value_at((people + 1) // 2) + value_at((people + 2) // 2)) / 2.0,
        func.max(people),
    ).group_by(ranked.c.g)
    return [(g, float(d), int(n)) for g, d, n in (await session.execute(statement)).all()]


async def count_report(session: AsyncSession, scope: ReportScope) -> Report:
    """Every measure for `scope`, exact: what an unmasked report prints."""
    tables = [
        await _referrals(session, scope),
        await _pending(session, scope),
        *await _participant_tables(session, scope),
        *await _placement_tables(session, scope),
        *await _exit_tables(session, scope),
        await _caseload(session, scope),
    ]
    by_key = {table.key: table for table in tables}
    medians = [Median(g, days, people) for g, days, people in await _medians(session, scope)]
    return Report(
        scope=scope,
        tables=by_key,
        shares=tuple(goal_shares(by_key)),
        medians=tuple(sorted(medians, key=lambda m: (m.group == TOTAL, m.group))),
        meetings=tuple(await meetings(session, scope)),
    )
