"""`lägesrapport [grupp=…] [period=2026-H1]`: a steering group's half-year status report as a
Word document the samordnare edits before the meeting. It gathers, for the group's county part
(or county-wide) and the period: the report's figures and goal results (masked or not as the
reader's role says, the same protected result every output renders, the participant survey's
results included), the group's decisions and decisions taken between meetings, open action
points and staff-training progress. Nothing is stored; the file is made again when accepted.
"""

from __future__ import annotations

import io
from typing import Any

from dialogs.files import FileExport, offer_file
from dialogs.minutes import FIELD_ALIASES
from dialogs.report import parse_filter, report_audit
from dialogs.report_text import (
    filter_lines,
    meeting_grid,
    share_lines,
    survey_grids,
    survey_notes,
    table_grid,
    table_keys,
)
from dialogs.router import Route, Turn
from dialogs.texts import error_text, t
from dialogs.training import render_overview
from storage import audit
from storage.audit import AuditAction
from storage.clock import clock
from storage.db import Database
from storage.minutes import writable_groups
from storage.permissions import Action, Actor, Scope, is_allowed
from storage.reports import parse_period, resolve_filter
from storage.reports.at_date import report_for
from storage.reports.period import latest_ended
from storage.rules import RuleError
from storage.status_report import GroupPeriod, group_period
from storage.training import training_overview

FILE_KIND = "status_report"


def _plain(text: str) -> str:
    return text.replace("**", "")


def _heading(document: Any, text: str, level: int) -> None:
    document.add_heading(text, level=level)


def _grid(document: Any, grid: list[list[str]], header: bool = True) -> None:
    """A table; its first row bold when it is a header (not for label–value lists)."""
    table = document.add_table(rows=0, cols=len(grid[0]))
    table.style = "Table Grid"
    for number, row in enumerate(grid):
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = value
            if header and number == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _lines(document: Any, text: str) -> None:
    for line in text.splitlines():
        if line.strip().startswith("- "):
            document.add_paragraph(_plain(line.strip()[2:]), style="List Bullet")
        elif line.strip():
            document.add_paragraph(_plain(line))


