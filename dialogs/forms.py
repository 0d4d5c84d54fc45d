"""A form is a dialog that fills named fields: from the one-line command or a card submit first,
then by asking for whatever is missing or wrong, one question at a time (the text fallback).

When saving fails on a rule that concerns one field (an age outside 18–64, say), only that
field is asked again; everything else stays filled in. State lives in the dialog stack, which is
stored in SQL, so a half-filled form survives restarts.

This is the one dialogs module that imports the Bot Framework SDK: botbuilder.dialogs
(waterfalls, prompts), and the activity a reply becomes, since a prompt sends its question
itself. The staff dialog, the registry and the router take its types from here
(docs/architecture.md, "The SDK seam").
"""

from __future__ import annotations

import copy
import re
from typing import Any, ClassVar

from botbuilder.core import MessageFactory, TurnContext
from botbuilder.dialogs import (
    ComponentDialog,
    Dialog,
    DialogContext,
    DialogTurnResult,
    WaterfallDialog,
    WaterfallStepContext,
)
from botbuilder.dialogs.prompts import PromptOptions, PromptValidatorContext, TextPrompt
from botbuilder.schema import (
    ActionTypes,
    Activity,
    Attachment,
    CardAction,
    ChannelAccount,
    Mention,
)

from dialogs import reply as plain
from dialogs.cards import CardInput, choices_message, form_card
from dialogs.commands import parse_date, parse_yes_no
from dialogs.form_fields import (
    CODE,
    CODE_FIELD,
    DATE_FIELD,
    GAVE_UP,
    MAX_ATTEMPTS,
    MAX_NUMBER,
    SURVEY_FIELD,
    Field,
    FieldError,
    FormTurn,
    raw_fields,
)
from dialogs.reply import Message
from dialogs.texts import error_text, t
from dialogs.vocab import label, labels, parse_vocab
from storage import pii
from storage.clock import clock
from storage.db import Database
from storage.participants import get_participant
from storage.permissions import Action, Actor
from storage.pii import Policy
from storage.rules import VOCABULARIES, RuleError, check_date_window
from storage.staff import load_actor
from storage.write_guard import check_column

__all__ = [
    "CODE",
    "CODE_FIELD",
    "DATE_FIELD",
    "GAVE_UP",
    "MAX_ATTEMPTS",
    "MAX_NUMBER",
    "SURVEY_FIELD",
    "Field",
    "FieldError",
    "FormTurn",
    "raw_fields",
    "ComponentDialog",
    "Dialog",
    "DialogContext",
    "DialogTurnResult",
    "PromptOptions",
    "PromptValidatorContext",
    "TextPrompt",
    "WaterfallDialog",
    "WaterfallStepContext",
]

_CARD_KINDS = {
    "vocab": "choice",
    "bool": "toggle",
    "date": "date",
    "year": "number",
    "number": "number",
    "text": "text",
}


