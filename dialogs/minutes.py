"""Steering-group minutes in the chat: log a meeting (card or one line), edit it, list and search,
action points, and export as a Word or Markdown file.

The card carries its own data: a submit arrives as a message whose `value` holds the form, and a
form with a mistake comes back filled in as it was sent, so nothing typed is lost and no dialog
state is needed. Rules and permissions live in `storage.minutes`.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from msrest.exceptions import ClientException

from dialogs.cards import (
    checklist_card,
    minutes_form_card,
    record_card,
)
from dialogs.channel_files import GRAPH_KEY, ChannelFiles, GraphError
from dialogs.commands import parse_date as parse_typed_date
from dialogs.commands import parse_id, split_words
from dialogs.files import FileExport, offer_file
from dialogs.reply import Reply
from dialogs.router import Route, Turn
from dialogs.texts import error_text, t
from storage import pii
from storage.clock import clock
from storage.db import Database
from storage.minutes import (
    ActionPointInput,
    MeetingDetail,
    MinutesInput,
    add_action_point,
    add_decision,
    complete_action_point,
    find_group,
    list_meetings,
    log_minutes,
    may_write,
    meeting_detail,
    open_action_points,
    search_decisions,
    update_meeting,
    writable_groups,
)
from storage.models import ActionPoint
from storage.permissions import Action, Actor
from storage.pii import PersonalDataError, Policy
from storage.rules import RuleError

log = logging.getLogger(__name__)

SAVE_COMMAND = "protokoll spara"
FILE_KIND = "minutes"
FORMATS = {"docx": "docx", "word": "docx", "md": "md", "markdown": "md"}
FIELD_ALIASES = {
    "group": ("grupp", "group", "styrgrupp"),
    "date": ("datum", "date"),
    "attendees": ("närvarande", "narvarande", "attendees"),
    "items": ("punkter", "ärenden", "items"),
    "owner": ("ansvarig", "owner"),
    "due": ("klar", "senast", "due"),
}
FORM_FIELDS = ("group", "date", "attendees", "items", "decisions", "actions")


# --- parsing what people type -------------------------------------------------------------------


def parse_date(text: str) -> date:
    """A date as Swedes type it (see `commands.parse_date`), or a clear error."""
    day = parse_typed_date(text, clock.today())
    if day is None:
        raise RuleError("minutes_bad_date", value=text.strip())
    return day


def _field(fields: dict[str, str], slot: str) -> str | None:
    for alias in FIELD_ALIASES[slot]:
        if alias in fields:
            return fields[alias]
    return None


def _number(text: str | None) -> int | None:
    return parse_id(text)


def positional(turn: Turn) -> list[str]:
    """The words after the command, in the case they were typed (`Command.words` is lowered)."""
    try:
        tokens = split_words(turn.command.raw)
    except ValueError:
        tokens = turn.command.raw.replace('"', "").split()
    words = [token for token in tokens if not ("=" in token and token.partition("=")[0])]
    return words[len(turn.command.words) - len(turn.args) :]


def split_names(text: str) -> list[str]:
    """Attendees: one per line or comma-separated."""
    return [name.strip() for name in re.split(r"[,\n;]", text) if name.strip()]


def parse_action_line(line: str) -> ActionPointInput:
    """ "Skicka budgeten; Anna A; 2026-12-01": text, then owner and due date in either order."""
    text, *rest = [part.strip() for part in re.split(r"[;|]", line)]
    owner, due = "", None
    for part in filter(None, rest):
        if any(ch.isdigit() for ch in part) or parse_typed_date(part, clock.today()):
            due = parse_date(part)
        else:
            owner = part
    return ActionPointInput(text=text, owner=owner, due_date=due)


def form_to_input(values: dict[str, str]) -> MinutesInput:
    """The card's fields to what storage saves; RuleError says what is missing or wrong."""
    if not values.get("group"):
        raise RuleError("minutes_missing_group")
    if not values.get("date"):
        raise RuleError("minutes_missing_date")
    return MinutesInput(
        group=values["group"],
        meeting_date=parse_date(values["date"]),
        attendees=split_names(values.get("attendees", "")),
        items=values.get("items", "").splitlines(),
        decisions=values.get("decisions", "").splitlines(),
        action_points=[
            parse_action_line(line)
            for line in values.get("actions", "").splitlines()
            if line.strip()
        ],
    )


