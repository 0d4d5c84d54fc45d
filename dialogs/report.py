"""`rapport`: the report form, the report as cards and a chart, and the report as a file.

`rapport` alone shows the form; `rapport från=2026-01-01 till=2026-06-30 länsdel=Västra` or
`rapport period=2026-H1` (or a submitted form) shows the report; `format=csv|xlsx|json` sends
it as a file instead. Masked reports run for one grid period that has ended, county-wide.
"""

from __future__ import annotations

import json
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
from dialogs.files import FileExport, offer_file
from dialogs.reply import Attachment, Reply
from dialogs.report_chart import exits_chart
from dialogs.report_files import filename, to_csv, to_json, to_xlsx
from dialogs.report_text import (
    filter_lines,
    goal_lines,
    meeting_grid,
    percent,
    share_lines,
    table_grid,
    table_keys,
    work_or_studies_goal,
)
from dialogs.router import Turn
from dialogs.surveys import report_survey_card, report_survey_none
from dialogs.texts import t
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
    named = ReportFilter(start=default_start, end=default_end,
                         programme=values.get("programme"),
                         county_part=values.get("county_part"),
                         municipality=values.get("municipality"), coach=values.get("coach"))
    if "at" in values:
        day = parse_date(values["at"], today)
        if day is None:
            raise RuleError("report_bad_date", value=values["at"])
        return replace(named, start=day, end=day, at=day)
    if "period" in values:
        period = parse_period(values["period"])
        if period is None:
            raise RuleError("report_bad_grid_period", value=values["period"])
        return replace(named, start=period.start, end=period.end)
    days = []
    for key, default in (("start", default_start), ("end", default_end)):
        if key not in values:
            days.append(default)
            continue
        day = parse_date(values[key], today)
        if day is None:
            raise RuleError("report_bad_date", value=values[key])
        days.append(day)
    typed = "start" in values or "end" in values
    return replace(named, start=days[0], end=days[1], default_period=not typed)


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


# Teams refuses a message over about 28 KB; the card's tables fill it up to this size (JSON),
# the rest are named and left to the files.
CARD_BUDGET = 27_000


def _download_actions(wanted: ReportFilter, locale: str | None) -> list[dict[str, Any]]:
    return [
        command_action(t("report_button_csv", locale), one_liner(wanted, "csv")),
        command_action(t("report_button_xlsx", locale), one_liner(wanted, "xlsx")),
        command_action(t("saved_report_button_save", locale), "spara " + one_liner(wanted)),
    ]


Grid = list[list[str]]


def _grids(report: Report, keys: list[str], locale: str | None) -> dict[str, Grid | None]:
    """Each table's rows as shown (None: withheld, too few to break down); `MEETINGS` is the
    steering groups' meetings."""
    found: dict[str, Grid | None] = {}
    for key in keys:
        if key == MEETINGS:
            found[key] = meeting_grid(report, locale)
        elif report.tables[key].withheld:
            found[key] = None
        else:
            found[key] = _shown_rows(table_grid(report.tables[key], locale))
    return found


def _table_items(key: str, grid: Grid | None, locale: str | None,
                 compact: bool) -> list[dict[str, Any]]:
    """A table as a Table, or `compact`: its header, then each row as a fact ("aktiva:
    12 · 13 · 0 · 25"), a fifth of the size, where the card has no room for more tables."""
    if grid is None:
        return [paragraph(f"**{t(f'report_table.{key}', locale)}**: "
                          f"{t('report_too_few', locale)}")]
    if not compact:
        return [table(grid)]
    (title, *columns), *rows = grid
    return [facts([(f"**{title}**", " · ".join(columns)),
                   *((label, " · ".join(values)) for label, *values in rows)])]


