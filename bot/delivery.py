"""Replies within a turn, retried like proactive messages when Teams throttles or stumbles.

A reply is sent while the Bot Connector waits for the turn to finish, after the handler has
written whatever the message asked for, so a reply that fails must be sent again on its own:
failing the turn would lose the reply, and running the handler again would repeat its write.
Here each reply is retried on 429 (after at least Retry-After), 412 and 5xx with exponential
backoff, within a budget per turn so that the turn still ends before the Bot Connector gives up
waiting for it.

What counts is the status the connector answered, recorded by a response hook on the turn's
connector client, not the exception botbuilder raises: it raises for an accepted 204, and its
JSON decoding raises the same DeserializationError for a 200 and a 500 whose body is not JSON.
Any 2xx means the connector accepted the activity, so it is never posted again. A request that
got no answer at all (a read timeout) is not retried either, since the connector may have taken
it; connection failures before anything was sent are retried by the HTTP layer below.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.auth import BotFrameworkAuthentication

from bot.proactive import CALLER_RETRIES, RETRYABLE, backoff_delay, parse_retry_after

log = logging.getLogger(__name__)

# Proactive sends retry 412/429/502/503/504 (Microsoft's list); a reply also retries 500, which
# the connector answers when Teams behind it fails, and which the issue saw lose replies.
REPLY_RETRYABLE = RETRYABLE | {500}
_SPENT = "stegvis.reply_retry_seconds"
# A list in turn_state: replies are appended to it instead of being sent (bot/once.py).
HELD_REPLIES = "stegvis.held_replies"


class LastAnswer:
    """A `requests` response hook: the status and Retry-After of the connector's last answer."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.retry_after: float | None = None

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> None:
        self.status = response.status_code
        self.retry_after = parse_retry_after(response.headers.get("Retry-After"))

    def clear(self) -> None:
        self.status, self.retry_after = None, None


def last_answer(context: TurnContext) -> LastAnswer | None:
    """The hook on this turn's connector client, installed on first use."""
    client = context.turn_state.get(CloudAdapter.BOT_CONNECTOR_CLIENT_KEY)
    hooks = getattr(getattr(client, "config", None), "hooks", None)
    if not isinstance(hooks, list):
        return None
    for hook in hooks:
        if isinstance(hook, LastAnswer):
            return hook
    hook = LastAnswer()
    hooks.append(hook)
    return hook


class ReplyRetryingAdapter(CloudAdapter):
    """CloudAdapter whose replies are retried one activity at a time (see the module text)."""

    def __init__(
        self,
        auth: BotFrameworkAuthentication,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 5.0,
        budget: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(auth)
        self._attempts, self._base, self._cap = attempts, base_delay, max_delay
        self._budget, self._sleep = budget, sleep

    async def send_activities(
        self, context: TurnContext, activities: list[Activity]
    ) -> list[ResourceResponse]:
        held = context.turn_state.get(HELD_REPLIES)
        if isinstance(held, list):
            # The turn's transaction has not committed: keep the replies until it has
            # (bot/once.py). Invoke responses are not sent anyway: they answer the request.
            return [await self._hold(context, held, activity) for activity in activities]
        answer = None if context.turn_state.get(CALLER_RETRIES) else last_answer(context)
        if answer is None or len(activities) == 0:
            sent: list[Any] = await super().send_activities(context, activities)
            return sent
        return [await self._send_one(context, activity, answer) for activity in activities]

    async def _hold(
        self, context: TurnContext, held: list[Activity], activity: Activity
    ) -> ResourceResponse:
        if activity.type == ActivityTypes.invoke_response:
            (response,) = await super().send_activities(context, [activity])
            return response
        held.append(activity)
        return ResourceResponse(id=f"held-{len(held)}")

    async def _send_one(
        self, context: TurnContext, activity: Activity, answer: LastAnswer
    ) -> ResourceResponse:
        attempt = 0
        while True:
            answer.clear()
            try:
                (response,) = await super().send_activities(context, [activity])
                return response
            except Exception:
                status = answer.status
                if status is not None and 200 <= status < 300:
                    log.warning("the connector accepted a reply (HTTP %s) the SDK could not read",
                                status)
                    return ResourceResponse()
                attempt += 1
                if status not in REPLY_RETRYABLE or attempt >= self._attempts:
                    raise
                delay = max(backoff_delay(attempt - 1, self._base, self._cap),
                            answer.retry_after or 0.0)
                spent = context.turn_state.get(_SPENT, 0.0)
                if spent + delay > self._budget:
                    log.warning("reply not sent: HTTP %s, and %.1f s more is past the budget",
                                status, delay)
                    raise
                log.info("reply got HTTP %s, retrying in %.1f s", status, delay)
                context.turn_state[_SPENT] = spent + delay
                await self._sleep(delay)
