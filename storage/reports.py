"""Aggregated reports: each measure is one SQL statement with GROUP BY over a filtered participant
set, then small-cell masking for everyone who may not see the individuals.

Plain functions and dataclasses; no Bot Framework and no texts. Row and column keys are codes
(vocabulary codes, or names for municipalities and coaches); the dialogs and exports label them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import IntEnum
from typing import Any

from sqlalchemy import (
    Boolean,
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
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    ActionPoint,
    Association,
    CountyPart,
    Meeting,
    Municipality,
    Participant,
    Placement,
    Programme,
    ProgressionStep,
    Staff,
    StaffCountyPart,
    SteeringGroup,
)
from storage.permissions import Action, Actor, Role, Scope, is_allowed, visible_county_parts
from storage.rules import (
    DESTINATIONS,
    EXIT_REASONS,
    GENDERS,
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    REFERRING_PARTIES,
    SECTORS,
    RuleError,
    Status,
    SusGroup,
    add_months,
)

WORK_OR_STUDIES_GOAL = 0.35
GENDER_BALANCE = (0.40, 0.60)
TOTAL = "total"
GENDER_COLUMNS = GENDERS
AGE_BANDS = ("18_24", "25_29", "30_39", "40_49", "50_64", "outside")
WAIT_BANDS = ("0_14", "15_30", "31_60", "61_plus")
DECISIONS = (Status.REFERRED, Status.WAITING, Status.ACCEPTED, Status.NOT_ACCEPTED)
FLOWS = ("referred", "enrolled", "active", "exited")
SUS_GROUPS = tuple(g.value for g in SusGroup)


class Mask(IntEnum):
    """Why a cell is hidden: a small count, or a complement that would give a small count away."""

    SHOWN = 0
    SMALL = 1
    COMPLEMENT = 2


Position = tuple[int, int]


@dataclass(frozen=True)
class CountTable:
    """Counts with their totals; `masks` covers cells and totals (row n / column m are totals).

    `row_vocab`/`column_vocab` name the vocabulary that labels the keys (None: keys are names).
    `column_totals` is False where adding rows up means nothing (e.g. referred + exited).
    """

    key: str
    row_vocab: str | None
    rows: tuple[str, ...]
    column_vocab: str | None
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    row_totals: bool = True
    column_totals: bool = True
    masks: dict[Position, Mask] = field(default_factory=dict)

    def value(self, row: int, column: int) -> int:
        """A cell, or a total when `row` == len(rows) or `column` == len(columns)."""
        n, m = len(self.rows), len(self.columns)
        if row < n and column < m:
            return self.counts[row][column]
        if row < n:
            return sum(self.counts[row])
        if column < m:
            return sum(r[column] for r in self.counts)
        return sum(map(sum, self.counts))

    def positions(self) -> list[Position]:
        """Every shown place: cells, then the totals the table has."""
        n, m = len(self.rows), len(self.columns)
        found = [(i, j) for i in range(n) for j in range(m)]
        if self.row_totals:
            found += [(i, m) for i in range(n)]
        if self.column_totals:
            found += [(n, j) for j in range(m)]
        if self.row_totals and self.column_totals:
            found.append((n, m))
        return found

    def equations(self) -> list[tuple[list[Position], Position]]:
        """(addends, total): what a reader can add up from the table."""
        n, m = len(self.rows), len(self.columns)
        found = []
        if self.row_totals:
            last = n + 1 if self.column_totals else n
            found += [([(i, j) for j in range(m)], (i, m)) for i in range(last)]
        if self.column_totals:
            last = m + 1 if self.row_totals else m
            found += [([(i, j) for i in range(n)], (n, j)) for j in range(last)]
        return found

    def row(self, key: str) -> int:
        return self.rows.index(key)

    def column(self, key: str) -> int:
        return len(self.columns) if key == TOTAL else self.columns.index(key)

    def is_masked(self, row: int, column: int) -> bool:
        return self.masks.get((row, column), Mask.SHOWN) != Mask.SHOWN


@dataclass(frozen=True)
class Share:
    """A goal indicator: `part` of `whole`; None when masked or when there is no one to count."""

    key: str
    group: str
    part: int | None
    whole: int | None

    @property
    def value(self) -> float | None:
        if self.part is None or not self.whole:
            return None
        return self.part / self.whole


@dataclass(frozen=True)
class Median:
    """Median days from enrolment to exit for a gender (or "total"); None when masked."""

    group: str
    days: float | None
    people: int | None


@dataclass(frozen=True)
class MeetingRow:
    """A steering group's meetings held (dated in the period up to today) against its plan."""

    name: str
    held: int
    planned: int
    open_action_points: int


