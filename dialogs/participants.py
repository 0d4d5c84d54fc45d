"""Looking at and correcting participants: `mina deltagare`, `visa`, `ändra`, `ångra`,
`belastning`."""

from __future__ import annotations

from dialogs.cards import participant_card
from dialogs.commands import parse_date
from dialogs.forms import CODE
from dialogs.router import Route, Turn
from dialogs.vocab import label, parse_vocab
from storage.clock import clock
from storage.participants import (
    EDITABLE_FIELDS,
    caseload,
    list_participants,
    participant_detail,
    undo_last,
    update_fields,
)
from storage.permissions import Action
from storage.rules import RuleError

# What people type in `ändra <kod> fält=värde`, and the column it changes.
EDIT_KEYS = {
    "kön": "gender",
    "född": "birth_year",
    "försörjning": "income_source_start",
    "försörjning_ut": "income_source_exit",
    "från": "referring_party",
    "enhet": "referring_unit",
    "aktualiserad": "referral_date",
    "inskriven": "enrolment_date",
    "utskriven": "exit_date",
    "orsak": "exit_reason",
    "till": "exit_destination",
    "samtycke": "consent",
    "enkät_in": "survey_enrolment_done",
    "enkät_ut": "survey_exit_done",
}


# Rows in one listing message: about 5 KB, well inside Teams' 28 KB for a message.
PAGE_SIZE = 50


async def my_participants(turn: Turn) -> None:
    """`mina deltagare [alla] [sida N]`, a page at a time."""
    include_closed = "alla" in turn.args or "all" in turn.args
    page_word = next((a for a in turn.args if a.isdigit()), None)
    page_number = min(int(page_word), 10_000) if page_word else 1
    async with turn.db.session() as session:
        page = await list_participants(
            session,
            turn.actor,
            include_closed=include_closed,
            offset=(max(page_number, 1) - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    if not page.rows:
        await turn.reply(turn.text("my_participants_none"))
        return
    lines = [turn.text("my_participants_title", count=page.total), ""]
    for row in page.rows:
        details = [label("status", row.status, turn.locale), row.municipality]
        if row.coach:
            details.append(turn.text("coach_is", coach=row.coach))
        if row.programme_end and row.status == "enrolled":
            details.append(turn.text("ends_on", date=row.programme_end.isoformat()))
        lines.append(f"- **{row.code}**: " + ", ".join(details))
    if page.total > len(page.rows):
        shown_to = page.offset + len(page.rows)
        next_page = page.offset // PAGE_SIZE + 2 if shown_to < page.total else 1
        command = " ".join(["mina deltagare", *(["alla"] if include_closed else []),
                            "sida", str(next_page)])
        lines += ["", turn.text("my_participants_page", first=page.offset + 1, last=shown_to,
                                total=page.total, command=command)]
    await turn.reply("\n".join(lines))


async def show_participant(turn: Turn) -> None:
    if not turn.args or not CODE.match(turn.args[0]):
        await turn.reply(turn.text("show_usage"))
        return
    async with turn.db.session() as session:
        detail = await participant_detail(session, turn.actor, turn.args[0])
    await turn.reply(participant_card(turn.locale, detail))


def _edit_value(column: str, value: str) -> str:
    """Swedish words and dates as typed → what `update_fields` stores; RuleError if unusable."""
    vocabulary = EDITABLE_FIELDS[column]
    if vocabulary:
        code = parse_vocab(vocabulary, value)
        if code is None:
            raise RuleError("edit_bad_value", field=column, value=value)
        return code
    if column.endswith("_date"):
        day = parse_date(value, clock.today())
        if day is None:
            raise RuleError("bad_date", value=value)
        return day.isoformat()
    return value


async def edit_participant(turn: Turn) -> None:
    fields = turn.command.fields
    if not turn.args or not CODE.match(turn.args[0]) or not fields:
        await turn.reply(turn.text("edit_usage", keys=", ".join(EDIT_KEYS)))
        return
    unknown = [key for key in fields if key not in EDIT_KEYS]
    if unknown:
        await turn.reply(
            turn.text("edit_unknown_field", fields=", ".join(unknown), keys=", ".join(EDIT_KEYS))
        )
        return
    async with turn.db.session() as session:
        changes = {EDIT_KEYS[k]: _edit_value(EDIT_KEYS[k], v) for k, v in fields.items()}
        participant = await update_fields(session, turn.actor, turn.args[0], changes)
        code = participant.code
    summary = ", ".join(f"{key}={value}" for key, value in fields.items())
    await turn.reply(turn.text("edited", code=code, changes=summary))


def _field_word(turn: Turn, name: str) -> str:
    """The word users type for a field (`enhet`), or its column name if it has none."""
    try:
        return turn.text(f"audit_field.{name}")
    except KeyError:
        return name


async def undo(turn: Turn) -> None:
    async with turn.db.session() as session:
        try:
            result = await undo_last(session, turn.actor)
        except RuleError as error:
            if error.code == "undo_needs_free_text":
                names = str(error.details["fields"]).split(", ")
                error.details["fields"] = ", ".join(_field_word(turn, n) for n in names)
            raise
    what = turn.text(f"undo.{result.entity}.{result.action}")
    await turn.reply(turn.text("undone", what=what, code=result.participant_code or ""))


async def show_caseload(turn: Turn) -> None:
    async with turn.db.session() as session:
        rows = await caseload(session, turn.actor)
    if not rows:
        await turn.reply(turn.text("caseload_none"))
        return
    lines = [turn.text("caseload_title"), ""]
    lines += [
        "- " + turn.text("caseload_line", part=part, coach=coach, count=count)
        for part, coach, count in rows
    ]
    await turn.reply("\n".join(lines))


ROUTES = [
    Route(
        ("mina deltagare", "deltagare", "my participants"),
        my_participants,
        "help_cmd_my",
        Action.READ_PARTICIPANT,
    ),
    Route(("visa", "show"), show_participant, "help_cmd_show", Action.READ_PARTICIPANT),
    Route(("ändra", "edit"), edit_participant, "help_cmd_edit", Action.WRITE_PARTICIPANT),
    Route(("ångra", "undo"), undo, "help_cmd_undo", Action.WRITE_PARTICIPANT),
    Route(("belastning", "caseload"), show_caseload, "help_cmd_caseload", staff_only=True),
]
