"""`python -m bot report`: the report as JSON, CSV or XLSX for IT admins and evaluators.

The command line has no Teams user, so it reports as a viewer (masked: county-wide, one period
of the association's grid that has ended) unless `--unmasked` is given by someone entitled to the
individual figures.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from dialogs.annual import FORMATS, annual_file, annual_report, parse_year
from dialogs.report import half_year, report_audit
from dialogs.report_files import filename, to_csv, to_json, to_xlsx
from dialogs.texts import error_text, t
from storage import audit
from storage.audit import CLI, AuditAction
from storage.clock import clock
from storage.db import Database
from storage.reports import ReportFilter, cli_actor, parse_period, resolve_filter
from storage.reports.at_date import report_for
from storage.rules import RuleError


def add_annual_parser(commands: Any) -> None:
    annual = commands.add_parser(
        "annual", help="a calendar year's follow-up (Uppföljning Finsam) as XLSX or JSON")
    annual.add_argument("--year", type=int, help="calendar year (default: last year)")
    annual.add_argument("--format", choices=FORMATS, default="xlsx")
    annual.add_argument("--out", type=Path, help="file to write (default: stdout for json, "
                        "stegvis-arsuppfoljning-YEAR.xlsx for xlsx)")
    annual.add_argument("--unmasked", action="store_true",
                        help="exact figures (only for people who may see individuals)")


async def run_annual(db: Database, command: argparse.Namespace) -> int:
    """The year's follow-up as the chat's `årsuppföljning` makes it, audited as an export."""
    try:
        year = parse_year(None if command.year is None else str(command.year), clock.today())
        report = await annual_report(db, cli_actor(command.unmasked), year, command.format,
                                     audited=True)
    except RuleError as error:
        print(error_text(error, "sv"), file=sys.stderr)
        return 2
    export = annual_file(report, year, command.format, "sv")
    if command.out is None and command.format == "json":
        sys.stdout.write(export.data.decode("utf-8") + "\n")
        return 0
    out = command.out or Path(export.name)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(export.data)
    print(f"Årsuppföljningen är skriven till {out}.")
    return 0


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="aggregated report (masked unless --unmasked)")
    report.add_argument("--format", choices=("json", "csv", "xlsx"), default="json")
    report.add_argument("--period", help="2026, 2026-H1, 2026-K2 or 2026-06 (masked reports: "
                        "a period of the association's grid that has ended; default the latest)")
    report.add_argument("--from", dest="start", type=date.fromisoformat,
                        help="first day, YYYY-MM-DD (default: start of this half-year)")
    report.add_argument("--to", dest="end", type=date.fromisoformat,
                        help="last day, YYYY-MM-DD (default: end of this half-year)")
    report.add_argument("--programme", help="programme code or name")
    report.add_argument("--county-part", help="county part code or name")
    report.add_argument("--municipality")
    report.add_argument("--coach", help="coach's name or object id")
    report.add_argument("--at", type=date.fromisoformat,
                        help="the state on one date, YYYY-MM-DD: waiting, enrolled, in a "
                        "placement, time in the programme, caseload (only with --unmasked)")
    report.add_argument("--out", type=Path, help="file to write (default: stdout; xlsx: a file)")
    report.add_argument("--unmasked", action="store_true",
                        help="show small numbers (only for people who may see individuals)")


async def run(db: Database, command: argparse.Namespace) -> int:
    default_start, default_end = half_year(clock.today())
    start, end = command.start or default_start, command.end or default_end
    if command.at:
        start = end = command.at
    if command.period:
        period = parse_period(command.period)
        if period is None:
            print(t("report_bad_grid_period", "sv", value=command.period), file=sys.stderr)
            return 2
        start, end = period.start, period.end
    wanted = ReportFilter(
        start=start,
        end=end,
        programme=command.programme,
        county_part=command.county_part,
        municipality=command.municipality,
        coach=command.coach,
        default_period=not (command.period or command.start or command.end or command.at),
        at=command.at,
    )
    try:
        async with db.session() as session:
            scope = await resolve_filter(session, cli_actor(command.unmasked), wanted)
            report = await report_for(session, scope, wanted)
            await audit.record(
                session, CLI, AuditAction.EXPORT, "report",
                details=report_audit(scope, command.format),
            )
    except RuleError as error:
        print(error_text(error, "sv"), file=sys.stderr)
        return 2
    if command.format == "xlsx":
        content = to_xlsx(report)
    elif command.format == "csv":
        content = to_csv(report)
    else:
        content = (to_json(report) + "\n").encode("utf-8")
    out = command.out or (Path(filename(report, "xlsx")) if command.format == "xlsx" else None)
    if out is None:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    print(f"Rapporten är skriven till {out}.")
    return 0