def detail_to_form(detail: MeetingDetail) -> dict[str, str]:
    def action_line(point: ActionPoint) -> str:
        due = point.due_date.isoformat() if point.due_date else ""
        return "; ".join(part for part in (point.text, point.owner_name, due) if part)

    return {
        "group": detail.group.code,
        "date": detail.meeting.meeting_date.isoformat(),
        "attendees": "\n".join(detail.attendees),
        "items": "\n".join(detail.items),
        "decisions": "\n".join(d.text for d in detail.decisions),
        "actions": "\n".join(action_line(p) for p in detail.action_points),
    }


# --- the form -----------------------------------------------------------------------------------


def _without_refused(values: dict[str, str], error: RuleError | None) -> dict[str, str]:
    """The form comes back as sent, except text that was refused as personal data: a refused
    value is never shown, stored or sent again, not even to the one who typed it."""
    if not isinstance(error, PersonalDataError):
        return values
    attendees = split_names(values.get("attendees", ""))

    def refused(name: str, text: str) -> bool:
        policy = Policy.NUMBERS if name == "attendees" else Policy.NO_NAMES
        try:
            pii.check(text, policy, allowed_names=attendees)
        except PersonalDataError:
            return True
        return False

    return {name: "" if refused(name, text) else text for name, text in values.items()}


async def send_form(
    turn: Turn,
    values: dict[str, str],
    error: RuleError | None = None,
    meeting_id: int | None = None,
) -> None:
    values = _without_refused(values, error)
    async with turn.db.session() as session:
        groups = await writable_groups(session, turn.actor)
    if not groups:
        await turn.reply(turn.text("minutes_no_writable_groups"))
        return
    title = (
        turn.text("minutes_form_edit_title", id=meeting_id)
        if meeting_id
        else turn.text("minutes_form_title")
    )
    data: dict[str, Any] = {"command": SAVE_COMMAND}
    if meeting_id:
        data["meeting_id"] = meeting_id
    await turn.reply(
        minutes_form_card(
            turn.locale,
            title,
            [(g.code, g.name) for g in groups],
            values,
            data,
            error_text(error, turn.locale) if error else None,
        )
    )


async def _save_and_confirm(
    turn: Turn, data: MinutesInput, values: dict[str, str], meeting_id: int | None
) -> None:
    """Save; on a rule error the form comes back as sent, with the reason on top."""
    try:
        async with turn.db.session() as session:
            meeting = await log_minutes(session, turn.actor, data, meeting_id)
            detail = await meeting_detail(session, turn.actor, meeting.id)
    except RuleError as error:
        await send_form(turn, values, error, meeting_id)
        return
    key = "minutes_updated" if meeting_id else "minutes_saved"
    if detail.meeting.minutes_logged_at is None:
        key = "minutes_planned"
    await turn.reply(
        turn.text(
            key,
            id=detail.meeting.id,
            group=detail.group.name,
            date=detail.meeting.meeting_date.isoformat(),
        )
    )
    await turn.reply(meeting_card(turn, detail))


async def new_meeting(turn: Turn) -> None:
    """`nytt möte` opens the card; with fields it saves at once, or opens the card filled in."""
    fields = turn.command.fields
    if not fields:
        await send_form(turn, {})
        return
    values = {
        "group": _field(fields, "group") or "",
        "date": _field(fields, "date") or "",
        "attendees": "\n".join(split_names(_field(fields, "attendees") or "")),
        "items": "\n".join(p.strip() for p in (_field(fields, "items") or "").split(";")),
    }
    try:
        data = form_to_input(values)
    except RuleError as error:
        await send_form(turn, await _with_group_code(turn, values), error)
        return
    await _save_and_confirm(turn, data, await _with_group_code(turn, values), None)


async def _with_group_code(turn: Turn, values: dict[str, str]) -> dict[str, str]:
    """The card's group list holds codes; a typed group name is turned into its code if known."""
    if not values.get("group"):
        return values
    try:
        async with turn.db.session() as session:
            group = await find_group(session, values["group"])
    except RuleError:
        return values
    return {**values, "group": group.code}


