"""Register extract and erasure in the chat, for admins, in personal chat only.

`utdrag <kod> [format=xlsx|json]` offers the extract as a file, the way reports are offered
(FileConsentCard); the file is made again, checked and audited when the user accepts it.
`radera <kod>` shows what would go and how, with a button that sends `radera <kod> bekräfta`:
the erasure happens only on that explicit second command. Nothing is kept in memory between
the two, so the confirmation works after a restart, and a second confirmation finds nothing.
"""

from __future__ import annotations

from typing import Any

from dialogs.cards import card, card_message, command_action, heading, paragraph
from dialogs.files import FileExport, offer_file
from dialogs.forms import CODE
from dialogs.privacy_files import EXTRACT_FORMATS, extract_filename, to_json, to_xlsx
from dialogs.router import Route, Turn
from storage.db import Database
from storage.permissions import Action, Actor
from storage.privacy import erase_participant, erasure_preview, participant_extract
from storage.rules import RuleError

FILE_KIND = "extract"
CONFIRM_WORDS = frozenset({"bekräfta", "bekrafta", "confirm"})


async def _extract(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None, *, audited: bool
) -> FileExport:
    file_format = str(values.get("format") or "xlsx").casefold()
    if file_format not in EXTRACT_FORMATS:
        raise RuleError("extract_bad_format", value=file_format)
    async with db.session() as session:
        document = await participant_extract(
            session, actor, str(values.get("code", "")), file_format=file_format, audited=audited
        )
    content = to_xlsx(document, locale) if file_format == "xlsx" else to_json(document)
    return FileExport(extract_filename(document["code"], file_format), content)


async def extract_file(
    db: Database, actor: Actor, values: dict[str, Any], locale: str | None
) -> FileExport:
    """The accepted file: made again by whoever pressed Allow (checked again) and audited, since
    this is when it leaves Stegvis."""
    return await _extract(db, actor, values, locale, audited=True)


def _code(turn: Turn) -> str | None:
    return turn.args[0].upper() if turn.args and CODE.match(turn.args[0]) else None


async def show_extract(turn: Turn) -> None:
    code = _code(turn)
    if code is None:
        await turn.reply(turn.text("extract_usage"))
        return
    values = {"code": code, "format": turn.command.fields.get("format", "xlsx").casefold()}
    export = await _extract(turn.db, turn.actor, values, turn.locale, audited=False)
    description = turn.text("extract_file_description", code=code)
    await offer_file(turn, FILE_KIND, values, export, description)


async def erase(turn: Turn) -> None:
    code = _code(turn)
    if code is None:
        await turn.reply(turn.text("erase_usage"))
        return
    confirmed = any(word in CONFIRM_WORDS for word in turn.args[1:])
    async with turn.db.session() as session:
        if confirmed:
            done = await erase_participant(session, turn.actor, code)
        else:
            preview = await erasure_preview(session, turn.actor, code)
    if confirmed:
        await turn.reply(turn.text(f"erased.{done.mode}", code=done.code))
        return
    counts = preview.counts
    body = [
        heading(turn.text("erase_confirm_title", code=preview.code)),
        paragraph(
            turn.text(
                f"erase_confirm_{preview.mode}",
                placements=counts.placements,
                notes=counts.notes,
                steps=counts.steps,
            )
        ),
        paragraph(
            turn.text(
                "erase_confirm_common",
                reminders=counts.reminders,
                dialogs=counts.dialog_states,
                audit=counts.audit_rows,
            )
        ),
    ]
    if preview.closes_today:
        body.append(paragraph(turn.text("erase_closes_today")))
    if preview.minutes_mentions:
        body.append(
            paragraph(turn.text("erase_minutes_note", count=preview.minutes_mentions), subtle=True)
        )
    button = command_action(
        turn.text("erase_button", code=preview.code), f"radera {preview.code} bekräfta"
    )
    await turn.reply(
        card_message(card(body, [button]), turn.text("erase_confirm_title", code=preview.code))
    )


ROUTES = [
    Route(("utdrag", "registerutdrag", "extract"), show_extract, "help_cmd_extract",
          Action.PRIVACY_REQUESTS),
    Route(("radera", "erase"), erase, "help_cmd_erase", Action.PRIVACY_REQUESTS),
]
