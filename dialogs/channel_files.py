"""What a dialog needs to put a file in a channel's Files, so dialogs never import `bot/`.

bot/graph.py implements `ChannelFiles` with Microsoft Graph; bot/handler.py creates the client
and leaves it in the turn's `turn_state` under `GRAPH_KEY` when uploads are configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

# Where the handler leaves the client for conversation modules (TurnContext.turn_state).
GRAPH_KEY = "stegvis.graph"


class GraphError(RuntimeError):
    """A token or Graph call failed; `status` is the HTTP status, 0 for no answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status


@dataclass(frozen=True)
class UploadedFile:
    name: str
    web_url: str
    item_id: str


class ChannelFiles(Protocol):
    """Uploads into a team channel's files folder; a file of the same name is replaced."""

    async def upload_to_channel(
        self, tenant_id: str | None, team_id: str, channel_id: str, name: str, data: bytes
    ) -> UploadedFile: ...