class FormDialog(ComponentDialog):
    """Subclasses give the fields and `complete`; choices and parsing can be specialised."""

    ID: str = ""
    fields: tuple[Field, ...] = ()
    title: str = ""
    # What the person must be allowed to do with the participant named by the code field.
    access: Action | None = None
    # Text after the participant code that is not key=value fills this field (e.g. a note).
    free_text_field: str | None = None
    # Refusals on save that concern one answer, by text key: that question is asked again.
    rule_fields: ClassVar[dict[str, str]] = {}

    def __init__(self, db: Database) -> None:
        super().__init__(self.ID)
        self.db = db
        for field in self.fields:
            self.add_dialog(TextPrompt(self._prompt_id(field), self._validator(field)))
        steps = [self._step(i) for i in range(len(self.fields))] + [self._finish]
        self.add_dialog(WaterfallDialog(f"{self.ID}.steps", steps))
        self.initial_dialog_id = f"{self.ID}.steps"

    def _prompt_id(self, field: Field) -> str:
        return f"{self.id}.{field.name}"

    async def choices(self, field: Field, values: dict[str, Any], locale: str | None) -> list[str]:
        """Tap-to-answer options for a question."""
        if field.kind == "vocab" and field.vocabulary:
            return labels(field.vocabulary, locale)
        if field.kind == "bool":
            return [t("yes", locale), t("no", locale)]
        if field.kind == "date":
            return [t("today", locale)]
        return []

    async def parse(
        self, field: Field, raw: str, values: dict[str, Any], locale: str | None
    ) -> Any:
        """Canonical value (JSON-friendly) for what was typed; FieldError when unusable."""
        text = (raw or "").strip()
        if field.kind == "vocab":
            code = parse_vocab(field.vocabulary or "", text)
            if code is None:
                options = ", ".join(labels(field.vocabulary or "", locale))
                raise FieldError(
                    field.name, t("form_pick_one", locale, value=text, options=options)
                )
            return code
        if field.kind == "date":
            day = parse_date(text, clock.today())
            if day is None:
                raise FieldError(field.name, t("form_bad_date", locale, value=text))
            try:
                check_date_window(day, clock.today())
            except RuleError as error:
                raise FieldError(field.name, error_text(error, locale)) from error
            return day.isoformat()
        if field.kind == "year":
            if not re.fullmatch(r"(19|20)\d\d", text):
                raise FieldError(field.name, t("form_bad_year", locale, value=text))
            return int(text)
        if field.kind == "number":
            if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_NUMBER):
                raise FieldError(field.name, t("form_bad_number", locale, max=MAX_NUMBER))
            return int(text)
        if field.kind == "bool":
            answer = parse_yes_no(text)
            if answer is None:
                raise FieldError(field.name, t("answer_yes_no", locale))
            return answer
        if field.kind == "code":
            if not CODE.match(text):
                raise FieldError(field.name, t("form_bad_code", locale, value=text))
            return text.upper()
        if not pii.normalise(text).strip():  # nothing, or only invisible characters
            raise FieldError(field.name, t("form_empty", locale))
        try:
            if field.column is not None:
                check_column(field.column, text)
            else:
                pii.check(text, Policy.NO_NAMES)
        except RuleError as error:
            raise FieldError(field.name, error_text(error, locale)) from error
        return text

    async def complete(self, turn: FormTurn, values: dict[str, Any]) -> None:
        """Save the filled form. Raise FieldError to ask one field again, RuleError to stop
        (or to ask again, where `field_of` names the field)."""
        raise NotImplementedError

    def field_of(self, error: RuleError) -> str | None:
        """The question a refusal on save is about, if it is about one."""
        return self.rule_fields.get(error.code)

    async def _save(self, turn: FormTurn, values: dict[str, Any]) -> None:
        """`complete`, with a refusal about one answer turned into asking that question again."""
        try:
            await self.complete(turn, values)
        except RuleError as error:
            field = self.field_of(error)
            if field is None:
                raise
            raise FieldError(field, error_text(error, turn.locale)) from error

    async def card(self, locale: str | None, values: dict[str, Any], command: str) -> Any:
        """The form as an Adaptive Card, for people who prefer filling it in at once."""
        inputs = []
        for field in self.fields:
            if field.name in values:
                continue
            options = await self.choices(field, values, locale)
            if field.kind == "vocab" and field.vocabulary:
                pairs = tuple(
                    (label(field.vocabulary, code, locale), code)
                    for code in VOCABULARIES[field.vocabulary]
                )
            else:
                pairs = tuple((option, option) for option in options)
            own_input = field.kind in {"bool", "date"}
            kind = "choice" if pairs and not own_input else _CARD_KINDS.get(field.kind, "text")
            inputs.append(
                CardInput(
                    field.keys[0],
                    t(field.question, locale, **self.question_values(values)),
                    kind,
                    pairs if kind == "choice" else (),
                    field.required,
                )
            )
        return form_card(
            locale,
            t(self.title, locale, **self.question_values(values)),
            inputs,
            command,
            t("form_card_intro", locale),
        )

    async def start(self, turn: Any, given: dict[str, str]) -> None:
        """Begin the form with what the command line or a card gave.

        Each given value is parsed here, so dialog state only ever holds accepted values: a
        refused one (a personnummer, a name, an unknown word) is answered and asked again, and
        never written anywhere. A complete command is saved at once, without questions.
        """
        locale = turn.locale
        values: dict[str, Any] = {}
        notices: list[str] = []
        refused: list[str] = []
        for field in self.fields:
            if field.name not in given:
                continue
            try:
                values[field.name] = await self.parse(field, given[field.name], values, locale)
            except FieldError as error:
                notices.append(error.message)
                refused.append(field.name)
        if "code" in values:
            try:
                await self._check_access(turn.actor, values["code"], locale)
            except FieldError as error:
                await turn.reply(error.message)
                return
        missing = [f for f in self.fields if f.required and f.name not in values]
        if not missing and not notices:
            for field in self.fields:
                values.setdefault(field.name, self._default(field))
            try:
                await self._save(FormTurn(turn.actor, locale, turn.send), values)
            except FieldError as error:
                await self._begin(turn, values, [error.message], [error.field])
            return
        if not set(given) - {"code"}:
            command = " ".join(turn.command.words)
            await turn.reply(await self.card(locale, values, command))
        await self._begin(turn, values, notices, refused)

    async def _begin(
        self, turn: Any, values: dict[str, Any], notices: list[str], ask: list[str]
    ) -> None:
        """Start the questions; fields in `ask` are asked even when they are optional."""
        values = {k: v for k, v in values.items() if k not in ask}
        await turn.dialogs.begin_dialog(
            self.id, {"values": values, "notice": "\n\n".join(notices), "ask": ask}
        )

    async def _form_turn(self, context: TurnContext) -> FormTurn:
        async def send(message: Message) -> object:
            sent = message if isinstance(message, str) else to_activity(message)
            return await context.send_activity(sent)

        return FormTurn(await turn_actor(self.db, context), context.activity.locale, send)

    async def _check_access(self, actor: Actor, code: str, locale: str | None) -> None:
        """Before any question: may this person do the form's work on `code`? If not, the same
        answer as for a code that does not exist."""
        if self.access is None:
            return
        try:
            # The refusal leaves its block: what it keeps (the audit of a denied access) is
            # written though the block is undone (storage/_unit.py keep_refused).
            async with self.db.session() as session:
                await get_participant(session, actor, code, self.access)
        except RuleError as error:
            raise FieldError("code", error_text(error, locale)) from error

    @staticmethod
    def _default(field: Field) -> Any:
        return clock.today().isoformat() if field.default_today else None

    def _validator(self, field: Field) -> Any:
        async def validate(prompt: PromptValidatorContext) -> bool:
            values = prompt.options.validations or {}
            locale = prompt.context.activity.locale
            try:
                value = await self.parse(field, prompt.recognized.value or "", values, locale)
                if field.kind == "code":
                    await self._check_access(
                        await turn_actor(self.db, prompt.context), value, locale
                    )
            except FieldError as error:
                if prompt.options.number_of_attempts + 1 >= MAX_ATTEMPTS:
                    await prompt.context.send_activity(
                        f"{error.message}\n\n{t('form_gave_up', locale)}"
                    )
                    prompt.recognized.value = {GAVE_UP: True}
                    return True
                await prompt.context.send_activity(error.message)
                return False
            prompt.recognized.value = {"value": value}
            return True

        return validate

    def _step(self, index: int) -> Any:
        field = self.fields[index]

        async def ask(step: WaterfallStepContext) -> DialogTurnResult:
            if index == 0:
                options = step.options or {}
                step.values["values"] = dict(options.get("values", {}))
                step.values["notice"] = options.get("notice") or ""
                step.values["ask"] = list(options.get("ask") or [])
                step.values["tries"] = options.get("tries", 0)
            elif self._store(step, self.fields[index - 1]):
                return await step.end_dialog()
            values: dict[str, Any] = step.values["values"]
            locale = step.context.activity.locale
            if field.name in values:
                return await step.next({"value": values[field.name]})
            if not field.required and field.name not in step.values["ask"]:
                return await step.next({"value": self._default(field)})
            question = t(field.question, locale, **self.question_values(values))
            notice = step.values.pop("notice", "")
            step.values["notice"] = ""
            if notice and notice != question:  # a refusal that is the question says it once
                question = f"{notice}\n\n{question}"
            options = await self.choices(field, values, locale)
            prompt = choices_message(question, options, locale) if options else question
            return await step.prompt(
                self._prompt_id(field),
                PromptOptions(prompt=to_activity(prompt), validations=values),
            )

        return ask

    @staticmethod
    def _store(step: WaterfallStepContext, field: Field) -> bool:
        """Keep the previous step's answer; True when the user gave up on the form."""
        result = step.result if isinstance(step.result, dict) else {}
        if result.get(GAVE_UP):
            return True
        step.values["values"][field.name] = result.get("value")
        return False

    def question_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """Placeholders the questions may use (e.g. the participant's code)."""
        return {"code": values.get("code", "")}

    async def _finish(self, step: WaterfallStepContext) -> DialogTurnResult:
        if self._store(step, self.fields[-1]):
            return await step.end_dialog()
        values = step.values["values"]
        locale = step.context.activity.locale
        try:
            await self._save(await self._form_turn(step.context), values)
        except FieldError as error:
            tries = step.values["tries"] + 1
            if tries >= MAX_ATTEMPTS:
                # Refused on save as often as a wrong answer may be: stop rather than go round.
                await step.context.send_activity(
                    f"{error.message}\n\n{t('form_gave_up', locale)}"
                )
                return await step.end_dialog()
            values.pop(error.field, None)
            return await step.replace_dialog(
                self.id,
                {"values": values, "notice": error.message, "ask": [error.field], "tries": tries},
            )
        except RuleError as error:
            await step.context.send_activity(error_text(error, locale))
        return await step.end_dialog()


