"""`rapport`: the report form, the report as cards and a chart, and the report as a file.

`rapport` alone shows the form; `rapport från=2026-01-01 till=2026-06-30 länsdel=Västra` or
`rapport period=2026-H1` (or a submitted form) shows the report; `format=csv|xlsx|json` sends
it as a file instead. Masked reports run for one grid period that has ended, county-wide.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from dialogs.cards import (
    card,
    card_message,
    command_action,
    date_input,
    facts,
    heading,
    image,
    optional_choice,
    paragraph,
    table,
)
from dialogs.commands import parse_date
from dialogs.files import FileExport, is_personal, offer_file
from dialogs.reply import Reply
from dialogs.report_files import (
    exits_chart,
    filename,
    filter_lines,
    goal_lines,
    meeting_grid,
    percent,
    share_lines,
    table_grid,
    table_keys,
    to_csv,
    to_json,
    to_xlsx,
    work_or_studies_goal,
)
from dialogs.router import Turn
from dialogs.texts import error_text, t
from storage import audit
from storage.audit import AuditAction
from storage.clock import clock
from storage.db import Database
from storage.permissions import Action, Actor, is_allowed
from storage.reports import (
    Report,
    ReportChoices,
    ReportFilter,
    ReportScope,
    grid_period,
    parse_period,
    recent_periods,
    report_choices,
    resolve_filter,
)
from storage.reports.at_date import report_for
from storage.rules import RuleError

FILE_KIND = "report"
FIELD_ALIASES = {
    "period": ("period",),
    "at": ("datum", "per", "at"),
    "start": ("från", "fran", "from"),
    "end": ("till", "to"),
    "programme": ("insats", "programme", "program"),
    "county_part": ("länsdel", "lansdel", "area"),
    "municipality": ("kommun", "municipality"),
    "coach": ("coach",),
    "format": ("format",),
}
SECTIONS = {
    "participants": (
        "flows", "flows_county_part", "active_county_part", "active_age", "active_income",
        "progression", "past_12_months", "caseload",
    ),
    "referrals": ("referrals", "pending"),
    "exits": (
        "placements", "placements_active", "exits_reason", "exits_destination", "exits_sus",
        "exits_municipality",
    ),
}
FILE_FORMATS = ("csv", "xlsx", "json")


def half_year(today: date) -> tuple[date, date]:
    """The current half-year: reports to the board and Finsam follow half-years."""
    if today.month <= 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year, 7, 1), date(today.year, 12, 31)


def read_fields(fields: dict[str, str]) -> dict[str, str]:
    """The command's `key=value` fields (or form inputs) under one name each."""
    found = {}
    for name, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if fields.get(alias):
                found[name] = fields[alias].strip()
    return found


def parse_filter(values: dict[str, str], today: date) -> ReportFilter:
    """`period=` (2026, 2026-H1, 2026-K2, 2026-06) or dates; without either the current
    half-year (a masked report takes the latest ended period instead). Names are checked later,
    against the database."""
    default_start, default_end = half_year(today)
    names = {key: values.get(key) for key in ("programme", "county_part", "municipality",
                                               "coach")}
    if "at" in values:
        day = parse_date(values["at"], today)
        if day is None:
            raise RuleError("report_bad_date", value=values["at"])
        return ReportFilter(start=day, end=day, at=day, **names)
    if "period" in values:
        period = parse_period(values["period"])
        if period is None:
            raise RuleError("report_bad_grid_period", value=values["period"])
        return ReportFilter(start=period.start, end=period.end, **names)
    days = []
    for key, default in (("start", default_start), ("end", default_end)):
        if key not in values:
            days.append(default)
            continue
        day = parse_date(values[key], today)
        if day is None:
            raise RuleError("report_bad_date", value=values[key])
        days.append(day)
    default = "start" not in values and "end" not in values
    return ReportFilter(start=days[0], end=days[1], default_period=default, **names)


def one_liner(wanted: ReportFilter, file_format: str | None = None) -> str:
    """The typed command for the same report, e.g. for the download buttons."""
    period = grid_period(wanted.start, wanted.end)
    parts = ["rapport"]
    if wanted.at is not None:
        parts.append(f"datum={wanted.at.isoformat()}")
    elif period is not None:
        parts.append(f"period={period.code}")
    else:
        parts += [f"från={wanted.start.isoformat()}", f"till={wanted.end.isoformat()}"]
    for word, value in (
        ("insats", wanted.programme),
        ("länsdel", wanted.county_part),
        ("kommun", wanted.municipality),
        ("coach", wanted.coach),
        ("format", file_format),
    ):
        if value:
            parts.append(f'{word}="{value}"' if " " in value else f"{word}={value}")
    return " ".join(parts)


