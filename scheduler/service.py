"""Planning and dispatching reminders: today's reminders into the outbox, due rows to Teams,
each exactly once and each on its own (scheduler/runner.py runs these on a clock).

The message a row becomes is rendered by the function bot/ passes in (`Render`, the reminder
card of dialogs/reminders.py), so the scheduler knows the outbox and the sender, not the chat.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time as monotonic_time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlmodel import col, select

from scheduler.sending import GONE, OpenRefused, Outcome, Reference, Sender, SendResult
from storage.calendar import in_dst_window
from storage.clock import clock
from storage.conversations import (
    THREAD_MARKER,
    conversation_of,
    forget_conversation,
    latest_conversation,
    load_reference,
    remember_conversation,
    team_channel,
)
from storage.db import Database
from storage.models import ConversationRef, ReminderOutbox, Staff
from storage.notices import NOTICE_RULE, tell_unreachable
from storage.reminder_rules import CHANNEL_PREFIX
from storage.reminders import (
    Outbox,
    claim_due,
    mark_final,
    mark_retry,
    mark_sent,
    plan_reminders,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # outbox-level tries (each with the sender's quick retries) before `failed`
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=2)
# A recipient who has not opened the bot yet is looked for again after half the reminder's
# age (at least a minute, at most an hour), until the reminder is `catch_up_days` old.
WAIT_FOR_CONVERSATION_MIN = timedelta(minutes=1)
WAIT_FOR_CONVERSATION_MAX = timedelta(hours=1)
# A conversation held by Retry-After for longer than this gets its rows back in the outbox
# until then, and one with this many rows in hand gets the next ones back at its sustained pace
# (Teams: 60 in 30 s), so one busy channel neither holds the sending slots nor the leases.
DEFER_SECONDS = 10.0
IN_HAND_PER_CONVERSATION = 8
CONVERSATION_PACE = timedelta(seconds=30 / 57)
RECORD_TRIES = 3  # a sent message's record is written again after a database error

# The message a row becomes, in the recipient's locale, from the row and its parameters: what
# the sender is given to send (bot/ passes dialogs/reminders.py `reminder_card`).
Render = Callable[[str | None, ReminderOutbox, dict[str, str]], Any]


@dataclass(frozen=True)
class ReminderSettings:
    send_at: time = time(8, 0)
    lease: timedelta = timedelta(minutes=2)
    catch_up_days: int = 7
    locale: str = "sv-SE"
    in_flight: int = 1  # messages between their request and their record at once
    tenant_id: str = ""  # the app's tenant (single-tenant apps), for opening personal chats


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    waiting: int = 0  # the recipient has no conversation with the bot yet
    gone: int = 0
    failed: int = 0
    unreachable: int = 0  # the app is not installed for the recipient: channel and admins told
    errors: int = 0  # the dispatcher itself could not go on (database); retried next run

    def count(self, outcome: Outcome | str) -> None:
        if outcome == Outcome.SENT:
            self.sent += 1
        elif outcome == Outcome.RETRY:
            self.retried += 1
        elif outcome == WAITING:
            self.waiting += 1
        elif outcome == Outcome.GONE:
            self.gone += 1
        elif outcome == UNREACHABLE:
            self.unreachable += 1
        else:
            self.failed += 1


WAITING = "waiting"
UNREACHABLE = "unreachable"


def outbox_retry_at(now: datetime, attempts: int, retry_after: float | None) -> datetime:
    """When a row that failed transiently is tried again: exponential, jittered, capped."""
    delay: timedelta = min(RETRY_CAP, RETRY_BASE * 2 ** max(attempts - 1, 0))
    delay = delay * random.uniform(0.5, 1.0)
    return now + max(delay, timedelta(seconds=retry_after or 0))


def conversation_wait_until(now: datetime, created_at: datetime) -> datetime:
    """Next look for a conversation: half the row's age, within one minute and one hour."""
    age = now - _aware(created_at)
    delay = min(WAIT_FOR_CONVERSATION_MAX, max(WAIT_FOR_CONVERSATION_MIN, age / 2))
    return now + delay * random.uniform(0.8, 1.0)


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without a zone; they are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Removed:
    """The recipient had a conversation with the bot and removed the app."""