@dataclass(frozen=True)
class ReportFilter:
    """What the user chose: codes and names as typed or picked; resolved by `resolve_filter`."""

    start: date
    end: date
    programme: str | None = None
    county_part: str | None = None
    municipality: str | None = None
    coach: str | None = None


@dataclass(frozen=True)
class ReportScope:
    """The resolved filter: ids the SQL uses, names the card shows, and whether to mask."""

    start: date
    end: date
    county_part_ids: tuple[int, ...]
    masked: bool
    threshold: int
    county_wide: bool = False
    programme_id: int | None = None
    municipality_id: int | None = None
    coach_id: int | None = None
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    tables: dict[str, CountTable]
    shares: tuple[Share, ...]
    medians: tuple[Median, ...]
    meetings: tuple[MeetingRow, ...]


# --- Who sees what -------------------------------------------------------------------------


def report_access(actor: Actor, all_parts: frozenset[str]) -> tuple[frozenset[str], bool]:
    """(county parts the report may cover, masked?). Unmasked only for someone allowed to see
    unmasked reports for every county part in the result; viewers and admins always masked."""
    if not is_allowed(actor, Action.READ_REPORT):
        return frozenset(), True
    parts = visible_county_parts(actor, all_parts)
    unmasked = bool(parts) and all(
        is_allowed(actor, Action.READ_UNMASKED_REPORT, Scope(county_part=p)) for p in parts
    )
    return parts, not unmasked


def cli_actor(unmasked: bool) -> Actor:
    """The person running `python -m bot report`: an evaluator (masked) unless --unmasked."""
    return Actor("cli", Role.PROGRAMME_LEAD if unmasked else Role.VIEWER)


async def resolve_filter(
    session: AsyncSession, actor: Actor, wanted: ReportFilter
) -> ReportScope:
    """Turn names into ids within what `actor` may see; unknown or foreign names raise."""
    if wanted.end < wanted.start:
        raise RuleError("report_bad_period", start=wanted.start, end=wanted.end)
    parts = {p.code: p for p in (await session.exec(select(CountyPart))).scalars()}
    allowed, masked = report_access(actor, frozenset(parts))
    allowed_ids = {parts[c].id for c in allowed}
    labels: dict[str, str] = {}
    if wanted.county_part:
        match = _by_name(parts.values(), wanted.county_part, "name", "code")
        if match is None or match.id not in allowed_ids:
            raise RuleError("report_unknown_county_part", value=wanted.county_part)
        allowed_ids, labels["county_part"] = {match.id}, match.name
    programme_id = municipality_id = coach_id = None
    if wanted.programme:
        rows = (await session.exec(select(Programme))).scalars()
        programme = _by_name(rows, wanted.programme, "name", "code")
        if programme is None:
            raise RuleError("report_unknown_programme", value=wanted.programme)
        programme_id, labels["programme"] = programme.id, programme.name
    if wanted.municipality:
        rows = (await session.exec(select(Municipality))).scalars()
        municipality = _by_name(rows, wanted.municipality, "name")
        if municipality is None or municipality.county_part_id not in allowed_ids:
            raise RuleError("report_unknown_municipality", value=wanted.municipality)
        municipality_id, labels["municipality"] = municipality.id, municipality.name
    if wanted.coach:
        rows = (await session.exec(select(Staff).where(Staff.role == Role.COACH))).scalars()
        coach = _by_name(rows, wanted.coach, "display_name", "aad_object_id")
        if coach is None:
            raise RuleError("report_unknown_coach", value=wanted.coach)
        coach_id, labels["coach"] = coach.id, coach.display_name
    association = (await session.exec(select(Association))).scalars().first()
    return ReportScope(
        start=wanted.start,
        end=wanted.end,
        county_part_ids=tuple(sorted(allowed_ids)),
        county_wide=allowed_ids == {part.id for part in parts.values()},
        masked=masked,
        threshold=association.small_cell_threshold if association else 5,
        programme_id=programme_id,
        municipality_id=municipality_id,
        coach_id=coach_id,
        labels=labels,
    )


