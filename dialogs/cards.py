"""Adaptive Card builders (schema 1.5). The only place cards are shaped."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import ActionTypes, Activity, Attachment, CardAction

from dialogs.texts import t
from dialogs.vocab import label
from storage.rules import GENDERS, INCOME_SOURCES, REFERRING_PARTIES

CARD_VERSION = "1.5"


def command_action(title: str, command: str) -> dict[str, Any]:
    """A button that sends `command` as if typed (imBack in Teams, `value.command` elsewhere)."""
    return {
        "type": "Action.Submit",
        "title": title,
        "data": {"msteams": {"type": "imBack", "value": command}, "command": command},
    }


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> Attachment:
    content: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        content["actions"] = actions
    return CardFactory.adaptive_card(content)


def heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "wrap": True}


def paragraph(text: str, subtle: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": text, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    return block


def facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in pairs]}


def card_message(attachment: Attachment, fallback_text: str) -> Activity:
    """A message with a card and a plain-text summary for notifications and screen readers."""
    activity = MessageFactory.attachment(attachment)
    activity.summary = fallback_text
    return activity


def welcome_card(locale: str | None, status_line: str) -> Activity:
    body = [
        heading(t("welcome_title", locale)),
        paragraph(t("welcome_body", locale)),
        paragraph(status_line, subtle=True),
    ]
    actions = [
        command_action(t("button_help", locale), "hjälp"),
        command_action(t("button_whoami", locale), "vem är jag"),
    ]
    return card_message(card(body, actions), t("welcome_title", locale))


def help_card(locale: str | None, commands: list[tuple[str, str]]) -> Activity:
    body = [
        heading(t("help_title", locale)),
        paragraph(t("help_intro", locale)),
        facts(commands),
        paragraph(t("help_coming", locale), subtle=True),
    ]
    return card_message(card(body), t("help_title", locale))


def suggestions_card(locale: str | None, text: str, options: list[str]) -> Activity:
    body = [
        paragraph(t("unknown_command", locale, text=text)),
        paragraph(t("did_you_mean", locale) if options else t("try_help", locale)),
    ]
    actions = [command_action(option, option) for option in options]
    if "hjälp" not in options:
        actions.append(command_action(t("button_help", locale), "hjälp"))
    return card_message(card(body, actions), t("unknown_command", locale, text=text))


def choices_message(prompt: str, options: list[str]) -> Activity:
    """A question with tap-to-answer suggested actions (Teams personal chat shows them)."""
    return MessageFactory.suggested_actions(
        [CardAction(type=ActionTypes.im_back, title=o, value=o) for o in options], text=prompt
    )


def _choice_set(input_id: str, label_text: str, options: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label_text,
        "isRequired": True,
        "errorMessage": label_text,
        "choices": [{"title": title, "value": value} for title, value in options],
    }


def referral_card(locale: str | None, municipalities: list[str]) -> Activity:
    """The referral form as a card; its inputs carry the one-line names (kommun, kön, …)."""

    def vocab(name: str, codes: tuple[str, ...]) -> list[tuple[str, str]]:
        return [(label(name, code, locale), code) for code in codes]

    body = [
        heading(t("referral_card_title", locale)),
        paragraph(t("referral_card_intro", locale), subtle=True),
        _choice_set("kommun", t("q_municipality", locale), [(m, m) for m in municipalities]),
        _choice_set("kön", t("q_gender", locale), vocab("gender", GENDERS)),
        {
            "type": "Input.Number",
            "id": "född",
            "label": t("q_birth_year", locale),
            "min": 1940,
            "max": 2030,
            "isRequired": True,
            "errorMessage": t("q_birth_year", locale),
        },
        _choice_set("försörjning", t("q_income", locale), vocab("income", INCOME_SOURCES)),
        _choice_set("från", t("q_party", locale), vocab("party", REFERRING_PARTIES)),
        {"type": "Input.Date", "id": "datum", "label": t("q_date", locale)},
        {
            "type": "Input.Toggle",
            "id": "samtycke",
            "title": t("q_consent", locale),
            "valueOn": "ja",
            "valueOff": "nej",
            "value": "nej",
        },
    ]
    actions = [
        {
            "type": "Action.Submit",
            "title": t("button_save", locale),
            "data": {"command": "ny aktualisering"},
        }
    ]
    return card_message(card(body, actions), t("referral_card_title", locale))


def steps_card(
    locale: str | None, code: str, steps: tuple[str, ...], not_understood: str = ""
) -> Activity:
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


def participant_card(locale: str | None, detail: Any) -> Activity:
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
