"""A report as files people open elsewhere: CSV and XLSX for the evaluator, JSON for machines,
and a PNG bar chart for the chat. Labels come from the texts, so files read like the card."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from dialogs.texts import language, t
from storage.reports import (
    GENDER_COLUMNS,
    TOTAL,
    CountTable,
    GoalResult,
    Mask,
    Report,
    Share,
)
from storage.reports.funders import FUNDER_TABLES
from storage.reports.result import COMPOSITE, column_percent

# The order the card, the files and the chart show the tables in.
TABLE_ORDER = (
    "flows",
    "flows_county_part",
    "referrals",
    "pending",
    "active_county_part",
    "active_age",
    "active_income",
    "progression",
    "past_12_months",
    "caseload",
    "placements",
    "placements_active",
    "exits_reason",
    "exits_destination",
    "exits_sus",
    "exits_municipality",
    # The funders' and evaluator's tables (storage/reports/funders.py).
    *FUNDER_TABLES,
    # A report at a date (storage/reports/at_date.py).
    "enrolled_at",
    "in_placement_at",
    "time_in_programme",
)


def table_keys(report: Report) -> list[str]:
    """The report's tables in the order they are shown."""
    return [key for key in TABLE_ORDER if key in report.tables]


def key_label(vocab: str | None, key: str, locale: str | None) -> str:
    """A row or column heading: the vocabulary's label, or the key itself for names."""
    if key == TOTAL:
        return t("report_total", locale)
    if vocab is not None and "+" in vocab:  # a composite row: "Norra|woman"
        return ", ".join(key_label(v or None, k, locale)
                         for v, k in zip(vocab.split("+"), key.split(COMPOSITE), strict=True))
    if vocab is None:
        return key
    if vocab == "gender":
        return t(f"report_gender.{key}", locale)
    return t(f"{vocab}.{key}", locale)


def cell_text(table: CountTable, row: int, column: int) -> str:
    """The number, or one mark for every hidden count (small or hiding a small one: a reader
    must not tell which), or the mark for a count too few to break down."""
    mask = table.mask(row, column)
    if mask == Mask.WITHHELD:
        return t("report_withheld_mark")
    if mask != Mask.SHOWN:
        return t("report_hidden_mark")
    return str(table.value(row, column))


def table_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """Header row, then one row per key and the totals row, as strings."""
    header = [t(f"report_table.{table.key}", locale)]
    header += [key_label(table.column_vocab, c, locale) for c in table.columns]
    if table.row_totals:
        header.append(t("report_total", locale))
    m = len(table.columns) + (1 if table.row_totals else 0)
    grid = [header]
    for i, key in enumerate(table.rows):
        grid.append(
            [key_label(table.row_vocab, key, locale)]
            + [cell_text(table, i, j) for j in range(m)]
        )
    if table.column_totals:
        n = len(table.rows)
        grid.append(
            [t("report_total", locale)] + [cell_text(table, n, j) for j in range(m)]
        )
    return grid


def percent_text(table: CountTable, row: int, column: int) -> str:
    """A count's share of its column's total, as printed beside it: only from printed counts
    (`result.column_percent`), else "–"."""
    value = column_percent(table, row, column)
    return "–" if value is None else percent(value)


def percent_grid(table: CountTable, locale: str | None) -> list[list[str]]:
    """As `table_grid`, with each count's share of its column's total beside it in a column
    of its own (the funders' tables in files)."""
    grid = table_grid(table, locale)
    m = len(table.columns) + (1 if table.row_totals else 0)
    header = [grid[0][0]]
    for heading in grid[0][1:]:
        header += [heading, f"{heading} {t('report_percent_suffix', locale)}"]
    found = [header]
    places = list(range(len(table.rows))) + ([len(table.rows)] if table.column_totals else [])
    for line, i in zip(grid[1:], places, strict=True):
        row = [line[0]]
        for j in range(m):
            row += [line[1 + j], percent_text(table, i, j)]
        found.append(row)
    return found


