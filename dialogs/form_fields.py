"""What a form asks and answers with, without the dialog machinery: its fields, the turn a
filled form's `complete` gets, and the error that asks one question again (dialogs/forms.py
runs them; the conversations declare their fields with these)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from dialogs.reply import Message
from storage.permissions import Actor

CODE = re.compile(r"^[A-ZÅÄÖ]{1,3}-\d{4}-\d{4,}$", re.IGNORECASE)
# Wrong answers to one question before the form gives up (and says so) instead of asking again.
MAX_ATTEMPTS = 3
# Numbers people type in forms (a placement's number) are small.
MAX_NUMBER = 999
GAVE_UP = "gave_up"


@dataclass(frozen=True)
class Field:
    """One thing a form needs. `keys` are the one-line names (`kommun=Flen`)."""

    name: str
    keys: tuple[str, ...]
    kind: str
    question: str
    vocabulary: str | None = None
    required: bool = True
    default_today: bool = False
    # Free text: the column it is stored in, whose policy (personal data, length) it must meet.
    column: Any = None


CODE_FIELD = Field("code", ("kod",), "code", "q_code")
DATE_FIELD = Field("date", ("datum",), "date", "q_date", required=False, default_today=True)
SURVEY_FIELD = Field("survey", ("enkät", "enkat"), "bool", "q_survey", required=False)


@dataclass(frozen=True)
class FormTurn:
    """What a filled form's `complete` gets: who is asking, in which language, and a way to
    answer; no Bot Framework type, whether the form was sent at once or asked step by step."""

    actor: Actor
    locale: str | None
    send: Callable[[Message], Awaitable[object]]

    async def reply(self, message: Message) -> None:
        await self.send(message)


class FieldError(Exception):
    """What was given for `field` cannot be used; `message` tells the user why."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def raw_fields(fields: Sequence[Field], given: dict[str, str]) -> dict[str, str]:
    """Map one-line `key=value` pairs (or card inputs) onto field names."""
    raw = {}
    for field in fields:
        for key in (field.name, *field.keys):
            if given.get(key):
                raw[field.name] = given[key]
    return raw
