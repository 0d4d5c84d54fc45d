"""`årsuppföljning [år=2025] [format=xlsx|json]`: a calendar year's figures for the
association's annual follow-up (Uppföljning Finsam, the annual report) as one XLSX sheet laid
out in the order of the funder's form, or as JSON.

Nothing is counted here: the year's report (storage/reports, one protected result) is laid out
anew. It is masked per role like every report: a masked year needs the association's report
grid to be years (a year on a grid of half-years would overlap its halves, which are
protected apart); those who may see the participants get the exact year, also while it runs.
"""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date
from typing import Any

from dialogs.files import FileExport, offer_file
from dialogs.report import report_audit
from dialogs.report_files import goals_json, table_json
from dialogs.report_text import (
    decimal,
    filter_lines,
    goal_lines,
    key_label,
    percent,
    table_grid,
)
from dialogs.router import Route, Turn
from dialogs.texts import t
from storage import audit
from storage.audit import AuditAction
from storage.clock import clock
from storage.db import Database
from storage.permissions import Action, Actor, is_allowed
from storage.reports import Report, ReportFilter, build_report, resolve_filter
from storage.reports.result import GENDER_COLUMNS, TOTAL
from storage.rules import RuleError

FILE_KIND = "annual"
FORMATS = ("xlsx", "json")
YEAR_ALIASES = ("år", "ar", "year")


def parse_year(text: str | None, today: date) -> int:
    """`2025`; without a year the last calendar year (the one an annual report is about)."""
    if text is None or not text.strip():
        return today.year - 1
    typed = text.strip()
    if not typed.isdecimal() or not 2000 <= int(typed) <= today.year:
        raise RuleError("annual_bad_year", value=typed, latest=today.year)
    return int(typed)


async def annual_report(db: Database, actor: Actor, year: int, file_format: str,
                        *, audited: bool) -> Report:
    """The year's report for `actor` (masked unless they may see the participants)."""
    if not is_allowed(actor, Action.READ_REPORT):
        raise RuleError("not_staff")
    wanted = ReportFilter(start=date(year, 1, 1), end=date(year, 12, 31))
    async with db.session() as session:
        try:
            scope = await resolve_filter(session, actor, wanted)
        except RuleError as error:
            if error.code == "report_masked_grid" and error.details.get("grain_one") != "year":
                raise RuleError("annual_masked_needs_year") from error
            raise
        # The follow-up's figures come from the report's own tables, none of the funders'.
        report = await build_report(session, scope, funders=False)
        if audited:
            await audit.record(session, actor, AuditAction.EXPORT, "annual",
                               details=report_audit(scope, file_format))
    return report


# --- The layout --------------------------------------------------------------------------


def _row(report: Report, key: str, row: str, label: str, locale: str | None) -> list[str]:
    """One row of a gender table: label, then women, men, other, total as printed."""
    table = report.tables[key]
    grid = table_grid(table, locale)
    index = len(table.rows) if row == TOTAL else table.row(row)
    return [label, *grid[1 + index][1:]]


def _gender_header(title: str, locale: str | None) -> list[str]:
    return [title, *(key_label("gender", g, locale) for g in (*GENDER_COLUMNS, TOTAL))]


def sections(report: Report, locale: str | None) -> list[tuple[str, list[list[str]]]]:
    """(section title, rows) in the order of the funder's form: participants by gender and age
    band, new in the year, exits by destination (with SUS groups), time in the programme, share
    to work or studies against the goal."""
    found = []
    ages = report.tables["active_age"]
    found.append((t("annual_participants", locale), [
        _gender_header(t("annual_age_band", locale), locale),
        *(_row(report, "active_age", band, key_label("report_age", band, locale), locale)
          for band in ages.rows),
        _row(report, "active_age", TOTAL, t("report_total", locale), locale),
    ]))
    found.append((t("annual_new", locale), [
        _gender_header("", locale),
        _row(report, "flows", "enrolled", t("annual_enrolled", locale), locale),
        _row(report, "flows", "referred", t("annual_referred", locale), locale),
    ]))
    destinations = report.tables["exits_destination"]
    sus = report.tables["exits_sus"]
    found.append((t("annual_exits", locale), [
        _gender_header(t("annual_destination", locale), locale),
        *(_row(report, "exits_destination", d, key_label("destination", d, locale), locale)
          for d in destinations.rows),
        *(_row(report, "exits_sus", g, t("annual_sus_group", locale,
                                          group=key_label("sus", g, locale)), locale)
          for g in sus.rows),
        _row(report, "exits_sus", TOTAL, t("report_total", locale), locale),
    ]))
    medians = {m.group: m for m in report.medians}
    median_row = [t("annual_median_days", locale)]
    people_row = [t("annual_median_people", locale)]
    for group in (*GENDER_COLUMNS, TOTAL):
        median = medians.get(group)
        if median is None or median.days is None:
            median_row.append("–")
            people_row.append("–")
        else:
            median_row.append(decimal(median.days, locale))
            people_row.append(str(median.people))
    found.append((t("annual_time", locale), [
        _gender_header("", locale),
        median_row,
        people_row,
        _row(report, "past_12_months", TOTAL, t("annual_past_12_months", locale), locale),
    ]))
    shares = {s.group: s for s in report.shares if s.key == "work_or_studies"}
    share_row = [t("report_share.work_or_studies", locale)]
    for group in (*GENDER_COLUMNS, TOTAL):
        item = shares.get(group)
        share_row.append("–" if item is None or item.value is None else percent(item.value))
    work_goal = replace(report, goals=tuple(g for g in report.goals
                                            if g.measure == "work_or_studies"))
    goals = [[t("report_goals", locale), value] for _, value in goal_lines(work_goal, locale)]
    found.append((t("annual_work_or_studies", locale), [
        _gender_header("", locale), share_row, *goals]))
    return found


