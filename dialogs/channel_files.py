"""What a dialog needs to put a file in a channel's Files, so dialogs never import `bot/`.

bot/graph.py implements `ChannelFiles` with Microsoft Graph; bot/handler.py creates the client
and hands it to dialogs on the inbound turn (`Inbound.graph`) when uploads are configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


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
