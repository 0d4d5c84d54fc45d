"""Planning and dispatching reminders, run by APScheduler in the one leader process.

APScheduler 3 keeps its jobs in the same database (SQLAlchemy job store, table
`apscheduler_jobs`), so a restarted leader knows when the jobs last ran and runs a missed one
once (coalesce, misfire_grace_time). Job functions are module-level so the store can name them;
they reach the running service through `_active`, which the runner sets while it leads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from botbuilder.core import BotAdapter
from botbuilder.schema import ConversationReference
from sqlmodel import col, select

from bot.config import Settings
from bot.proactive import Outcome, ProactiveSender
from dialogs.reminders import reminder_card
from scheduler.calendar import in_dst_window
from scheduler.leader import LeaderElection
from scheduler.rules import CHANNEL_PREFIX
from storage.audit import SYSTEM
from storage.clock import STOCKHOLM, clock
from storage.conversations import forget_conversation, load_reference
from storage.db import Database
from storage.models import ConversationRef, ReminderOutbox
from storage.org import retention_configured
from storage.reminders import (
    Outbox,
    claim_next,
    mark_final,
    mark_retry,
    mark_sent,
    plan_reminders,
)
from storage.retention import run_retention

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # outbox-level tries (each with the sender's quick retries) before `failed`
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=2)


@dataclass(frozen=True)
class ReminderSettings:
    send_at: time = time(8, 0)
    lease: timedelta = timedelta(minutes=2)
    catch_up_days: int = 7
    locale: str = "sv-SE"


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    gone: int = 0
    failed: int = 0

    def count(self, outcome: Outcome) -> None:
        if outcome == Outcome.SENT:
            self.sent += 1
        elif outcome == Outcome.RETRY:
            self.retried += 1
        elif outcome == Outcome.GONE:
            self.gone += 1
        else:
            self.failed += 1


def outbox_retry_at(now: datetime, attempts: int, retry_after: float | None) -> datetime:
    """When a row that failed transiently is tried again: exponential, jittered, capped."""
    delay = min(RETRY_CAP, RETRY_BASE * 2 ** max(attempts - 1, 0))
    delay = delay * random.uniform(0.5, 1.0)
    return now + max(delay, timedelta(seconds=retry_after or 0))


class ReminderService:
    """Plans today's reminders into the outbox and delivers due rows, each exactly once."""

    def __init__(
        self, db: Database, sender: ProactiveSender, settings: ReminderSettings | None = None
    ) -> None:
        self.db, self.sender = db, sender
        self.settings = settings or ReminderSettings()

    async def plan(self) -> int:
        async with self.db.session() as session:
            return await plan_reminders(
                session, clock.today(), self.settings.send_at, self.settings.catch_up_days
            )

    async def _reference(self, recipient: str) -> tuple[ConversationReference, str] | None:
        """Where to write: a channel by id, or the person's personal chat with the bot."""
        async with self.db.session() as session:
            query = select(ConversationRef).where(col(ConversationRef.removed_at).is_(None))
            if recipient.startswith(CHANNEL_PREFIX):
                query = query.where(
                    ConversationRef.conversation_id == recipient[len(CHANNEL_PREFIX) :]
                )
            else:
                query = query.where(
                    ConversationRef.aad_object_id == recipient,
                    ConversationRef.conversation_type == "personal",
                )
            row = (
                await session.exec(query.order_by(col(ConversationRef.updated_at).desc()))
            ).first()
        return (load_reference(row), row.conversation_id) if row else None

    async def deliver(self, row: ReminderOutbox) -> Outcome:
        """Send one claimed row and record the result at once (a short, separate commit)."""
        found = await self._reference(row.recipient)
        if found is None:
            async with self.db.session() as session:
                await mark_final(session, row.id, Outbox.FAILED, "no conversation with the bot")
            return Outcome.FAILED
        reference, conversation_id = found
        locale = getattr(reference, "locale", None) or self.settings.locale
        activity = reminder_card(locale, row, json.loads(row.params))
        result = await self.sender.send(reference, activity)
        async with self.db.session() as session:
            if result.outcome == Outcome.SENT:
                await mark_sent(session, row.id, result.activity_id)
            elif result.outcome == Outcome.GONE:
                await forget_conversation(session, conversation_id)
                await mark_final(session, row.id, Outbox.GONE, result.error)
            elif result.outcome == Outcome.RETRY and row.attempts < MAX_ATTEMPTS:
                at = outbox_retry_at(clock.now(), row.attempts, result.retry_after)
                await mark_retry(session, row.id, at, result.error)
            else:
                await mark_final(session, row.id, Outbox.FAILED, result.error)
                return Outcome.FAILED
        return result.outcome

    async def dispatch(self, limit: int = 1000) -> DispatchReport:
        """Deliver due rows one by one until none is due (bounded by `limit`)."""
        report = DispatchReport()
        for _ in range(limit):
            now = clock.now()
            if in_dst_window(now):
                break
            async with self.db.session() as session:
                row = await claim_next(session, now, self.settings.lease)
            if row is None:
                break
            outcome = await self.deliver(row)
            report.count(outcome)
        return report

    async def run_once(self) -> DispatchReport:
        await self.plan()
        return await self.dispatch()


