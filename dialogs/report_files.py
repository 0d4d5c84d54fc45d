"""A report as files people open elsewhere: CSV and XLSX for the evaluator, JSON for machines.
Labels come from the texts (dialogs/report_text.py), so files read like the card."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from dialogs.report_text import (
    cell_text,
    filter_lines,
    goal_lines,
    meeting_grid,
    percent_grid,
    share_lines,
    survey_grids,
    survey_notes,
    table_grid,
    table_keys,
    work_or_studies_goal,
)
from dialogs.texts import t
from storage.reports import TOTAL, CountTable, Report
from storage.reports.funders import FUNDER_TABLES
from storage.reports.result import column_percent
from storage.reports.surveys import Share as SurveyShare


def filename(report: Report, extension: str) -> str:
    """stegvis-rapport-2026-01-01--2026-06-30.xlsx, or stegvis-lage-2026-06-30.xlsx at a date"""
    if report.at:
        return f"stegvis-lage-{report.at}.{extension}"
    return f"stegvis-rapport-{report.scope.start}--{report.scope.end}.{extension}"


def to_csv(report: Report, locale: str | None = "sv") -> bytes:
    """Long format (table; row; column; value), semicolons and a BOM so Swedish Excel opens it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([t(k, locale) for k in ("report_col_table", "report_col_row",
                                            "report_col_column", "report_col_value")])
    for label, value in filter_lines(report, locale) + share_lines(report, locale):
        writer.writerow([t("report_overview", locale), label, "", value])
    for label, value in goal_lines(report, locale):
        writer.writerow([t("report_goals", locale), label, "", value])
    headings, *meetings = meeting_grid(report, locale)
    for meeting in meetings:
        for heading, value in zip(headings[1:], meeting[1:], strict=True):
            writer.writerow([headings[0], meeting[0], heading, value])
    for key in table_keys(report):
        grid = file_grid(report.tables[key], locale)
        title, headings = grid[0][0], grid[0][1:]
        for row in grid[1:]:
            for heading, value in zip(headings, row[1:], strict=True):
                writer.writerow([title, row[0], heading, value])
    for title, grid in survey_grids(report, locale):
        for row in grid[1:]:
            for heading, value in zip(grid[0][1:], row[1:], strict=True):
                writer.writerow([title, row[0], heading, value])
    for line in survey_notes(report, locale):
        writer.writerow([t("report_survey_section", locale), line, "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report, locale: str | None = "sv") -> bytes:
    """One sheet for the overview, one per table, laid out as on the card."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    overview = book.active
    overview.title = t("report_overview", locale)[:31]
    for row in [[t("report_title", locale)], *map(list, filter_lines(report, locale)), [],
                *map(list, share_lines(report, locale)), [],
                *([[t("report_goals", locale)], *map(list, goal_lines(report, locale)), []]
                  if report.goals else []),
                *meeting_grid(report, locale)]:
        overview.append(row)
    overview["A1"].font = Font(bold=True, size=14)
    overview.column_dimensions["A"].width = 48
    overview.column_dimensions["B"].width = 40
    for key in table_keys(report):
        grid = file_grid(report.tables[key], locale)
        sheet = book.create_sheet(_sheet_name(grid[0][0], book.sheetnames))
        for row in grid:
            sheet.append([_number(cell) for cell in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 36
    if report.surveys is not None:
        _survey_sheet(book, report, locale)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def file_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """A table as files lay it out: the funders' tables with percentages beside the counts."""
    return percent_grid(table, locale) if table.key in FUNDER_TABLES else table_grid(table,
                                                                                      locale)


def _number(text: str) -> Any:
    """Shown counts as numbers, so the sheet can add them up; masks stay text."""
    return int(text) if text.isdigit() else text


def _sheet_name(title: str, taken: list[str]) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name; a long title is cut
    after a whole word (the sheet's first row has it in full)."""
    name = "".join(c for c in title if c not in "[]:*?/\\")
    if len(name) > 31:
        name = name[:32].rsplit(" ", 1)[0].rstrip(" ,")
    while name in taken:
        name = name[:28] + f"~{len(taken)}"
    return name


def table_json(table: CountTable) -> dict[str, Any]:
    """A table as codes: {"rows": {row: {column: count}}, "total": {...}}; hidden counts are
    the mark ("x", ".."); the funders' tables add each count's share of its column."""
    n, m = len(table.rows), len(table.columns)

    def value(i: int, j: int) -> int | str:
        text = cell_text(table, i, j)
        return int(text) if text.isdigit() else text

    data: dict[str, Any] = {
        "rows": {r: {c: value(i, j) for j, c in enumerate(table.columns)}
                 for i, r in enumerate(table.rows)},
    }
    if table.row_totals:
        for i, r in enumerate(table.rows):
            data["rows"][r][TOTAL] = value(i, m)
    if table.column_totals:
        data[TOTAL] = {c: value(n, j) for j, c in enumerate(table.columns)}
        if table.row_totals:
            data[TOTAL][TOTAL] = value(n, m)
    if table.key in FUNDER_TABLES:
        width = m + (1 if table.row_totals else 0)
        data["percent_of_column"] = {
            r: {c: _rounded(column_percent(table, i, j))
                for j, c in enumerate([*table.columns, TOTAL][:width])}
            for i, r in enumerate(table.rows)}
    return data


def to_json(report: Report) -> str:
    """Codes, not labels: for the evaluator's own scripts. Masked cells are strings."""
    threshold = report.scope.threshold
    scope = report.scope
    document = {
        "period": {"from": scope.start.isoformat(), "to": scope.end.isoformat()},
        "at": report.at.isoformat() if report.at else None,
        "late_changes": report.late_changes,
        "filter": scope.labels,
        "masked": scope.masked,
        "small_cell_threshold": threshold,
        "min_population": scope.min_population,
        "tables": {key: table_json(report.tables[key]) for key in table_keys(report)},
        "shares": [
            {"measure": s.key, "group": s.group, "part": s.part, "whole": s.whole,
             "value": None if s.value is None else round(s.value, 4)}
            for s in report.shares
        ],
        "work_or_studies_goal": work_or_studies_goal(report),
        "goals": goals_json(report),
        "median_days_in_programme": {
            m.group: None if m.days is None else round(m.days, 1) for m in report.medians
        },
        "meetings": [
            {"group": m.name, "held": m.held, "planned": m.planned,
             "open_action_points": m.open_action_points}
            for m in report.meetings
        ],
        "surveys": surveys_json(report),
        "training": None if report.training is None else {
            "programme": report.training.programme, "trained": report.training.trained,
            "target": report.training.target,
            "survey_responses": report.training.survey_responses,
            "survey_useful": report.training.survey_useful,
            "useful_goal_percent": report.training.useful_goal,
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=_iso)


def goals_json(report: Report) -> list[dict[str, Any]]:
    """Each goal with its result and the difference, as shares (0.35, not 35)."""
    return [
        {"measure": g.measure, "group": g.group, "at_least": g.low, "at_most": g.high,
         "result": _rounded(g.share.value), "part": g.share.part, "whole": g.share.whole,
         "difference": _rounded(g.difference), "reached": g.reached}
        for g in report.goals
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _iso(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _survey_sheet(book: Any, report: Report, locale: str | None) -> None:
    from openpyxl.styles import Font

    sheet = book.create_sheet(_sheet_name(t("report_survey_section", locale), book.sheetnames))
    sheet.append([t("report_survey_section", locale)])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in survey_notes(report, locale):
        sheet.append([line])
    for title, grid in survey_grids(report, locale):
        sheet.append([])
        sheet.append([title])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for row in grid:
            sheet.append(row)
    sheet.column_dimensions["A"].width = 60
    for column in "BCDEF":
        sheet.column_dimensions[column].width = 18


def _survey_share_json(share: SurveyShare) -> dict[str, Any]:
    return {"answered": share.answered, "agree": share.agree, "share": _rounded(share.value)}


def surveys_json(report: Report) -> dict[str, Any] | None:
    """Per half-year and moment, each statement's share who agree (null under the threshold),
    for the reader's county parts and, where shown, each county part."""
    if report.surveys is None:
        return None
    return {
        "note": report.surveys.note,
        "results": [
            {"period": r.period.code, "moment": r.moment, "responses": r.responses,
             "questions": [
                 {"code": q.question.code, "text": q.question.text,
                  **_survey_share_json(q.total),
                  "by_county_part": None if q.by_county_part is None else {
                      name: _survey_share_json(part)
                      for name, part in q.by_county_part.items()}}
                 for q in r.questions]}
            for r in report.surveys.results
        ],
    }
