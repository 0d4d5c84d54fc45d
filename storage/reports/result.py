"""The report as a result object: counts with their totals, goal shares, medians and meetings.

Presentation-neutral: keys are codes (vocabulary codes, or names for municipalities, county
parts and coaches); dialogs/report.py, dialogs/report_files.py and bot/report_cli.py render the
one result, masked or not, and never compute a figure of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from storage.reports.scope import ReportScope
from storage.reports.surveys import ReportSurveys
from storage.rules import GENDERS, INCOME_SOURCES, SusGroup
from storage.training import TrainingProgress

TOTAL = "total"
GENDER_COLUMNS = GENDERS
SUS_GROUPS = tuple(g.value for g in SusGroup)
# A row that crosses two attributes ("Norra|woman", "work_training|private").
COMPOSITE = "|"
# Income source at exit: the vocabulary, and none recorded (an exit before it was asked).
NOT_RECORDED = "not_recorded"
EXIT_INCOMES = (*INCOME_SOURCES, NOT_RECORDED)


class Mask(IntEnum):
    """Why a place is not printed. SMALL and COMPLEMENT render alike, so a reader cannot tell a
    small count from the counts hidden to protect it; WITHHELD: its group is too small to be
    broken down at all ("för få för att redovisa")."""

    SHOWN = 0
    SMALL = 1
    COMPLEMENT = 2
    WITHHELD = 3


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
        """Every printed place: cells, then the totals the table has."""
        n, m = len(self.rows), len(self.columns)
        found = [(i, j) for i in range(n) for j in range(m)]
        if self.row_totals:
            found += [(i, m) for i in range(n)]
        if self.column_totals:
            found += [(n, j) for j in range(m)]
        if self.row_totals and self.column_totals:
            found.append((n, m))
        return found

    def row(self, key: str) -> int:
        return len(self.rows) if key == TOTAL else self.rows.index(key)

    def column(self, key: str) -> int:
        return len(self.columns) if key == TOTAL else self.columns.index(key)

    def mask(self, row: int, column: int) -> Mask:
        return self.masks.get((row, column), Mask.SHOWN)

    def is_masked(self, row: int, column: int) -> bool:
        return self.mask(row, column) != Mask.SHOWN

    @property
    def withheld(self) -> bool:
        """Too few to break down: every cell is withheld or a printed zero. The
        table then answers "för få för att redovisa"."""
        n, m = len(self.rows), len(self.columns)
        cells = [(i, j) for i in range(n) for j in range(m)]
        return any(self.mask(*p) == Mask.WITHHELD for p in cells) and all(
            self.mask(*p) == Mask.WITHHELD or self.value(*p) == 0 for p in cells
        )


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
    """Median days from enrolment to exit for a gender (or "total"), with the number of exits it
    rests on; both None when masked."""

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
class Report:
    scope: ReportScope
    tables: dict[str, CountTable]
    shares: tuple[Share, ...]
    medians: tuple[Median, ...]
    meetings: tuple[MeetingRow, ...]
    # Changes recorded after the period ended that alter its state on or before the end
    # (storage/events.py): why the report may differ from one run when the period ended.
    late_changes: int = 0
    # Set for the state on one date (storage/reports/at_date.py): the medians are then the
    # days in the programme so far of those enrolled that day.
    at: date | None = None
    # The goals configured for the report's programme and period, against the shares.
    goals: tuple[GoalResult, ...] = ()
    # The participant survey's shares who agree, protected as `enkätresultat` protects them
    # (storage/reports/surveys.py); None for the state on one date.
    surveys: ReportSurveys | None = None
    # Staff trained by the period's end against the target (storage/training.py); None for
    # an area's view, the state on one date, or an association without a training programme.
    training: TrainingProgress | None = None


@dataclass(frozen=True)
class GoalResult:
    """A configured goal (organisation file, storage/reports/goals.py) next to its result:
    `low`/`high` bound the share (None: no bound); `share` is the protected result."""

    measure: str
    group: str
    low: float | None
    high: float | None
    share: Share

    @property
    def difference(self) -> float | None:
        """Result minus the goal: below a lower bound negative, above an upper bound positive,
        0 inside a band; for a lower bound alone, how far above (or below) it."""
        value = self.share.value
        if value is None:
            return None
        if self.low is not None and (value < self.low or self.high is None):
            return value - self.low
        if self.high is not None and value > self.high:
            return value - self.high
        return 0.0

    @property
    def reached(self) -> bool | None:
        value = self.share.value
        if value is None:
            return None
        return (self.low is None or value >= self.low) and (self.high is None
                                                              or value <= self.high)


def column_percent(table: CountTable, row: int, column: int) -> float | None:
    """A count as a share of its column's total, from printed figures only: None when either
    is hidden, withheld or the total is 0 (so a percentage never tells more than the counts)."""
    total = len(table.rows)
    if not table.column_totals or table.is_masked(row, column) or table.is_masked(total, column):
        return None
    whole = table.value(total, column)
    return table.value(row, column) / whole if whole else None


# --- Goal indicators from the (protected) tables --------------------------------------------


def share(key: str, group: str, table: CountTable, part: list[Position],
          whole: list[Position]) -> Share:
    """part/whole from printed figures only: hidden when a figure it uses is not printed, so a
    share never tells more than the tables beside it."""
    if any(table.is_masked(*p) for p in part + whole):
        return Share(key, group, None, None)
    numerator = sum(table.value(*p) for p in part)
    denominator = sum(table.value(*p) for p in whole)
    return Share(key, group, numerator, denominator)


def goal_shares(tables: dict[str, CountTable]) -> list[Share]:
    """Work or studies against the 35 % goal, positive progression, and women's share (40/60)."""
    found = []
    sus, progression, flows = tables["exits_sus"], tables["progression"], tables["flows"]
    work = [sus.row(SusGroup.EMPLOYMENT), sus.row(SusGroup.STUDIES)]
    n_sus, n_prog = len(sus.rows), len(progression.rows)
    for group in (*GENDER_COLUMNS, TOTAL):
        j = sus.column(group)
        found.append(share("work_or_studies", group, sus, [(i, j) for i in work], [(n_sus, j)]))
        j = progression.column(group)
        found.append(share("positive_progression", group, progression,
                           [(progression.row("positive"), j)], [(n_prog, j)]))
    women, men = flows.column("woman"), flows.column("man")
    active = flows.row("active")
    found.append(share("women_active", TOTAL, flows, [(active, women)],
                       [(active, women), (active, men)]))
    women, men = sus.column("woman"), sus.column("man")
    found.append(share("women_work_or_studies", TOTAL, sus, [(i, women) for i in work],
                       [(i, c) for i in work for c in (women, men)]))
    return found
