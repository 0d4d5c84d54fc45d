"""The message a command answers, as plain values: what handlers read of the inbound turn.

bot/inbound.py builds it from the Bot Framework activity, so dialogs know no SDK type
(docs/architecture.md, "The SDK seam").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from dialogs.channel_files import ChannelFiles, GraphError


async def no_team() -> str:
    """The team's group id where no connector can tell it (not in a team)."""
    raise GraphError(0, "team details: not in a team")


def keep_locale(_locale: str) -> None:
    """Where nothing outside the dialogs reads the turn's locale."""


@dataclass
class Inbound:
    """Who wrote, where, in which language, and what a submitted card holds."""

    locale: str | None
    conversation_id: str
    # "personal", "groupChat" or "channel"; a conversation that does not say is personal.
    conversation_type: str
    sender_id: str
    sender_name: str | None
    sender_aad_id: str  # lower-cased; "" when Teams did not say
    value: dict[str, Any] = field(default_factory=dict)  # a submitted card's fields
    channel_data: dict[str, Any] = field(default_factory=dict)  # Teams' ids (tenant, team, …)
    # Uploads to a channel's Files, when configured (bot/graph.py).
    graph: ChannelFiles | None = None
    # The team's Microsoft 365 group id, asked of the Bot Connector; GraphError when it cannot.
    team_group_id: Callable[[], Awaitable[str]] = no_team
    # Tells bot/ the turn's new language, for what it says after the handler (an apology).
    on_locale: Callable[[str], None] = keep_locale

    @property
    def personal(self) -> bool:
        return self.conversation_type == "personal"

    def use_locale(self, locale: str) -> None:
        """The rest of this turn speaks `locale` (the user has just chosen it)."""
        self.locale = locale
        self.on_locale(locale)
