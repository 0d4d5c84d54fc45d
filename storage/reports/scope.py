"""What a report covers: the user's filter, resolved within what the actor may see, and the
rules for masked reports (one grid period that has ended, the county's, viewed for the whole
county, one county part or one municipality)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    Association,
    CountyPart,
    Municipality,
    Programme,
    Staff,
    StaffCountyPart,
    key_of,
)
from storage.permissions import Action, Actor, Role, Scope, is_allowed, visible_county_parts
from storage.pii import normalise
from storage.reports.period import GridPeriod, grid_period, latest_ended
from storage.rules import RuleError

_Row = TypeVar("_Row")


@dataclass(frozen=True)
class ReportFilter:
    """What the user chose: codes and names as typed or picked; resolved by `resolve_filter`."""

    start: date
    end: date
    programme: str | None = None
    county_part: str | None = None
    municipality: str | None = None
    coach: str | None = None
    default_period: bool = False  # no period typed: a masked report takes the latest ended
    at: date | None = None  # the state on one date (storage/reports/at_date.py), unmasked only


@dataclass(frozen=True)
class ReportScope:
    """The resolved filter: ids the SQL uses, names the card shows, and whether to mask.

    A masked scope is county-wide and has its grid `period`; `view_part`/`view_town` narrow
    what is printed of it.
    """

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
    min_population: int = 20
    period: GridPeriod | None = None
    # A masked report narrowed to a county part or a municipality: still the county's
    # protected report, printed for that area only (storage/reports/area_view.py).
    view_part: str | None = None
    view_town: str | None = None


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
    """Turn names into ids within what `actor` may see; unknown or foreign names raise, and so
    does a masked report off the association's grid or with a filter."""
    if wanted.end < wanted.start:
        raise RuleError("report_bad_period", start=wanted.start, end=wanted.end)
    parts = {p.code: p for p in await session.exec(select(CountyPart))}
    allowed, masked = report_access(actor, frozenset(parts))
    association = (await session.exec(select(Association))).first()
    grain = association.report_grid if association else "half"
    period = None
    if masked:
        if not allowed:
            raise RuleError("not_staff")
        if wanted.at is not None:
            raise RuleError("report_at_needs_unmasked")
        period = _masked_period(wanted, grain)
        wanted = _masked_filter(wanted)
        allowed = frozenset(parts)  # masked reports are county-wide, for everyone alike
    allowed_ids = {key_of(parts[c]) for c in allowed}
    labels: dict[str, str] = {}
    visible_ids = set(allowed_ids)
    if wanted.county_part:
        match = _by_name(parts.values(), wanted.county_part, "name", "code")
        if match is None or match.id not in allowed_ids:
            raise RuleError("report_unknown_county_part", value=wanted.county_part)
        allowed_ids, labels["county_part"] = {key_of(match)}, match.name
    programme_id: int | None = None
    municipality_id: int | None = None
    coach_id: int | None = None
    if wanted.programme:
        programmes = await session.exec(select(Programme))
        programme = _by_name(programmes, wanted.programme, "name", "code")
        if programme is None:
            raise RuleError("report_unknown_programme", value=wanted.programme)
        programme_id, labels["programme"] = programme.id, programme.name
    if wanted.municipality:
        municipality = _by_name(await session.exec(select(Municipality)), wanted.municipality,
                                "name")
        if municipality is not None and municipality.county_part_id in visible_ids - allowed_ids:
            actual = next(p.name for p in parts.values() if p.id == municipality.county_part_id)
            raise RuleError("report_view_wrong_part", municipality=municipality.name,
                            actual=actual, county_part=labels["county_part"])
        if municipality is None or municipality.county_part_id not in allowed_ids:
            raise RuleError("report_unknown_municipality", value=wanted.municipality)
        municipality_id, labels["municipality"] = municipality.id, municipality.name
    if wanted.coach:
        coaches = await session.exec(select(Staff).where(col(Staff.role) == Role.COACH))
        coach = _by_name(coaches, wanted.coach, "display_name", "aad_object_id")
        if coach is None:
            raise RuleError("report_unknown_coach", value=wanted.coach)
        coach_id, labels["coach"] = coach.id, coach.display_name
    view_part = view_town = None
    if masked:
        view_town = labels.get("municipality")
        if municipality_id is not None:
            part_id = next(m.county_part_id for m in await session.exec(
                select(Municipality).where(col(Municipality.id) == municipality_id)))
            view_part = next(p.name for p in parts.values() if p.id == part_id)
        else:
            view_part = labels.get("county_part")
        if view_part is not None:
            labels["county_part"] = view_part
        allowed_ids, municipality_id = {key_of(part) for part in parts.values()}, None
    return ReportScope(
        start=period.start if period else wanted.start,
        end=period.end if period else wanted.end,
        county_part_ids=tuple(sorted(allowed_ids)),
        county_wide=allowed_ids == {key_of(part) for part in parts.values()},
        masked=masked,
        threshold=association.small_cell_threshold if association else 5,
        min_population=association.report_min_population if association else 20,
        programme_id=programme_id,
        municipality_id=municipality_id,
        coach_id=coach_id,
        labels=labels,
        period=period,
        view_part=view_part,
        view_town=view_town,
    )


