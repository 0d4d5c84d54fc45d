"""A fake Bot Connector on 127.0.0.1 that records what the bot sends."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


class FakeConnector:
    """Answers the Bot Connector REST calls the bot makes and keeps every outgoing activity."""

    def __init__(self) -> None:
        self.activities: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        app.router.add_put("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    async def _post(self, request: web.Request) -> web.Response:
        activity = await request.json()
        activity["_conversation"] = request.match_info["conversation"]
        async with self._changed:
            self.activities.append(activity)
            self.paths.append(request.path)
            self._changed.notify_all()
        return web.json_response({"id": f"reply-{next(self._ids)}"})

    def texts(self) -> list[str]:
        """Text of each reply, or the text blocks of its card, joined."""
        return [activity_text(a) for a in self.activities]

    def clear(self) -> None:
        self.activities.clear()
        self.paths.clear()


def activity_text(activity: dict[str, Any]) -> str:
    parts = [activity.get("text") or ""]
    for attachment in activity.get("attachments") or []:
        parts.extend(_card_texts(attachment.get("content") or {}))
    for action in (activity.get("suggestedActions") or {}).get("actions", []):
        parts.append(f"[{action.get('title')}]")
    return "\n".join(p for p in parts if p)


def _card_texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = []
        if node.get("type") == "TextBlock":
            found.append(node.get("text", ""))
        if node.get("type") == "Fact":
            found.append(f"{node.get('title')}: {node.get('value')}")
        if node.get("type", "").startswith("Action."):
            found.append(f"[{node.get('title')}]")
        for key, value in node.items():
            if key == "facts":
                found.extend(f"{f['title']}: {f['value']}" for f in value)
            elif key != "data":
                found.extend(_card_texts(value))
        return found
    if isinstance(node, list):
        return [text for item in node for text in _card_texts(item)]
    return []
