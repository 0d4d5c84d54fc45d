"""Placements (arbetsträning and the like), follow-up notes, and one-tap progression steps."""

from __future__ import annotations

from datetime import date
from typing import Any

from dialogs.cards import steps_card
from dialogs.commands import parse_date
from dialogs.forms import (
    CODE,
    CODE_FIELD,
    DATE_FIELD,
    Field,
    FormDialog,
    FormTurn,
    form_route,
)
from dialogs.router import Route, Turn
from dialogs.texts import t
from dialogs.vocab import label, parse_vocab
from storage.clock import clock
from storage.models import Placement, PlacementNote
from storage.participants import (
    PlacementInput,
    add_placement,
    add_placement_note,
    end_placement,
    participant_detail,
    record_step,
)
from storage.permissions import Action
from storage.rules import PROGRESSION_STEPS, RuleError


class PlacementForm(FormDialog):
    ID = "placement"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_placement"
    fields = (
        CODE_FIELD,
        Field("type", ("typ",), "vocab", "q_placement_type", vocabulary="placement_type"),
        Field("sector", ("sektor",), "vocab", "q_sector", vocabulary="sector"),
        Field("employer", ("arbetsgivare",), "text", "q_employer", column=Placement.employer),
        Field("start", ("start", "från"), "date", "q_start", required=False, default_today=True),
        Field("end", ("slut", "till"), "date", "q_end", required=False),
        Field(
            "occupation",
            ("yrke", "yrkesområde"),
            "text",
            "q_occupation",
            required=False,
            column=Placement.occupation_area,
        ),
        Field("contact", ("kontakt", "arbetsgivarkontakt"), "date", "q_contact", required=False),
    )

    def field_of(self, error: RuleError) -> str | None:
        """Dates out of order name the date they are about."""
        return {"placement": "start", "planned_end": "end"}.get(str(error.details.get("what")))

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        data = PlacementInput(
            placement_type=values["type"],
            sector=values["sector"],
            employer=values["employer"],
            start_date=date.fromisoformat(values["start"]),
            planned_end_date=date.fromisoformat(values["end"]) if values.get("end") else None,
            occupation_area=values.get("occupation") or "",
            first_employer_contact_date=(
                date.fromisoformat(values["contact"]) if values.get("contact") else None
            ),
        )
        actor = turn.actor
        async with self.db.session() as session:
            placement = await add_placement(session, actor, values["code"], data)
            detail = await participant_detail(session, actor, values["code"])
            number = [p.id for p in detail.placements].index(placement.id) + 1
        await turn.reply(
            t(
                "placement_saved",
                locale,
                code=values["code"],
                number=number,
                type=label("placement_type", data.placement_type, locale),
                employer=data.employer,
                sector=label("sector", data.sector, locale),
                start=data.start_date.isoformat(),
            )
        )


class NoteForm(FormDialog):
    """Uppföljning: a dated note on a placement (the latest one unless a number is given)."""

    ID = "placement_note"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_note"
    rule_fields = {"rule_full_name": "note", "rule_personal_number": "note", "note_empty": "note"}
    free_text_field = "note"
    fields = (
        CODE_FIELD,
        Field("placement", ("placering", "nr"), "number", "q_placement_number", required=False),
        Field("note", ("text", "anteckning"), "text", "q_note", column=PlacementNote.note),
        DATE_FIELD,
    )

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        locale = turn.locale
        actor = turn.actor
        async with self.db.session() as session:
            number = values.get("placement") or len(
                (await participant_detail(session, actor, values["code"])).placements
            )
            await add_placement_note(
                session, actor, values["code"], number, date.fromisoformat(values["date"]),
                values["note"],
            )
        await turn.reply(t("note_saved", locale, code=values["code"], number=number))


class EndPlacementForm(FormDialog):
    ID = "end_placement"
    access = Action.WRITE_PARTICIPANT
    title = "form_title_end_placement"
    fields = (
        CODE_FIELD,
        Field("placement", ("placering", "nr"), "number", "q_placement_number"),
        DATE_FIELD,
    )

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        actor = turn.actor
        async with self.db.session() as session:
            await end_placement(
                session,
                actor,
                values["code"],
                values["placement"],
                date.fromisoformat(values["date"]),
            )
        await turn.reply(
            t(
                "placement_ended",
                turn.locale,
                code=values["code"],
                number=values["placement"],
                date=values["date"],
            )
        )


async def progression_step(turn: Turn) -> None:
    """`steg V-2026-0042` shows one button per step; `steg V-2026-0042 jobbsökande` records it."""
    if not turn.args or not CODE.match(turn.args[0]):
        await turn.reply(turn.text("step_usage"))
        return
    code = turn.args[0].upper()
    typed = " ".join(turn.args[1:]) or turn.command.fields.get("steg", "")
    if not typed:
        async with turn.db.session() as session:
            await participant_detail(session, turn.actor, code)
        await turn.reply(steps_card(turn.locale, code, PROGRESSION_STEPS))
        return
    step = parse_vocab("step", typed)
    if step is None:
        await turn.reply(steps_card(turn.locale, code, PROGRESSION_STEPS, not_understood=typed))
        return
    day = parse_date(turn.command.fields.get("datum"), clock.today()) or clock.today()
    async with turn.db.session() as session:
        await record_step(session, turn.actor, code, step, day)
    await turn.reply(
        turn.text(
            "step_saved", code=code, step=label("step", step, turn.locale), date=day.isoformat()
        )
    )


ROUTES = [
    Route(
        ("ny placering", "arbetsträning", "placering", "new placement"),
        form_route(PlacementForm),
        "help_cmd_placement",
        Action.WRITE_PARTICIPANT,
    ),
    Route(
        ("uppföljning", "anteckning", "note"),
        form_route(NoteForm),
        "help_cmd_note",
        Action.WRITE_PARTICIPANT,
    ),
    Route(
        ("avsluta placering", "end placement"),
        form_route(EndPlacementForm),
        "help_cmd_end_placement",
        Action.WRITE_PARTICIPANT,
    ),
    Route(("steg", "step"), progression_step, "help_cmd_step", Action.WRITE_PARTICIPANT),
]


def dialogs(db: Any) -> list[FormDialog]:
    return [PlacementForm(db), NoteForm(db), EndPlacementForm(db)]