async def save_form(turn: Turn) -> None:
    """The card's submit: `value` holds the form and, for an edit, the meeting id."""
    value = turn.context.activity.value if isinstance(turn.context.activity.value, dict) else {}
    values = {name: str(value.get(name) or "").strip() for name in FORM_FIELDS}
    meeting_id = _number(str(value.get("meeting_id") or ""))
    try:
        data = form_to_input(values)
    except RuleError as error:
        await send_form(turn, values, error, meeting_id)
        return
    await _save_and_confirm(turn, data, values, meeting_id)


async def edit_meeting(turn: Turn) -> None:
    """`ändra möte <nr>` opens the card filled in; with fields it changes just those."""
    meeting_id = _number(turn.args[0] if turn.args else None)
    if meeting_id is None:
        await turn.reply(turn.text("minutes_edit_usage"))
        return
    fields = turn.command.fields
    async with turn.db.session() as session:
        if not fields:
            detail = await meeting_detail(session, turn.actor, meeting_id)
            if not may_write(turn.actor, detail.group):
                raise RuleError("minutes_not_allowed_write", group=detail.group.name)
        else:
            attendees, items, day = (
                _field(fields, "attendees"),
                _field(fields, "items"),
                _field(fields, "date"),
            )
            await update_meeting(
                session,
                turn.actor,
                meeting_id,
                group_text=_field(fields, "group"),
                meeting_date=parse_date(day) if day is not None else None,
                attendees=split_names(attendees) if attendees is not None else None,
                items=items.split(";") if items is not None else None,
            )
            detail = await meeting_detail(session, turn.actor, meeting_id)
    if not fields:
        await send_form(turn, detail_to_form(detail), meeting_id=meeting_id)
        return
    await turn.reply(
        turn.text(
            "minutes_updated",
            id=meeting_id,
            group=detail.group.name,
            date=detail.meeting.meeting_date.isoformat(),
        )
    )
    await turn.reply(meeting_card(turn, detail))


# --- showing ------------------------------------------------------------------------------------


def _point_line(locale: str | None, text: str, owner: str, due: date | None, done: bool) -> str:
    parts = [text]
    if owner:
        parts.append(t("minutes_owner", locale, name=owner))
    if due:
        parts.append(t("minutes_due", locale, date=due.isoformat()))
    line = ", ".join(parts)
    return t("minutes_point_done", locale, text=line) if done else line


def meeting_card(turn: Turn, detail: MeetingDetail) -> Reply:
    locale = turn.locale
    meeting = detail.meeting
    status = "minutes_status_logged" if meeting.minutes_logged_at else "minutes_status_planned"
    facts = [
        (t("minutes_label_group", locale), detail.group.name),
        (t("minutes_label_date", locale), meeting.meeting_date.isoformat()),
        (t("minutes_label_status", locale), t(status, locale)),
    ]
    if detail.attendees:
        facts.append((t("minutes_label_attendees", locale), ", ".join(detail.attendees)))
    sections = [
        (t("minutes_label_items", locale), detail.items),
        _interim_section(detail, locale),
        (t("minutes_label_decisions", locale), [d.text for d in detail.decisions]),
        (
            t("minutes_label_actions", locale),
            [
                f"#{p.id} "
                + _point_line(locale, p.text, p.owner_name, p.due_date, p.done_at is not None)
                for p in detail.action_points
            ],
        ),
    ]
    buttons = [
        (t("minutes_button_word", locale), f"exportera protokoll {meeting.id} docx"),
        (t("minutes_button_markdown", locale), f"exportera protokoll {meeting.id} md"),
    ]
    if may_write(turn.actor, detail.group):
        buttons.insert(0, (t("minutes_button_edit", locale), f"ändra möte {meeting.id}"))
    title = t("minutes_title", locale, id=meeting.id, group=detail.group.name)
    return record_card(title, facts, [(h, lines) for h, lines in sections if lines], buttons)


