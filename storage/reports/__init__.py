"""Aggregated reports, split by responsibility:

- `scope`: what the user asked for, resolved within what they may see (and the rules for
  masked reports); `period`: the grid of months, quarters, half-years and years;
- `queries`: the SQL, exact counts;
- `figures` and `protection`: every masked report of a year as one system of figures, and
  linked-table cell suppression over it with an integer-programming solver;
- `build`: the one report for a scope, exact or protected, cached per data version;
- `result`: the presentation-neutral result every output renders.
"""

from storage.reports.build import build_report, clear_cache
from storage.reports.period import (
    GridPeriod,
    grid_period,
    latest_ended,
    parse_period,
    recent_periods,
)
from storage.reports.result import (
    GENDER_COLUMNS,
    TOTAL,
    CountTable,
    GoalResult,
    Mask,
    Median,
    MeetingRow,
    Report,
    Share,
)
from storage.reports.scope import (
    ReportChoices,
    ReportFilter,
    ReportScope,
    cli_actor,
    report_access,
    report_choices,
    resolve_filter,
)

__all__ = [
    "GENDER_COLUMNS",
    "TOTAL",
    "CountTable",
    "GoalResult",
    "GridPeriod",
    "Mask",
    "Median",
    "MeetingRow",
    "Report",
    "ReportChoices",
    "ReportFilter",
    "ReportScope",
    "Share",
    "build_report",
    "clear_cache",
    "cli_actor",
    "grid_period",
    "latest_ended",
    "parse_period",
    "recent_periods",
    "report_access",
    "report_choices",
    "resolve_filter",
]
