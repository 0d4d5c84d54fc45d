"""Stopping the bot while the reminder dispatch is sending: the job ends quietly (APScheduler
logged every such stop as an ERROR with two tracebacks, found when the Playground test stopped
the bot during a dispatch), and the row it had in hand is sent by a later run, not lost."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import select

from bot.app import build_runtime
from bot.proactive import Pacer, ProactiveSender
from dialogs.reminders import reminder_card
from scheduler.leader import LeaderElection
from scheduler.runner import SchedulerRunner
from scheduler.service import ReminderService, ReminderSettings
from storage.models import ReminderOutbox
from tests.fakes import FakeConnector
from tests.test_proactive import add_rows, install
from tests.test_reminders import frozen  # noqa: F401  (fixture)

# Runtimes built here have no app whose cleanup would close their HTTP session.
pytestmark = pytest.mark.usefixtures("closing_http")


class HoldingConnector(FakeConnector):
    """While `holding`, accepts a message and answers only once released."""

    def __init__(self) -> None:
        super().__init__()
        self.holding = False
        self.held = asyncio.Event()
        self.release = asyncio.Event()

    async def _post(self, request):  # type: ignore[no-untyped-def]
        if self.holding:
            self.held.set()
            await self.release.wait()
        return await super()._post(request)


async def test_a_dispatch_stopped_by_shutdown_ends_quietly_and_its_row_waits(
    db,
    settings,
    caplog,
    frozen,  # noqa: F811
):
    connector = HoldingConnector()
    await connector.start()
    try:
        await install(settings, connector)
        await add_rows(db, 1)
        sender = ProactiveSender(build_runtime(settings, db).adapter, settings.APP_ID, Pacer())
        runner = SchedulerRunner(
            ReminderService(db, sender, reminder_card, ReminderSettings()), LeaderElection(db)
        )
        connector.holding = True
        with caplog.at_level(logging.INFO):
            job = asyncio.create_task(runner.dispatch_job())
            await asyncio.wait_for(connector.held.wait(), 10)  # the reminder is on its way
            job.cancel()  # what stopping the process does to a running job
            await asyncio.wait_for(job, 10)  # ends without raising: nothing for APScheduler
        assert not job.cancelled()
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == [], [r.getMessage() for r in errors]
        assert "reminder job dispatch stopped before it finished" in caplog.text
        assert runner.health["dispatch"].failures == 0
        async with db.read() as session:
            [row] = (await session.exec(select(ReminderOutbox))).all()
        assert row.sent_at is None and row.status in {"pending", "sending"}
    finally:
        connector.release.set()
        await connector.close()