async def show_minutes(turn: Turn) -> None:
    """`protokoll` lists the latest meetings, `protokoll Västra` searches, `protokoll 12` shows."""
    words = positional(turn)
    meeting_id = _number(words[0]) if len(words) == 1 else None
    async with turn.db.session() as session:
        if meeting_id is not None:
            detail = await meeting_detail(session, turn.actor, meeting_id)
            await turn.reply(meeting_card(turn, detail))
            return
        query = " ".join(words)
        found = await list_meetings(session, turn.actor, query)
    if not found:
        key = "minutes_none_found" if query else "minutes_none_yet"
        await turn.reply(turn.text(key, query=query))
        return
    lines = []
    for summary in found:
        status = "" if summary.has_minutes else " " + turn.text("minutes_planned_tag")
        lines.append(
            "- "
            + turn.text(
                "minutes_list_line",
                id=summary.id,
                date=summary.meeting_date.isoformat(),
                group=summary.group.name,
                decisions=summary.decisions,
                open=summary.open_action_points,
            )
            + status
        )
    title = (
        turn.text("minutes_search_title", query=query) if query else turn.text("minutes_list_title")
    )
    await turn.reply(
        f"**{title}**\n\n" + "\n".join(lines) + "\n\n" + turn.text("minutes_list_hint")
    )


async def decision(turn: Turn) -> None:
    """`beslut <nr> "text"` records a decision; `beslut budget` searches decisions."""
    words = positional(turn)
    if not words:
        await turn.reply(turn.text("minutes_decision_usage"))
        return
    meeting_id = _number(words[0])
    if meeting_id is None:
        query = " ".join(words)
        async with turn.db.session() as session:
            hits = await search_decisions(session, turn.actor, query)
        if not hits:
            await turn.reply(turn.text("minutes_no_decisions", query=query))
            return
        lines = [
            "- "
            + turn.text(
                "minutes_decision_line",
                date=h.meeting_date.isoformat(),
                group=h.group.name,
                id=h.meeting_id,
                text=h.text,
            )
            for h in hits
        ]
        title = turn.text("minutes_decisions_title", query=query)
        await turn.reply(f"**{title}**\n\n" + "\n".join(lines))
        return
    async with turn.db.session() as session:
        await add_decision(session, turn.actor, meeting_id, " ".join(words[1:]))
    await turn.reply(turn.text("minutes_decision_saved", id=meeting_id))


async def action_point(turn: Turn) -> None:
    """`åtgärd <nr> "text" ansvarig=… klar=ÅÅÅÅ-MM-DD`."""
    words = positional(turn)
    meeting_id = _number(words[0]) if words else None
    if meeting_id is None or len(words) < 2:
        await turn.reply(turn.text("minutes_action_usage"))
        return
    fields = turn.command.fields
    due = _field(fields, "due")
    point = ActionPointInput(
        text=" ".join(words[1:]),
        owner=_field(fields, "owner") or "",
        due_date=parse_date(due) if due else None,
    )
    async with turn.db.session() as session:
        row = await add_action_point(session, turn.actor, meeting_id, point)
    line = _point_line(turn.locale, row.text, row.owner_name, row.due_date, False)
    await turn.reply(turn.text("minutes_action_saved", id=row.id, meeting=meeting_id, line=line))


async def action_points(turn: Turn) -> None:
    """`åtgärder`: open action points, each with a done button when the user may close it."""
    async with turn.db.session() as session:
        rows = await open_action_points(session, turn.actor)
    if not rows:
        await turn.reply(turn.text("minutes_no_open_actions"))
        return
    today = clock.today()
    items = []
    for row in rows:
        line = _point_line(turn.locale, row.text, row.owner_name, row.due_date, False)
        overdue = row.due_date is not None and row.due_date < today
        text = turn.text(
            "minutes_open_action_line",
            id=row.id,
            line=line,
            group=row.group.name,
            date=row.meeting_date.isoformat(),
        )
        if overdue:
            text += " " + turn.text("minutes_overdue_tag")
        may_close = may_write(turn.actor, row.group) or (
            row.owner_aad_object_id == turn.actor.aad_object_id
        )
        button = (turn.text("minutes_button_done"), f"åtgärd klar {row.id}") if may_close else None
        items.append((text, button))
    await turn.reply(checklist_card(turn.text("minutes_open_actions_title"), items))


