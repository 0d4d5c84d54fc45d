"""A report for a scope: exact for those who may see the individuals, otherwise the protected
figures of the period's masked report.

A masked report is county-wide and covers one period of the association's grid (half-years by
default); its tables are protected together. Narrowed to a county part or a municipality, it
prints the county's figures for that area (storage/reports/area_view.py). The protected period
is cached per process and data version; the same data always gives the same pattern, so several
instances print the same figures.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    cast,
    func,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.util.typing import TupleAny
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.audit import AuditAction
from storage.clock import clock
from storage.db import database_of
from storage.models import (
    AuditEntry,
    CountyPart,
    Municipality,
    Participant,
    ParticipantEvent,
    Placement,
    Programme,
    ProgressionStep,
    Staff,
    StaffCountyPart,
    key_col,
)
from storage.reports.area_view import area_view
from storage.reports.counting import participant_conditions
from storage.reports.figures import (
    Geography,
    Key,
    block_values,
    build_system,
    group_of,
    place_keys,
    protection_order,
    table_relations,
)
from storage.reports.funders import count_funders
from storage.reports.goals import report_goals
from storage.reports.meetings import meetings
from storage.reports.period import GridPeriod
from storage.reports.protection import Outcome, protect
from storage.reports.queries import count_report
from storage.reports.result import CountTable, Mask, Median, Report, goal_shares
from storage.reports.scope import ReportScope
from storage.reports.split import count_period
from storage.reports.surveys import report_surveys
from storage.training import training_progress

T = TypeVar("T")


async def build_report(session: AsyncSession, scope: ReportScope, *,
                       funders: bool = True) -> Report:
    """Every measure for `scope`: exact when unmasked, else the protected figures; with the
    number of changes to the period recorded after it ended.

    `funders` False: an unmasked report leaves out the funders' tables (storage/reports/
    funders.py), which cost as much as the rest over years of participants, for an output that
    does not show them (the report's cards). A masked report has them anyway: they are
    protected with the rest of the period, once, and read from the cache."""
    version = await data_version(session)
    if not scope.masked:
        conditions = participant_conditions(scope)
        report = replace(await exact_counts(session, scope, conditions, version, funders=funders),
                         scope=scope)
        # The meetings are read each time: minutes are no participant data, so the data
        # version does not follow them.
        return replace(report, meetings=tuple(await meetings(session, scope)),
                       late_changes=await _late_changes(session, scope, conditions, version),
                       goals=await report_goals(session, scope, report.shares),
                       surveys=await report_surveys(session, scope),
                       training=await training_progress(session, scope.end))
    assert scope.period is not None, "a masked scope has a grid period"
    protected = await protected_period(session, scope.period, scope.threshold,
                                       scope.min_population, version)
    report = protected.report(scope)
    if scope.view_part is not None:
        report = area_view(report, scope.view_part, protected.geography.parts[scope.view_part],
                           scope.view_town)
        return replace(report, late_changes=await _late_changes(session, scope, [], version))
    return replace(report, meetings=tuple(await meetings(session, scope)),
                   late_changes=await _late_changes(session, scope, [], version),
                   goals=await report_goals(session, scope, report.shares),
                   surveys=await report_surveys(session, scope),
                   training=await training_progress(session, scope.end))


async def exact_counts(session: AsyncSession, scope: ReportScope,
                       conditions: list[ColumnElement[bool]], version: tuple[Any, ...], *,
                       funders: bool) -> Report:
    """The exact tables of an unmasked scope, from the cache while the data and the day are
    the same: counting years of participants costs more than a chat turn should wait, and the
    card, its files and the funders' tables ask for the same scope one after the other. The
    key is the scope's ids (not its labels) and the data version, so every instance counts the
    same figures and a change anywhere counts them again."""
    geography = await _geography(session)
    key = ("exact", database_of(session), scope.start, scope.end, scope.county_part_ids,
           scope.county_wide, scope.programme_id, scope.municipality_id, scope.coach_id,
           funders, clock.today(), version, tuple(sorted(geography.parts.items())))
    cached = _fresh(_EXACT, key)
    if cached is not None:
        return cached
    report = await count_report(session, scope)
    if funders:
        report = replace(report, tables={
            **report.tables, **await _funder_tables(session, scope, conditions)})
    return _keep(_EXACT, key, report)


async def _late_changes(session: AsyncSession, scope: ReportScope,
                        conditions: list[ColumnElement[bool]], version: tuple[Any, ...]) -> int:
    """The changes to the period recorded after it ended (none: everyone), kept under the data
    version as the figures are: for a period long past they are read from every event recorded
    since (a year of events for last year's report)."""
    narrowed = (scope.county_part_ids, scope.programme_id, scope.municipality_id,
                scope.coach_id) if conditions else None
    key = ("late", database_of(session), scope.end, narrowed, version)
    cached = _fresh(_LATE, key)
    if cached is None:
        people = select(key_col(Participant.id)).where(*conditions) if conditions else None
        cached = _keep(_LATE, key, await events.late_changes(session, scope.end, people))
    return cached


async def _funder_tables(session: AsyncSession, scope: ReportScope,
                         conditions: list[ColumnElement[bool]]) -> dict[str, CountTable]:
    """The funders' tables of an unmasked report: the county parts and municipalities in its
    scope, as the other tables by area list them."""
    parts = tuple(sorted((await session.execute(
        select(col(CountyPart.name)).where(col(CountyPart.id).in_(scope.county_part_ids))
    )).scalars()))
    if scope.municipality_id is not None:
        towns: tuple[str, ...] = (scope.labels["municipality"],)
    else:
        towns = tuple((await session.execute(
            select(col(Municipality.name)).where(col(Municipality.county_part_id).in_(
                scope.county_part_ids)).order_by(col(Municipality.name)))).scalars())
    counts = await count_funders(session, scope.start, scope.end, conditions)
    return counts.tables(parts, towns)


@dataclass
class ProtectedPeriod:
    """The exact figures of a period's masked report, and which of them may be printed."""

    geography: Geography
    exact: Report
    outcome: Outcome[Key]
    public: set[Key]
    threshold: int
    minimum: int

    def mask(self, key: Key | None, value: int) -> Mask:
        if key is None:
            return Mask.SHOWN
        if key in self.outcome.withheld:
            return Mask.WITHHELD  # zeros too: a group too small to break down shows nothing
        if value == 0:
            return Mask.SHOWN
        if key in self.outcome.small or key in self.public and value < self.threshold:
            return Mask.SMALL
        if key in self.outcome.complements:
            return Mask.COMPLEMENT
        return Mask.SHOWN

    def report(self, scope: ReportScope) -> Report:
        assert scope.period is not None
        tables = {
            key: self._masked(table, scope.period) for key, table in self.exact.tables.items()
        }
        return Report(
            scope=scope,
            tables=tables,
            shares=tuple(goal_shares(tables)),
            medians=tuple(self._median(m, tables["flows"]) for m in self.exact.medians),
            meetings=(),
        )

    def _masked(self, table: CountTable, period: GridPeriod) -> CountTable:
        keys = place_keys(table, period)
        masks: dict[tuple[int, int], Mask] = {}
        for place, key in keys.items():
            mask = self.mask(key, table.value(*place))
            if mask != Mask.SHOWN:
                masks[place] = mask
        return replace(table, masks=masks)

    def _median(self, median: Median, flows: CountTable) -> Median:
        """Printed with its number of exits, when that number is printed and the group is not
        small: a median of a few people is one person's time."""
        place = (flows.row("exited"), flows.column(median.group))
        if flows.is_masked(*place) or (median.people or 0) < self.minimum:
            return Median(median.group, None, None)
        return median


# --- The period, cached ----------------------------------------------------------------------

AUDITED_WRITES = (AuditAction.CREATE, AuditAction.UPDATE, AuditAction.UNDO, AuditAction.ERASE,
                  AuditAction.RETENTION, AuditAction.ROLE)
# Whatever the data version might miss (a write that adds no row and no audit), a kept figure
# is counted again after this long.
CACHE_SECONDS = 600.0
_CACHE: OrderedDict[tuple[Any, ...], tuple[float, ProtectedPeriod]] = OrderedDict()
_EXACT: OrderedDict[tuple[Any, ...], tuple[float, Report]] = OrderedDict()
_LATE: OrderedDict[tuple[Any, ...], tuple[float, int]] = OrderedDict()
_LOCKS: dict[tuple[Any, ...], asyncio.Lock] = {}
CACHE_SIZE = 6
EXACT_SIZE = 12


def _fresh(cache: OrderedDict[tuple[Any, ...], tuple[float, T]], key: tuple[Any, ...]) -> T | None:
    entry = cache.get(key)
    if entry is None or time.monotonic() - entry[0] > CACHE_SECONDS:
        return None
    cache.move_to_end(key)
    return entry[1]


def _keep(cache: OrderedDict[tuple[Any, ...], tuple[float, T]], key: tuple[Any, ...], value: T,
          size: int = EXACT_SIZE) -> T:
    cache[key] = (time.monotonic(), value)
    while len(cache) > size:
        cache.popitem(last=False)
    return value


async def protected_period(
    session: AsyncSession, period: GridPeriod, threshold: int, minimum: int,
    version: tuple[Any, ...],
) -> ProtectedPeriod:
    """The protected figures of `period`, from the cache when the data has not changed. The
    county parts and their municipalities are part of the key: a part renamed or a
    municipality moved in the organisation file changes the tables by area."""
    geography = await _geography(session)
    key = (database_of(session), period.code, threshold, minimum, clock.today(), version,
           tuple(sorted(geography.parts.items())))
    cached = _fresh(_CACHE, key)
    if cached is not None:
        return cached
    async with _LOCKS.setdefault(key, asyncio.Lock()):
        cached = _fresh(_CACHE, key)
        if cached is None:
            protected = await _protect_period(session, period, threshold, minimum, geography)
            cached = _keep(_CACHE, key, protected, CACHE_SIZE)
    _LOCKS.pop(key, None)
    return cached


def clear_cache() -> None:
    """Forget counted and protected periods (benchmarks and tests that time the cold path)."""
    _CACHE.clear()
    _EXACT.clear()
    _LATE.clear()
    _OUTCOMES.clear()


async def data_version(session: AsyncSession) -> tuple[Any, ...]:
    """What changes when anything a report counts changes, read in a few index lookups (no
    table scanned, whatever the number of participants): the latest id of participants,
    placements, progression steps and the participants' events (a new row), the latest audited
    write (a correction, an undo, an erasure, a retention run: whatever the clocks of the
    instances say about `updated_at`), and staff and the organisation (small tables). One
    statement (on PostgreSQL two); read once per report; the same on every instance."""
    def row(name: str, *columns: ColumnElement[Any]) -> Select[*TupleAny]:
        texts = [cast(c, String) for c in columns] + [literal("")] * (3 - len(columns))
        return select(literal(name), *texts)

    latest_write = (
        select(col(AuditEntry.id)).where(col(AuditEntry.action).in_(AUDITED_WRITES))
        .order_by(col(AuditEntry.id).desc()).limit(1).scalar_subquery()
    )
    parts = [
        row("participant", func.max(col(Participant.id))).select_from(Participant),
        row("placement", func.max(col(Placement.id))).select_from(Placement),
        row("step", func.max(col(ProgressionStep.id))).select_from(ProgressionStep),
        row("event", func.max(col(ParticipantEvent.id))).select_from(ParticipantEvent),
        row("audit", latest_write),
        row("staff", func.count(), func.max(col(Staff.id)), func.max(col(Staff.updated_at)))
        .select_from(Staff),
        row("staff_part", func.count()).select_from(StaffCountyPart),
        row("municipality", func.count(), func.max(col(Municipality.id)),
            func.max(col(Municipality.county_part_id))).select_from(Municipality),
        row("programme", func.count(), func.max(col(Programme.id))).select_from(Programme),
    ]
    rows = (await session.execute(union_all(*parts))).all()
    version = tuple(sorted(tuple(r) for r in rows))
    if session.get_bind().dialect.name == "postgresql":
        # Ids are handed out when a row is written, not when its transaction commits: one
        # still writing may commit rows below the latest ids read here. The other sessions'
        # transactions that have written are part of the version, so that commit changes it
        # (SQLite has one writer). The bot's database role sees its own sessions here.
        running = (await session.execute(text(
            "SELECT coalesce(string_agg(backend_xid::text, ',' ORDER BY backend_xid::text), '')"
            " FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"))).scalar_one()
        version += (("running", running),)
    return version


async def _geography(session: AsyncSession) -> Geography:
    parts = (await session.execute(select(CountyPart))).scalars().all()
    towns = (await session.execute(
        select(Municipality).order_by(col(Municipality.name)))).scalars()
    by_part: dict[int, list[str]] = {}
    for town in towns:
        by_part.setdefault(town.county_part_id, []).append(town.name)
    return Geography(parts={p.name: tuple(by_part.get(p.id, ())) for p in parts})


async def _protect_period(
    session: AsyncSession, period: GridPeriod, threshold: int, minimum: int,
    geography: Geography,
) -> ProtectedPeriod:
    """Count the period's masked report exactly, then protect all its tables together."""
    names = {
        "parts": tuple(sorted(geography.parts)),
        "towns": tuple(sorted(t for ts in geography.parts.values() for t in ts)),
    }
    counts = await count_period(session, period)
    scope = ReportScope(start=period.start, end=period.end, county_part_ids=(), masked=False,
                        threshold=threshold, min_population=minimum, period=period)
    report = counts.block(scope, sorted(set(counts.counts) | set(counts.days)), names)
    funders = await count_funders(session, period.start, period.end, [])
    report = replace(report, tables={
        **report.tables, **funders.tables(names["parts"], names["towns"])})
    values: dict[Key, int] = {}
    block_values(report, period, values)
    system = build_system(values, geography, minimum, table_relations(report, period))
    figures = _figures_digest(values, geography, threshold, minimum)
    outcome = _OUTCOMES.get(figures)
    if outcome is None:
        order = protection_order(values)
        groups = {k: group_of(k) for k in values}
        outcome = await asyncio.to_thread(protect, system, threshold, order, groups)
        _OUTCOMES[figures] = outcome
        while len(_OUTCOMES) > OUTCOMES_SIZE:
            _OUTCOMES.popitem(last=False)
    else:
        _OUTCOMES.move_to_end(figures)
    return ProtectedPeriod(geography, report, outcome, system.public, threshold, minimum)


# The protection of a period's figures, by the figures themselves: a registration today changes
# the data version but not the figures of a period that has ended, so the report is counted
# again (a fraction of a second) and the pattern (seconds) reused; the same figures always get
# the same pattern, so reusing it changes nothing a reader could compare.
_OUTCOMES: OrderedDict[str, Outcome[Key]] = OrderedDict()
OUTCOMES_SIZE = 24


def _figures_digest(values: dict[Key, int], geography: Geography, threshold: int,
                    minimum: int) -> str:
    text = repr((sorted(values.items()), sorted(geography.parts.items()), threshold, minimum))
    return hashlib.sha256(text.encode()).hexdigest()
