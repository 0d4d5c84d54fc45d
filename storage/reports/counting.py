"""What every count of a report shares: who is counted (the scope's conditions, never a
felregistrering), a participant's decision at a date, the vocabularies of the tables' rows and
how counts become a table, and the hint that keeps SQLite on the covering indexes. Used by the
unmasked report's statements (`queries`), the masked report's counts per cell (`split`), the
funders' tables and the report at a date."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Boolean, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped
from sqlalchemy.sql.expression import ColumnElement, FromClause, Select
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import events
from storage.models import Participant, key_col
from storage.reports.result import CountTable
from storage.reports.scope import ReportScope
from storage.rules import EXIT_REASONS, Status

AGE_BANDS = ("18_24", "25_29", "30_39", "40_49", "50_64", "outside")
WAIT_BANDS = ("0_14", "15_30", "31_60", "61_plus")
DECISIONS = (Status.REFERRED, Status.WAITING, Status.ACCEPTED, Status.NOT_ACCEPTED)
FLOWS = ("referred", "enrolled", "active", "exited")
# A felregistrering is not an exit: the record was never true and counts nowhere.
REPORTED_EXIT_REASONS = tuple(r for r in EXIT_REASONS if r != events.REGISTRATION_ERROR)


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


def _participants(scope: ReportScope, coach: bool = True) -> list[ColumnElement[bool]]:
    """Conditions every measure shares: the visible county parts and the chosen filters.
    None for a county-wide report without filters: every participant counts. `coach` False:
    the measure filters on the coach at its date itself (the caseload)."""
    conditions: list[ColumnElement[bool]] = []
    if not scope.county_wide:
        conditions.append(col(Participant.county_part_id).in_(scope.county_part_ids))
    if scope.programme_id is not None:
        conditions.append(col(Participant.programme_id) == scope.programme_id)
    if scope.municipality_id is not None:
        conditions.append(col(Participant.municipality_id) == scope.municipality_id)
    if coach and scope.coach_id is not None:
        conditions.append(col(Participant.coach_id) == scope.coach_id)
    return conditions


def counted(participant: type[Participant] = Participant) -> ColumnElement[bool]:
    """Not a felregistrering (exited with reason "registration_error", as storage/events.py
    marks it): a mistaken record is left out of every count and denominator. Its columns are in
    each covering index (migration 0014), so the measures stay index-only."""
    return or_(
        col(participant.exit_reason).is_(None),
        col(participant.exit_reason) != events.REGISTRATION_ERROR,
        col(participant.status) != Status.EXITED,
    )


def mistaken() -> Select[int]:
    """SELECT of the felregistreringar's ids (read from ix_participant_felregistrering)."""
    return select(key_col(Participant.id)).where(
        col(Participant.exit_reason) == events.REGISTRATION_ERROR,
        col(Participant.status) == Status.EXITED)


Counts = dict[tuple[str, str], int]


async def _grouped(
    session: AsyncSession, row: ColumnElement[Any] | Mapped[Any],
    column: ColumnElement[Any] | Mapped[Any],
    where: list[ColumnElement[bool]], source: FromClause | type[Participant] = Participant,
) -> Counts:
    statement = (
        select(row.label("r"), column.label("c"), func.count().label("n"))
        .select_from(source)
        .where(*where)
        .group_by(row, column)
    )
    return {(str(r), str(c)): n for r, c, n in (await session.execute(statement)).all()}


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


def decision_at(end: date) -> ColumnElement[str]:
    """A participant's status at the period's end: the current one when the latest decision
    took effect by then (or there is none yet), else the one of the spans at `end`
    (storage/events.py), so a decision after the period does not change its report. (The
    referrals table of `queries` splits the same rule in two for speed.)"""
    status = col(Participant.status)
    return case(
        (col(Participant.decision_date) > end,
         func.coalesce(events.status_at_sql(Participant.id, end), status)),
        else_=status,
    )


def participant_conditions(scope: ReportScope) -> list[ColumnElement[bool]]:
    """The conditions that choose the scope's participants (empty: everyone)."""
    return _participants(scope)