def decimal(value: float, locale: str | None) -> str:
    """One decimal, with a decimal comma in Swedish."""
    text = f"{value:.1f}"
    return text.replace(".", ",") if language(locale) == "sv" else text


def percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)} %"


def share_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    """(label, value) for the goal indicators, each with its target where there is one."""
    lines = []
    for item in report.shares:
        label = t(f"report_share.{item.key}", locale)
        if item.group != TOTAL:
            label += f" ({key_label('gender', item.group, locale)})"
        lines.append((label, _share_value(item, report.goals, locale)))
    for median in report.medians:
        label = t("report_median", locale) + f" ({key_label('gender', median.group, locale)})"
        value = (
            "–"
            if median.days is None
            else t("report_median_value_at" if report.at else "report_median_value", locale,
                   days=round(median.days), months=decimal(median.days / 30.44, locale),
                   people=median.people)
        )
        lines.append((label, value))
    return lines


def _share_value(item: Share, goals: tuple[GoalResult, ...], locale: str | None) -> str:
    if item.value is None:
        return "–"
    text = f"{percent(item.value)} ({item.part}/{item.whole})"
    goal = next((g for g in goals if g.measure == item.key and g.group == item.group), None)
    if goal is not None:
        band = goal.low is not None and goal.high is not None
        key = {(True, True): "report_goal_inside", (True, False): "report_goal_outside",
               (False, True): "report_goal_reached", (False, False): "report_goal_missed"}[
            (band, bool(goal.reached))]
        text += " " + t(key, locale, goal=goal_text(goal, locale))
    return text


def goal_text(goal: GoalResult, locale: str | None) -> str:
    """"minst 35 %", "högst 10 %", "40–60 %"."""
    if goal.low is not None and goal.high is not None:
        return f"{round(goal.low * 100)}–{percent(goal.high)}"
    if goal.low is not None:
        return t("report_goal_at_least", locale, goal=percent(goal.low))
    return t("report_goal_at_most", locale, goal=percent(goal.high))


def points(value: float | None, locale: str | None) -> str:
    """A difference of shares in percentage points, signed: "+6", "−3", "0"."""
    if value is None:
        return "–"
    rounded = round(value * 100)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    return t("report_points", locale, value=f"{sign}{abs(rounded)}")


def goal_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    """(measure, "goal · result · difference") for every goal that applies to the report."""
    lines = []
    for goal in report.goals:
        result = "–" if goal.share.value is None else (
            f"{percent(goal.share.value)} ({goal.share.part}/{goal.share.whole})")
        lines.append((t(f"report_share.{goal.measure}", locale),
                      t("report_goal_line", locale, goal=goal_text(goal, locale),
                        result=result, difference=points(goal.difference, locale))))
    return lines


def work_or_studies_goal(report: Report) -> float | None:
    """The lower bound of the work-or-studies goal, for the chart's line; None: no goal."""
    return next((g.low for g in report.goals if g.measure == "work_or_studies"), None)


def filter_lines(report: Report, locale: str | None) -> list[tuple[str, str]]:
    scope = report.scope
    lines = [(t("report_at", locale), report.at.isoformat()) if report.at else
             (t("report_period", locale), f"{scope.start.isoformat()} – {scope.end.isoformat()}")]
    for key in ("programme", "county_part", "municipality", "coach"):
        lines.append((t(f"report_filter.{key}", locale), scope.labels.get(key, t("report_all",
                                                                                 locale))))
    masking = (
        t("report_masked_note", locale, largest=scope.threshold - 1,
          minimum=scope.min_population)
        if scope.masked
        else t("report_unmasked_note", locale)
    )
    lines.append((t("report_masking", locale), masking))
    if scope.view_part is not None:
        area = scope.view_town or scope.view_part
        lines.append((t("report_view_label", locale), t("report_view_note", locale, area=area)))
    if report.late_changes:
        lines.append((t("report_late_label", locale),
                      t("report_late_changes", locale, count=report.late_changes)))
    return lines


