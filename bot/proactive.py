"""Proactive messages: send to a stored conversation within Teams' rate limits, retry what is
transient, and tell the caller when the recipient is gone for good.

Teams allows a bot about 7 messages a second per conversation and some 30 a second across the
app; beyond that it answers 429. Microsoft asks bots to retry 412, 429, 502 and 504 with
exponential backoff; 403/404 mean the bot was removed or blocked, and retrying never helps.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from weakref import WeakValueDictionary

from aiohttp import ClientError
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import HttpOperationError

from bot.replies import to_activity
from dialogs.reply import Reply
from scheduler.sending import GONE, OpenRefused, Outcome, Reference, SendResult

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 502, 503, 504})
# turn_state key: this turn's sender retries failed sends itself, so the adapter must not
# (bot/delivery.py retries replies).
CALLER_RETRIES = "stegvis.caller_retries"


@dataclass(frozen=True)
class Limit:
    """At most `count` messages in any `seconds`-long window."""

    count: int
    seconds: float


# Teams' documented limits per bot and conversation ("thread"), and the per-app rate the
# issue tracker measured against; `margin` keeps the pace just under them.
TEAMS_PER_CONVERSATION = (Limit(7, 1), Limit(8, 2), Limit(60, 30), Limit(1800, 3600))
TEAMS_PER_APP = 30
MARGIN = 0.95
SLACK_SECONDS = 0.05  # network jitter: a window is treated as this much longer than it is


class Schedule:
    """Send times for one key (the app, or one conversation), spaced evenly and kept within
    every window limit, so messages go one by one at a steady pace (never a burst that then
    waits for a refill). Slots are planned ahead, which orders the waiting senders; the limits
    are also checked against the moments messages actually went, so senders that wake up late
    together (a busy event loop) still go one interval apart."""

    def __init__(self, limits: tuple[Limit, ...], margin: float = MARGIN) -> None:
        self.limits = limits
        tightest = min(limits, key=lambda limit: limit.seconds / limit.count)
        self.min_gap = tightest.seconds / tightest.count  # never closer than the limit allows
        self.interval = self.min_gap / margin  # the pace planned, just under the limit
        size = max(limit.count for limit in limits)
        self._planned: deque[float] = deque(maxlen=size)
        self._sent: deque[float] = deque(maxlen=size)
        self.held_until = 0.0

    def _free(self, times: deque[float], now: float, gap: float) -> float:
        at = max(now, self.held_until)
        if times:
            at = max(at, times[-1] + gap)
        for limit in self.limits:
            if len(times) >= limit.count:
                at = max(at, times[-limit.count] + limit.seconds + SLACK_SECONDS)
        return at

    def next_free(self, now: float) -> float:
        """The earliest moment at or after `now` the next planned message may go: the planned
        pace keeps its cadence (a late wake-up does not push every later slot back)."""
        return max(
            self._free(self._planned, now, self.interval),
            self._free(self._sent, now, self.min_gap),
        )

    def ready_in(self, now: float) -> float:
        """Seconds until a message may actually go, judged by those that went."""
        return self._free(self._sent, now, self.min_gap) - now

    def plan(self, at: float) -> None:
        self._planned.append(at)

    def went(self, at: float) -> None:
        self._sent.append(at)


class Pacer:
    """One schedule for the app and one per conversation; a send waits for both, and a
    conversation Teams answered 429 for is held until its Retry-After has passed (the others
    go on)."""

    def __init__(
        self,
        per_app: int = TEAMS_PER_APP,
        per_conversation: tuple[Limit, ...] = TEAMS_PER_CONVERSATION,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] = time.monotonic,
        margin: float = MARGIN,
    ) -> None:
        self._app = Schedule((Limit(max(1, per_app), 1.0),), margin)
        self._per_conversation, self._margin = per_conversation, margin
        self._conversations: dict[str, Schedule] = {}
        self._sleep, self._now = sleep, now

    def _schedule(self, conversation_id: str) -> Schedule:
        schedule = self._conversations.get(conversation_id)
        if schedule is None:
            schedule = Schedule(self._per_conversation, self._margin)
            self._conversations[conversation_id] = schedule
        return schedule

    def conversation_wait(self, conversation_id: str) -> float:
        """Seconds until this conversation could take a message (its queue and any hold)."""
        now = self._now()
        return self._schedule(conversation_id).next_free(now) - now

    def hold(self, conversation_id: str, seconds: float) -> None:
        """Teams said Retry-After for this conversation: nothing goes there until then."""
        schedule = self._schedule(conversation_id)
        schedule.held_until = max(schedule.held_until, self._now() + seconds)

    async def wait_conversation(self, conversation_id: str) -> None:
        """Until the conversation's planned slot (its queue, its limits and any hold). Done
        before taking one of the app's slots, so a conversation held by a Retry-After (or with
        a long queue) never takes the app's slots from the others."""
        conversation = self._schedule(conversation_id)
        now = self._now()
        at = conversation.next_free(now)
        conversation.plan(at)
        if at > now:
            await self._sleep(at - now)

    async def go(self, conversation_id: str) -> float:
        """Then one of the app's slots, and every limit checked against the messages that
        actually went; returns the moment this one goes, as recorded."""
        conversation = self._schedule(conversation_id)
        now = self._now()
        at = self._app.next_free(now)
        self._app.plan(at)
        if at > now:
            await self._sleep(at - now)
        while True:
            now = self._now()
            gap = max(self._app.ready_in(now), conversation.ready_in(now))
            if gap <= 0:
                self._app.went(now)
                conversation.went(now)
                return now
            await self._sleep(gap)

    async def wait(self, conversation_id: str) -> float:
        """Both steps: until this message may go."""
        await self.wait_conversation(conversation_id)
        return await self.go(conversation_id)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter: spreads retries of many senders over time."""
    return random.uniform(0, min(cap, base * 2**attempt))


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def http_status(error: BaseException) -> int | None:
    """The HTTP status of a connector error, if it has one."""
    return getattr(getattr(error, "response", None), "status_code", None)


def status_of(error: BaseException) -> tuple[int | None, float | None]:
    """HTTP status and Retry-After seconds of a connector error, if it has them."""
    headers = getattr(getattr(error, "response", None), "headers", None) or {}
    return http_status(error), parse_retry_after(headers.get("Retry-After"))


class ProactiveSender:
    """`continue_conversation` with the stored reference, paced and retried.

    At most `in_flight` messages are between their request and their record (`on_sent`) at
    once, and never two to one conversation: a process killed at that moment may have had them
    accepted by Teams without recording it, and only those are sent again after a restart.
    """

    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        pacer: Pacer | None = None,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        in_flight: int = 1,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._adapter, self._app_id = adapter, app_id
        self.pacer = pacer or Pacer(sleep=sleep)
        self._attempts, self._base, self._cap, self._sleep = attempts, base_delay, max_delay, sleep
        self._in_flight = asyncio.Semaphore(max(1, in_flight))
        self._conversation_locks: WeakValueDictionary[str, asyncio.Lock] = WeakValueDictionary()

    def _one_at_a_time(self, conversation_id: str) -> asyncio.Lock:
        lock = self._conversation_locks.get(conversation_id)
        if lock is None:
            lock = asyncio.Lock()
            self._conversation_locks[conversation_id] = lock
        return lock

    async def _send_once(self, reference: ConversationReference, activity: Activity) -> str | None:
        sent: list[str | None] = []
        failure: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            # Caught here: an exception escaping the callback would reach the adapter's
            # on_turn_error, which would try to write an error message to the same conversation.
            context.turn_state[CALLER_RETRIES] = True
            try:
                response = await context.send_activity(activity)
                sent.append(response.id if response else None)
            except Exception as error:
                failure.append(error)

        await self._adapter.continue_conversation(reference, callback, self._app_id)
        if failure:
            raise failure[0]
        return sent[0] if sent else None

    async def _attempt(
        self,
        reference: ConversationReference,
        activity: Activity,
        gone: set[str],
        on_sent: Callable[[SendResult], Awaitable[object]] | None,
    ) -> SendResult:
        """One paced request and its verdict; a message Teams accepted is recorded before the
        place it took is given to the next one."""
        conversation_id = reference.conversation.id
        async with self._one_at_a_time(conversation_id):
            if conversation_id in gone:
                return SendResult(Outcome.GONE, error="the app was removed (seen just before)")
            await self.pacer.wait_conversation(conversation_id)
            async with self._in_flight:
                await self.pacer.go(conversation_id)
                try:
                    result = SendResult(Outcome.SENT, await self._send_once(reference, activity))
                    if on_sent is not None:
                        await on_sent(result)
                    return result
                except HttpOperationError as error:
                    status, retry_after = status_of(error)
                    text = f"HTTP {status}: {error}"
                    if status in GONE:
                        gone.add(conversation_id)
                        return SendResult(Outcome.GONE, error=text)
                    if status not in RETRYABLE:
                        return SendResult(Outcome.FAILED, error=text)
                    if retry_after or status == 429:
                        self.pacer.hold(conversation_id, retry_after or self._base)
                    return SendResult(Outcome.RETRY, error=text, retry_after=retry_after)
                except (ClientError, OSError, TimeoutError) as error:
                    return SendResult(Outcome.RETRY, error=f"{type(error).__name__}: {error}")

    async def open_personal(
        self, stored: Reference, tenant_id: str, aad_object_id: str
    ) -> Reference:
        """Create (or find: Teams answers with the existing one) the personal chat of a person
        who never wrote to the bot, as a proactive install does: `POST /v3/conversations` with
        the tenant and their AAD object id as the member. `template` is any stored conversation
        of that tenant (the service URL and the bot's account). A refusal is OpenRefused with
        the connector's status: 403/404 mean the app is not installed for that person."""
        template = ConversationReference().deserialize(stored)
        created: list[str] = []

        async def callback(context: TurnContext) -> None:
            created.append(context.activity.conversation.id)

        parameters = ConversationParameters(
            is_group=False,
            bot=template.bot,
            members=[ChannelAccount(id=aad_object_id, aad_object_id=aad_object_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )
        await self.pacer.wait(f"create:{aad_object_id}")
        try:
            await self._adapter.create_conversation(
                self._app_id, callback, parameters, template.channel_id, template.service_url
            )
        except HttpOperationError as error:
            raise OpenRefused(http_status(error), str(error)) from error
        reference = ConversationReference(
            bot=template.bot,
            user=ChannelAccount(id=aad_object_id, aad_object_id=aad_object_id),
            conversation=ConversationAccount(
                id=created[0], tenant_id=tenant_id, conversation_type="personal"
            ),
            channel_id=template.channel_id,
            service_url=template.service_url,
        )
        document: Reference = reference.serialize()
        return document

    async def send(
        self,
        stored: Reference,
        message: Reply | Activity,
        gone: set[str] | None = None,
        deadline: float | None = None,
        on_sent: Callable[[SendResult], Awaitable[object]] | None = None,
    ) -> SendResult:
        """Deliver `message` (a project reply, or an activity); a few quick retries for
        transient errors, then the verdict.

        `gone`: conversations that answered 403/404 earlier in this run (and are added to it),
        so the rows queued behind such an answer are not sent into the void. `deadline`
        (time.monotonic()): no quick retry starts after it; the caller's claim ends soon after.
        `on_sent`: records a message Teams accepted, before another request may start."""
        reference = ConversationReference().deserialize(stored)
        activity = to_activity(message) if isinstance(message, Reply) else message
        conversation_id = reference.conversation.id
        gone = set() if gone is None else gone
        result = SendResult(Outcome.RETRY, error="not attempted")
        for attempt in range(self._attempts):
            try:
                result = await self._attempt(reference, activity, gone, on_sent)
            except Exception as error:
                # E.g. an error answer that is not JSON: unknown, so retried later; the outbox
                # gives up after its own attempts, and the log has the details.
                log.exception("unexpected error sending to %s", conversation_id)
                return SendResult(Outcome.RETRY, error=f"{type(error).__name__}: {error}")
            if result.outcome != Outcome.RETRY:
                return result
            if (result.retry_after or 0.0) > self._cap:
                break  # a long Retry-After: the outbox tries again then, this sender goes on
            if attempt + 1 < self._attempts:
                delay = backoff_delay(attempt, self._base, self._cap)
                wait = max(delay, self.pacer.conversation_wait(conversation_id))
                if deadline is not None and time.monotonic() + wait > deadline:
                    break
                await self._sleep(delay)
        log.warning("giving up for now on %s: %s", conversation_id, result.error)
        return result