class BuiltAttachment(Attachment):
    """An attachment built for one reply. botbuilder deep-copies every activity it sends; a
    card is hundreds of nested values that nothing edits once it is built (the redaction gives
    a copy new content, it does not change the old), so a copy shares the content."""

    def __deepcopy__(self, memo: dict[int, Any]) -> BuiltAttachment:
        return copy.copy(self)


def to_attachment(attachment: plain.Attachment) -> Attachment:
    return BuiltAttachment(
        content_type=attachment.content_type,
        content=attachment.content,
        name=attachment.name,
        content_url=attachment.content_url,
    )


def to_activity(message: Message) -> Activity:
    """The activity that carries `message` (plain text is a text message): the one place a
    reply's shape on the wire is decided. It lives here, not in bot/, because a botbuilder
    prompt sends its question itself (and the dialog state stores it); bot/replies.py uses it
    for every other reply."""
    if isinstance(message, str):
        return MessageFactory.text(message)
    if message.suggested:
        actions = [
            CardAction(type=ActionTypes.im_back, title=answer, value=answer)
            for answer in message.suggested
        ]
        activity = MessageFactory.suggested_actions(actions, text=message.text)
    elif message.attachments:
        activity = MessageFactory.list(
            [to_attachment(a) for a in message.attachments], text=message.text
        )
    else:
        activity = MessageFactory.text(message.text or "")
    if message.summary is not None:
        activity.summary = message.summary
    if message.mentions:
        activity.entities = [
            Mention(
                mentioned=ChannelAccount(id=m.user_id, name=m.user_name),
                text=m.text,
                type="mention",
            )
            for m in message.mentions
        ]
    return activity


