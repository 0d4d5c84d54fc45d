"""Minutes: log or edit a meeting with the form card (or one line)."""

from __future__ import annotations

from typing import Any

from dialogs.cards import (
    minutes_form_card,
)
from dialogs.minutes._input import (
    FORM_FIELDS,
    SAVE_COMMAND,
    _field,
    _number,
    detail_to_form,
    form_to_input,
    parse_date,
    split_names,
)
from dialogs.minutes._show import meeting_card
from dialogs.router import Turn
from dialogs.texts import error_text
from storage import pii
from storage.minutes import (
    find_group,
    log_minutes,
    may_write,
    meeting_detail,
    update_meeting,
    writable_groups,
)
from storage.models import key_of
from storage.pii import PersonalDataError, Policy
from storage.rules import RuleError


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
    turn: Turn, values: dict[str, str], shown: dict[str, str], meeting_id: int | None
) -> None:
    """Read the form and save it; on a rule error the form comes back as `shown` (what was
    sent), with the reason on top."""
    try:
        data = form_to_input(values)
        async with turn.db.session() as session:
            meeting = await log_minutes(session, turn.actor, data, meeting_id)
            detail = await meeting_detail(session, turn.actor, key_of(meeting))
    except RuleError as error:
        await send_form(turn, shown, error, meeting_id)
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
    await _save_and_confirm(turn, values, await _with_group_code(turn, values), None)


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
    value = turn.inbound.value
    values = {name: str(value.get(name) or "").strip() for name in FORM_FIELDS}
    meeting_id = _number(str(value.get("meeting_id") or ""))
    await _save_and_confirm(turn, values, values, meeting_id)


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
