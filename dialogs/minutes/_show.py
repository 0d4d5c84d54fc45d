"""Minutes: a meeting's record, the list and search, decisions and action points."""

from __future__ import annotations

from datetime import date

from dialogs.cards import (
    checklist_card,
    record_card,
)
from dialogs.minutes._input import _field, _number, parse_date, positional
from dialogs.reply import Reply
from dialogs.router import Turn
from dialogs.texts import t
from storage.clock import clock
from storage.minutes import (
    ActionPointInput,
    MeetingDetail,
    add_action_point,
    add_decision,
    complete_action_point,
    list_meetings,
    may_write,
    meeting_detail,
    open_action_points,
    search_decisions,
)


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


def _interim_section(detail: MeetingDetail, locale: str | None) -> tuple[str, list[str]]:
    """Decisions taken since the group's previous meeting, which this one takes note of."""
    return (
        t("minutes_label_interim", locale),
        [
            t("minutes_interim_line", locale, date=d.decided_on.isoformat(), text=d.text)
            for d in detail.interim_decisions
        ],
    )