async def action_done(turn: Turn) -> None:
    point_id = _number(turn.args[0] if turn.args else None)
    if point_id is None:
        await turn.reply(turn.text("minutes_done_usage"))
        return
    async with turn.db.session() as session:
        point = await complete_action_point(session, turn.actor, point_id)
    await turn.reply(turn.text("minutes_action_done", id=point.id, text=point.text))


# --- export -------------------------------------------------------------------------------------


def _interim_section(detail: MeetingDetail, locale: str | None) -> tuple[str, list[str]]:
    """Decisions taken since the group's previous meeting, which this one takes note of."""
    return (
        t("minutes_label_interim", locale),
        [
            t("minutes_interim_line", locale, date=d.decided_on.isoformat(), text=d.text)
            for d in detail.interim_decisions
        ],
    )


def _sections(detail: MeetingDetail, locale: str | None) -> list[tuple[str, list[str]]]:
    """The export's sections; the interim decisions only when there are any."""
    interim = [_interim_section(detail, locale)] if detail.interim_decisions else []
    return [
        (t("minutes_label_items", locale), detail.items),
        *interim,
        (t("minutes_label_decisions", locale), [d.text for d in detail.decisions]),
        (
            t("minutes_label_actions", locale),
            [
                _point_line(locale, p.text, p.owner_name, p.due_date, p.done_at is not None)
                for p in detail.action_points
            ],
        ),
    ]


def render_markdown(detail: MeetingDetail, locale: str | None) -> str:
    """The minutes as Markdown, for a file or, where files cannot be sent, the message itself."""
    lines = [
        f"# {t('minutes_doc_title', locale, group=detail.group.name)}",
        "",
        f"**{t('minutes_label_date', locale)}:** {detail.meeting.meeting_date.isoformat()}  ",
        f"**{t('minutes_label_attendees', locale)}:** {', '.join(detail.attendees) or '–'}",
    ]
    for heading, entries in _sections(detail, locale):
        lines += ["", f"## {heading}", ""]
        lines += [f"{n}. {entry}" for n, entry in enumerate(entries, 1)] or ["–"]
    return "\n".join(lines) + "\n"


def render_docx(detail: MeetingDetail, locale: str | None) -> bytes:
    """The minutes as a Word document, the format the association files its minutes in.
    python-docx is imported here, on first use, not when the bot starts."""
    from docx import Document

    document = Document()
    document.core_properties.title = t("minutes_doc_title", locale, group=detail.group.name)
    document.core_properties.language = "sv-SE" if (locale or "sv").startswith("sv") else "en"
    document.add_heading(document.core_properties.title, level=1)
    meta = document.add_paragraph()
    meta.add_run(f"{t('minutes_label_date', locale)}: ").bold = True
    meta.add_run(detail.meeting.meeting_date.isoformat())
    meta.add_run().add_break()
    meta.add_run(f"{t('minutes_label_attendees', locale)}: ").bold = True
    meta.add_run(", ".join(detail.attendees) or "–")
    for heading, entries in _sections(detail, locale):
        document.add_heading(heading, level=2)
        for entry in entries:
            document.add_paragraph(entry, style="List Number")
        if not entries:
            document.add_paragraph("–")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_export(detail: MeetingDetail, file_type: str, locale: str | None) -> FileExport:
    name = t(
        "minutes_file_name",
        locale,
        group=detail.group.name,
        date=detail.meeting.meeting_date.isoformat(),
    )
    data = (
        render_docx(detail, locale)
        if file_type == "docx"
        else render_markdown(detail, locale).encode()
    )
    return FileExport(name=f"{name}.{file_type}", data=data)


@dataclass(frozen=True)
class ChannelIds:
    """Where a channel message came from, as Teams puts it in channelData."""

    tenant: str | None
    team_group: str | None
    channel: str | None


def _channel_ids(turn: Turn) -> ChannelIds:
    """The team's group id is only sometimes in channelData; the connector knows it otherwise."""
    data = turn.context.activity.channel_data
    data = data if isinstance(data, dict) else {}
    tenant, team, channel = (data.get(key) or {} for key in ("tenant", "team", "channel"))
    return ChannelIds(tenant.get("id"), team.get("aadGroupId"), channel.get("id"))


