"""The scheduler: APScheduler jobs in the leader, leader election and takeover on PostgreSQL,
and exactly-once delivery when the dispatching process is killed mid-run."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import inspect, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.scheduling import scheduler_runner
from scheduler.leader import LeaderElection
from storage.db import Database
from storage.models import ReminderOutbox
from storage.reminders import Outbox, claim_due
from tests.conftest import repo_root, start_bot
from tests.teams import COACH_AAD, installed, user
from tests.test_proactive import add_rows, install, reminder_ids
from tests.test_reminders import add_people

# Runtimes built here have no app whose cleanup would close their HTTP session.
pytestmark = pytest.mark.usefixtures("closing_http")


async def wait_for(condition, seconds: float = 10.0) -> None:
    """Poll `condition` (async) until it is true, failing after `seconds`."""
    for _ in range(int(seconds / 0.05)):
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


async def statuses(db) -> list[str]:
    async with db.session() as session:
        return [r.status for r in (await session.exec(select(ReminderOutbox))).all()]


async def test_the_leader_runs_the_jobs_in_memory(db, settings, connector):
    await add_people(db)
    await install(settings, connector)
    await add_rows(db, 2)  # due at NOW, in the past of the real clock
    runner = scheduler_runner(
        replace(settings, reminder_dispatch_seconds=0.2), db, _adapter(settings, db)
    )
    runner.poll_seconds = 0.1
    await runner.start()
    try:
        await wait_for(lambda: _all_sent(db))
        assert runner.leading
        jobs = {job.id: job for job in runner.scheduler.get_jobs()}
        assert set(jobs) == {"reminders-plan", "reminders-dispatch", "retention-daily"}
        assert str(jobs["retention-daily"].trigger) == "cron[hour='4', minute='15']"
        assert jobs["reminders-dispatch"].coalesce and jobs["reminders-dispatch"].max_instances == 1
        await wait_for(_succeeded(runner))
        status = runner.status()
        assert status["state"] == "ok" and status["dispatch"]["failures_in_a_row"] == 0
        async with db.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        assert "apscheduler_jobs" not in tables  # nothing blocking on the event loop
    finally:
        await runner.stop()
    assert len(reminder_ids(connector)) == 2
    assert not runner.leading


def _succeeded(runner):
    async def check() -> bool:
        return runner.health["dispatch"].last_success is not None

    return check


class FlakyClaims:
    """claim_due that fails `times` times the way SQLite did under load, then works."""

    def __init__(self, times: int) -> None:
        self.left = times

    async def __call__(self, session, now, lease, limit, holding):
        if self.left > 0:
            self.left -= 1
            raise OperationalError(
                "UPDATE reminder_outbox …", {}, sqlite3.OperationalError("database is locked")
            )
        return await claim_due(session, now, lease, limit, holding)


async def test_the_scheduler_survives_database_errors_and_keeps_dispatching(
    db, settings, connector, monkeypatch
):
    await add_people(db)
    await install(settings, connector)
    monkeypatch.setattr("scheduler.service.claim_due", FlakyClaims(3))
    runner = scheduler_runner(
        replace(settings, reminder_dispatch_seconds=0.2), db, _adapter(settings, db)
    )
    runner.poll_seconds = 0.1
    await runner.start()
    try:
        await wait_for(lambda: _failed(runner))
        assert runner.status()["state"] == "failing"
        assert runner.status()["dispatch"]["last_error"]
        await add_rows(db, 3)
        await wait_for(lambda: _all_sent(db))
        await wait_for(_succeeded(runner))
        assert runner.status()["state"] == "ok" and runner.restarts == 0
    finally:
        await runner.stop()
    assert sorted(reminder_ids(connector)) == sorted(set(reminder_ids(connector)))
    assert len(reminder_ids(connector)) == 3


async def _failed(runner) -> bool:
    return runner.health["dispatch"].failures > 0


async def test_the_watchdog_restarts_a_scheduler_whose_timer_died(
    db, settings, connector, caplog
):
    """What happened on SQLite: the job store raised inside APScheduler's wakeup, so the timer
    was never set again. Here the in-memory store raises once in the same place."""
    await add_people(db)
    await install(settings, connector)
    runner = scheduler_runner(
        replace(settings, reminder_dispatch_seconds=0.2), db, _adapter(settings, db)
    )
    runner.poll_seconds, runner.stall_seconds = 0.1, 1.0
    await runner.start()
    try:
        await wait_for(_succeeded(runner))
        store = runner.scheduler._jobstores["default"]
        update = store.update_job

        def broken(job):
            store.update_job = update
            raise OperationalError("UPDATE apscheduler_jobs …", {}, Exception("locked"))

        store.update_job = broken
        await wait_for(lambda: _restarted(runner))
        await add_rows(db, 2)
        await wait_for(lambda: _all_sent(db))
    finally:
        await runner.stop()
    assert len(reminder_ids(connector)) == 2
    assert "stopped waking; restarting" in caplog.text


async def test_healthz_tells_when_the_scheduler_last_succeeded(db, settings, connector):
    on = replace(settings, reminders_enabled=True, reminder_dispatch_seconds=0.2)
    client = await start_bot(on, connector)
    try:

        # Planning starts first but may finish after the first dispatch on a busy machine.
        async def both_succeeded() -> bool:
            scheduler = (await (await client.http.get("/healthz")).json())["scheduler"]
            return all(scheduler.get(job, {}).get("last_success") for job in ("plan", "dispatch"))

        await wait_for(both_succeeded)
        body = await (await client.http.get("/healthz")).json()
        assert body["status"] == "ok" and body["scheduler"]["state"] == "ok"
        assert body["scheduler"]["restarts"] == 0
    finally:
        await client.http.close()


async def _restarted(runner) -> bool:
    return runner.restarts > 0


async def _all_sent(db) -> bool:
    found = await statuses(db)
    return bool(found) and all(s == Outbox.SENT for s in found)


def _adapter(settings, db):
    from bot.app import build_runtime

    return build_runtime(settings, db).adapter


async def test_another_instance_takes_over_when_the_leader_dies(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("leader election needs PostgreSQL advisory locks; SQLite has one process")
    first, second = Database(database_url), Database(database_url)
    a, b = LeaderElection(first), LeaderElection(second)
    try:
        assert await a.try_acquire()
        assert not await b.try_acquire()
        assert await a.still_leader()
        # The leader's process dies: PostgreSQL ends its session and frees the lock.
        async with second.engine.connect() as connection:
            await connection.execute(
                # This database's locks only: xdist workers share the server.
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND pid <> pg_backend_pid() AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
            await connection.commit()
        assert not await a.still_leader()
        await wait_for(b.try_acquire, 5)
        assert not await a.try_acquire()
    finally:
        await a.release()
        await b.release()
        await first.dispose()
        await second.dispose()


async def test_a_runner_steps_down_and_a_follower_takes_over(database_url, db, settings):
    if database_url.startswith("sqlite"):
        pytest.skip("leader election needs PostgreSQL advisory locks; SQLite has one process")
    other_db = Database(database_url)
    leader = scheduler_runner(settings, db, _adapter(settings, db))
    follower = scheduler_runner(settings, other_db, _adapter(settings, other_db))
    try:
        await leader.step()
        await follower.step()
        assert leader.leading and not follower.leading
        await leader.stop()  # shutting down releases the lock
        await follower.step()
        assert follower.leading
    finally:
        await leader.stop()
        await follower.stop()
        await other_db.dispose()


# --- exactly once across a killed process ---------------------------------------------------


class GatedConnector:
    """A connector that accepts two activities, then holds the third request open until the
    test releases it. Activities count only when answered: a request whose sender died before
    the answer was never accepted (as with the real service: no response, no message)."""

    def __init__(self, hold_at: int) -> None:
        self.accepted: list[dict] = []
        self.arrived = 0
        self.hold_at = hold_at
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def url(self) -> str:
        return str(self.server.make_url("/"))

    async def _post(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.arrived += 1
        if self.arrived == self.hold_at:
            self.holding.set()
            await self.release.wait()
            if request.transport is None or request.transport.is_closing():
                return web.Response(status=499)
        self.accepted.append(activity)
        return web.json_response({"id": f"reply-{len(self.accepted)}"})


async def _wait_holding(gate: GatedConnector, process: subprocess.Popen) -> None:
    """Until the third request is held; fails with the process' output if it ended instead."""
    for _ in range(600):
        if gate.holding.is_set():
            return
        if process.poll() is not None:
            raise AssertionError(process.communicate())
        await asyncio.sleep(0.05)
    raise AssertionError("the dispatcher never reached the third reminder")


