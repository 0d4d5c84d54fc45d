"""Help, "who am I", the organisation overview, the welcome card and unknown-text suggestions."""

from __future__ import annotations

from botbuilder.schema import Activity
from sqlmodel import select

from dialogs.cards import help_card, suggestions_card, welcome_card
from dialogs.router import Route, Router, Turn
from dialogs.texts import role_phrase, t
from storage.models import Association, CountyPart, Municipality, Programme, SteeringGroup
from storage.org import county_part_names
from storage.permissions import Actor


async def _area_names(turn: Turn) -> list[str]:
    async with turn.db.read() as session:
        return await county_part_names(session, turn.actor.county_parts)


def welcome_message(locale: str | None, actor: Actor, area_names: list[str]) -> Activity:
    status = (
        t("welcome_staff", locale, role=role_phrase(locale, actor.role.value, area_names))
        if actor.role
        else t("welcome_not_staff", locale)
    )
    return welcome_card(locale, status)


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
            Route(("hjälp", "help", "?", "meny"), self.show_help, "help_cmd_help"),
            Route(("vem är jag", "whoami", "who am i"), whoami, "help_cmd_whoami"),
            Route(("organisation", "organization"), show_organisation, "help_cmd_org"),
        ]


async def whoami(turn: Turn) -> None:
    name = turn.actor.display_name or turn.context.activity.from_property.name or "?"
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
