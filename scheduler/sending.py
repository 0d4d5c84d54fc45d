"""What the reminder service needs from a proactive sender, so the scheduler never imports
`bot/`: bot/proactive.py implements `Sender` against the Bot Framework adapter and bot/
wires it in (bot/scheduling.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

# Where to write: the channel's conversation reference as its JSON document (stored by
# storage/conversations.py; bot/proactive.py turns it into the SDK's own type).
Reference = dict[str, Any]

# 403/404: the bot was removed or blocked; retrying never helps.
GONE = frozenset({403, 404})


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # still transient after the quick retries: try again later
    GONE = "gone"  # the app was removed or the conversation no longer exists
    FAILED = "failed"  # a request Teams will never accept


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    activity_id: str | None = None
    error: str = ""
    retry_after: float | None = None


class OpenRefused(Exception):
    """The connector refused to open a personal chat; `status` is its HTTP status, if any."""

    def __init__(self, status: int | None, message: str = "") -> None:
        super().__init__(message or f"HTTP {status}")
        self.status = status


class ConversationPacing(Protocol):
    def conversation_wait(self, conversation_id: str) -> float:
        """Seconds before the conversation may take another message."""
        ...


class Sender(Protocol):
    """Paced, retried delivery to stored conversations (see bot/proactive.py)."""

    @property
    def pacer(self) -> ConversationPacing: ...

    async def open_personal(
        self, template: Reference, tenant_id: str, aad_object_id: str
    ) -> Reference:
        """The person's personal chat; OpenRefused when the connector says no."""
        ...

    async def send(
        self,
        reference: Reference,
        activity: Any,
        gone: set[str] | None = None,
        deadline: float | None = None,
        on_sent: Callable[[SendResult], Awaitable[object]] | None = None,
    ) -> SendResult: ...