async def form_card(turn: Turn) -> Reply:
    locale = turn.locale
    async with turn.db.session() as session:
        choices = await report_choices(session, turn.actor)
    if choices.masked:
        return _masked_form(choices, locale)
    start, end = half_year(clock.today())
    everyone = t("report_all", locale)
    body = [
        heading(t("report_form_title", locale)),
        {"type": "TextBlock", "text": t("report_form_intro", locale), "wrap": True},
        date_input("från", t("report_from", locale), start.isoformat()),
        date_input("till", t("report_to", locale), end.isoformat()),
        optional_choice("insats", t("report_filter.programme", locale),
                        [(name, code) for name, code in choices.programmes], everyone),
        optional_choice("länsdel", t("report_filter.county_part", locale),
                        [(name, name) for name, _ in choices.county_parts], everyone),
        optional_choice("kommun", t("report_filter.municipality", locale),
                        [(name, name) for name in choices.municipalities], everyone),
        optional_choice("coach", t("report_filter.coach", locale),
                        [(name, name) for name in choices.coaches], everyone),
    ]
    actions = [
        {"type": "Action.Submit", "title": t("report_button_show", locale),
         "data": {"command": "rapport"}}
    ]
    return card_message(card(body, actions), t("report_form_title", locale))


def _masked_form(choices: ReportChoices, locale: str | None) -> Reply:
    """Masked reports: a period of the association's grid that has ended, the county's, shown
    for the county, a county part or a municipality."""
    periods = recent_periods(clock.today(), choices.grain)
    everyone = t("report_all", locale)
    body = [
        heading(t("report_form_title", locale)),
        {"type": "TextBlock", "wrap": True,
         "text": t("report_period_hint", locale,
                   grain_one=t(f"report_grain.{choices.grain}", locale))},
        {"type": "Input.ChoiceSet", "id": "period", "label": t("report_period_field", locale),
         "style": "compact", "value": periods[0].code,
         "choices": [{"title": p.code, "value": p.code} for p in periods]},
        optional_choice("länsdel", t("report_filter.county_part", locale),
                        [(name, name) for name, _ in choices.county_parts], everyone),
        optional_choice("kommun", t("report_filter.municipality", locale),
                        [(name, name) for name in choices.municipalities], everyone),
    ]
    actions = [
        {"type": "Action.Submit", "title": t("report_button_show", locale),
         "data": {"command": "rapport"}}
    ]
    return card_message(card(body, actions), t("report_form_title", locale))


def _shown_rows(grid: list[list[str]]) -> list[list[str]]:
    """Drop rows of zeros between the header and the totals, so the card stays short."""
    header, *rows = grid
    kept = [row for row in rows if any(cell != "0" for cell in row[1:])]
    return [header, *(kept or rows[-1:])]


SAVE_NAME_INPUT = "namn"


def save_input(locale: str | None) -> dict[str, Any]:
    """The name to save the report under; the Save button sends it with the report's fields
    (`spara rapport period=… namn=…`)."""
    return {"type": "Input.Text", "id": SAVE_NAME_INPUT, "label": t("saved_report_name_label",
                                                                    locale),
            "placeholder": t("saved_report_name_placeholder", locale), "maxLength": 60}


def report_cards(report: Report, wanted: ReportFilter, locale: str | None) -> list[Reply]:
    """The overview with goals, the exits chart, meetings and download buttons, then one card
    per section (all in one card would pass Teams' 28 KB for a message)."""
    title = t("report_title", locale)
    goal = work_or_studies_goal(report)
    caption = (t("report_chart_caption", locale, goal=percent(goal)) if goal is not None
               else t("report_chart_caption_no_goal", locale))
    overview = [
        heading(f"{title}: {t('report_section.overview', locale)}"),
        facts(filter_lines(report, locale)),
        facts(share_lines(report, locale)),
        *([paragraph(t("report_goals", locale)), facts(goal_lines(report, locale))]
          if report.goals else []),
        *([image(exits_chart(report, locale), caption), paragraph(caption, subtle=True)]
          if "exits_sus" in report.tables else []),
    ]
    if report.meetings:
        overview.append(table(meeting_grid(report, locale)))
    overview.append(save_input(locale))
    actions = [
        command_action(t("report_button_csv", locale), one_liner(wanted, "csv")),
        command_action(t("report_button_xlsx", locale), one_liner(wanted, "xlsx")),
        command_action(t("saved_report_button_save", locale), "spara " + one_liner(wanted)),
    ]
    messages = [card_message(card(overview, actions), title)]
    # A masked report viewed for one area: its few tables in one card.
    sections = ({"area": tuple(table_keys(report))} if report.scope.view_part is not None
                else SECTIONS)
    for section, keys in sections.items():
        shown = [key for key in keys if key in report.tables]
        body = [heading(t(f"report_section.{section}", locale))]
        for key in shown:
            if report.tables[key].withheld:
                body.append({"type": "TextBlock", "wrap": True, "text": (
                    f"**{t(f'report_table.{key}', locale)}**: {t('report_too_few', locale)}")})
                continue
            grid = table_grid(report.tables[key], locale)
            body.append(table(_shown_rows(grid)))
        messages.append(card_message(card(body), t(f"report_section.{section}", locale)))
    return messages


