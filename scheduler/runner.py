"""The reminder jobs on a clock: APScheduler runs planning, dispatch and retention in the one
leader process, and a watchdog restarts a scheduler that stopped waking.

The jobs live in memory: the outbox (`reminder_outbox`) is what makes delivery durable, and
planning catches up on missed days by itself (`catch_up_days`), so a job store in the database
would add nothing but a blocking call on the event loop and one more thing that can fail. Each
run catches and logs its own errors; `/healthz` shows when each job last succeeded.
"""

from __future__ import annotations

import asyncio
import logging
import time as monotonic_time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scheduler.leader import LeaderElection
from scheduler.service import DispatchReport, ReminderService
from storage.audit import SYSTEM
from storage.clock import STOCKHOLM, clock
from storage.org import retention_configured
from storage.retention import run_retention

log = logging.getLogger(__name__)


@dataclass
class JobHealth:
    """What /healthz tells about one job."""

    last_success: datetime | None = None
    last_error: str | None = None
    failures: int = 0  # in a row
    beat: float = field(default_factory=monotonic_time.monotonic)  # last start, progress or end
    running: asyncio.Task[Any] | None = None


class SchedulerRunner:
    """Runs the AsyncIOScheduler while this process holds the leadership; polls otherwise, and
    restarts a scheduler whose dispatch job has not started or made progress for too long."""

    def __init__(
        self,
        service: ReminderService,
        election: LeaderElection,
        *,
        dispatch_seconds: float = 60,
        plan_minutes: float = 15,
        poll_seconds: float = 15,
        stall_seconds: float | None = None,
    ) -> None:
        self.service, self.election = service, election
        self.dispatch_seconds, self.plan_minutes = dispatch_seconds, plan_minutes
        self.poll_seconds = poll_seconds
        self.stall_seconds = stall_seconds or max(3 * dispatch_seconds, 300.0)
        self.scheduler: AsyncIOScheduler | None = None
        self.health = {"plan": JobHealth(), "dispatch": JobHealth(), "retention": JobHealth()}
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    async def _run(self, name: str, job: Callable[[JobHealth], Awaitable[Any]]) -> None:
        """One run of a job: its errors are logged and counted here, never left to APScheduler."""
        health = self.health[name]
        health.beat, health.running = monotonic_time.monotonic(), asyncio.current_task()
        try:
            result = await job(health)
        except asyncio.CancelledError:
            # The process stops (or watch() ended a hung run). Not a failure, and not left to
            # APScheduler, which would log it as an error with its traceback; what the job had
            # in hand is done by a later run.
            log.info("reminder job %s stopped before it finished", name)
        except Exception as error:
            health.failures += 1
            health.last_error = f"{type(error).__name__}: {error}"[:300]
            log.exception("reminder job %s failed (%d in a row)", name, health.failures)
        else:
            if isinstance(result, DispatchReport) and result.errors:
                health.failures += 1
                health.last_error = "the database refused a claim"
            else:
                health.failures, health.last_success = 0, clock.now()
        finally:
            health.beat, health.running = monotonic_time.monotonic(), None

    async def plan_job(self) -> None:
        async def plan(_: JobHealth) -> int:
            planned = await self.service.plan()
            if planned:
                log.info("planned %d reminders", planned)
            return planned

        await self._run("plan", plan)

    async def dispatch_job(self) -> None:
        async def dispatch(health: JobHealth) -> DispatchReport:
            def beat() -> None:
                health.beat = monotonic_time.monotonic()

            report = await self.service.dispatch(beat=beat)
            if report != DispatchReport():
                log.info("reminders dispatched: %s", report)
            return report

        await self._run("dispatch", dispatch)

    async def retention_job(self) -> None:
        """Daily gallring (storage/retention.py), as the system, audited as counts."""

        async def retain(_: JobHealth) -> int:
            async with self.service.db.session() as session:
                if not await retention_configured(session):
                    log.warning(
                        "retention waits: load the organisation file (python -m bot org load)"
                    )
                    return 0
                run = await run_retention(session, SYSTEM, clock.today())
            if run.total:
                log.info("retention removed %s", run.counts())
            return run.total

        await self._run("retention", retain)

    def _start_scheduler(self) -> None:
        scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=STOCKHOLM,
        )
        now = datetime.now(STOCKHOLM)
        scheduler.add_job(
            self.plan_job,
            "interval",
            minutes=self.plan_minutes,
            id="reminders-plan",
            next_run_time=now,
        )
        scheduler.add_job(
            self.dispatch_job,
            "interval",
            seconds=self.dispatch_seconds,
            id="reminders-dispatch",
            next_run_time=now + timedelta(seconds=1),
        )
        scheduler.add_job(self.retention_job, "cron", hour=4, minute=15, id="retention-daily")
        for health in self.health.values():
            health.beat = monotonic_time.monotonic()
        scheduler.start()
        self.scheduler = scheduler
        log.info("this process leads: the reminder scheduler runs here")

    def _stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None

    def stalled(self) -> bool:
        """The dispatch job has neither started nor made progress for `stall_seconds`."""
        beat = self.health["dispatch"].beat
        return self.leading and monotonic_time.monotonic() - beat > self.stall_seconds

    def watch(self) -> None:
        """Restart a scheduler that stopped waking (or a run that hangs)."""
        if not self.stalled():
            return
        self.restarts += 1
        log.error("the reminder scheduler stopped waking; restarting it (%d)", self.restarts)
        hung = self.health["dispatch"].running
        if hung is not None:
            hung.cancel()
        self._stop_scheduler()
        self._start_scheduler()

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
                self.watch()
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

    def status(self) -> dict[str, Any]:
        """For /healthz: whether this process leads, and when each job last succeeded."""
        if not self.leading:
            return {"state": "following"}

        def job(health: JobHealth) -> dict[str, Any]:
            return {
                "last_success": health.last_success.isoformat() if health.last_success else None,
                "failures_in_a_row": health.failures,
                "last_error": health.last_error,
            }

        failing = any(h.failures for h in self.health.values())
        return {
            "state": "stalled" if self.stalled() else "failing" if failing else "ok",
            "restarts": self.restarts,
            **{name: job(health) for name, health in self.health.items()},
        }