def _size(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> int:
    """The card's size as JSON, in the larger of its escaped and its UTF-8 forms."""
    content = card(body, actions).content
    return max(len(json.dumps(content)),
               len(json.dumps(content, ensure_ascii=False).encode("utf-8")))


def _card_with_tables(body: list[dict[str, Any]], actions: list[dict[str, Any]],
                      sections: list[tuple[str | None, tuple[str, ...]]], report: Report,
                      locale: str | None, priority: tuple[str, ...] = ()) -> Attachment:
    """`body`, then the sections' tables in their order, then the box to save the report.

    Under Teams' 28 KB: every table as lines first (as many as fit, in the order of
    `priority`, then the sections'), then as tables in that order while room is left; a
    table that does not fit at all is named (the files have every table)."""
    keys = [key for _, section in sections for key in section]
    grids = _grids(report, keys, locale)
    end = [save_input(locale)]

    def laid_out(shown: dict[str, bool]) -> list[dict[str, Any]]:
        found = list(body)
        for title, section in sections:
            items = [item for key in section if key in shown
                     for item in _table_items(key, grids[key], locale, shown[key])]
            if items:
                found += ([heading(title)] if title else []) + items
        left_out = [grid[0][0] if (grid := grids[key]) else t(f"report_table.{key}", locale)
                    for key in keys if key not in shown]
        if left_out:
            found.append(paragraph(t("report_left_out", locale, tables="; ".join(left_out)),
                                   subtle=True))
        return found + end

    shown: dict[str, bool] = {}  # key: shown as lines
    order = sorted(keys, key=lambda k: priority.index(k) if k in priority else len(priority))
    for compact in (True, False):
        for key in order:
            tried = {**shown, key: compact}
            if _size(laid_out(tried), actions) <= CARD_BUDGET:
                shown = tried
    return card(laid_out(shown), actions)


# The tables a card shows first when not all fit: the flows and exits behind the goals, the
# meetings, then referrals and the participants' make-up.
MEETINGS = "meetings"
CARD_PRIORITY = (
    "flows", "exits_sus", "exits_destination", MEETINGS, "referrals", "pending", "placements",
    "active_county_part", "active_age", "progression", "past_12_months", "exits_reason",
)


def report_cards(report: Report, wanted: ReportFilter, locale: str | None) -> list[Reply]:
    """One card: the overview with goals, the exits chart and meetings, then the tables by
    section as far as Teams' 28 KB for a message allows, with the download buttons."""
    title = t("report_title", locale)
    goal = work_or_studies_goal(report)
    caption = (t("report_chart_caption", locale, goal=percent(goal)) if goal is not None
               else t("report_chart_caption_no_goal", locale))
    body = [
        heading(f"{title}: {t('report_section.overview', locale)}"),
        facts(filter_lines(report, locale)),
        *([facts(share_lines(report, locale))] if share_lines(report, locale) else []),
        *([paragraph(t("report_goals", locale)), facts(goal_lines(report, locale))]
          if report.goals else []),
        *([image(exits_chart(report, locale), caption), paragraph(caption, subtle=True)]
          if "exits_sus" in report.tables else []),
        *report_survey_none(report, locale),
    ]
    actions = _download_actions(wanted, locale)
    sections: list[tuple[str | None, tuple[str, ...]]] = [(None, (MEETINGS,))] * bool(
        report.meetings)
    # A masked report viewed for one area: its few tables in one section.
    chosen = ({"area": tuple(table_keys(report))} if report.scope.view_part is not None
              else SECTIONS)
    area = report.scope.view_town or report.scope.view_part
    sections += [(t(f"report_section.{section}", locale, area=area),
                  tuple(key for key in keys if key in report.tables))
                 for section, keys in chosen.items()]
    message = card_message(
        _card_with_tables(body, actions, sections, report, locale, CARD_PRIORITY), title)
    surveys = report_survey_card(report, locale)
    return [message] if surveys is None else [message, surveys]


STATE_TABLES = ("pending", "enrolled_at", "in_placement_at", "time_in_programme", "caseload")


def state_cards(report: Report, wanted: ReportFilter, locale: str | None) -> list[Reply]:
    """The state on one date in one card: the overview (date, filters, median time so far,
    changes recorded afterwards), the tables and the download buttons."""
    title = t("report_title", locale)
    body = [heading(f"{title}: {report.at}"), facts(filter_lines(report, locale)),
            facts(share_lines(report, locale))]
    actions = _download_actions(wanted, locale)
    return [card_message(
        _card_with_tables(body, actions, [(None, STATE_TABLES)], report, locale), title)]


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
    if not turn.inbound.personal:
        await turn.reply(turn.text("report_files_personal_only"))
        return
    export = await _report_file(turn.db, turn.actor, values, turn.locale, audited=False)
    description = turn.text("report_file_description", start=wanted.start, end=wanted.end)
    await offer_file(turn, FILE_KIND, dict(values), export, description)


Render = Callable[[Report, ReportFilter, str | None], list[Reply]]


async def show_report(turn: Turn) -> None:
    await show_with(turn, report_cards, funders=False)


async def show_with(turn: Turn, render: Render, form: bool = True, funders: bool = True) -> None:
    """A report in chat, drawn by `render` (the report's cards, or the funders' tables), or
    its file; without fields, the form (`form`) or the default period. `funders` False: the
    cards do not show the funders' tables, so an unmasked report does not count them."""
    values = read_fields(turn.command.fields)
    if not values and form:
        await turn.reply(await form_card(turn))
        return
    file_format = values.get("format", "").casefold()
    if file_format and file_format not in FILE_FORMATS:
        await turn.reply(turn.text("report_bad_format", value=file_format))
        return
    wanted = parse_filter(values, clock.today())
    async with turn.db.session() as session:
        scope = await resolve_filter(session, turn.actor, wanted)
        report = None if file_format else await report_for(session, scope, wanted,
                                                           funders=funders)
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
    for message in render(report, wanted, turn.locale):
        await turn.reply(message)


def sees_individuals(actor: Actor) -> bool:
    """Whose reports are not masked: asked in a channel, they are answered in personal chat."""
    return is_allowed(actor, Action.READ_UNMASKED_REPORT)