def to_annual_xlsx(report: Report, year: int, locale: str | None = "sv") -> bytes:
    """One sheet, section after section, counts as numbers in the same columns (women, men,
    other, total), so each block can be copied into the form as it stands."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = t("annual_sheet", locale)[:31]
    sheet.append([t("annual_title", locale, year=year)])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in filter_lines(report, locale):
        sheet.append(list(line))
    for title, rows in sections(report, locale):
        sheet.append([])
        sheet.append([title])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True, size=12)
        for number, row in enumerate(rows):
            sheet.append([int(c) if c.isdigit() else c for c in row])
            if number == 0:
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 52
    for column in "BCDE":
        sheet.column_dimensions[column].width = 14
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_annual_json(report: Report, year: int) -> str:
    """The same figures as codes: tables as in the report's JSON, medians, shares, goals."""
    scope = report.scope
    document: dict[str, Any] = {
        "year": year,
        "masked": scope.masked,
        "small_cell_threshold": scope.threshold,
        "filter": scope.labels,
        "participants_by_age_band": table_json(report.tables["active_age"]),
        "flows": table_json(report.tables["flows"]),
        "exits_by_destination": table_json(report.tables["exits_destination"]),
        "exits_by_sus_group": table_json(report.tables["exits_sus"]),
        "past_12_months": table_json(report.tables["past_12_months"]),
        "median_days_in_programme": {
            m.group: {"days": None if m.days is None else round(m.days, 1),
                      "exits": m.people} for m in report.medians},
        "work_or_studies": {
            s.group: {"part": s.part, "whole": s.whole,
                      "value": None if s.value is None else round(s.value, 4)}
            for s in report.shares if s.key == "work_or_studies"},
        "goals": goals_json(report),
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def annual_file(report: Report, year: int, file_format: str, locale: str | None) -> FileExport:
    if file_format == "json":
        return FileExport(f"stegvis-arsuppfoljning-{year}.json",
                          to_annual_json(report, year).encode("utf-8"))
    return FileExport(f"stegvis-arsuppfoljning-{year}.xlsx", to_annual_xlsx(report, year, locale))


# --- In chat -----------------------------------------------------------------------------


def _fields(turn: Turn) -> tuple[str | None, str]:
    fields = turn.command.fields
    year = next((fields[a] for a in YEAR_ALIASES if fields.get(a)), None)
    if year is None and turn.args:
        year = turn.args[0]
    return year, (fields.get("format") or "xlsx").strip().casefold()


async def rebuild_annual_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """When the consent card is accepted, by whoever pressed it: built again with their
    permissions, and audited as an export."""
    year, file_format = int(values["year"]), str(values["format"])
    report = await annual_report(db, actor, year, file_format, audited=True)
    return annual_file(report, year, file_format, locale)


async def show_annual(turn: Turn) -> None:
    typed_year, file_format = _fields(turn)
    if file_format not in FORMATS:
        await turn.reply(turn.text("annual_bad_format", value=file_format))
        return
    if not turn.inbound.personal:
        await turn.reply(turn.text("report_files_personal_only"))
        return
    year = parse_year(typed_year, clock.today())
    report = await annual_report(turn.db, turn.actor, year, file_format, audited=False)
    export = annual_file(report, year, file_format, turn.locale)
    await offer_file(turn, FILE_KIND, {"year": year, "format": file_format},
                     export, turn.text("annual_file_description", year=year))


ROUTES = [
    Route(("årsuppföljning", "arsuppfoljning", "uppföljning finsam", "annual"), show_annual,
          "help_cmd_annual", Action.READ_REPORT),
]
