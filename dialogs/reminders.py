"""Reminders in the chat: the reminder card, its "Klar" / "Påminn mig" buttons, `mina
påminnelser`, and the rules and deadline calendar for those who manage reminders.

The buttons carry the outbox id in a typed command ("påminnelse klar 42"), so a click works
whenever it comes, also after a restart: nothing about the card is kept in memory.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.cards import card, card_message, command_action, facts, heading, paragraph
from dialogs.commands import parse_id
from dialogs.reply import Mention, Reply
from dialogs.router import Route, Turn
from dialogs.texts import role_phrase, t
from storage.audit import CLI
from storage.clock import clock
from storage.models import ReminderOutbox, key_of
from storage.notices import NOTICE_RULE, UNREACHABLE_MENTION
from storage.permissions import Action
from storage.reminders import (
    UPCOMING_DAYS,
    MyReminder,
    add_deadline,
    complete_reminder,
    list_deadlines,
    list_rules,
    my_reminders,
    remove_deadline,
    seed_reminders,
    snooze_reminder,
    update_deadline,
    update_rule,
)

_ON = frozenset({"på", "on", "ja", "yes"})
_OFF = frozenset({"av", "off", "nej", "no"})


def reminder_text(locale: str | None, params: dict[str, str]) -> str:
    """The sentence a reminder says, from the rule's subject kind and the stored values."""
    return t(f"reminder_text.{params['watch']}", locale, **params)


def _button(title: str, command: str, outbox_id: int) -> dict[str, Any]:
    action = command_action(title, command)
    action["data"]["reminder"] = outbox_id  # the idempotency marker a test or log can count
    return action


def notice_text(locale: str | None, params: dict[str, str]) -> str:
    """A notice's sentence (storage/notices.py), e.g. that someone's role changed."""
    values = dict(params)
    parts = [name for name in params.get("parts", "").split(", ") if name]
    values["role"] = role_phrase(locale, params["role"], parts) if params.get("role") else ""
    values["who"] = (
        t("notice_who", locale, name=params.get("name", ""), role=values["role"])
        if values["role"]
        else params.get("name", "")
    )
    values["at"] = _at(params.get("name", ""))
    values["channel_told"] = t("notice_channel_told", locale) if params.get("channel") else ""
    values["old_role"] = t(f"role_{params['old_role']}", locale) if params.get("old_role") else ""
    if params.get("by") == CLI:
        values["by"] = t("notice_by_cli", locale)
    return t(f"notice.{params['notice']}", locale, **values)


def _at(name: str) -> str:
    """Teams' markup for a mention in a message's text (the entity says whom it means)."""
    return f"<at>{name}</at>"


def reminder_card(locale: str | None, row: ReminderOutbox, params: dict[str, str]) -> Reply:
    """Adaptive Card with the reminder and its two answers (snooze: next working day or week);
    a notice is a plain message, with nothing to answer."""
    if row.rule_code == NOTICE_RULE:
        text = notice_text(locale, params)
        if params.get("notice") == UNREACHABLE_MENTION:
            # Teams mentions a person by their AAD object id as well as by their Teams id.
            name = params.get("name", "")
            return Reply(text=text, mentions=(Mention(params["mention"], name, _at(name)),))
        return Reply(text=text)
    body = [
        heading(t("reminder_title", locale)),
        paragraph(reminder_text(locale, params)),
        paragraph(t(f"reminder_rule.{row.rule_code}", locale), subtle=True),
    ]
    outbox_id = key_of(row)
    actions = [
        _button(t("reminder_button_done", locale), f"påminnelse klar {outbox_id}", outbox_id),
        _button(t("reminder_button_day", locale), f"påminnelse senare {outbox_id} dag",
                outbox_id),
        _button(t("reminder_button_week", locale), f"påminnelse senare {outbox_id} vecka",
                outbox_id),
    ]
    return card_message(card(body, actions), reminder_text(locale, params))


