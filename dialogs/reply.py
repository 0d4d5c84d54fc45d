"""What a conversation says back, as plain data: text, cards as dicts, one-tap answers.

Dialogs and the scheduler build these; bot/replies.py turns them into the channel's own
message type, so no conversation knows the Bot Framework's Activity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class Attachment:
    """A card (an Adaptive Card's JSON, or a Teams file card) carried by a reply."""

    content_type: str
    content: Any = None
    name: str | None = None
    content_url: str | None = None


@dataclass(frozen=True)
class Mention:
    """Someone the reply's text mentions (`text` is how the mention reads in it)."""

    user_id: str
    user_name: str
    text: str


@dataclass(frozen=True)
class Reply:
    """One message. `summary` is the plain text shown in notifications and read by screen
    readers for a card; `suggested` are answers sent as if typed, one tap each."""

    text: str | None = None
    attachments: tuple[Attachment, ...] = ()
    summary: str | None = None
    suggested: tuple[str, ...] = ()
    mentions: tuple[Mention, ...] = field(default=())


# What a handler may send: plain text, or a reply with cards.
Message = str | Reply