@dataclass(frozen=True)
class ReportChoices:
    """What the report form offers: (name, value) pairs within what the actor may see."""

    programmes: list[tuple[str, str]]
    county_parts: list[tuple[str, str]]
    municipalities: list[str]
    coaches: list[str]


async def report_choices(session: AsyncSession, actor: Actor) -> ReportChoices:
    parts = {p.code: p for p in (await session.exec(select(CountyPart))).scalars()}
    allowed, _ = report_access(actor, frozenset(parts))
    ids = [parts[c].id for c in allowed]
    programmes = (
        await session.exec(
            select(Programme.name, Programme.code)
            .where(Programme.takes_participants)
            .order_by(Programme.name)
        )
    ).all()
    municipalities = (
        await session.exec(
            select(Municipality.name)
            .where(Municipality.county_part_id.in_(ids))
            .order_by(Municipality.name)
        )
    ).scalars()
    coaches = (
        await session.exec(
            select(Staff.display_name)
            .join(StaffCountyPart, StaffCountyPart.staff_id == Staff.id)
            .where(Staff.active, Staff.role == Role.COACH, StaffCountyPart.county_part_id.in_(ids))
            .distinct()
            .order_by(Staff.display_name)
        )
    ).scalars()
    return ReportChoices(
        programmes=[(name, code) for name, code in programmes],
        county_parts=sorted((parts[c].name, c) for c in allowed),
        municipalities=list(municipalities),
        coaches=list(coaches),
    )


def _by_name(rows: Any, typed: str, *attributes: str) -> Any:
    needle = typed.strip().casefold()
    for row in rows:
        if any(str(getattr(row, a)).casefold() == needle for a in attributes):
            return row
    return None


# --- The measures --------------------------------------------------------------------------
#
# At 100,000 participants the cost of a report is the number of times each row is touched.
# So each family of measures is one statement: the first GROUP BY folds the period's
# participants into a small cube (a few thousand groups), read in the order of a covering
# index so that nothing is sorted (ix_participant_report_*, migration 0004); the tables are
# then GROUP BYs over that cube, joined with UNION ALL into rows of (table, row, column, n).


class likely(ColumnElement[bool]):
    """A condition SQLite's planner should not drive the query with. Having no range
    statistics, it walks a date index for `referral_date BETWEEN …` and looks every row up in
    the table: over years of data four times slower than reading a covering index whole.
    SQLite's `likely()` (the condition is usually true) steers it to the covering index; for a
    short period that costs a few milliseconds. Other databases get the bare condition.
    The condition is part of the cache key, so statements using it are compiled once."""

    inherit_cache = True
    _traverse_internals = [("condition", InternalTraversal.dp_clauseelement)]
    type = Boolean()

    def __init__(self, condition: Any) -> None:
        self.condition = condition


@compiles(likely)
def _likely_plain(element: likely, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.condition, **kw)})"


@compiles(likely, "sqlite")
def _likely_sqlite(element: likely, compiler: Any, **kw: Any) -> str:
    return f"likely({compiler.process(element.condition, **kw)})"


def _participants(scope: ReportScope) -> list[Any]:
    """Conditions every measure shares: the visible county parts and the chosen filters.
    None for a county-wide report without filters: every participant counts."""
    conditions: list[Any] = []
    if not scope.county_wide:
        conditions.append(Participant.county_part_id.in_(scope.county_part_ids))
    if scope.programme_id is not None:
        conditions.append(Participant.programme_id == scope.programme_id)
    if scope.municipality_id is not None:
        conditions.append(Participant.municipality_id == scope.municipality_id)
    if scope.coach_id is not None:
        conditions.append(Participant.coach_id == scope.coach_id)
    return conditions


