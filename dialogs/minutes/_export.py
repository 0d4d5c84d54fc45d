"""Minutes: a meeting as a Word or Markdown file, offered in personal chat or put in a
channel's Files."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any

from dialogs.channel_files import ChannelFiles, GraphError
from dialogs.files import FileExport, offer_file
from dialogs.minutes._input import FILE_KIND, FORMATS, _number, positional
from dialogs.minutes._show import _interim_section, _point_line
from dialogs.router import Turn
from dialogs.texts import t
from storage.db import Database
from storage.minutes import (
    MeetingDetail,
    meeting_detail,
)
from storage.permissions import Actor

log = logging.getLogger(__name__)


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
    """The team's group id is only sometimes in channelData; the connector knows it otherwise
    (`Inbound.team_group_id`)."""
    data = turn.inbound.channel_data
    tenant, team, channel = (data.get(key) or {} for key in ("tenant", "team", "channel"))
    return ChannelIds(tenant.get("id"), team.get("aadGroupId"), channel.get("id"))


async def _upload_to_channel(turn: Turn, graph: ChannelFiles, export: FileExport) -> bool:
    ids = _channel_ids(turn)
    try:
        group_id = ids.team_group or await turn.inbound.team_group_id()
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
    kind = turn.inbound.conversation_type
    if kind == "personal":
        description = turn.text(
            "minutes_file_description",
            group=detail.group.name,
            date=detail.meeting.meeting_date.isoformat(),
        )
        params = {"meeting_id": meeting_id, "format": file_type}
        await offer_file(turn, FILE_KIND, params, export, description)
        return
    graph = turn.inbound.graph
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
