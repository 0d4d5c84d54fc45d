"""Help, "who am I", the organisation overview, the welcome card and unknown-text suggestions."""

from __future__ import annotations

from sqlmodel import select

from dialogs.cards import help_card, suggestions_card, welcome_card
from dialogs.reply import Reply
from dialogs.router import Route, Router, Turn
from dialogs.texts import role_phrase, t
from storage.language import choose_locale
from storage.models import Association, CountyPart, Municipality, Programme, SteeringGroup
from storage.org import county_part_names
from storage.permissions import Actor, Role

# Words that show help; asked while a form is open, the form waits (bot/handler.py).
_GREETINGS = ("hej", "hejsan", "hallå", "hello", "hi")
HELP_WORDS = ("hjälp", "help", "?", "meny", *_GREETINGS, *(f"{word}!" for word in _GREETINGS))

# The three things each role can do first (command, text key of what it does); someone who is
# not staff yet can find out who they are (to tell an administrator) and look around.
FIRST_STEPS: dict[Role | None, tuple[tuple[str, str], ...]] = {
    None: (("vem är jag", "first_step_whoami"), ("organisation", "first_step_org"),
           ("hjälp", "first_step_help")),
    Role.ADMIN: (("personal lägg till", "first_step_staff_add"),
                 ("organisation", "first_step_org"), ("hjälp", "first_step_help")),
    Role.COORDINATOR: (("ny aktualisering", "first_step_referral"),
                       ("mina deltagare", "first_step_my"), ("nytt möte", "first_step_meeting")),
    Role.COACH: (("mina deltagare", "first_step_my"),
                 ("mina påminnelser", "first_step_reminders"), ("hjälp", "first_step_help")),
    Role.PROGRAMME_LEAD: (("rapport", "first_step_report"), ("protokoll", "first_step_minutes"),
                          ("åtgärder", "first_step_actions")),
    Role.PROGRAMME_OWNER: (("rapport", "first_step_report"), ("protokoll", "first_step_minutes"),
                           ("åtgärder", "first_step_actions")),
    Role.VIEWER: (("rapport", "first_step_report"), ("organisation", "first_step_org"),
                  ("hjälp", "first_step_help")),
}

# `språk en` / `språk sv`: the locale each word chooses.
LANGUAGES = {
    "sv": "sv-SE", "svenska": "sv-SE", "swedish": "sv-SE",
    "en": "en-US", "engelska": "en-US", "english": "en-US",
}


async def _area_names(turn: Turn) -> list[str]:
    async with turn.db.read() as session:
        return await county_part_names(session, turn.actor.county_parts)


def welcome_message(
    locale: str | None, actor: Actor, area_names: list[str], name: str = ""
) -> Reply:
    """The greeting on install: who the user is to Stegvis, and three things to do now. A first
    admin registered before Teams told their name is stored under the id: not a name to greet."""
    known = actor.display_name if actor.display_name.casefold() != actor.aad_object_id else ""
    name = known or name
    if actor.role:
        role = role_phrase(locale, actor.role.value, area_names)
        status = (
            t("welcome_staff_named", locale, name=name, role=role)
            if name
            else t("welcome_staff", locale, role=role)
        )
    else:
        status = t("welcome_not_staff", locale)
    steps = [
        (command, t(key, locale)) for command, key in FIRST_STEPS.get(actor.role, FIRST_STEPS[None])
    ]
    return welcome_card(locale, status, steps)


class HelpRoutes:
    """Needs the full router to list what the asking user may do."""

    def __init__(self) -> None:
        self.router: Router | None = None

    async def show_help(self, turn: Turn) -> None:
        assert self.router is not None
        await turn.reply(help_card(turn.locale, self.router.help_lines(turn.actor, turn.locale)))

    async def suggest(self, turn: Turn) -> None:
        assert self.router is not None
        options = self.router.suggest(turn.command)
        await turn.reply(suggestions_card(turn.locale, options))

    def routes(self) -> list[Route]:
        return [
            Route(HELP_WORDS, self.show_help, "help_cmd_help"),
            Route(("språk", "sprak", "language"), choose_language, "help_cmd_language"),
            Route(("vem är jag", "whoami", "who am i"), whoami, "help_cmd_whoami"),
            Route(("organisation", "organization"), show_organisation, "help_cmd_org"),
        ]


async def choose_language(turn: Turn) -> None:
    """`språk en` / `språk sv`: the user's own language, kept until they choose again."""
    locale = LANGUAGES.get(turn.args[0]) if len(turn.args) == 1 else None
    if locale is None:
        await turn.reply(turn.text("language_usage"))
        return
    async with turn.db.session() as session:
        await choose_locale(session, turn.inbound.sender_id, locale)
    turn.inbound.use_locale(locale)
    await turn.reply(turn.text("language_chosen"))


async def whoami(turn: Turn) -> None:
    name = turn.actor.display_name or turn.inbound.sender_name or "?"
    if turn.actor.role is None:
        await turn.reply(turn.text("whoami_not_staff", name=name))
        return
    role = role_phrase(turn.locale, turn.actor.role.value, await _area_names(turn))
    await turn.reply(turn.text("whoami", name=name, role=role))


async def show_organisation(turn: Turn) -> None:
    async with turn.db.read() as session:
        association = (await session.exec(select(Association))).first()
        parts = (await session.exec(select(CountyPart).order_by(CountyPart.name))).all()
        municipalities = (
            await session.exec(select(Municipality).order_by(Municipality.name))
        ).all()
        programmes = (await session.exec(select(Programme.name).where(Programme.active))).all()
        groups = (await session.exec(select(SteeringGroup.name).order_by(SteeringGroup.name))).all()
    lines = [f"**{turn.text('org_title', name=association.name if association else '')}**", ""]
    for part in parts:
        names = ", ".join(m.name for m in municipalities if m.county_part_id == part.id)
        lines.append(
            "- "
            + turn.text(
                "org_county_part", name=part.name, base=part.base_town, municipalities=names
            )
        )
    lines += [
        "",
        turn.text("org_programmes", names=", ".join(programmes)),
        turn.text("org_groups", names=", ".join(groups)),
    ]
    await turn.reply("\n".join(lines))