def _between(column: Any, scope: ReportScope) -> Any:
    return column.between(scope.start, scope.end)


def _count_if(condition: Any) -> Any:
    return func.count().filter(condition)


def _age_band(end: date, born: Any) -> Any:
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


def _sus_group(destination: Any) -> Any:
    """A destination's SUS group; an unknown destination counts as "other"."""
    groups: dict[SusGroup, list[str]] = {}
    for code, group in DESTINATIONS.items():
        groups.setdefault(group, []).append(code)
    return case(
        *((destination.in_(codes), g.value) for g, codes in groups.items()),
        else_=SusGroup.OTHER.value,
    )


Counts = dict[tuple[str, str], int]


def _rollup(cube: Any, table: str, row: Any, column: Any, measure: Any, source: Any = None) -> Any:
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


async def _rollups(session: AsyncSession, parts: list[Any]) -> dict[str, Counts]:
    """Run the rollups as one statement; counts by table, then (row, column)."""
    found: dict[str, Counts] = {}
    for table, row, column, n in (await session.exec(union_all(*parts))).all():
        found.setdefault(table, {})[(row, column)] = int(n or 0)
    return found


async def _grouped(
    session: AsyncSession, row: Any, column: Any, where: list[Any], source: Any = Participant
) -> Counts:
    statement = (
        select(row.label("r"), column.label("c"), func.count().label("n"))
        .select_from(source)
        .where(*where)
        .group_by(row, column)
    )
    return {(str(r), str(c)): n for r, c, n in (await session.exec(statement)).all()}


def _table(
    key: str,
    counts: Counts,
    rows: tuple[str, ...],
    columns: tuple[str, ...],
    row_vocab: str | None,
    column_vocab: str | None,
    column_totals: bool = True,
) -> CountTable:
    return CountTable(
        key=key,
        row_vocab=row_vocab,
        rows=rows,
        column_vocab=column_vocab,
        columns=columns,
        counts=tuple(tuple(counts.get((r, c), 0) for c in columns) for r in rows),
        column_totals=column_totals,
    )


async def _referrals(session: AsyncSession, scope: ReportScope) -> CountTable:
    """Referrals in the period by party and decision (enrolled and exited were accepted).
    Grouped by status first, in the order of ix_participant_report_referrals."""
    by_status = (
        select(Participant.referring_party.label("party"), Participant.status.label("status"),
               func.count().label("n"))
        .where(*_participants(scope), likely(_between(Participant.referral_date, scope)))
        .group_by(Participant.referring_party, Participant.status)
        .subquery()
    )
    decision = case(
        (by_status.c.status.in_((Status.ENROLLED, Status.EXITED)), Status.ACCEPTED.value),
        else_=by_status.c.status,
    )
    statement = select(by_status.c.party, decision, func.sum(by_status.c.n)).group_by(
        by_status.c.party, decision
    )
    counts = {(str(r), str(c)): int(n) for r, c, n in (await session.exec(statement)).all()}
    decisions = tuple(d.value for d in DECISIONS)
    return _table("referrals", counts, REFERRING_PARTIES, decisions, "party", "status")


async def _pending(session: AsyncSession, scope: ReportScope) -> CountTable:
    """Referrals still without a decision, by how long they have waited (at period end)."""
    day = min(clock.today(), scope.end)
    waited = case(
        (Participant.referral_date > day - timedelta(days=15), "0_14"),
        (Participant.referral_date > day - timedelta(days=31), "15_30"),
        (Participant.referral_date > day - timedelta(days=61), "31_60"),
        else_="61_plus",
    )
    where = [
        *_participants(scope),
        Participant.status.in_((Status.REFERRED, Status.WAITING)),
        likely(Participant.referral_date <= scope.end),
    ]
    counts = await _grouped(session, waited, Participant.gender, where)
    return _table("pending", counts, WAIT_BANDS, GENDER_COLUMNS, "report_wait", "gender")


