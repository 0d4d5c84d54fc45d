"""Routes a typed command to the conversation that handles it, after the permission check."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from dialogs.commands import Command
from dialogs.forms import DialogContext
from dialogs.inbound import Inbound
from dialogs.reply import Message
from dialogs.texts import error_text, t
from storage.db import Database
from storage.permissions import Action, Actor, is_allowed
from storage.rules import RuleError


@dataclass
class Turn:
    """What a command handler gets: the message as plain values, its dialog context, who is
    asking, and what; `send` puts a reply on the channel (given by bot/handler.py)."""

    inbound: Inbound
    dialogs: DialogContext
    actor: Actor
    command: Command
    db: Database
    send: Callable[[Message], Awaitable[object]]
    args: tuple[str, ...] = ()

    @property
    def locale(self) -> str | None:
        return self.inbound.locale

    def text(self, key: str, **values: object) -> str:
        return t(key, self.locale, **values)

    async def reply(self, message: Message) -> None:
        await self.send(message)


Handler = Callable[[Turn], Awaitable[None]]


def always(_actor: Actor) -> bool:
    return True


@dataclass(frozen=True)
class Route:
    """`phrases` are the Swedish (and English) words that start the command.

    `private` says, for the asking person, whether the answer shows a single participant or
    figures that are not masked: asked in a channel or group chat, such a command is answered
    in the asker's personal chat instead.
    """

    phrases: tuple[str, ...]
    handler: Handler
    help_key: str | None = None
    action: Action | None = None
    staff_only: bool = False
    private: Callable[[Actor], bool] | None = None
    # The text for someone whose role may not do `action`, where the plain "not with your
    # role" would not say why or what to do instead.
    refusal_key: str | None = None

    def is_private(self, actor: Actor) -> bool:
        return self.private is not None and self.private(actor)


class Router:
    def __init__(self, routes: Sequence[Route]) -> None:
        self._routes = list(routes)
        self._phrases = sorted(
            ((tuple(p.split()), r) for r in self._routes for p in r.phrases),
            key=lambda item: -len(item[0]),
        )

    def match(self, command: Command) -> tuple[Route, tuple[str, ...]] | None:
        """The route with the longest phrase that starts the command, and the words after it."""
        for words, route in self._phrases:
            if command.words[: len(words)] == words:
                return route, command.words[len(words) :]
        return None

    def suggest(self, command: Command, limit: int = 3) -> list[str]:
        """Commands close to what was typed, for the "did you mean" card."""
        typed = command.text or command.raw.casefold()
        phrases = [r.phrases[0] for r in self._routes]
        # difflib's ratio is at most 2·len(phrase)/(len(typed)+len(phrase)): past three times
        # the longest phrase nothing reaches the cutoff, and indexing a pasted page is slow.
        close = []
        if len(typed) <= 3 * max(len(p) for p in phrases):
            close = difflib.get_close_matches(typed, phrases, n=limit, cutoff=0.5)
        if not close and command.words:
            close = [p for p in phrases if p.split()[0] == command.words[0]][:limit]
        return close

    def help_lines(self, actor: Actor, locale: str | None) -> list[tuple[str, str]]:
        return [
            (route.phrases[0], t(route.help_key, locale))
            for route in self._routes
            if route.help_key
            and (route.action is None or is_allowed(actor, route.action))
            and (not route.staff_only or actor.is_staff)
        ]

    async def dispatch(self, turn: Turn) -> bool:
        """Run the matching handler; False when nothing matched."""
        found = self.match(turn.command)
        if found is None:
            return False
        route, turn.args = found
        if route.staff_only and not turn.actor.is_staff:
            await turn.reply(turn.text("not_staff"))
            return True
        if route.action is not None and not is_allowed(turn.actor, route.action):
            if turn.actor.role is None:
                await turn.reply(turn.text("not_staff"))
            elif route.refusal_key:
                await turn.reply(turn.text(route.refusal_key))
            else:
                role = turn.text(f"role_{turn.actor.role.value}")
                await turn.reply(turn.text("not_allowed", role=role))
            return True
        try:
            await route.handler(turn)
        except RuleError as error:
            # The one place a refused rule becomes a reply: storage raises, handlers do not
            # catch. The block that raised it is rolled back, as when a handler caught it.
            await turn.reply(error_text(error, turn.locale))
        return True