# Where a turn keeps its actor once loaded (here or by bot/handler.py), for the rest of the turn.
ACTOR_KEY = "stegvis.actor"


async def turn_actor(db: Database, context: TurnContext) -> Actor:
    """The person behind this turn, read once per turn and never taken from an earlier one
    (roles can change while a form is open)."""
    known = context.turn_state.get(ACTOR_KEY)
    if isinstance(known, Actor):
        return known
    sender = context.activity.from_property
    async with db.read() as session:
        actor = await load_actor(session, (sender.aad_object_id if sender else "") or "")
    context.turn_state[ACTOR_KEY] = actor
    return actor


def form_route(form: type[FormDialog], fixed: dict[str, str] | None = None) -> Any:
    """A command handler that starts `form` with what the command line already says:
    `skriv in V-2026-0042 datum=idag` → {"code": "V-2026-0042", "datum": "idag"}."""

    async def handler(turn: Any) -> None:
        typed = dict(turn.command.fields)
        if turn.args and "code" not in typed and "kod" not in typed:
            typed["code"] = turn.args[0]
        given = raw_fields(form.fields, typed)
        if form.free_text_field and form.free_text_field not in given and len(turn.args) > 1:
            # The words after the code, as typed; `key=value` fields are not part of the text.
            after_code = len(turn.command.typed) - len(turn.args) + 1
            given[form.free_text_field] = " ".join(turn.command.typed[after_code:])
        given.update(fixed or {})
        dialog = await turn.dialogs.find_dialog(form.ID)
        await dialog.start(turn, given)

    return handler
