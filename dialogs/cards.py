"""Adaptive Card builders (schema 1.5). The only place cards are shaped: as plain dicts in
project replies (dialogs/reply.py), which bot/replies.py puts on the wire."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from dialogs.reply import ADAPTIVE_CARD, Attachment, Reply
from dialogs.texts import t
from dialogs.vocab import label
from storage.pii import opaque_token

CARD_VERSION = "1.5"


# Each submit button carries a one-time token, so a double tap or a resent card is handled once
# (bot/once.py). The same name is read there.
ONCE_KEY = "once"


def command_action(title: str, command: str) -> dict[str, Any]:
    """A button that sends `command` as if typed, as `value.command`: a plain Action.Submit,
    which Teams and the Agents Playground both deliver (the Playground throws on `msteams`)."""
    return {"type": "Action.Submit", "title": title, "data": {"command": command}}


def _stamp_submits(node: Any) -> None:
    """Give every Action.Submit in the card, however nested, its own one-time token."""
    if isinstance(node, list):
        for item in node:
            _stamp_submits(item)
    elif isinstance(node, dict):
        if node.get("type") == "Action.Submit":
            data = node.get("data")
            node["data"] = {**(data if isinstance(data, dict) else {}),
                            ONCE_KEY: opaque_token()}
        for item in node.values():
            _stamp_submits(item)


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Attachment:
    """Every card is shaped here: version, schema and the submit tokens."""
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        content["actions"] = actions
    _stamp_submits(content)
    return Attachment(ADAPTIVE_CARD, content)


def heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "wrap": True}


def paragraph(text: str, subtle: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    return block


def facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}


def card_message(attachment: Attachment, fallback_text: str) -> Reply:
    """A message with a card and a plain-text summary for notifications and screen readers."""
    return Reply(attachments=(attachment,), summary=fallback_text)


def welcome_card(locale: str | None, status_line: str, steps: list[tuple[str, str]]) -> Reply:
    """The greeting: what Stegvis is, who you are to it, and three things to do now (command,
    what it does), each a button."""
    body = [
        heading(t("welcome_title", locale)),
        paragraph(t("welcome_body", locale)),
        paragraph(status_line),
        {**paragraph(t("welcome_next", locale)), "weight": "Bolder"},
        facts([(command, text) for command, text in steps]),
    ]
    actions = [command_action(command, command) for command, _ in steps]
    return card_message(card(body, actions), t("welcome_title", locale))


def help_card(locale: str | None, commands: list[tuple[str, str]]) -> Reply:
    body = [
        heading(t("help_title", locale)),
        paragraph(t("help_intro", locale)),
        facts(commands),
    ]
    return card_message(card(body), t("help_title", locale))


def suggestions_card(locale: str | None, options: list[str]) -> Reply:
    """What was typed is not repeated: it may hold something that must not be shown again."""
    body = [
        paragraph(t("unknown_command", locale)),
        paragraph(t("did_you_mean", locale) if options else t("try_help", locale)),
    ]
    actions = [command_action(option, option) for option in options]
    if "hjälp" not in options:
        actions.append(command_action(t("button_help", locale), "hjälp"))
    return card_message(card(body, actions), t("unknown_command", locale))


# Teams shows at most three suggested actions; a question with more options is a card.
MAX_SUGGESTED = 3
# Longer lists (municipalities, coaches, income sources) get a search box.
LONG_LIST = 6
# The id of the one input of a question card: a submitted card answers the open question
# with it, as if it had been typed (bot/handler.py).
ANSWER_KEY = "answer"


def _choice_style(count: int) -> str:
    """`filtered` is the typeahead Teams documents for 1.5 cards; short lists stay a drop-down
    (docs/cards.md, Choices: why filtered is kept though the 1.5 schema file lacks it)."""
    return "filtered" if count > LONG_LIST else "compact"


def choices_message(
    prompt: str, options: list[str], locale: str | None = None, multi: bool = False
) -> Reply:
    """A question with its options: up to three as suggested actions (one tap), more as a card
    with a list to choose from and one button. Typing the answer works either way."""
    if len(options) <= MAX_SUGGESTED and not (multi and len(options) > 1):
        return Reply(text=prompt, suggested=tuple(options))
    choice_set: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": ANSWER_KEY,
        "style": _choice_style(len(options)),
        "placeholder": t("choice_placeholder", locale),
        "isRequired": True,
        "errorMessage": t("choice_required", locale),
        "choices": [{"title": option, "value": option} for option in options],
    }
    if multi:  # ticks: a multi-select drop-down showed no options in the Playground
        choice_set.update(isMultiSelect=True, style="expanded")
    body = [paragraph(prompt), choice_set, paragraph(t("choice_or_type", locale), subtle=True)]
    actions = [{"type": "Action.Submit", "title": t("button_answer", locale)}]
    return card_message(card(body, actions), prompt)


@dataclass(frozen=True)
class CardInput:
    """One input of a form card; `input_id` is the one-line key (kommun, kön, …)."""

    input_id: str
    label: str
    kind: str
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True


def _input(spec: CardInput) -> dict[str, Any]:
    element: dict[str, Any] = {"id": spec.input_id, "label": spec.label}
    if spec.kind == "choice":
        element.update(
            type="Input.ChoiceSet",
            style=_choice_style(len(spec.options)),
            choices=[{"title": title, "value": value} for title, value in spec.options],
        )
    elif spec.kind == "toggle":
        element.update(type="Input.Toggle", title=spec.label, valueOn="ja", valueOff="nej",
                       value="nej")
        del element["label"]
        return element
    elif spec.kind == "date":
        element["type"] = "Input.Date"
    elif spec.kind == "number":
        element["type"] = "Input.Number"
    else:
        element.update(type="Input.Text", isMultiline=spec.kind == "multiline")
    if spec.required:
        element.update(isRequired=True, errorMessage=spec.label)
    return element


def _choice_set(input_id: str, label_text: str, options: list[tuple[str, str]]) -> dict[str, Any]:
    return _input(CardInput(input_id, label_text, "choice", tuple(options)))


def form_card(
    locale: str | None, title: str, inputs: list[CardInput], command: str, intro: str = ""
) -> Reply:
    """A whole form as one card. Submitting sends `command` with the inputs as fields, which
    Stegvis reads exactly like the one-line form, so both paths share every check."""
    body = [heading(title)]
    if intro:
        body.append(paragraph(intro, subtle=True))
    body += [_input(spec) for spec in inputs]
    actions = [{"type": "Action.Submit", "title": t("button_save", locale),
                "data": {"command": command}}]
    return card_message(card(body, actions), title)


def steps_card(
    locale: str | None, code: str, steps: tuple[str, ...], not_understood: str = ""
) -> Reply:
    """One tap records a progression step: each button sends `steg <kod> <steg>`."""
    body = [heading(t("step_card_title", locale, code=code))]
    if not_understood:
        body.append(paragraph(t("step_not_understood", locale, value=not_understood)))
    buttons = [
        command_action(label("step", step, locale), f"steg {code} {label('step', step, 'sv')}")
        for step in steps
    ]
    # Teams shows at most six actions in one set: rows of four keep every step one tap away.
    body += [
        {"type": "ActionSet", "actions": buttons[i : i + 4]} for i in range(0, len(buttons), 4)
    ]
    return card_message(card(body), t("step_card_title", locale, code=code))


def participant_card(locale: str | None, detail: Any) -> Reply:
    """`visa <kod>`: the recorded path of one participant (a ParticipantDetail)."""
    p = detail.participant
    rows = [
        (t("f_status", locale), label("status", p.status, locale)),
        (t("f_programme", locale), detail.programme),
        (t("f_municipality", locale), f"{detail.municipality} ({detail.county_part})"),
        (t("f_gender_born", locale), f"{label('gender', p.gender, locale)}, {p.birth_year}"),
        (t("f_income_start", locale), label("income", p.income_source_start, locale)),
        (
            t("f_referred", locale),
            f"{p.referral_date.isoformat()}, {label('party', p.referring_party, locale)}",
        ),
        (t("f_coach", locale), detail.coach or "–"),
    ]
    if p.enrolment_date:
        rows.append((t("f_enrolled", locale), p.enrolment_date.isoformat()))
    if p.extended_until:
        rows.append((t("f_extended", locale), p.extended_until.isoformat()))
    if p.exit_date:
        rows.append(
            (
                t("f_exited", locale),
                f"{p.exit_date.isoformat()}, "
                f"{label('exit_reason', p.exit_reason, locale)} → "
                f"{label('destination', p.exit_destination, locale)}",
            )
        )
    body = [heading(p.code), facts(rows)]
    for number, placement in enumerate(detail.placements, start=1):
        period = (
            placement.start_date.isoformat()
            + " – "
            + (placement.end_date.isoformat() if placement.end_date else "")
        )
        body.append(
            paragraph(
                t(
                    "f_placement",
                    locale,
                    number=number,
                    type=label("placement_type", placement.placement_type, locale),
                    employer=placement.employer,
                    period=period,
                )
            )
        )
        for note in detail.notes.get(placement.id, []):
            body.append(paragraph(f"{note.note_date.isoformat()}: {note.note}", subtle=True))
    if detail.steps:
        steps = ", ".join(
            f"{label('step', s.step, locale)} ({s.step_date.isoformat()})" for s in detail.steps
        )
        body.append(paragraph(t("f_steps", locale, steps=steps)))
    actions = [
        command_action(t("button_step", locale), f"steg {p.code}"),
    ]
    return card_message(card(body, actions), p.code)


# --- minutes ------------------------------------------------------------------------------------


def _text_area(input_id: str, label_text: str, value: str, placeholder: str) -> dict[str, Any]:
    return {
        "type": "Input.Text",
        "id": input_id,
        "label": label_text,
        "isMultiline": True,
        "placeholder": placeholder,
        "value": value,
    }


def minutes_form_card(
    locale: str | None,
    title: str,
    groups: list[tuple[str, str]],
    values: dict[str, str],
    submit_data: dict[str, Any],
    error: str | None = None,
) -> Reply:
    """Log or edit a meeting: the groups the user may write, date, and one line per entry.

    `values` fill the inputs, so a form sent back after a mistake keeps what was typed.
    """
    body: list[dict[str, Any]] = [heading(title)]
    if error:
        body.append({"type": "TextBlock", "text": error, "wrap": True, "color": "Attention"})
    body += [
        {
            **_choice_set("group", t("minutes_form_group", locale), [(n, c) for c, n in groups]),
            "value": values.get("group", ""),
        },
        {
            "type": "Input.Date",
            "id": "date",
            "label": t("minutes_form_date", locale),
            "isRequired": True,
            "errorMessage": t("minutes_form_date", locale),
            "value": values.get("date", ""),
        },
        _text_area(
            "attendees",
            t("minutes_form_attendees", locale),
            values.get("attendees", ""),
            t("minutes_form_attendees_hint", locale),
        ),
        _text_area(
            "items",
            t("minutes_form_items", locale),
            values.get("items", ""),
            t("minutes_form_one_per_line", locale),
        ),
        _text_area(
            "decisions",
            t("minutes_form_decisions", locale),
            values.get("decisions", ""),
            t("minutes_form_one_per_line", locale),
        ),
        _text_area(
            "actions",
            t("minutes_form_actions", locale),
            values.get("actions", ""),
            t("minutes_form_actions_hint", locale),
        ),
    ]
    actions = [{"type": "Action.Submit", "title": t("button_save", locale), "data": submit_data}]
    return card_message(card(body, actions), title)


def record_card(
    title: str,
    pairs: list[tuple[str, str]],
    sections: list[tuple[str, list[str]]],
    buttons: list[tuple[str, str]],
) -> Reply:
    """A record to read: facts, numbered sections, and command buttons (title, command)."""
    body = [heading(title), facts(pairs)]
    for section_title, lines in sections:
        body.append({**paragraph(section_title), "weight": "Bolder", "spacing": "Medium"})
        body += [paragraph(f"{number}. {line}") for number, line in enumerate(lines, 1)]
    actions = [command_action(label_text, command) for label_text, command in buttons]
    return card_message(card(body, actions), title)


def checklist_card(title: str, items: list[tuple[str, tuple[str, str] | None]]) -> Reply:
    """One line per item, each with its own button (title, command) when it has one."""
    body: list[dict[str, Any]] = [heading(title)]
    for text, button in items:
        row: dict[str, Any] = {
            "type": "ColumnSet",
            "separator": True,
            "columns": [{"type": "Column", "width": "stretch", "items": [paragraph(text)]}],
        }
        if button:
            row["columns"].append(
                {
                    "type": "Column",
                    "width": "auto",
                    "items": [{"type": "ActionSet", "actions": [command_action(*button)]}],
                }
            )
        body.append(row)
    return card_message(card(body), title)


FILE_CONSENT_CARD = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO_CARD = "application/vnd.microsoft.teams.card.file.info"


def file_consent_card(name: str, description: str, size: int, context: dict[str, Any]) -> Reply:
    """Teams asks the user before a bot puts a file in their OneDrive (personal chat only);
    `context` comes back in the fileConsent/invoke so the bot knows what to upload."""
    consent = {
        "description": description,
        "sizeInBytes": size,
        "acceptContext": context,
        "declineContext": context,
    }
    return card_message(Attachment(FILE_CONSENT_CARD, consent, name=name), name)


def file_info_card(
    name: str, content_url: str | None, unique_id: str | None, file_type: str | None
) -> Reply:
    """The uploaded file as Teams shows it in the chat, after the user accepted it."""
    info = {"uniqueId": unique_id, "fileType": file_type}
    content = {key: value for key, value in info.items() if value is not None}
    attachment = Attachment(FILE_INFO_CARD, content, name=name, content_url=content_url)
    return card_message(attachment, name)


# --- reports ---------------------------------------------------------------------------------


def table(grid: list[list[str]], number_width: int = 1) -> dict[str, Any]:
    """An Adaptive Card 1.5 Table: the first row is the header, numbers are right-aligned.

    As little markup per cell as Teams needs (the alignment is the column's; the weight the
    default but in the header; labels wrap, numbers fit): more of a report fits a message."""
    def cell(text: str, header: bool, label: bool) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "TextBlock", "text": text}
        if header or label:
            block["wrap"] = True
        if header:
            block["weight"] = "Bolder"
        return {"type": "TableCell", "items": [block]}

    numbers = {"width": number_width, "horizontalCellContentAlignment": "Right"}
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "showGridLines": False,
        "columns": [{"width": 3}] + [dict(numbers) for _ in grid[0][1:]],
        "rows": [
            {"type": "TableRow",
             "cells": [cell(text, number == 0, k == 0) for k, text in enumerate(row)]}
            for number, row in enumerate(grid)
        ],
    }


def date_input(input_id: str, label_text: str, value: str) -> dict[str, Any]:
    return {"type": "Input.Date", "id": input_id, "label": label_text, "value": value}


def optional_choice(
    input_id: str, label_text: str, options: list[tuple[str, str]], placeholder: str
) -> dict[str, Any]:
    """A drop-down that may be left empty (the placeholder says what empty means)."""
    return {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label_text,
        "style": _choice_style(len(options)),
        "placeholder": placeholder,
        "choices": [{"title": title, "value": value} for title, value in options],
    }


def image(png: bytes, alt_text: str) -> dict[str, Any]:
    """A picture inside a card, as a data URI: Teams and the Agents Playground both show it,
    and nothing has to be served or expire (a chart is a few KB)."""
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return {"type": "Image", "url": url, "altText": alt_text, "size": "Stretch"}


def submitted_card(locale: str | None, summary: str) -> Attachment:
    """What a form or button card becomes once what it sent is saved: read-only, saying what
    was saved, with the way back; its old buttons are gone, so it cannot be sent twice."""
    body = [heading(t("card_submitted_title", locale)), paragraph(summary)]
    return card(body, [command_action(t("button_undo", locale), "ångra")])