STATE_TABLES = ("pending", "enrolled_at", "in_placement_at", "time_in_programme", "caseload")


def state_cards(report: Report, wanted: ReportFilter, locale: str | None) -> list[Reply]:
    """The state on one date: the overview (date, filters, median time so far, changes
    recorded afterwards) with download buttons, then the tables."""
    title = t("report_title", locale)
    overview = [heading(f"{title}: {report.at}"), facts(filter_lines(report, locale)),
                facts(share_lines(report, locale)), save_input(locale)]
    actions = [
        command_action(t("report_button_csv", locale), one_liner(wanted, "csv")),
        command_action(t("report_button_xlsx", locale), one_liner(wanted, "xlsx")),
        command_action(t("saved_report_button_save", locale), "spara " + one_liner(wanted)),
    ]
    body = [table(_shown_rows(table_grid(report.tables[key], locale))) for key in STATE_TABLES]
    return [card_message(card(overview, actions), title), card_message(card(body), title)]


def report_audit(scope: ReportScope, file_format: str) -> dict[str, Any]:
    """What the audit keeps of a report run: period, filters (resolved names of organisation
    units and staff), masked or not, format. No figures."""
    return {
        "period": [scope.start.isoformat(), scope.end.isoformat()],
        "filters": dict(sorted(scope.labels.items())),
        "masked": scope.masked,
        "format": file_format,
    }


async def _report_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None, *, audited: bool
) -> FileExport:
    if not is_allowed(actor, Action.READ_REPORT):
        raise RuleError("not_staff")
    file_format = str(values["format"]).casefold()
    wanted = parse_filter(values, clock.today())
    async with db.session() as session:
        scope = await resolve_filter(session, actor, wanted)
        report = await report_for(session, scope, wanted)
        if audited:
            await audit.record(
                session, actor, AuditAction.EXPORT, "report",
                details=report_audit(scope, file_format),
            )
    content = {
        "csv": lambda: to_csv(report, locale),
        "xlsx": lambda: to_xlsx(report, locale),
        "json": lambda: to_json(report).encode("utf-8"),
    }[file_format]()
    return FileExport(filename(report, file_format), content)


async def report_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """The report as a CSV, XLSX or JSON file, from the same fields as the one-line command.

    Called when a consent card is accepted, by whoever pressed it: checked again here, and
    audited as an export, since this is when the file leaves Stegvis.
    """
    return await _report_file(db, actor, values, locale, audited=True)


async def _send_report_file(turn: Turn, values: dict[str, str], wanted: ReportFilter) -> None:
    if not is_personal(turn.context):
        await turn.reply(turn.text("report_files_personal_only"))
        return
    export = await _report_file(turn.db, turn.actor, values, turn.locale, audited=False)
    description = turn.text("report_file_description", start=wanted.start, end=wanted.end)
    await offer_file(turn, FILE_KIND, dict(values), export, description)


Render = Callable[[Report, ReportFilter, str | None], list[Reply]]


async def show_report(turn: Turn) -> None:
    await show_with(turn, report_cards)


async def show_with(turn: Turn, render: Render, form: bool = True) -> None:
    """A report in chat, drawn by `render` (the report's cards, or the funders' tables), or
    its file; without fields, the form (`form`) or the default period."""
    values = read_fields(turn.command.fields)
    if not values and form:
        await turn.reply(await form_card(turn))
        return
    file_format = values.get("format", "").casefold()
    if file_format and file_format not in FILE_FORMATS:
        await turn.reply(turn.text("report_bad_format", value=file_format))
        return
    try:
        wanted = parse_filter(values, clock.today())
        async with turn.db.session() as session:
            scope = await resolve_filter(session, turn.actor, wanted)
            report = None if file_format else await report_for(session, scope, wanted)
            if report is not None:
                await audit.record(
                    session, turn.actor, AuditAction.REPORT, "report",
                    details=report_audit(scope, "card"),
                )
        # The period the report really covers (a masked report without one takes the latest
        # ended), so buttons and files ask for the same report.
        wanted = replace(wanted, start=scope.start, end=scope.end, default_period=False)
        if report is not None and report.at is not None:
            for message in state_cards(report, wanted, turn.locale):
                await turn.reply(message)
            return
        if scope.period is not None:
            values = {**values, "period": scope.period.code}
        if report is None:
            await _send_report_file(turn, values, wanted)
            return
    except RuleError as error:
        await turn.reply(error_text(error, turn.locale))
        return
    for message in render(report, wanted, turn.locale):
        await turn.reply(message)


def sees_individuals(actor: Actor) -> bool:
    """Whose reports are not masked: asked in a channel, they are answered in personal chat."""
    return is_allowed(actor, Action.READ_UNMASKED_REPORT)