async def _participant_tables(session: AsyncSession, scope: ReportScope) -> list[CountTable]:
    """The flow (referred, enrolled, active, exited in the period), and the participants active
    in the period by county part, age band, income source, progression and time past
    12 months, all split by gender.

    The cube groups by gender, county part, income source and birth year (the order of
    ix_participant_report_people) and counts each measure once per group.
    """
    active = Participant.enrolment_date <= scope.end  # the WHERE has the exit side
    moved = Participant.id.in_(
        select(ProgressionStep.participant_id).where(
            ProgressionStep.step != "mapping", ProgressionStep.step_date <= scope.end
        )
    )
    long = and_(
        active,
        or_(Participant.exit_date.is_(None), Participant.exit_date > scope.end),
        Participant.enrolment_date < add_months(scope.end, -12),
    )
    extended = Participant.extended_until.is_not(None)
    dimensions = (Participant.gender, Participant.county_part_id,
                  Participant.income_source_start, Participant.birth_year)
    cube = (
        select(
            *dimensions,
            _count_if(_between(Participant.referral_date, scope)).label("referred"),
            _count_if(_between(Participant.enrolment_date, scope)).label("enrolled"),
            _count_if(active).label("active"),
            _count_if(_between(Participant.exit_date, scope)).label("exited"),
            _count_if(and_(active, moved)).label("moved"),
            _count_if(and_(long, extended)).label("extended"),
            _count_if(and_(long, ~extended)).label("not_extended"),
        )
        .where(
            *_participants(scope),
            likely(Participant.referral_date <= scope.end),
            likely(or_(Participant.exit_date.is_(None), Participant.exit_date >= scope.start)),
        )
        .group_by(*dimensions)
        .cte("people")
    )
    gender = cube.c.gender
    with_part = cube.join(CountyPart, CountyPart.id == cube.c.county_part_id)
    counts = await _rollups(session, [
        *(_rollup(cube, "flows", flow, gender, cube.c[flow]) for flow in FLOWS),
        _rollup(cube, "active_county_part", CountyPart.name, gender, cube.c.active, with_part),
        _rollup(cube, "active_age", _age_band(scope.end, cube.c.birth_year), gender,
                cube.c.active),
        _rollup(cube, "active_income", cube.c.income_source_start, gender, cube.c.active),
        _rollup(cube, "progression", "positive", gender, cube.c.moved),
        _rollup(cube, "progression", "not_positive", gender, cube.c.active - cube.c.moved),
        _rollup(cube, "past_12_months", "extended", gender, cube.c.extended),
        _rollup(cube, "past_12_months", "not_extended", gender, cube.c.not_extended),
    ])
    part_names = tuple(sorted(
        (await session.exec(
            select(CountyPart.name).where(CountyPart.id.in_(scope.county_part_ids))
        )).scalars()
    ))
    tables = {
        "active_county_part": (part_names, None),
        "active_age": (AGE_BANDS, "report_age"),
        "active_income": (INCOME_SOURCES, "income"),
        "progression": (("positive", "not_positive"), "report_progression"),
        "past_12_months": (("extended", "not_extended"), "report_extension"),
    }
    return [
        _table("flows", counts.get("flows", {}), FLOWS, GENDER_COLUMNS, "report_flow", "gender",
               column_totals=False),
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
    source: Any = Placement
    if narrower:
        source = Placement.__table__.join(
            Participant.__table__, Participant.id == Placement.participant_id
        )
    under_way = or_(Placement.end_date.is_(None), Placement.end_date >= scope.start)
    statement = (
        select(
            Placement.placement_type,
            Placement.sector,
            _count_if(Placement.start_date >= scope.start),
            _count_if(under_way),
        )
        .select_from(source)
        .where(*narrower, likely(Placement.start_date <= scope.end))
        .group_by(Placement.placement_type, Placement.sector)
    )
    started: Counts = {}
    active: Counts = {}
    for kind, sector, new, ongoing in (await session.exec(statement)).all():
        started[(kind, sector)], active[(kind, sector)] = new, ongoing
    return [
        _table(key, counts, PLACEMENT_TYPES, SECTORS, "placement_type", "sector")
        for key, counts in (("placements", started), ("placements_active", active))
    ]


async def _exit_tables(session: AsyncSession, scope: ReportScope) -> list[CountTable]:
    """Exits in the period by reason, destination and SUS group (split by gender) and by
    municipality and SUS group. The cube groups by gender, municipality, reason and
    destination (the order of ix_participant_report_exits)."""
    dimensions = (Participant.gender, Participant.municipality_id, Participant.exit_reason,
                  Participant.exit_destination)
    cube = (
        select(*dimensions, func.count().label("n"))
        .where(*_participants(scope), likely(_between(Participant.exit_date, scope)))
        .group_by(*dimensions)
        .cte("exits")
    )
    gender, sus = cube.c.gender, _sus_group(cube.c.exit_destination)
    with_names = cube.join(Municipality, Municipality.id == cube.c.municipality_id)
    counts = await _rollups(session, [
        _rollup(cube, "exits_reason", cube.c.exit_reason, gender, cube.c.n),
        _rollup(cube, "exits_destination", cube.c.exit_destination, gender, cube.c.n),
        _rollup(cube, "exits_sus", sus, gender, cube.c.n),
        _rollup(cube, "exits_municipality", Municipality.name, sus, cube.c.n, with_names),
    ])
    if scope.municipality_id is not None:
        names: tuple[str, ...] = (scope.labels["municipality"],)
    else:
        names = tuple((await session.exec(
            select(Municipality.name)
            .where(Municipality.county_part_id.in_(scope.county_part_ids))
            .order_by(Municipality.name)
        )).scalars())
    by_gender = {
        "exits_reason": (EXIT_REASONS, "exit_reason"),
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
    """Per coach at period end: enrolled, or accepted and waiting for enrolment."""
    on_caseload = and_(
        or_(Participant.exit_date.is_(None), Participant.exit_date > scope.end),
        likely(
            or_(
                Participant.enrolment_date <= scope.end,
                and_(Participant.status == Status.ACCEPTED,
                     Participant.decision_date <= scope.end),
            )
        ),
    )
    source = Participant.__table__.join(Staff.__table__, Staff.id == Participant.coach_id)
    where = [*_participants(scope), on_caseload]
    counts = await _grouped(session, Staff.display_name, Participant.gender, where, source)
    coaches = tuple(sorted({name for name, _ in counts}))
    return _table("caseload", counts, coaches, GENDER_COLUMNS, None, "gender")


async def _medians(session: AsyncSession, scope: ReportScope) -> list[tuple[str, float, int]]:
    """(gender or "total", median days enrolled, people) for exits in the period.

    Days take few values, so a histogram (people per gender and number of days) is small;
    a running sum over it finds the middle one or two values. The same SQL on both databases.
    """
    if session.bind.dialect.name == "postgresql":
        days = Participant.exit_date - Participant.enrolment_date
    else:
        days = func.julianday(Participant.exit_date) - func.julianday(Participant.enrolment_date)
    histogram = (
        select(Participant.gender.label("g"), days.label("d"), func.count().label("n"))
        .where(*_participants(scope), likely(_between(Participant.exit_date, scope)),
               Participant.enrolment_date.is_not(None))
        .group_by(Participant.gender, days)
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

    def value_at(position: Any) -> Any:
        return func.min(case((ranked.c.upto >= position, ranked.c.d)))

    people = ranked.c.people
    statement = select(
        ranked.c.g,
        (value_at((people + 1) // 2) + value_at((people + 2) // 2)) / 2.0,
        func.max(people),
    ).group_by(ranked.c.g)
    return [(g, float(d), int(n)) for g, d, n in (await session.exec(statement)).all()]


async def _meetings(session: AsyncSession, scope: ReportScope) -> list[MeetingRow]:
    """Meetings dated in the period (up to today) against meetings_per_half_year."""
    last = min(scope.end, clock.today())
    held = (
        select(func.count(Meeting.id))
        .where(Meeting.steering_group_id == SteeringGroup.id)
        .where(Meeting.meeting_date.between(scope.start, last))
        .scalar_subquery()
    )
    open_points = (
        select(func.count(ActionPoint.id))
        .join(Meeting, Meeting.id == ActionPoint.meeting_id)
        .where(Meeting.steering_group_id == SteeringGroup.id)
        .where(ActionPoint.done_at.is_(None), Meeting.meeting_date <= scope.end)
        .scalar_subquery()
    )
    where = [
        or_(
            SteeringGroup.county_part_id.is_(None),
            SteeringGroup.county_part_id.in_(scope.county_part_ids),
        )
    ]
    if scope.programme_id is not None:
        where.append(
            or_(SteeringGroup.programme_id.is_(None),
                SteeringGroup.programme_id == scope.programme_id)
        )
    statement = (
        select(SteeringGroup.name, SteeringGroup.meetings_per_half_year, held, open_points)
        .where(*where)
        .order_by(SteeringGroup.county_part_id.is_not(None), SteeringGroup.name)
    )
    half_years = _months(scope.start, scope.end) / 6
    return [
        MeetingRow(name, held_count, math.ceil(per_half * half_years - 1e-9), points)
        for name, per_half, held_count, points in (await session.exec(statement)).all()
    ]


def _months(start: date, end: date) -> int:
    """Calendar months the period touches (1 Jan–30 Jun is 6)."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


async def build_report(session: AsyncSession, scope: ReportScope) -> Report:
    """Every measure for `scope`, masked when `scope.masked`."""
    tables = [
        await _referrals(session, scope),
        await _pending(session, scope),
        *await _participant_tables(session, scope),
        *await _placement_tables(session, scope),
        *await _exit_tables(session, scope),
        await _caseload(session, scope),
    ]
    if scope.masked:
        tables = [mask_table(table, scope.threshold) for table in tables]
    by_key = {table.key: table for table in tables}
    medians = [
        Median(group, days if not scope.masked or people >= scope.threshold else None,
               people if not scope.masked or people >= scope.threshold else None)
        for group, days, people in await _medians(session, scope)
    ]
    return Report(
        scope=scope,
        tables=by_key,
        shares=tuple(goal_shares(by_key, scope.threshold if scope.masked else 0)),
        medians=tuple(sorted(medians, key=lambda m: (m.group == TOTAL, m.group))),
        meetings=tuple(await _meetings(session, scope)),
    )


# --- Goal indicators from the (masked) tables ----------------------------------------------


def share(
    key: str, group: str, table: CountTable, part: list[Position], whole: list[Position],
    threshold: int,
) -> Share:
    """part/whole, hidden when a cell it uses is masked or what is left over is a small count
    (`threshold` 0: unmasked report)."""
    if any(table.is_masked(*p) for p in part + whole):
        return Share(key, group, None, None)
    numerator = sum(table.value(*p) for p in part)
    denominator = sum(table.value(*p) for p in whole)
    if 0 < denominator - numerator < threshold:
        return Share(key, group, None, None)
    return Share(key, group, numerator, denominator)


def goal_shares(tables: dict[str, CountTable], threshold: int) -> list[Share]:
    """Work or studies against the 35 % goal, positive progression, and women's share (40/60)."""
    found = []
    sus, progression, flows = tables["exits_sus"], tables["progression"], tables["flows"]
    work = [sus.row(SusGroup.EMPLOYMENT), sus.row(SusGroup.STUDIES)]
    n_sus, n_prog = len(sus.rows), len(progression.rows)
    for group in (*GENDER_COLUMNS, TOTAL):
        j = sus.column(group)
        found.append(share("work_or_studies", group, sus, [(i, j) for i in work], [(n_sus, j)],
                           threshold))
        j = progression.column(group)
        found.append(
            share("positive_progression", group, progression,
                  [(progression.row("positive"), j)], [(n_prog, j)], threshold)
        )
    women, men = flows.column("woman"), flows.column("man")
    active = flows.row("active")
    found.append(share("women_active", TOTAL, flows, [(active, women)],
                       [(active, women), (active, men)], threshold))
    women, men = sus.column("woman"), sus.column("man")
    found.append(
        share("women_work_or_studies", TOTAL, sus, [(i, women) for i in work],
              [(i, c) for i in work for c in (women, men)], threshold)
    )
    return found


# --- Small-cell masking --------------------------------------------------------------------


def mask_table(table: CountTable, threshold: int) -> CountTable:
    """Hide counts 1..threshold-1 (cells and totals), then hide complements until no hidden
    count can be worked out from what is shown (checked exactly, by linear algebra)."""
    masks = {
        p: Mask.SMALL for p in table.positions() if 0 < table.value(*p) < threshold
    }
    equations = table.equations()
    while exposed := recoverable(masks, equations):
        complement = _complement(table, exposed, masks, equations)
        if complement is None:
            # Every line through the exposed places is hidden already: widen to the table.
            shown = [p for p in table.positions() if p not in masks]
            if not shown:
                break
            complement = min(shown, key=lambda p: (table.value(*p) == 0, table.value(*p), p))
        masks[complement] = Mask.COMPLEMENT
    return replace(table, masks=masks)


def _complement(
    table: CountTable, exposed: list[Position], masks: dict[Position, Mask],
    equations: list[tuple[list[Position], Position]],
) -> Position | None:
    """A shown count sharing a line with an exposed place: non-zero before zero (a hidden zero
    protects little), cells before totals, then the one that leaves the fewest places exposed,
    then places that mend another line, then the smallest.

    In tables split by gender the "Totalt" column goes first: women's and men's figures are
    what the reports are for (gender equality is a horizontal principle), and one person of
    another gender would otherwise hide the women's or men's figure of a whole row.
    """
    candidates = {
        p
        for addends, total in equations
        if any(p in exposed for p in (*addends, total))
        for p in (*addends, total)
        if p not in masks
    }
    if not candidates:
        return None
    n, m = len(table.rows), len(table.columns)
    by_gender = table.column_vocab == "gender"
    # Places on another line with a single hidden member: hiding one of them mends two lines.
    mends = {
        p
        for addends, total in equations
        if sum(q in masks for q in (*addends, total)) == 1
        for p in (*addends, total)
    }

    def rank(p: Position) -> tuple[bool, int]:
        kind = 0 if by_gender and p[1] == m else 1 if p[0] < n and p[1] < m else 2
        return table.value(*p) == 0, kind

    best = min(map(rank, candidates))

    def cost(p: Position) -> tuple[int, bool, int, Position]:
        still_exposed = len(recoverable({**masks, p: Mask.COMPLEMENT}, equations))
        return still_exposed, p not in mends, table.value(*p), p

    return min((p for p in candidates if rank(p) == best), key=cost)


def recoverable(
    hidden: dict[Position, Mask] | set[Position],
    equations: list[tuple[list[Position], Position]],
) -> list[Position]:
    """Hidden places whose value the equations fix once every shown number is known.

    Unknowns are the hidden places; a value is fixed exactly when every solution of the
    homogeneous system (the null space) is zero there. Integer elimination keeps it exact.
    """
    unknowns = sorted(hidden)
    index = {p: k for k, p in enumerate(unknowns)}
    matrix = []
    for addends, total in equations:
        row = [0] * len(unknowns)
        for p in addends:
            if p in index:
                row[index[p]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            matrix.append(row)
    pivots = _reduce(matrix, len(unknowns))
    free = [k for k in range(len(unknowns)) if k not in pivots]
    # A pivot variable moves with the free ones unless its row is zero in every free column.
    moves = set(free)
    for row_number, column in enumerate(pivots):
        if any(matrix[row_number][f] for f in free):
            moves.add(column)
    return [p for k, p in enumerate(unknowns) if k not in moves]


def _reduce(matrix: list[list[int]], columns: int) -> list[int]:
    """Reduced row echelon form in place (integer rows, each divided by its gcd); the pivot
    column of each leading row."""
    pivots: list[int] = []
    for column in range(columns):
        rank = len(pivots)
        pivot = next((r for r in range(rank, len(matrix)) if matrix[r][column]), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        lead = matrix[rank]
        for r in range(len(matrix)):
            factor = matrix[r][column]
            if r != rank and factor:
                row = [a * lead[column] - factor * b for a, b in zip(matrix[r], lead, strict=True)]
                divisor = math.gcd(*row)
                matrix[r] = [a // divisor for a in row] if divisor > 1 else row
        pivots.append(column)
    return pivots