@dataclass(frozen=True)
class _NotInstalled:
    """Teams refused to open a personal chat with the recipient (403/404)."""

    error: str


REMOVED = _Removed()
Found = tuple[Reference, str] | _Removed | _NotInstalled | None


@dataclass
class RunState:
    """What one dispatch run learns as it goes: where each recipient is reached (looked up
    once per run, most people get several reminders) and which conversations answered
    403/404 (see bot/proactive.py)."""

    references: dict[str, Found] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    looking: dict[str, asyncio.Lock] = field(default_factory=dict)


def _key(row: ReminderOutbox) -> int:
    """A claimed row's id: rows read from the outbox always have one."""
    if row.id is None:
        raise ValueError("an outbox row that was never stored")
    return row.id


class ReminderService:
    """Plans today's reminders into the outbox and delivers due rows, each exactly once."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        render: Render,
        settings: ReminderSettings | None = None,
    ) -> None:
        self.db, self.sender, self.render = db, sender, render
        self.settings = settings or ReminderSettings()
        self._in_hand: Counter[str] = Counter()  # rows of a conversation being sent now
        self._deferred: dict[str, datetime] = {}  # latest time a row was put back for

    async def plan(self) -> int:
        async with self.db.session() as session:
            return await plan_reminders(
                session, clock.today(), self.settings.send_at, self.settings.catch_up_days
            )

    async def _reference(self, recipient: str) -> Found:
        """Where to write: a channel by id, or the person's personal chat with the bot."""
        async with self.db.read() as session:
            channel = recipient[len(CHANNEL_PREFIX) :]
            if recipient.startswith(CHANNEL_PREFIX):
                # A channel by its own id is reached through any stored thread of it.
                query = select(ConversationRef).where(
                    (col(ConversationRef.conversation_id) == channel)
                    | col(ConversationRef.conversation_id).startswith(
                        channel + THREAD_MARKER, autoescape=True
                    )
                )
            else:
                query = select(ConversationRef).where(
                    ConversationRef.aad_object_id == recipient,
                    ConversationRef.conversation_type == "personal",
                )
            rows = (
                await session.exec(query.order_by(col(ConversationRef.updated_at).desc()))
            ).all()
        live = [row for row in rows if row.removed_at is None]
        if live and recipient.startswith(CHANNEL_PREFIX):
            reference = load_reference(live[0])
            reference["conversation"]["id"] = channel  # a new post, not a reply in that thread
            return reference, channel
        if live:
            return load_reference(live[0]), live[0].conversation_id
        return REMOVED if rows else None

    async def _find(self, row: ReminderOutbox, run: RunState) -> Found:
        """Where this row's recipient is reached, looked up (and a personal chat opened) once
        per recipient and run."""
        recipient = row.recipient
        lock = run.looking.setdefault(recipient, asyncio.Lock())
        async with lock:
            if recipient not in run.references:
                found = await self._reference(recipient)
                if found is None and not recipient.startswith(CHANNEL_PREFIX):
                    found = await self._open(recipient)
                run.references[recipient] = found
        return run.references[recipient]

    async def _open(self, aad_object_id: str) -> Found:
        """A staff member who never wrote to the bot: open their personal chat through the
        connector and store it, so this and later reminders reach them. None: the bot knows no
        conversation at all yet (no service URL), so there is nothing to open it from."""
        async with self.db.read() as session:
            template = await latest_conversation(session, self.settings.tenant_id or None)
            if template is None and self.settings.tenant_id:
                template = await latest_conversation(session)
            person = (
                await session.exec(select(Staff).where(Staff.aad_object_id == aad_object_id))
            ).first()
        tenant = self.settings.tenant_id or (template.tenant_id if template else None)
        if template is None or not tenant:
            return None
        try:
            reference = await self.sender.open_personal(
                load_reference(template), tenant, aad_object_id
            )
        except OpenRefused as error:
            status = error.status
            if status in GONE:
                log.warning("the app is not installed for a recipient (HTTP %s)", status)
                return _NotInstalled(f"HTTP {status}: the app is not installed for the person")
            raise ConnectionError(f"opening a personal chat: HTTP {status}") from error
        async with self.db.session() as session:
            await remember_conversation(
                session,
                reference,
                conversation_type="personal",
                tenant_id=tenant,
                aad_object_id=aad_object_id,
                user_name=person.display_name if person else None,
            )
        return reference, conversation_of(reference)

    async def _not_installed(self, row: ReminderOutbox, found: _NotInstalled) -> str:
        """Mention the person in the team channel and tell the admins (once a day, as outbox
        notices), and keep the reminder: it goes out once the app is installed for them, and
        ends as `unreachable`, never silently `failed`, when it is too old. A notice that cannot
        reach an admin is not passed on again."""
        if row.rule_code == NOTICE_RULE:
            return await self._no_conversation(row)
        now = clock.now()
        stale = row.remind_on + timedelta(days=self.settings.catch_up_days) < clock.today()
        async with self.db.session() as session:
            channel = await team_channel(session)
            told = await tell_unreachable(session, row.recipient, clock.today(), channel)
            if not told.channel and not told.admins:
                log.warning("reminder %s: its recipient cannot be reached, nobody to tell", row.id)
            error = f"{found.error}; {told}"
            if stale:
                await mark_final(session, _key(row), Outbox.UNREACHABLE, error)
            else:
                await mark_retry(
                    session,
                    _key(row),
                    conversation_wait_until(now, row.created_at),
                    error,
                    counts=False,
                )
        return UNREACHABLE

    async def _no_conversation(self, row: ReminderOutbox) -> str:
        """Not installed yet: wait (the person may open the bot) until the reminder is stale."""
        now = clock.now()
        stale = row.remind_on + timedelta(days=self.settings.catch_up_days) < clock.today()
        async with self.db.session() as session:
            if stale:
                await mark_final(session, _key(row), Outbox.FAILED, "no conversation with the bot")
                return Outcome.FAILED
            await mark_retry(
                session,
                _key(row),
                conversation_wait_until(now, row.created_at),
                "no conversation with the bot yet",
                counts=False,
            )
        return WAITING

    async def deliver(self, row: ReminderOutbox, run: RunState | None = None) -> Outcome | str:
        """Send one claimed row and record the result at once (a short, separate commit).

        Whatever goes wrong with this row is recorded on it; the other rows go on."""
        run = run or RunState()
        try:
            found = await self._find(row, run)
            if isinstance(found, _NotInstalled):
                return await self._not_installed(row, found)
            if found is REMOVED:
                async with self.db.session() as session:
                    await mark_final(session, _key(row), Outbox.GONE, "the app was removed")
                return Outcome.GONE
            if not isinstance(found, tuple):
                return await self._no_conversation(row)
            reference, conversation_id = found
            later = self._later(conversation_id)
            if later is not None:
                async with self.db.session() as session:
                    await mark_retry(session, _key(row), later, "conversation busy", counts=False)
                return Outcome.RETRY
            locale = reference.get("locale") or self.settings.locale
            activity = self.render(locale, row, json.loads(row.params))
        except Exception as error:
            log.exception("reminder %s could not be prepared", row.id)
            await self._record_failure(row, error)
            return Outcome.RETRY
        recorded: list[Outcome | str] = []

        async def record(result: SendResult) -> None:
            recorded.append(await self._record(row, result, conversation_id))

        self._in_hand[conversation_id] += 1
        deadline = monotonic_time.monotonic() + self.settings.lease.total_seconds() / 2
        try:
            result = await self.sender.send(reference, activity, run.gone, deadline, record)
        finally:
            self._in_hand[conversation_id] -= 1
        return recorded[0] if recorded else await self._record(row, result, conversation_id)

    def _later(self, conversation_id: str) -> datetime | None:
        """When to come back for a row of a conversation that cannot take it soon; None: now."""
        now = clock.now()
        held = self.sender.pacer.conversation_wait(conversation_id)
        if held > DEFER_SECONDS:
            return now + timedelta(seconds=held)
        in_hand = self._in_hand[conversation_id]
        if in_hand < IN_HAND_PER_CONVERSATION:
            return None
        at = max(
            now + CONVERSATION_PACE * in_hand,
            self._deferred.get(conversation_id, now) + CONVERSATION_PACE,
        )
        self._deferred[conversation_id] = at
        return at

    async def _record(self, row: ReminderOutbox, result: SendResult, conversation_id: str) -> str:
        """Write what Teams answered. After a send this must not turn into a second send: on a
        database error it is tried again, and failing that the claim expires (see README)."""
        for attempt in range(RECORD_TRIES):
            try:
                async with self.db.session() as session:
                    if result.outcome == Outcome.SENT:
                        await mark_sent(session, _key(row), result.activity_id)
                    elif result.outcome == Outcome.GONE:
                        await forget_conversation(session, conversation_id)
                        await mark_final(session, _key(row), Outbox.GONE, result.error)
                    elif result.outcome == Outcome.RETRY and row.attempts < MAX_ATTEMPTS:
                        at = outbox_retry_at(clock.now(), row.attempts, result.retry_after)
                        await mark_retry(session, _key(row), at, result.error)
                    else:
                        await mark_final(session, _key(row), Outbox.FAILED, result.error)
                        return Outcome.FAILED
                return result.outcome
            except Exception:
                log.exception("could not record reminder %s (try %d)", row.id, attempt + 1)
                await asyncio.sleep(0.5 * (attempt + 1))
        return result.outcome

    async def _record_failure(self, row: ReminderOutbox, error: Exception) -> None:
        """A row that cannot even be prepared: retried later, then given up like any other."""
        text = f"{type(error).__name__}: {error}"
        try:
            async with self.db.session() as session:
                if row.attempts < MAX_ATTEMPTS:
                    at = outbox_retry_at(clock.now(), row.attempts, None)
                    await mark_retry(session, _key(row), at, text)
                else:
                    await mark_final(session, _key(row), Outbox.FAILED, text)
        except Exception:
            log.exception("could not record the failure of reminder %s", row.id)

    async def _claim(self, limit: int, holding: Collection[int]) -> list[ReminderOutbox]:
        now = clock.now()
        if in_dst_window(now):
            return []
        async with self.db.session() as session:
            return await claim_due(session, now, self.settings.lease, limit, holding)

    async def dispatch(
        self, limit: int = 100_000, beat: Callable[[], None] | None = None
    ) -> DispatchReport:
        """Deliver due rows until none is due (at most `limit`), several at once.

        Rows are claimed a few at a time and each is handed to its own task; the pacer spaces
        the sends and the sender bounds how many are open, so a conversation held by a 429 waits
        while the others go on. A database error stops the claiming, not the rows in hand."""
        report = DispatchReport()
        batch = max(4, self.settings.in_flight)
        pending: dict[asyncio.Task[Outcome | str], int] = {}
        run = RunState()
        claimed = 0

        def finished(task: asyncio.Task[Outcome | str]) -> None:
            pending.pop(task, None)
            if task.cancelled() or task.exception() is not None:
                # Not recorded: the claim expires and the row is tried again (see README).
                if not task.cancelled():
                    log.error("a reminder's delivery failed", exc_info=task.exception())
                report.count(Outcome.RETRY)
            else:
                report.count(task.result())
            if beat is not None:
                beat()

        try:
            while claimed < limit:
                if len(pending) >= max(16, 4 * batch):
                    await asyncio.wait(list(pending), return_when=asyncio.FIRST_COMPLETED)
                    continue
                try:
                    rows = await self._claim(min(batch, limit - claimed), pending.values())
                except Exception:
                    log.exception("could not claim reminders; the next run tries again")
                    report.errors += 1
                    break
                if not rows:
                    if not pending:
                        break
                    await asyncio.wait(list(pending), return_when=asyncio.FIRST_COMPLETED)
                    continue
                claimed += len(rows)
                for row in rows:
                    task = asyncio.create_task(self.deliver(row, run))
                    pending[task] = _key(row)
                    task.add_done_callback(finished)
        except asyncio.CancelledError:
            # Stopped (shutdown, or watch() ending a hung run): the deliveries in hand stop too,
            # else this would wait for a connector that may never answer. Their rows stay
            # claimed and are tried again when the claim expires.
            for task in pending:
                task.cancel()
            raise
        finally:
            if pending:
                await asyncio.wait(list(pending))
        return report

    async def run_once(self) -> DispatchReport:
        await self.plan()
        return await self.dispatch()