def _id_arg(turn: Turn) -> int | None:
    for word in turn.args:
        if word.isdigit():
            return parse_id(word)
    return None


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


async def show_my_reminders(turn: Turn) -> None:
    """What is due (with the numbers to answer it by) and what the next 30 days bring."""
    if not turn.actor.is_staff:
        await turn.reply(turn.text("not_staff"))
        return
    today = clock.today()
    async with turn.db.session() as session:
        await seed_reminders(session, today)
        rows = await my_reminders(session, turn.actor.aad_object_id, today)
    if not rows:
        await turn.reply(turn.text("reminder_mine_empty"))
        return

    def line(r: MyReminder) -> str:
        text = reminder_text(turn.locale, r.params)
        if r.id is None:
            return turn.text("reminder_mine_coming_line", day=r.remind_on.isoformat(), text=text)
        return turn.text("reminder_mine_line", id=r.id, day=r.remind_on.isoformat(), text=text)

    due = [line(r) for r in rows if r.remind_on <= today]
    coming = [line(r) for r in rows if r.remind_on > today]
    body = [heading(turn.text("reminder_mine_title"))]
    if due:
        body += [paragraph(turn.text("reminder_mine_due"))]
        body += [paragraph(text) for text in due]
    body += [paragraph(turn.text("reminder_mine_coming", days=UPCOMING_DAYS))]
    body += [paragraph(text) for text in coming] or [
        paragraph(turn.text("reminder_mine_coming_none"), subtle=True)
    ]
    body.append(paragraph(turn.text("reminder_mine_hint"), subtle=True))
    await turn.reply(card_message(card(body), turn.text("reminder_mine_title")))


async def mark_done(turn: Turn) -> None:
    outbox_id = _id_arg(turn)
    if outbox_id is None:
        await turn.reply(turn.text("reminder_id_missing"))
        return
    async with turn.db.session() as session:
        await complete_reminder(session, turn.actor, outbox_id)
    await turn.reply(turn.text("reminder_done"))


async def snooze(turn: Turn) -> None:
    outbox_id = _id_arg(turn)
    if outbox_id is None:
        await turn.reply(turn.text("reminder_id_missing"))
        return
    choice = "week" if {"vecka", "week"} & set(turn.args) else "day"
    async with turn.db.session() as session:
        day = await snooze_reminder(session, turn.actor, outbox_id, clock.today(), choice)
    await turn.reply(turn.text("reminder_snoozed", day=day.isoformat()))


async def show_rules(turn: Turn) -> None:
    async with turn.db.session() as session:
        await seed_reminders(session, clock.today())
        rows = await list_rules(session)
    lines = [
        turn.text(
            "reminder_rule_line",
            code=r.code,
            name=turn.text(f"reminder_rule.{r.code}"),
            days=r.days,
            direction=turn.text(f"reminder_direction.{r.direction}"),
            recipients=r.recipients.replace(",", ", "),
            state=turn.text("reminder_on" if r.enabled else "reminder_off"),
        )
        for r in rows
    ]
    body = [heading(turn.text("reminder_rules_title")), *[paragraph(line) for line in lines]]
    body.append(paragraph(turn.text("reminder_rules_hint"), subtle=True))
    await turn.reply(card_message(card(body), turn.text("reminder_rules_title")))


async def edit_rule(turn: Turn) -> None:
    fields = turn.command.fields
    code = turn.args[0] if turn.args else fields.get("regel", fields.get("rule", ""))
    state = set(turn.args[1:])
    enabled = True if state & _ON else False if state & _OFF else None
    days_text = fields.get("dagar", fields.get("days"))
    who = fields.get("mottagare", fields.get("recipients"))
    try:
        days = int(days_text) if days_text is not None else None
    except ValueError:
        await turn.reply(turn.text("reminder_days_invalid", value=days_text))
        return
    if not code:
        await turn.reply(turn.text("reminder_rule_usage"))
        return
    async with turn.db.session() as session:
        await seed_reminders(session, clock.today())
        row = await update_rule(
            session,
            code,
            days=days,
            enabled=enabled,
            recipients=[w.strip() for w in who.split(",")] if who else None,
        )
        await session.flush()
    await turn.reply(turn.text("reminder_rule_saved", name=turn.text(f"reminder_rule.{row.code}")))


