"""A fake Bot Connector on 127.0.0.1 for the benchmarks: keeps every activity a bot sends, by
conversation, and can enforce Teams' rate limits the way the service does (429 with
Retry-After) and answer after a chosen latency."""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.proactive import TEAMS_PER_CONVERSATION, Limit


@dataclass
class Received:
    at: float
    conversation: str
    activity: dict[str, Any]


@dataclass
class Window:
    """Accepted messages in the last `limit.seconds`; `full` says how long until one fits."""

    limit: Limit
    times: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.limit.seconds:
            self.times.popleft()
        if len(self.times) < self.limit.count:
            return 0.0
        return self.times[0] + self.limit.seconds - now


class FakeConnector:
    def __init__(
        self,
        *,
        enforce_limits: bool = False,
        per_app: int = 30,
        latency: float = 0.0,
    ) -> None:
        self.enforce, self.latency = enforce_limits, latency
        self.received: list[Received] = []
        self.by_conversation: dict[str, list[Received]] = defaultdict(list)
        self.by_reply_to: dict[str, list[Received]] = defaultdict(list)  # replies to a message
        self.throttled = 0
        self._app = [Window(Limit(per_app, 1.0))]
        self._conversations: dict[str, list[Window]] = {}
        self._ids = itertools.count(1)
        self.arrived = asyncio.Event()
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        self._runner = web.AppRunner(app, access_log=None)
        self.url = ""

    async def start(self) -> None:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"

    async def close(self) -> None:
        await self._runner.cleanup()

    def _throttle(self, conversation: str, now: float) -> float:
        """Seconds to wait if this message would break a limit; 0 accepts (and counts) it."""
        windows = self._conversations.setdefault(
            conversation, [Window(limit) for limit in TEAMS_PER_CONVERSATION]
        )
        wait = max(window.wait(now) for window in [*self._app, *windows])
        if wait > 0:
            return wait
        for window in [*self._app, *windows]:
            window.times.append(now)
        return 0.0

    async def _post(self, request: web.Request) -> web.Response:
        activity = await request.json()
        conversation = request.match_info["conversation"]
        if self.latency:
            await asyncio.sleep(self.latency)
        now = time.monotonic()
        if self.enforce:
            wait = self._throttle(conversation, now)
            if wait > 0:
                self.throttled += 1
                body = {"error": {"code": "TooManyRequests", "message": "throttled"}}
                return web.json_response(
                    body, status=429, headers={"Retry-After": str(max(1, math.ceil(wait)))}
                )
        received = Received(now, conversation, activity)
        self.received.append(received)
        self.by_conversation[conversation].append(received)
        self.by_reply_to[activity.get("replyToId") or ""].append(received)
        self.arrived.set()
        return web.json_response({"id": f"activity-{next(self._ids)}"})
