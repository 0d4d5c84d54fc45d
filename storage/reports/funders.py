"""The funders' and evaluator's tables (Uppföljning Finsam, Ramboll's evaluation tables):
exits by reason and destination (and SUS group), income source at start against at exit, the
active by municipality and by county part, gender and age band, placements started by type,
sector and gender, and progression steps by kind and gender.

Exact counts for a period and the participants a filter chooses (none: the county). A masked
report protects these tables together with the rest (`figures` keys them into the same
families, so a table that shares a margin with another is linked to it).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import sqlmodel
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.util.typing import TupleAny
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    CountyPart,
    Municipality,
    Participant,
    Placement,
    ProgressionStep,
    key_of,
)
from storage.reports.counting import AGE_BANDS, REPORTED_EXIT_REASONS, _table, counted, likely
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
    INCOME_SOURCES,
    PLACEMENT_TYPES,
    PROGRESSION_STEPS,
    SECTORS,
    SusGroup,
)

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
    """The tables' exact counts; `tables` lays them out for a scope's county parts and
    municipalities."""

    def __init__(self) -> None:
        self.counts: dict[str, Counts] = defaultdict(dict)

    def add(self, table: str, row: str, column: str, n: int) -> None:
        if n:
            counts = self.counts[table]
            counts[(row, column)] = counts.get((row, column), 0) + int(n)

    def tables(self, parts: tuple[str, ...], towns: tuple[str, ...]) -> dict[str, CountTable]:
        """The tables; `parts` and `towns` are the county parts and municipalities the rows
        list (those of the report's scope, in order)."""
        genders = GENDER_COLUMNS
        specs: list[tuple[str, tuple[str, ...], tuple[str, ...], str | None, str | None]] = [
            ("exits_reason_destination", REPORTED_EXIT_REASONS, tuple(DESTINATIONS), "exit_reason",
             "destination"),
            ("exits_reason_sus", REPORTED_EXIT_REASONS, SUS_GROUPS, "exit_reason", "sus"),
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
            key: _table(key, self.counts.get(key, {}), rows, columns, row_vocab, column_vocab)
            for key, rows, columns, row_vocab, column_vocab in specs
        }


async def count_funders(
    session: AsyncSession, start: date, end: date, conditions: list[ColumnElement[bool]]
) -> FunderCounts:
    """Every funders' table for start–end over the participants `conditions` choose (none:
    everyone). Each statement groups in the order of a covering index where there is one
    (ix_participant_report_exits, ix_participant_report_people, ix_placement_report), so
    years of participants are read without sorting them."""
    found = FunderCounts()
    # A felregistrering counts nowhere (counting.counted), as in every other table of the report:
    # the linked tables share their margins.
    conditions = [*conditions, counted()]
    parts = {key_of(p): p.name for p in await session.exec(sqlmodel.select(CountyPart))}
    towns = {key_of(m): m.name for m in await session.exec(sqlmodel.select(Municipality))}
    gender = col(Participant.gender)
    # likely(): SQLite reads the covering index rather than walking the exit date's index and
    # looking each row up (counting.likely).
    exited = likely(col(Participant.exit_date).between(start, end))
    # Exits by reason and destination (and so SUS group).
    exits = (gender, col(Participant.municipality_id), col(Participant.exit_reason),
             col(Participant.exit_destination))
    statement: Select[*TupleAny] = (
        select(*exits, func.count()).where(*conditions, exited).group_by(*exits))
    for _, _, reason, destination, n in (await session.execute(statement)).all():
        found.add("exits_reason_destination", str(reason), str(destination), n)
        found.add("exits_reason_sus", str(reason), _sus(destination), n)
    # Exits by income source at start and at exit.
    incomes = (col(Participant.income_source_start), col(Participant.income_source_exit))
    statement = select(*incomes, func.count()).where(*conditions, exited).group_by(*incomes)
    for income, income_exit, n in (await session.execute(statement)).all():
        found.add("exits_income", str(income), income_exit or NOT_RECORDED, n)
    # Active in the period (as the report's flow counts them): by county part and age band,
    # and by municipality, with gender. Grouped in the order of ix_participant_report_people
    # with a count per municipality beside each group: grouped by municipality too, the
    # groups would have to be sorted (ten times slower over years of participants).
    ids = sorted(towns)
    exit_date = col(Participant.exit_date)
    people = (gender, col(Participant.county_part_id), col(Participant.income_source_start),
              col(Participant.birth_year))
    statement = select(
        *people, func.count(),
        *(func.count().filter(col(Participant.municipality_id) == town) for town in ids),
    ).where(
        *conditions,
        col(Participant.referral_date) <= end,
        col(Participant.enrolment_date) <= end,
        or_(exit_date.is_(None), exit_date >= start),
    ).group_by(*people)
    for sex, part, _, born, n, *by_town in (await session.execute(statement)).all():
        found.add("active_part_age", composite(parts[part], sex), age_band(end, born), n)
        for town, count in zip(ids, by_town, strict=True):
            found.add("active_municipality", towns[town], sex, count)
    # Placements started in the period, with the participant's gender.
    placements = (col(Placement.placement_type), col(Placement.sector), gender)
    statement = select(*placements, func.count()).select_from(Placement).join(
        Participant, col(Participant.id) == Placement.participant_id).where(
        *conditions,
        col(Placement.start_date).between(start, end)).group_by(*placements)
    for kind, sector, sex, n in (await session.execute(statement)).all():
        found.add("placements_gender", composite(kind, sector), sex, n)
    # Progression steps taken in the period (steps, not people), by kind and gender.
    # The step grouped as an expression: SQLite would otherwise walk the index on the step
    # for its order and read each step's and participant's rows; this way it reads the
    # covering indexes (ix_progression_step_report, ix_participant_report_scope).
    steps = (col(ProgressionStep.step).concat(""), gender)
    statement = select(*steps, func.count()).select_from(ProgressionStep).join(
        Participant, col(Participant.id) == ProgressionStep.participant_id).where(
        *conditions,
        col(ProgressionStep.step_date).between(start, end)).group_by(*steps)
    for step, sex, n in (await session.execute(statement)).all():
        found.add("steps", step, sex, n)
    return found