def _run_due(database_url: str) -> subprocess.Popen:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": database_url,
        "STEGVIS_REMINDER_LEASE_SECONDS": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "reminders", "run-due"],
        cwd=repo_root(),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.serial
async def test_killed_dispatcher_delivers_every_reminder_exactly_once(db, settings):
    gate = GatedConnector(hold_at=3)
    await gate.server.start_server()
    try:
        await add_people(db)
        await _install_at(settings, gate)
        await add_rows(db, 6)  # due at NOW (the past): the real clock runs in the subprocess
        gate.arrived, gate.accepted = 0, []

        process = _run_due(settings.database_url)
        try:
            await _wait_holding(gate, process)
            process.send_signal(signal.SIGKILL)  # mid-dispatch: the third request is in flight
            await asyncio.to_thread(process.wait, 10)
        finally:
            if process.poll() is None:
                process.kill()
        gate.release.set()
        assert process.returncode == -signal.SIGKILL
        assert len(gate.accepted) == 2
        found = await statuses(db)  # claimed in batches: the unsent are pending or sending
        assert found.count(Outbox.SENT) == 2 and Outbox.SENDING in found

        await asyncio.sleep(1.1)  # the dead dispatcher's lease (1 s) runs out
        restarted = _run_due(settings.database_url)
        out, err = await asyncio.to_thread(restarted.communicate, timeout=60)
        assert restarted.returncode == 0, err
        assert "Skickade 4" in out
    finally:
        await gate.server.close()

    ids = [a["attachments"][0]["content"]["actions"][0]["data"]["reminder"] for a in gate.accepted]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 6  # each one, exactly once
    assert await statuses(db) == [Outbox.SENT] * 6


async def _install_at(settings, gate: GatedConnector) -> None:
    """Store the coach's conversation with the gated connector as its service URL."""
    bot = await start_bot(settings, gate)
    try:
        assert (await bot.post(installed(gate.url, user(COACH_AAD, "Cem")))).status == 201
    finally:
        await bot.http.close()