def meeting_grid(report: Report, locale: str | None) -> list[list[str]]:
    grid = [[t("report_meetings", locale), t("report_held", locale), t("report_planned", locale),
             t("report_open_points", locale)]]
    grid += [[m.name, str(m.held), str(m.planned), str(m.open_action_points)]
             for m in report.meetings]
    return grid


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


# --- Chart ---------------------------------------------------------------------------------

_WIDTH, _HEIGHT = 720, 420
_PLOT = (70, 60, 500, 360)  # left, top, right, bottom
_SUS_COLOURS = {
    "employment": (38, 110, 74),
    "studies": (96, 170, 120),
    "job_seeking": (230, 170, 60),
    "other": (170, 170, 175),
}
_GOAL_COLOUR = (200, 40, 40)


# Pillow's built-in font has no å, ä or ö: use a common system font that has them.
_FONTS = ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "arial.ttf",
          "segoeui.ttf")


def _font(size: int) -> Any:
    from PIL import ImageFont

    for name in _FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def exits_chart(report: Report, locale: str | None = "sv") -> bytes:
    """Exits by SUS group as 100 % bars for women, men and everyone, work and studies at the
    bottom, so their height meets the dashed line of the goal (when one is configured). Masked
    bars are left empty. Pillow is imported here, on first use, not when the bot starts."""
    from PIL import Image, ImageDraw

    table = report.tables["exits_sus"]
    image = Image.new("RGB", (_WIDTH, _HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    left, top, right, bottom = _PLOT
    draw.text((left, 18), t("report_chart_title", locale), fill="black", font=font)
    for tick in range(0, 101, 20):
        y = bottom - (bottom - top) * tick / 100
        draw.line((left, y, right, y), fill=(230, 230, 230))
        draw.text((left - 40, y - 7), f"{tick} %", fill="black", font=small)
    groups = [g for g in (*GENDER_COLUMNS, TOTAL) if g != "other"]
    slot = (right - left) / len(groups)
    n = len(table.rows)
    for k, group in enumerate(groups):
        j = table.column(group)
        x0, x1 = left + slot * k + slot * 0.2, left + slot * (k + 1) - slot * 0.2
        draw.text((x0, bottom + 8), key_label("gender", group, locale), fill="black", font=small)
        whole = table.value(n, j)
        if any(table.is_masked(i, j) for i in range(n + 1)) or not whole:
            draw.rectangle((x0, top, x1, bottom), outline=(150, 150, 150))
            mark = t("report_chart_hidden" if whole else "report_chart_none", locale)
            draw.text((x0 + 6, (top + bottom) / 2), mark, fill=(90, 90, 90), font=small)
            continue
        y = float(bottom)
        for i, key in enumerate(table.rows):
            height = (bottom - top) * table.value(i, j) / whole
            if height:
                draw.rectangle((x0, y - height, x1, y), fill=_SUS_COLOURS[key])
            y -= height
        draw.text((x0, bottom + 22), f"n={whole}", fill=(90, 90, 90), font=small)
    goal = work_or_studies_goal(report)
    if goal is not None:
        goal_y = bottom - (bottom - top) * goal
        for x in range(left, right, 12):
            draw.line((x, goal_y, min(x + 7, right), goal_y), fill=_GOAL_COLOUR, width=2)
        draw.text((right + 8, goal_y - 8), t("report_chart_goal", locale, goal=percent(goal)),
                  fill=_GOAL_COLOUR, font=small)
    y = top + 40
    for key in reversed(table.rows):
        draw.rectangle((right + 8, y, right + 22, y + 14), fill=_SUS_COLOURS[key])
        draw.text((right + 28, y), key_label("sus", key, locale), fill="black", font=small)
        y += 22
    out = io.BytesIO()
    image.convert("P", palette=Image.Palette.ADAPTIVE, colors=32).save(out, "PNG", optimize=True)
    return out.getvalue()
