"""No loss under load: concurrent writers on one database, an honest answer when a write fails,
503 instead of a long wait when too many turns are in flight, and the SQLite write path that a
caller cannot get wrong."""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import replace

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

import dialogs.referral
from bot.admission import Admission
from bot.app import APP_KEY
from storage.db import WriteOutsideLockError
from storage.models import Participant
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.conftest import start_bot
from tests.teams import message, user
from tests.test_participants_http import COORDINATOR, REFERRAL, staff

NOT_SAVED = "det du skickade sparades inte"
COORDINATORS = [f"5{n:07d}-1111-4222-8333-444455556666" for n in range(20)]


async def participants(db) -> int:
    async with db.read() as session:
        return (await session.exec(select(func.count()).select_from(Participant))).one()


async def test_concurrent_writers_all_get_saved_and_confirmed(bot, connector, db):
    """40 referrals from 20 people at the same moment: each is saved and confirmed once."""
    async with db.session() as session:
        for n, aad in enumerate(COORDINATORS):
            await upsert_staff(session, aad, f"Samordnare {n}", Role.COORDINATOR, ["vastra"])

    async def refer(aad: str) -> int:
        activity = message(REFERRAL, connector.url, user(aad, "S"))
        while (response := await bot.post(activity)).status == 503:  # resent, as Teams does
            await asyncio.sleep(float(response.headers["Retry-After"]) / 10)
        return response.status

    statuses = await asyncio.gather(*(refer(aad) for aad in COORDINATORS * 2))
    assert statuses == [201] * 40
    texts = connector.texts()
    confirmed = [t for t in texts if t.startswith("Registrerat **V-2026-")]
    assert len(confirmed) == 40 and len(set(confirmed)) == 40, texts
    assert not [t for t in texts if "gick fel" in t]
    assert await participants(db) == 40


async def test_a_write_that_fails_tells_the_user_it_was_not_saved(
    bot, connector, db, monkeypatch
):
    await staff(db)
    real = dialogs.referral.register_referral

    async def locked(session, actor, data):
        await real(session, actor, data)  # the participant is flushed, then the commit fails
        raise OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(dialogs.referral, "register_referral", locked)
    replies = await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    assert len(replies) == 1 and NOT_SAVED in replies[0]
    assert "database" not in replies[0] and await participants(db) == 0

    await bot.say(message("språk en", connector.url, COORDINATOR))
    [reply] = await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    assert "what you sent was not saved" in reply


async def test_a_failure_after_the_write_in_the_same_turn_saves_nothing_and_says_so(
    bot, connector, db, monkeypatch
):
    """A turn is one transaction: a failure after its storage call undoes that call too, so
    "not saved" is true, and the same message sent again registers one participant."""
    await staff(db)

    def broken_label(*args, **kwargs):
        raise RuntimeError("after the storage call")

    monkeypatch.setattr(dialogs.referral, "label", broken_label)
    sent = message(REFERRAL, connector.url, COORDINATOR)
    replies = await bot.say(sent)
    assert await participants(db) == 0
    assert len(replies) == 1 and NOT_SAVED in replies[0]
    monkeypatch.undo()
    replies = await bot.say(sent)  # Teams, or the user, sends it again
    assert await participants(db) == 1
    assert replies[0].startswith("Registrerat **V-2026-0001**")


async def test_too_many_turns_in_flight_get_503_at_once(db, settings, connector, monkeypatch):
    client = await start_bot(replace(settings, max_turns=1, turn_wait_seconds=0.2), connector)
    runtime = client.http.app[APP_KEY]
    entered, release = asyncio.Event(), asyncio.Event()

    async def slow(turn_context):
        entered.set()
        await release.wait()

    monkeypatch.setattr(runtime.bot, "on_message_activity", slow)
    try:
        first = asyncio.create_task(client.post(message("hjälp", connector.url, COORDINATOR)))
        await entered.wait()
        second = await client.post(message("hjälp", connector.url, COORDINATOR))
        assert second.status == 503 and second.headers["Retry-After"] == "1"
        assert not first.done()  # the 503 came while the first turn still held the only place
        health = await (await client.http.get("/healthz")).json()
        assert health["turns_in_flight"] == 1 and health["turns_refused"] == 1
        release.set()
        assert (await first).status == 201
        third = await client.post(message("hjälp", connector.url, COORDINATOR))
        assert third.status == 201
    finally:
        release.set()
        await client.http.close()


async def test_a_place_handed_over_as_the_wait_ends_is_not_lost():
    admission = Admission(limit=1, wait=0.05)
    assert await admission.enter()
    waiting = asyncio.create_task(admission.enter())
    await asyncio.sleep(0)
    admission.leave()  # handed to the waiter before its timeout
    assert await waiting is True and admission.in_flight == 1
    refused = await admission.enter()
    assert refused is False and admission.refused == 1
    admission.leave()
    assert admission.in_flight == 0
    admission.wait = 5
    results = await asyncio.gather(*(_hold(admission) for _ in range(20)))
    assert all(results) and admission.in_flight == 0


async def _hold(admission: Admission) -> bool:
    if not await admission.enter():
        return False
    await asyncio.sleep(0.001)
    admission.leave()
    return True


async def test_sqlite_writes_cannot_bypass_the_write_lock(db):
    if not db.is_sqlite:
        pytest.skip("PostgreSQL has no process-wide write lock")
    with pytest.raises(WriteOutsideLockError):
        async with db.engine.begin() as connection:
            await connection.execute(text("DELETE FROM code_counter"))
    with pytest.raises(OperationalError, match="readonly"):
        async with db.read() as session:
            await session.execute(text("DELETE FROM code_counter"))
    with pytest.raises(WriteOutsideLockError):
        async with db.session(), db.session():
            pass  # a write session inside another would wait for itself forever


async def test_a_turn_waits_for_another_process_writing(db, settings, connector):
    """Another process (cron's run-due) holds the SQLite write lock for a moment: the turn
    waits for it (busy timeout) instead of failing with `database is locked`."""
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    await staff(db)
    path = db.url.split("///", 1)[1]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    bot = await start_bot(settings, connector)
    try:
        turn = asyncio.create_task(bot.post(message(REFERRAL, connector.url, COORDINATOR)))
        await asyncio.sleep(0.5)
        other.execute("COMMIT")
        assert (await turn).status == 201
    finally:
        other.close()
        await bot.http.close()
    assert connector.texts()[-1].startswith("Registrerat **V-2026-")
