"""The funders' and evaluator's tables (Uppföljning Finsam, Ramboll's evaluation tables):
exits by reason and destination (and SUS group), income source at start against at exit, the
active by municipality and by county part, gender and age band, placements started by type,
sector and gender, and progression steps by kind and gender.

Counted per (municipality, programme), as `split` counts a masked report's other tables: a
masked report adds the cells up county-wide and protects these tables together with the rest
(`figures` keys them into the same families, so a table that shares a margin with another is
linked to it); an unmasked report counts the cells its filter chooses. Exact counts only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import CountyPart, Municipality, Participant, Placement, ProgressionStep
from storage.reports.queries import AGE_BANDS, _table
from storage.reports.result import (
    COMPOSITE,
    EXIT_INCOMES,
    GENDER_COLUMNS,
    NOT_RECORDED,
    SUS_GROUPS,
    CountTable,
)
from storage.reports.split import age_band
from storage.rules import (
    DESTINATIONS,
    EXIT_REASONS,
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    PROGRESSION_STEPS,
    SECTORS,
    SusGroup,
)

Cell = tuple[int, int]  # (municipality id, programme id)
Counts = dict[tuple[str, str], int]

# The tables, in the order the funders' card and the files show them.
FUNDER_TABLES = (
    "exits_reason_destination",
    "exits_reason_sus",
    "exits_income",
    "active_municipality",
    "active_part_age",
    "placements_gender",
    "steps",
)


def composite(first: str, second: str) -> str:
    return f"{first}{COMPOSITE}{second}"


def _sus(destination: str | None) -> str:
    return (DESTINATIONS.get(destination or "") or SusGroup.OTHER).value


class FunderCounts:
    """The tables' counts per (municipality, programme); `tables` adds up the cells chosen."""

    def __init__(self) -> None:
        self.counts: dict[Cell, dict[str, Counts]] = defaultdict(lambda: defaultdict(dict))

    def add(self, cell: Cell, table: str, row: str, column: str, n: int) -> None:
        if n:
            counts = self.counts[cell][table]
            counts[(row, column)] = counts.get((row, column), 0) + int(n)

    def tables(self, cells: Iterable[Cell], parts: tuple[str, ...],
               towns: tuple[str, ...]) -> dict[str, CountTable]:
        """The tables over `cells`; `parts` and `towns` are the county parts and municipalities
        the rows list (those of the report's scope, in order)."""
        summed: dict[str, Counts] = defaultdict(dict)
        for cell in cells:
            for table, counts in self.counts.get(cell, {}).items():
                target = summed[table]
                for place, n in counts.items():
                    target[place] = target.get(place, 0) + n
        genders = GENDER_COLUMNS
        specs: list[tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None]] = [
            ("exits_reason_destination", EXIT_REASONS, tuple(DESTINATIONS), "exit_reason",
             "destination"),
            ("exits_reason_sus", EXIT_REASONS, SUS_GROUPS, "exit_reason", "sus"),
            ("exits_income", INCOME_SOURCES, EXIT_INCOMES, "income", "income"),
            ("active_municipality", towns, genders, None, "gender"),
            ("active_part_age", tuple(composite(p, g) for p in parts for g in genders),
             AGE_BANDS, "+gender", "report_age"),
            ("placements_gender",
             tuple(composite(k, s) for k in PLACEMENT_TYPES for s in SECTORS), genders,
             "placement_type+sector", "gender"),
            ("steps", PROGRESSION_STEPS, genders, "step", "gender"),
        ]
        return {
            key: _table(key, summed.get(key, {}), rows, columns, row_vocab, column_vocab)
            for key, rows, columns, row_vocab, column_vocab in specs
        }

    def every_cell(self) -> list[Cell]:
        return sorted(self.counts)


async def count_funders(
    session: AsyncSession, start: date, end: date, conditions: list[Any]
) -> FunderCounts:
    """Every funders' table for start–end, per (municipality, programme), over the
    participants `conditions` choose (none: everyone)."""
    found = FunderCounts()
    cell = (Participant.municipality_id, Participant.programme_id)
    parts = {p.id: p.name for p in (await session.exec(select(CountyPart))).scalars()}
    towns = {m.id: m.name for m in (await session.exec(select(Municipality))).scalars()}
    # Exits in the period: reason, destination, income source at start and at exit.
    statement = select(
        *cell, Participant.exit_reason, Participant.exit_destination,
        Participant.income_source_start, Participant.income_source_exit, func.count(),
    ).where(*conditions, Participant.exit_date.between(start, end)).group_by(
        *cell, Participant.exit_reason, Participant.exit_destination,
        Participant.income_source_start, Participant.income_source_exit)
    for m, p, reason, destination, income, income_exit, n in (
            await session.exec(statement)).all():
        found.add((m, p), "exits_reason_destination", str(reason), str(destination), n)
        found.add((m, p), "exits_reason_sus", str(reason), _sus(destination), n)
        found.add((m, p), "exits_income", str(income), income_exit or NOT_RECORDED, n)
    # Active in the period (as the report's flow counts them): by municipality, county part
    # and age band, with gender.
    statement = select(
        *cell, Participant.gender, Participant.county_part_id, Participant.birth_year,
        func.count(),
    ).where(
        *conditions,
        Participant.referral_date <= end,
        Participant.enrolment_date <= end,
        or_(Participant.exit_date.is_(None), Participant.exit_date >= start),
    ).group_by(*cell, Participant.gender, Participant.county_part_id, Participant.birth_year)
    for m, p, gender, part, born, n in (await session.exec(statement)).all():
        found.add((m, p), "active_municipality", towns[m], gender, n)
        found.add((m, p), "active_part_age", composite(parts[part], gender),
                  age_band(end, born), n)
    # Placements started in the period, with the participant's gender.
    statement = select(
        *cell, Placement.placement_type, Placement.sector, Participant.gender, func.count(),
    ).select_from(Placement).join(Participant, Participant.id == Placement.participant_id).where(
        *conditions, Placement.start_date.between(start, end)
    ).group_by(*cell, Placement.placement_type, Placement.sector, Participant.gender)
    for m, p, kind, sector, gender, n in (await session.exec(statement)).all():
        found.add((m, p), "placements_gender", composite(kind, sector), gender, n)
    # Progression steps taken in the period (steps, not people), by kind and gender.
    statement = select(*cell, ProgressionStep.step, Participant.gender, func.count()).select_from(
        ProgressionStep).join(Participant, Participant.id == ProgressionStep.participant_id).where(
        *conditions, ProgressionStep.step_date.between(start, end)
    ).group_by(*cell, ProgressionStep.step, Participant.gender)
    for m, p, step, gender, n in (await session.exec(statement)).all():
        found.add((m, p), "steps", step, gender, n)
    return found
