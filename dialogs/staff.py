"""Staff administration: list, add or change (guided or one line), remove. Admins only."""

from __future__ import annotations

from typing import Any

from dialogs.cards import choices_message
from dialogs.commands import parse_yes_no, split_list
from dialogs.forms import (
    ComponentDialog,
    DialogTurnResult,
    PromptOptions,
    PromptValidatorContext,
    TextPrompt,
    WaterfallDialog,
    WaterfallStepContext,
    to_activity,
)
from dialogs.router import Route, Turn
from dialogs.texts import error_text, role_phrase, t
from storage.db import Database
from storage.org import county_parts_by_name
from storage.permissions import AREA_ROLES, Action, Role, is_allowed
from storage.rules import RuleError
from storage.staff import (
    deactivate_staff,
    find_known_users,
    is_aad_object_id,
    list_staff,
    load_actor,
    normalise_aad_id,
    upsert_staff,
)

ROLE_WORDS: dict[str, Role] = {
    "coach": Role.COACH,
    "samordnare": Role.COORDINATOR,
    "coordinator": Role.COORDINATOR,
    "insatsledare": Role.PROGRAMME_LEAD,
    "insatsägare": Role.PROGRAMME_OWNER,
    "insatsagare": Role.PROGRAMME_OWNER,
    "admin": Role.ADMIN,
    "administratör": Role.ADMIN,
    "viewer": Role.VIEWER,
    "läsare": Role.VIEWER,
}
# What the role question offers: the Swedish words (`admin` and the English ones still work).
ROLE_CHOICES = ("coach", "samordnare", "insatsledare", "insatsägare", "administratör", "läsare")
FIELD_ALIASES = {
    "person": ("id", "person", "vem"),
    "name": ("namn", "name"),
    "role": ("roll", "role"),
    "parts": ("länsdel", "länsdelar", "lansdel", "area"),
}


def parse_role(text: str | None) -> Role | None:
    return ROLE_WORDS.get((text or "").strip().casefold())


def fields_to_options(fields: dict[str, str]) -> dict[str, str]:
    """Map the one-line command's `key=value` fields onto the dialog's slots."""
    options = {}
    for slot, aliases in FIELD_ALIASES.items():
        for alias in aliases:
            if alias in fields:
                options[slot] = fields[alias]
    return options