# --- APScheduler jobs (module level, so the SQL job store can refer to them by name) ---------

_active: ReminderService | None = None


async def plan_job() -> None:
    if _active is not None:
        planned = await _active.plan()
        if planned:
            log.info("planned %d reminders", planned)


async def dispatch_job() -> None:
    if _active is not None:
        report = await _active.dispatch()
        if report.sent or report.retried or report.gone or report.failed:
            log.info("reminders dispatched: %s", report)


async def retention_job() -> None:
    """Daily gallring (storage/retention.py), as the system, audited as counts."""
    if _active is None:
        return
    async with _active.db.session() as session:
        if not await retention_configured(session):
            log.warning("retention waits: load the organisation file (python -m bot org load)")
            return
        run = await run_retention(session, SYSTEM, clock.today())
    if run.total:
        log.info("retention removed %s", run.counts())


def job_store_url(database_url: str) -> str:
    """APScheduler 3 uses a synchronous engine: the same database through a sync driver."""
    return database_url.replace("sqlite+aiosqlite://", "sqlite://")


class SchedulerRunner:
    """Runs the AsyncIOScheduler while this process holds the leadership; polls otherwise."""

    def __init__(
        self,
        service: ReminderService,
        election: LeaderElection,
        *,
        dispatch_seconds: float = 60,
        plan_minutes: float = 15,
        poll_seconds: float = 15,
        misfire_grace_seconds: int = 3600,
    ) -> None:
        self.service, self.election = service, election
        self.dispatch_seconds, self.plan_minutes = dispatch_seconds, plan_minutes
        self.poll_seconds, self.misfire_grace_seconds = poll_seconds, misfire_grace_seconds
        self.scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def _start_scheduler(self) -> None:
        global _active
        _active = self.service
        store = SQLAlchemyJobStore(url=job_store_url(self.service.db.url))
        scheduler = AsyncIOScheduler(
            jobstores={"default": store},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.misfire_grace_seconds,
            },
            timezone=STOCKHOLM,
        )
        now = datetime.now(STOCKHOLM)
        scheduler.add_job(
            plan_job,
            "interval",
            minutes=self.plan_minutes,
            id="reminders-plan",
            replace_existing=True,
            next_run_time=now,
        )
        scheduler.add_job(
            dispatch_job,
            "interval",
            seconds=self.dispatch_seconds,
            id="reminders-dispatch",
            replace_existing=True,
            next_run_time=now + timedelta(seconds=1),
        )
        scheduler.add_job(
            retention_job, "cron", hour=4, minute=15, id="retention-daily", replace_existing=True
        )
        scheduler.start()
        self.scheduler = scheduler
        log.info("this process leads: the reminder scheduler runs here")

    def _stop_scheduler(self) -> None:
        global _active
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        _active = None

    async def step(self) -> None:
        """One round of the election: take over if the lock is free, step down if it is lost."""
        if self.leading:
            if not await self.election.still_leader():
                log.warning("lost the scheduler leadership")
                self._stop_scheduler()
        elif await self.election.try_acquire():
            self._start_scheduler()

    async def _loop(self) -> None:
        while True:
            try:
                await self.step()
            except Exception:
                log.exception("scheduler leader election failed; trying again")
            await asyncio.sleep(self.poll_seconds)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self._stop_scheduler()
        await self.election.release()


def reminder_service(settings: Settings, db: Database, adapter: BotAdapter) -> ReminderService:
    """The service as configured: the app's adapter sends as the bot (settings.APP_ID)."""
    return ReminderService(
        db,
        ProactiveSender(adapter, settings.APP_ID),
        ReminderSettings(
            send_at=settings.reminder_time,
            lease=timedelta(seconds=settings.reminder_lease_seconds),
            catch_up_days=settings.reminder_catch_up_days,
            locale=settings.default_locale,
        ),
    )


def scheduler_runner(settings: Settings, db: Database, adapter: BotAdapter) -> SchedulerRunner:
    return SchedulerRunner(
        reminder_service(settings, db, adapter),
        LeaderElection(db),
        dispatch_seconds=settings.reminder_dispatch_seconds,
    )