def _masked_period(wanted: ReportFilter, grain: str) -> GridPeriod:
    """A masked report covers one period of the association's grid that has ended: arbitrary
    days, a period still going on, or periods of two grains that overlap would let a reader
    difference two reports down to a few people."""
    today = clock.today()
    if wanted.default_period:
        return latest_ended(today, grain)
    period = grid_period(wanted.start, wanted.end)
    if period is None or period.grain != grain or not period.has_ended(today):
        raise RuleError("report_masked_grid", grain_one=grain,
                        example=latest_ended(today, grain).code)
    return period


def _masked_filter(wanted: ReportFilter) -> ReportFilter:
    """Masked reports are the county's: a filter of their own would be another table a reader
    could subtract from the county's, and protecting them all together is more than a report
    can wait for. A county part or a municipality is a view of the county's report (its rows
    for that area); a programme or a coach is not in it at all."""
    if wanted.programme or wanted.coach:
        raise RuleError("report_masked_no_filter")
    return wanted


@dataclass(frozen=True)
class ReportChoices:
    """What the report form offers: (name, value) pairs within what the actor may see."""

    programmes: list[tuple[str, str]]
    county_parts: list[tuple[str, str]]
    municipalities: list[str]
    coaches: list[str]
    masked: bool = False
    grain: str = "half"


async def report_choices(session: AsyncSession, actor: Actor) -> ReportChoices:
    association = (await session.exec(select(Association))).first()
    parts = {p.code: p for p in await session.exec(select(CountyPart))}
    allowed, masked = report_access(actor, frozenset(parts))
    if masked and allowed:
        allowed = frozenset(parts)  # a masked report is the county's, viewed for any area
    ids = [parts[c].id for c in allowed]
    programmes = (
        await session.exec(
            select(col(Programme.name), col(Programme.code))
            .where(col(Programme.takes_participants))
            .order_by(col(Programme.name))
        )
    ).all()
    municipalities = (
        await session.exec(
            select(col(Municipality.name))
            .where(col(Municipality.county_part_id).in_(ids))
            .order_by(col(Municipality.name))
        )
    )
    coaches = (
        await session.exec(
            select(col(Staff.display_name))
            .join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id)
            .where(col(Staff.active), col(Staff.role) == Role.COACH,
                   col(StaffCountyPart.county_part_id).in_(ids))
            .distinct()
            .order_by(col(Staff.display_name))
        )
    )
    return ReportChoices(
        programmes=[(name, code) for name, code in programmes],
        county_parts=sorted((parts[c].name, c) for c in allowed),
        municipalities=list(municipalities),
        coaches=list(coaches),
        masked=masked,
        grain=association.report_grid if association else "half",
    )


def _by_name(rows: Iterable[_Row], typed: str, *attributes: str) -> _Row | None:
    """The row named `typed`, as a hurried user types it: case, fullwidth letters, zero-width
    characters and spaces around it do not matter (the one normalisation, `pii.normalise`)."""
    needle = normalise(typed).strip().casefold()
    for row in rows:
        if any(str(getattr(row, a)).casefold() == needle for a in attributes):
            return row
    return None