def render_docx(
    parts: dict[str, Any], minutes: GroupPeriod, period_code: str, locale: str | None
) -> bytes:
    """Headings the samordnare can edit, in the order the steering group reads them."""
    from docx import Document

    document = Document()
    title = t("status_title", locale, group=minutes.group.name, period=period_code)
    document.core_properties.title = title
    document.core_properties.language = "sv-SE" if (locale or "sv").startswith("sv") else "en"
    _heading(document, title, 1)
    document.add_paragraph(t("status_intro", locale, date=clock.today().isoformat()))
    _heading(document, t("status_summary", locale), 2)
    document.add_paragraph(t("status_fill_in", locale))

    _heading(document, t("status_figures", locale), 2)
    report = parts.get("report")
    if report is None:
        document.add_paragraph(parts["report_error"])
    else:
        _grid(document, [list(row) for row in filter_lines(report, locale)], header=False)
        _heading(document, t("status_goals", locale), 3)
        _grid(document, [list(row) for row in share_lines(report, locale)], header=False)
        for key in table_keys(report):
            grid = table_grid(report.tables[key], locale)
            _heading(document, grid[0][0], 3)
            _grid(document, grid)
        if report.meetings:
            _heading(document, t("status_meetings_held", locale), 3)
            _grid(document, meeting_grid(report, locale))

    _heading(document, t("status_decisions", locale), 2)
    for meeting in minutes.meetings:
        document.add_paragraph(
            t("status_meeting", locale, date=meeting.meeting_date.isoformat(),
              id=meeting.meeting_id)
        ).runs[0].bold = True
        for decision in meeting.decisions or [t("status_none", locale)]:
            document.add_paragraph(decision, style="List Bullet")
    if not minutes.meetings:
        document.add_paragraph(t("status_no_meetings", locale))
    _heading(document, t("minutes_label_interim", locale), 3)
    for item in minutes.interim:
        document.add_paragraph(f"{item.decided_on.isoformat()}: {item.text}", style="List Bullet")
    if not minutes.interim:
        document.add_paragraph(t("status_none", locale))

    _heading(document, t("status_open_points", locale), 2)
    for point in minutes.open_points:
        due = f" ({point.due_date.isoformat()})" if point.due_date else ""
        owner = f", {point.owner_name}" if point.owner_name else ""
        document.add_paragraph(f"{point.text}{owner}{due}", style="List Bullet")
    if not minutes.open_points:
        document.add_paragraph(t("status_none", locale))

    _heading(document, t("status_training", locale), 2)
    _lines(document, render_overview(locale, parts["training"]) if parts.get("training")
           else t("status_no_training", locale))
    _heading(document, t("status_survey", locale), 2)
    if report is not None:  # the report's own survey results: the same protected figures
        for caption, grid in survey_grids(report, locale):
            _heading(document, caption, 3)
            _grid(document, grid)
        for line in survey_notes(report, locale):
            document.add_paragraph(line)
    else:
        document.add_paragraph(t("status_no_survey", locale))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def _build(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None, *, audited: bool
) -> FileExport:
    period = parse_period(str(values.get("period") or ""))
    if period is None:
        raise RuleError("status_bad_period")
    parts: dict[str, Any] = {}
    async with db.session() as session:
        minutes = await group_period(session, actor, str(values.get("group") or ""),
                                     period.start, period.end)
        group = minutes.group
        fields = {"period": period.code}
        if group.county_part_name and is_allowed(
            actor, Action.READ_UNMASKED_REPORT, Scope(county_part=group.county_part)
        ):
            fields["county_part"] = group.county_part_name
        try:
            wanted = parse_filter(fields, clock.today())
            scope = await resolve_filter(session, actor, wanted)
            parts["report"] = await report_for(session, scope, wanted)
            if audited:
                await audit.record(session, actor, AuditAction.EXPORT, "report",
                                   details=report_audit(scope, "status_docx"))
        except RuleError as error:
            parts["report_error"] = error_text(error, locale)
        try:
            parts["training"] = await training_overview(session, actor, period.start.year)
        except RuleError:
            parts["training"] = None
    name = t("status_file_name", locale, group=group.name, period=period.code)
    return FileExport(name, render_docx(parts, minutes, period.code, locale))


async def status_report_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """The accepted file, made again with the accepting user's rights, audited as an export."""
    return await _build(db, actor, values, locale, audited=True)


async def _default_group(turn: Turn) -> str | None:
    """The one steering group the user writes minutes for: a samordnare's local steering
    group, the programme lead's county-wide one."""
    async with turn.db.session() as session:
        groups = await writable_groups(session, turn.actor)
    for kind in ("lokal_styrgrupp", "styrgrupp"):
        chosen = [g for g in groups if g.kind == kind]
        if len(chosen) == 1:
            return chosen[0].name
    return groups[0].name if len(groups) == 1 else None


async def status_report(turn: Turn) -> None:
    """`lägesrapport [grupp=…] [period=…]`: the latest ended half-year unless told."""
    fields = turn.command.fields
    group = next((fields[a] for a in FIELD_ALIASES["group"] if a in fields), None)
    group = group or await _default_group(turn)
    period_text = fields.get("period") or latest_ended(clock.today(), "half").code
    if group is None:
        await turn.reply(turn.text("status_usage"))
        return
    if not turn.inbound.personal:
        await turn.reply(turn.text("report_files_personal_only"))
        return
    values = {"group": group, "period": period_text}
    export = await _build(turn.db, turn.actor, values, turn.locale, audited=False)
    description = turn.text("status_file_description", group=group, period=period_text)
    await offer_file(turn, FILE_KIND, values, export, description)


ROUTES = [
    Route(("lägesrapport", "lagesrapport", "status report"), status_report, "help_cmd_status",
          Action.READ_MINUTES),
]