class StaffDialog(ComponentDialog):
    """Asks only for what the one-line command left out, then confirms and saves."""

    ID = "staff_edit"

    def __init__(self, db: Database) -> None:
        super().__init__(self.ID)
        self._db = db
        self.add_dialog(TextPrompt("staff_person", self._validate_person))
        self.add_dialog(TextPrompt("staff_name"))
        self.add_dialog(TextPrompt("staff_role", self._validate_role))
        self.add_dialog(TextPrompt("staff_parts", self._validate_parts))
        self.add_dialog(TextPrompt("staff_confirm", self._validate_yes_no))
        self.add_dialog(
            WaterfallDialog(
                "staff_steps",
                [
                    self._ask_person,
                    self._ask_name,
                    self._ask_role,
                    self._ask_parts,
                    self._ask_confirm,
                    self._save,
                ],
            )
        )
        self.initial_dialog_id = "staff_steps"

    async def _resolve_person(self, text: str) -> tuple[str, str | None] | str:
        """(aadObjectId, known name) or the error text key."""
        async with self._db.session() as session:
            if is_aad_object_id(text):
                aad = normalise_aad_id(text)
                known = await find_known_users(session, aad)
                return aad, known[0][1] if known else None
            found = await find_known_users(session, text)
        if len(found) == 1:
            return found[0]
        return "staff_person_ambiguous" if found else "staff_person_unknown"

    async def _resolve_parts(self, text: str) -> list[str] | None:
        async with self._db.session() as session:
            parts = await county_parts_by_name(session)
        chosen = [parts.get(word.casefold()) for word in split_list(text)]
        if not chosen or None in chosen:
            return None
        return sorted({p.code for p in chosen if p})

    async def _part_names(self) -> list[str]:
        async with self._db.session() as session:
            parts = await county_parts_by_name(session)
        return sorted({p.name for p in parts.values()})

    async def _person_error(self, context: Any, key: str, value: str) -> None:
        async with self._db.session() as session:
            names = ", ".join(n for _, n in await find_known_users(session, value))
        await context.send_activity(t(key, context.activity.locale, value=value, names=names))

    async def _validate_person(self, prompt: PromptValidatorContext) -> bool:
        value = (prompt.recognized.value or "").strip()
        resolved = await self._resolve_person(value)
        if isinstance(resolved, str):
            await self._person_error(prompt.context, resolved, value)
            return False
        return True

    async def _validate_role(self, prompt: PromptValidatorContext) -> bool:
        if parse_role(prompt.recognized.value):
            return True
        locale = prompt.context.activity.locale
        await prompt.context.send_activity(
            t(
                "staff_role_unknown",
                locale,
                value=prompt.recognized.value,
                roles=", ".join(ROLE_CHOICES),
            )
        )
        return False

    async def _validate_parts(self, prompt: PromptValidatorContext) -> bool:
        if await self._resolve_parts(prompt.recognized.value or ""):
            return True
        locale = prompt.context.activity.locale
        await prompt.context.send_activity(
            t(
                "staff_parts_unknown",
                locale,
                value=prompt.recognized.value,
                parts=", ".join(await self._part_names()),
            )
        )
        return False

    async def _validate_yes_no(self, prompt: PromptValidatorContext) -> bool:
        if parse_yes_no(prompt.recognized.value) is not None:
            return True
        await prompt.context.send_activity(t("answer_yes_no", prompt.context.activity.locale))
        return False

    async def _ask_person(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values.update(step.options or {})
        locale = step.context.activity.locale
        given = step.values.get("person")
        if given:
            resolved = await self._resolve_person(given)
            if not isinstance(resolved, str):
                return await step.next(given)
            await self._person_error(step.context, resolved, given)
        return await step.prompt(
            "staff_person", PromptOptions(prompt=to_activity(t("staff_ask_person", locale)))
        )

    async def _ask_name(self, step: WaterfallStepContext) -> DialogTurnResult:
        resolved = await self._resolve_person(step.result)
        assert not isinstance(resolved, str)  # the validator accepted it
        step.values["aad"], known_name = resolved
        step.values["name"] = step.values.get("name") or known_name
        if step.values["name"]:
            return await step.next(step.values["name"])
        return await step.prompt(
            "staff_name",
            PromptOptions(
                prompt=to_activity(t("staff_ask_name", step.context.activity.locale))
            ),
        )

    async def _ask_role(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["name"] = step.result.strip()
        locale = step.context.activity.locale
        given = step.values.get("role")
        if given and parse_role(given):
            return await step.next(given)
        if given:
            await step.context.send_activity(
                t("staff_role_unknown", locale, value=given, roles=", ".join(ROLE_CHOICES))
            )
        question = choices_message(
            t("staff_ask_role", locale, name=step.values["name"]), list(ROLE_CHOICES), locale
        )
        return await step.prompt("staff_role", PromptOptions(prompt=to_activity(question)))

    async def _ask_parts(self, step: WaterfallStepContext) -> DialogTurnResult:
        role = parse_role(step.result)
        assert role is not None, "the role prompt's validator accepts roles only"
        step.values["role"] = role.value
        if role not in AREA_ROLES:
            return await step.next("")
        locale = step.context.activity.locale
        given = step.values.get("parts")
        if given and await self._resolve_parts(given):
            return await step.next(given)
        names = await self._part_names()
        if given:
            await step.context.send_activity(
                t("staff_parts_unknown", locale, value=given, parts=", ".join(names))
            )
        question = choices_message(
            t("staff_ask_parts", locale, name=step.values["name"], example=names[0]),
            names,
            locale,
            multi=True,
        )
        return await step.prompt("staff_parts", PromptOptions(prompt=to_activity(question)))

    async def _ask_confirm(self, step: WaterfallStepContext) -> DialogTurnResult:
        step.values["parts"] = await self._resolve_parts(step.result) if step.result else []
        if step.values.get("one_line"):
            return await step.next("ja")
        locale = step.context.activity.locale
        question = choices_message(
            t(
                "staff_confirm",
                locale,
                name=step.values["name"],
                role=await self._describe(locale, step.values),
            ),
            [t("yes", locale), t("no", locale)],
            locale,
        )
        return await step.prompt("staff_confirm", PromptOptions(prompt=to_activity(question)))

    async def _describe(self, locale: str | None, values: dict[str, Any]) -> str:
        async with self._db.session() as session:
            parts = await county_parts_by_name(session)
        names = sorted({parts[c].name for c in values["parts"]})
        return role_phrase(locale, values["role"], names)

    async def _save(self, step: WaterfallStepContext) -> DialogTurnResult:
        locale = step.context.activity.locale
        values = step.values
        if not parse_yes_no(step.result):
            await step.context.send_activity(t("staff_not_saved", locale))
            return await step.end_dialog()
        sender = step.context.activity.from_property
        async with self._db.session() as session:
            actor = await load_actor(session, sender.aad_object_id or "")
            if not is_allowed(actor, Action.MANAGE_STAFF):
                await step.context.send_activity(t("not_staff", locale))
                return await step.end_dialog()
            try:
                await upsert_staff(
                    session,
                    values["aad"],
                    values["name"],
                    Role(values["role"]),
                    values["parts"],
                    by=actor,
                )
            except RuleError as error:
                await step.context.send_activity(error_text(error, locale))
                return await step.end_dialog()
        await step.context.send_activity(
            t("staff_saved", locale, name=values["name"], role=await self._describe(locale, values))
        )
        return await step.end_dialog(values["aad"])


async def show_staff(turn: Turn) -> None:
    async with turn.db.session() as session:
        rows = await list_staff(session)
    if not rows:
        await turn.reply(turn.text("staff_list_empty"))
        return
    lines = [
        "- "
        + turn.text(
            "staff_line",
            name=r.display_name,
            role=role_phrase(turn.locale, r.role.value, r.county_parts),
        )
        for r in rows
    ]
    await turn.reply(f"**{turn.text('staff_list_title')}**\n\n" + "\n".join(lines))


async def add_staff(turn: Turn) -> None:
    options: dict[str, Any] = fields_to_options(turn.command.fields)
    options["one_line"] = all(k in options for k in ("person", "role")) and (
        parse_role(options["role"]) not in AREA_ROLES or "parts" in options
    )
    await turn.dialogs.begin_dialog(StaffDialog.ID, options)


async def remove_staff(turn: Turn) -> None:
    who = " ".join(turn.args) or turn.command.fields.get("id", "")
    if not who:
        await turn.reply(turn.text("staff_remove_usage"))
        return
    async with turn.db.session() as session:
        target = who
        if not is_aad_object_id(who):
            rows = [r for r in await list_staff(session) if r.display_name.casefold() == who]
            target = rows[0].aad_object_id if len(rows) == 1 else who
        staff = await deactivate_staff(session, target, by=turn.actor)
    await turn.reply(turn.text("staff_removed", name=staff.display_name))


ROUTES = [
    Route(
        ("personal lägg till", "personal ändra", "staff add"),
        add_staff,
        "help_cmd_staff_add",
        Action.MANAGE_STAFF,
    ),
    Route(
        ("personal ta bort", "staff remove"),
        remove_staff,
        "help_cmd_staff_remove",
        Action.MANAGE_STAFF,
    ),
    Route(("personal", "staff"), show_staff, "help_cmd_staff", Action.MANAGE_STAFF),
]
