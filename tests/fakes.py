"""A fake Bot Connector on 127.0.0.1 that records what the bot sends."""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True)
class Answer:
    """A scripted answer to one POST: `accepted` answers count the activity as delivered."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = '{"error": {"code": "Scripted", "message": "scripted answer"}}'
    accepted: bool = False
    delay: float = 0.0  # seconds before answering


class FakeConnector:
    """Answers the Bot Connector REST calls the bot makes and keeps every outgoing activity.

    `answers` scripts the next answers (then 200 with an id again), `answers_for` those to one
    conversation (by id, before `answers`); `posts` counts POSTs, delivered or not."""

    def __init__(self) -> None:
        self.activities: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.answers: deque[Answer] = deque()
        self.answers_for: dict[str, deque[Answer]] = {}
        self.posts = 0
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        # Conversations the bot opened (personal chats), and the status to answer with.
        self.created: list[dict[str, Any]] = []
        self.create_status = 200
        app = web.Application()
        app.router.add_post("/v3/conversations", self._create)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        app.router.add_put("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        await self.server.close()

    async def _post(self, request: web.Request) -> web.Response:
        self.posts += 1
        activity = await request.json()
        activity["_conversation"] = conversation = request.match_info["conversation"]
        scripted = self.answers_for.get(conversation) or self.answers
        answer = scripted.popleft() if scripted else None
        if answer is not None and answer.delay:
            await asyncio.sleep(answer.delay)
        if answer is None or answer.accepted:
            async with self._changed:
                self.activities.append(activity)
                self.paths.append(request.path)
                self._changed.notify_all()
        if answer is None:
            return web.json_response({"id": f"reply-{next(self._ids)}"})
        return web.Response(
            status=answer.status,
            headers=answer.headers,
            text=answer.body,
            content_type="application/json",
        )

    async def _member(self, request: web.Request) -> web.Response:
        """TeamsInfo.get_member, which the SDK calls for each user added to a team or chat."""
        member = request.match_info["member"]
        return web.json_response({"id": member, "name": "Teams User", "userRole": "user"})

    async def _create(self, request: web.Request) -> web.Response:
        parameters = await request.json()
        if self.create_status != 200:
            return web.json_response(
                {"error": {"code": "Forbidden", "message": "bot not installed"}},
                status=self.create_status,
            )
        self.created.append(parameters)
        member = (parameters.get("members") or [{}])[0].get("id", "")
        return web.json_response({"id": f"a:created-{member}"})

    def in_conversation(self, prefix: str) -> list[str]:
        """Texts of what was sent to conversations whose id starts with `prefix`."""
        return [activity_text(a) for a in self.activities if a["_conversation"].startswith(prefix)]

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
        if node.get("type") == "Input.ChoiceSet":  # shown like suggested actions, [title]
            found.extend(f"[{choice.get('title')}]" for choice in node.get("choices", []))
        for key, value in node.items():
            if key == "facts":
                found.extend(f"{f['title']}: {f['value']}" for f in value)
            elif key not in {"data", "choices"}:
                found.extend(_card_texts(value))
        return found
    if isinstance(node, list):
        return [text for item in node for text in _card_texts(item)]
    return []


class FakeUpload:
    """Stands in for the OneDrive upload session URL Teams hands the bot after consent."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        app = web.Application()
        app.router.add_put("/upload/{name}", self._put)
        self.server = TestServer(app, host="127.0.0.1")

    async def _put(self, request: web.Request) -> web.Response:
        self.received.append((dict(request.headers), await request.read()))
        return web.json_response({"id": "item-1"}, status=201)

    def url(self, name: str) -> str:
        return str(self.server.make_url(f"/upload/{name}"))


def consent_invoke(
    base: dict[str, Any], action: str, context: dict[str, Any], upload_url: str
) -> dict[str, Any]:
    """The invoke Teams sends when the user presses Allow or Decline on a FileConsentCard."""
    activity = {**base, "type": "invoke", "name": "fileConsent/invoke"}
    activity.pop("text", None)
    activity["value"] = {
        "type": "fileUpload",
        "action": action,
        "context": context,
        "uploadInfo": {
            "contentUrl": "https://contoso-my.sharepoint.com/personal/sara/Documents/m.docx",
            "name": "Minnesanteckningar.docx",
            "uploadUrl": upload_url,
            "uniqueId": "1150D938-8870-4044-9F2C-5BBDEBA70C8C",
            "fileType": "docx",
        },
    }
    return activity
