"""Minutes: what people type (one-line fields, the form's inputs) as storage's input."""

from __future__ import annotations

import re
from datetime import date

from dialogs.commands import parse_date as parse_typed_date
from dialogs.commands import parse_id, split_words
from dialogs.router import Turn
from storage.clock import clock
from storage.minutes import (
    ActionPointInput,
    MeetingDetail,
    MinutesInput,
)
from storage.models import ActionPoint
from storage.rules import RuleError

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
