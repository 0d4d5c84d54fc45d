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
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum

from aiohttp import ClientError
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import Activity, ConversationReference
from msrest.exceptions import HttpOperationError

log = logging.getLogger(__name__)

RETRYABLE = frozenset({412, 429, 502, 503, 504})
GONE = frozenset({403, 404})
# turn_state key: this turn's sender retries failed sends itself, so the adapter must not
# (bot/delivery.py retries replies).
CALLER_RETRIES = "stegvis.caller_retries"


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


class TokenBucket:
    """`rate` tokens a second, bursts up to `capacity`; `reserve` says how long to wait."""

    def __init__(
        self, rate: float, capacity: float, now: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.capacity, self._now = rate, capacity, now
        self._tokens, self._at = capacity, now()

    def reserve(self) -> float:
        """Take one token (possibly borrowed from the future); seconds until it is ours."""
        current = self._now()
        self._tokens = min(self.capacity, self._tokens + (current - self._at) * self.rate)
        self._at = current
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate


class Pacer:
    """One bucket for the app and one per conversation; a send waits for both."""

    def __init__(
        self,
        per_conversation: float = 7.0,
        per_app: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = TokenBucket(per_app, per_app, now)
        self._per_conversation = per_conversation
        self._conversations: dict[str, TokenBucket] = {}
        self._sleep, self._now = sleep, now

    async def wait(self, conversation_id: str) -> None:
        bucket = self._conversations.get(conversation_id)
        if bucket is None:
            bucket = TokenBucket(self._per_conversation, self._per_conversation, self._now)
            self._conversations[conversation_id] = bucket
        delay = max(self._app.reserve(), bucket.reserve())
        if delay > 0:
            await self._sleep(delay)


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


def status_of(error: BaseException) -> tuple[int | None, float | None]:
    """HTTP status and Retry-After seconds of a connector error, if it has them."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None)
    headers = getattr(response, "headers", None) or {}
    return status, parse_retry_after(headers.get("Retry-After"))


class ProactiveSender:
    """`continue_conversation` with the stored reference, paced and retried."""

    def __init__(
        self,
        adapter: BotAdapter,
        app_id: str,
        pacer: Pacer | None = None,
        *,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._adapter, self._app_id = adapter, app_id
        self._pacer = pacer or Pacer(sleep=sleep)
        self._attempts, self._base, self._cap, self._sleep = attempts, base_delay, max_delay, sleep

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

    async def send(self, reference: ConversationReference, activity: Activity) -> SendResult:
        """Deliver `activity`; a few quick retries for transient errors, then the verdict."""
        conversation_id = reference.conversation.id
        result = SendResult(Outcome.RETRY, error="not attempted")
        for attempt in range(self._attempts):
            await self._pacer.wait(conversation_id)
            try:
                return SendResult(Outcome.SENT, await self._send_once(reference, activity))
            except HttpOperationError as error:
                status, retry_after = status_of(error)
                text = f"HTTP {status}: {error}"
                if status in GONE:
                    return SendResult(Outcome.GONE, error=text)
                if status not in RETRYABLE:
                    return SendResult(Outcome.FAILED, error=text)
                result = SendResult(Outcome.RETRY, error=text, retry_after=retry_after)
            except (ClientError, OSError, TimeoutError) as error:
                retry_after = None
                result = SendResult(Outcome.RETRY, error=f"{type(error).__name__}: {error}")
            except Exception as error:
                # E.g. an error answer that is not JSON: unknown, so retried later; the outbox
                # gives up after its own attempts, and the log has the details.
                log.exception("unexpected error sending to %s", conversation_id)
                return SendResult(Outcome.RETRY, error=f"{type(error).__name__}: {error}")
            if attempt + 1 < self._attempts:
                delay = backoff_delay(attempt, self._base, self._cap)
                await self._sleep(max(delay, min(retry_after or 0.0, self._cap)))
        log.warning("giving up for now on %s: %s", conversation_id, result.error)
        return result
