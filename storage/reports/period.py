"""Report periods on a grid: whole months, quarters, half-years and calendar years.

Masked reports run only for grid periods that have ended. The grid is a tree (a year is two
half-years, a half-year two quarters, a quarter three months), so the difference between two
grid periods is a union of grid periods, which the protection covers as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

GRAINS = ("year", "half", "quarter", "month")
_MONTHS = {"year": 12, "half": 6, "quarter": 3, "month": 1}


@dataclass(frozen=True, order=True)
class GridPeriod:
    """One period of the grid; `code` is what users type (2026, 2026-H1, 2026-K2, 2026-06)."""

    start: date
    grain: str

    @property
    def end(self) -> date:
        return _add_months(self.start, _MONTHS[self.grain]) - timedelta(days=1)

    @property
    def code(self) -> str:
        year, month = self.start.year, self.start.month
        if self.grain == "year":
            return str(year)
        if self.grain == "half":
            return f"{year}-H{(month - 1) // 6 + 1}"
        if self.grain == "quarter":
            return f"{year}-K{(month - 1) // 3 + 1}"
        return f"{year}-{month:02d}"

    def children(self) -> list[GridPeriod]:
        """The next grain down, in order (a month has none)."""
        if self.grain == "month":
            return []
        grain = GRAINS[GRAINS.index(self.grain) + 1]
        step, count = _MONTHS[grain], _MONTHS[self.grain] // _MONTHS[grain]
        return [GridPeriod(_add_months(self.start, step * k), grain) for k in range(count)]

    def has_ended(self, today: date) -> bool:
        return self.end < today


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


# What users type for each grain, and the period it names from the year and the number after it.
_PATTERNS: list[tuple[re.Pattern[str], Callable[[int, int], GridPeriod | None]]] = [
    (re.compile(r"^(\d{4})$"), lambda y, _: GridPeriod(date(y, 1, 1), "year")),
    (re.compile(r"^(\d{4})[- ]?h([12])$"),
     lambda y, k: GridPeriod(date(y, 6 * k - 5, 1), "half")),
    (re.compile(r"^(\d{4})[- ]?[kq]([1-4])$"),
     lambda y, k: GridPeriod(date(y, 3 * k - 2, 1), "quarter")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"),
     lambda y, k: GridPeriod(date(y, k, 1), "month") if 1 <= k <= 12 else None),
]


def parse_period(text: str) -> GridPeriod | None:
    """`2026`, `2026-H1`, `2026-K2` (or Q2), `2026-06`; None for anything else."""
    typed = text.strip().casefold().replace("–", "-")
    for pattern, make in _PATTERNS:
        found = pattern.match(typed)
        if found:
            groups = [int(g) for g in found.groups()] + [0]
            if not 1900 <= groups[0] <= 9999:
                return None
            return make(groups[0], groups[1])
    return None


def grid_period(start: date, end: date) -> GridPeriod | None:
    """The grid period that is exactly start–end, if there is one (finest grain first)."""
    for grain in reversed(GRAINS):
        if start.day != 1 or (start.month - 1) % _MONTHS[grain]:
            continue
        period = GridPeriod(start, grain)
        if period.end == end:
            return period
    return None


def latest_ended(today: date, grain: str = "half") -> GridPeriod:
    """The last period of `grain` that has ended: the one before the period of `today`."""
    months = _MONTHS[grain]
    current = date(today.year, (today.month - 1) // months * months + 1, 1)
    return GridPeriod(_add_months(current, -months), grain)


def _next(period: GridPeriod) -> GridPeriod:
    return GridPeriod(_add_months(period.start, _MONTHS[period.grain]), period.grain)


def recent_periods(today: date, grain: str, count: int = 12) -> list[GridPeriod]:
    """The latest `count` ended periods of `grain`, newest first (for the form)."""
    found = [latest_ended(today, grain)]
    while len(found) < count:
        found.append(GridPeriod(_add_months(found[-1].start, -_MONTHS[grain]), grain))
    return found