async def show_calendar(turn: Turn) -> None:
    year = next((int(w) for w in turn.args if w.isdigit() and len(w) == 4), clock.today().year)
    async with turn.db.session() as session:
        await seed_reminders(session, clock.today())
        rows = await list_deadlines(session, date(year, 1, 1), date(year, 12, 31))
    if not rows:
        await turn.reply(turn.text("reminder_calendar_empty", year=year))
        return
    pairs = [
        (d.due_date.isoformat(), turn.text("reminder_calendar_line", id=d.id, title=d.title))
        for d in rows
    ]
    body = [heading(turn.text("reminder_calendar_title", year=year)), facts(pairs)]
    body.append(paragraph(turn.text("reminder_calendar_hint"), subtle=True))
    await turn.reply(card_message(card(body), turn.text("reminder_calendar_title", year=year)))


async def add_to_calendar(turn: Turn) -> None:
    fields = turn.command.fields
    due = _parse_date(fields.get("datum", fields.get("date")))
    code = fields.get("regel", fields.get("rule", ""))
    title = fields.get("titel", fields.get("title", ""))
    if due is None or not code or not title:
        await turn.reply(turn.text("reminder_add_usage"))
        return
    async with turn.db.session() as session:
        await seed_reminders(session, clock.today())
        row = await add_deadline(session, code, title, due)
    await turn.reply(turn.text("reminder_deadline_saved", title=row.title, date=due.isoformat()))


async def move_in_calendar(turn: Turn) -> None:
    deadline_id = _id_arg(turn)
    fields = turn.command.fields
    due = _parse_date(fields.get("datum", fields.get("date")))
    title = fields.get("titel", fields.get("title"))
    if deadline_id is None or (due is None and not title):
        await turn.reply(turn.text("reminder_move_usage"))
        return
    async with turn.db.session() as session:
        row = await update_deadline(session, deadline_id, due=due, title=title)
    await turn.reply(
        turn.text("reminder_deadline_saved", title=row.title, date=row.due_date.isoformat())
    )


async def remove_from_calendar(turn: Turn) -> None:
    deadline_id = _id_arg(turn)
    if deadline_id is None:
        await turn.reply(turn.text("reminder_move_usage"))
        return
    async with turn.db.session() as session:
        row = await remove_deadline(session, deadline_id)
    await turn.reply(turn.text("reminder_deadline_removed", title=row.title))


ROUTES = [
    Route(("mina påminnelser", "my reminders"), show_my_reminders, "help_cmd_reminders_mine"),
    Route(("påminnelse klar", "reminder done"), mark_done),
    Route(("påminnelse senare", "reminder later"), snooze),
    Route(
        ("påminnelser regler", "reminder rules"),
        show_rules,
        "help_cmd_reminders_rules",
        Action.MANAGE_REMINDERS,
    ),
    Route(
        ("påminnelser regel", "reminder rule"),
        edit_rule,
        "help_cmd_reminders_rule",
        Action.MANAGE_REMINDERS,
    ),
    Route(
        ("påminnelser kalender", "reminder calendar"),
        show_calendar,
        "help_cmd_reminders_calendar",
        Action.MANAGE_REMINDERS,
    ),
    Route(
        ("påminnelser lägg till", "reminder add"),
        add_to_calendar,
        "help_cmd_reminders_add",
        Action.MANAGE_REMINDERS,
    ),
    Route(
        ("påminnelser flytta", "påminnelser ändra", "reminder move"),
        move_in_calendar,
        None,
        Action.MANAGE_REMINDERS,
    ),
    Route(
        ("påminnelser ta bort", "reminder remove"),
        remove_from_calendar,
        None,
        Action.MANAGE_REMINDERS,
    ),
]
