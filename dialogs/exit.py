"""Utskrivning: date, reason, destination (with its SUS group) and income source at exit."""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.forms import (
    CODE_FIELD,
    DATE_FIELD,
    SURVEY_FIELD,
    Field,
    FormDialog,
    FormTurn,
    form_route,
)
from dialogs.router import Route
from dialogs.texts import t
from dialogs.vocab import label
from storage.participants import ExitInput, exit_participant
from storage.permissions import Action
from storage.rules import sus_group


class ExitForm(FormDialog):
    ID = "exit"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_exit"
    rule_fields = {"rule_date_order": "date", "rule_date_future": "date"}
    fields = (
        CODE_FIELD,
        Field("reason", ("orsak",), "vocab", "q_exit_reason", vocabulary="exit_reason"),
        Field(
            "destination", ("till", "vidare"), "vocab", "q_destination", vocabulary="destination"
        ),
        Field(
            "income", ("försörjning", "forsorjning"), "vocab", "q_income_exit", vocabulary="income"
        ),
        DATE_FIELD,
        SURVEY_FIELD,
    )

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        data = ExitInput(
            exit_date=date.fromisoformat(values["date"]),
            reason=values["reason"],
            destination=values["destination"],
            income_source=values["income"],
            survey_done=bool(values.get("survey")),
        )
        actor = turn.actor
        async with self.db.session() as session:
            await exit_participant(session, actor, values["code"], data)
        await turn.reply(
            t(
                "exited",
                locale,
                code=values["code"],
                date=values["date"],
                reason=label("exit_reason", data.reason, locale),
                destination=label("destination", data.destination, locale),
                sus=label("sus", sus_group(data.destination).value, locale),
            )
        )


ROUTES = [
    Route(
        ("skriv ut", "utskrivning", "avsluta", "exit"),
        form_route(ExitForm),
        "help_cmd_exit",
        Action.WRITE_PARTICIPANT,
    ),
]


def dialogs(db: Any) -> list[FormDialog]:
    return [ExitForm(db)]
