"""Adaptive Card builders (schema 1.5). The only place cards are shaped."""

from __future__ import annotations

from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import ActionTypes, Activity, Attachment, CardAction

from dialogs.texts import t

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