async def _team_group_id(context: TurnContext) -> str:
    """The team's Microsoft 365 group id, from the Bot Connector when channelData lacks it.

    The connector's Teams client is blocking, so it runs in a worker thread.
    """
    try:
        connector = await TeamsInfo.get_teams_connector_client(context)
        details = await asyncio.to_thread(
            connector.teams.get_team_details, TeamsInfo.get_team_id(context)
        )
    except (ClientException, TypeError, ValueError) as error:  # not in a team, or no answer
        raise GraphError(0, f"team details: {error}") from error
    return details.aad_group_id


async def _upload_to_channel(turn: Turn, graph: ChannelFiles, export: FileExport) -> bool:
    ids = _channel_ids(turn)
    try:
        group_id = ids.team_group or await _team_group_id(turn.context)
        uploaded = await graph.upload_to_channel(
            ids.tenant, group_id, ids.channel or "", export.name, export.data
        )
    except GraphError as error:
        log.warning("could not upload minutes to channel %s: %s", ids.channel, error)
        await turn.reply(turn.text("minutes_graph_failed", status=error.status))
        return False
    await turn.reply(turn.text("minutes_uploaded", name=uploaded.name, url=uploaded.web_url))
    return True


async def export_minutes(turn: Turn) -> None:
    """`exportera protokoll <nr> [docx|md]`: a file in personal chat (Teams asks the user to
    accept it first), the channel's Files through Graph when configured, else Markdown text."""
    words = [w.casefold() for w in positional(turn)]
    meeting_id = _number(words[0]) if words else None
    file_type = FORMATS.get(words[1], "") if len(words) > 1 else "docx"
    if meeting_id is None or not file_type:
        await turn.reply(turn.text("minutes_export_usage"))
        return
    async with turn.db.session() as session:
        detail = await meeting_detail(session, turn.actor, meeting_id)
    export = build_export(detail, file_type, turn.locale)
    conversation = turn.context.activity.conversation
    kind = (conversation.conversation_type if conversation else None) or "personal"
    if kind == "personal":
        description = turn.text(
            "minutes_file_description",
            group=detail.group.name,
            date=detail.meeting.meeting_date.isoformat(),
        )
        params = {"meeting_id": meeting_id, "format": file_type}
        await offer_file(turn, FILE_KIND, params, export, description)
        return
    graph: ChannelFiles | None = turn.context.turn_state.get(GRAPH_KEY)
    if kind == "channel" and graph is not None and await _upload_to_channel(turn, graph, export):
        return
    await turn.reply(render_markdown(detail, turn.locale))


async def rebuild_minutes_file(
    db: Database, actor: Actor, params: dict[str, Any], locale: str | None
) -> FileExport:
    """The file an accepted consent card asks for, built again with today's permissions."""
    async with db.session() as session:
        detail = await meeting_detail(session, actor, int(params.get("meeting_id", 0)))
    return build_export(detail, FORMATS.get(str(params.get("format")), "docx"), locale)


ROUTES = [
    Route(
        ("nytt möte", "logga möte", "new meeting"),
        new_meeting,
        "help_cmd_minutes_new",
        Action.WRITE_MINUTES,
    ),
    Route((SAVE_COMMAND,), save_form, None, Action.WRITE_MINUTES),
    Route(
        ("ändra möte", "edit meeting"), edit_meeting, "help_cmd_minutes_edit", Action.WRITE_MINUTES
    ),
    Route(("protokoll", "möten", "minutes"), show_minutes, "help_cmd_minutes", Action.READ_MINUTES),
    Route(("beslut", "decisions"), decision, "help_cmd_minutes_decision", Action.READ_MINUTES),
    Route(
        ("åtgärd klar", "action done"), action_done, "help_cmd_minutes_done", Action.READ_MINUTES
    ),
    Route(("åtgärd", "action"), action_point, "help_cmd_minutes_action", Action.WRITE_MINUTES),
    Route(("åtgärder", "actions"), action_points, "help_cmd_minutes_actions", Action.READ_MINUTES),
    Route(
        ("exportera protokoll", "export minutes"),
        export_minutes,
        "help_cmd_minutes_export",
        Action.READ_MINUTES,
    ),
]
