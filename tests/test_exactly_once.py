"""Exactly once: a message is handled once and answered once, whatever delivers it again.

Each test sends real activity JSON to /api/messages and counts, in real SQL, what was written,
and, on the fake connector, what reached the user: a resend (Teams sends again when a reply
was slow), two deliveries at the same moment, two instances behind a load balancer, a double
tap on a card button, a connector that fails the reply, and a process killed with `kill -9`.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import socket
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlmodel import select

from storage.clock import clock
from storage.models import Participant, PlacementNote, ProcessedTurn
from tests.conftest import start_bot
from tests.fakes import Answer, FakeConnector
from tests.playground import bot_env, start, stop, wait_for_health
from tests.teams import card_submit, message
from tests.test_participants_http import COACH, COORDINATOR, REFERRAL, staff

CONFIRMED = "Registrerat **V-2026-"
ALREADY = "redan tryckt på den här knappen"


async def count(db, model: Any) -> int:
    async with db.read() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


async def deliver(bot, activity: dict[str, Any]) -> int:
    """Post as the Bot Connector does: a 503 (a duplicate still at work elsewhere asks for the
    message again) is sent again after its Retry-After."""
    while (response := await bot.post(activity)).status == 503:
        await asyncio.sleep(float(response.headers["Retry-After"]) / 10)
    return response.status


def confirmations(connector: FakeConnector) -> list[str]:
    return [text for text in connector.texts() if text.startswith(CONFIRMED)]


def submit_data(connector: FakeConnector, title: str | None = None,
                command: str | None = None) -> dict[str, Any]:
    """The data of the first Action.Submit (with `title` or `command`, if given) in the last
    card the bot sent that has one (a question card may follow the form card)."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if (
                node.get("type") == "Action.Submit"
                and title in (None, node["title"])
                and command in (None, node["data"].get("command"))
            ):
                found.append(node["data"])
            for item in node.values():
                walk(item)

    cards = [a for a in connector.activities if a.get("attachments")]
    assert cards, connector.texts()
    for sent in reversed(cards):
        walk(sent["attachments"])
        if found:
            break
    assert found, cards[-1]
    return copy.deepcopy(found[0])


async def test_a_resent_message_registers_one_participant_and_is_answered_once(
    bot, connector, db
):
    await staff(db)
    sent = message(REFERRAL, connector.url, COORDINATOR)
    first = await bot.say(sent)
    again = await bot.say(sent)  # the same activity id: Teams resending it
    assert len(first) == 1 and first[0].startswith(CONFIRMED)
    assert again == []
    assert await count(db, Participant) == 1


async def test_the_same_message_twice_at_once_registers_one(bot, connector, db):
    await staff(db)
    sent = message(REFERRAL, connector.url, COORDINATOR)
    statuses = await asyncio.gather(*(deliver(bot, sent) for _ in range(4)))
    assert statuses == [201] * 4
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1, connector.texts()


async def test_two_instances_on_one_database_register_one(db, settings, connector):
    """Behind a load balancer, the first delivery and the resend reach different instances."""
    await staff(db)
    first, second = await start_bot(settings, connector), await start_bot(settings, connector)
    try:
        sent = message(REFERRAL, connector.url, COORDINATOR)
        statuses = await asyncio.gather(deliver(first, sent), deliver(second, sent))
        assert statuses == [201, 201]
        await second.post(sent)  # and once more, later
    finally:
        await first.http.close()
        await second.http.close()
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1, connector.texts()


async def test_another_message_with_the_same_text_is_a_new_message(bot, connector, db):
    """Only a redelivery is held back: typing the same thing again is a second referral."""
    await staff(db)
    await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    assert await count(db, Participant) == 2


async def _form(bot, connector) -> dict[str, Any]:
    """Open the referral card and fill it in as a coordinator would; return what Spara sends."""
    await bot.say(message("ny aktualisering", connector.url, COORDINATOR))
    data = submit_data(connector, "Spara")
    assert len(data["once"]) == 32
    data.update({"kommun": "Flen", "kön": "woman", "född": "1985",
                 "försörjning": "sickness_benefit", "från": "fk", "samtycke": "ja"})
    return data


async def test_a_double_tap_on_a_form_card_registers_one(bot, connector, db):
    await staff(db)
    data = await _form(bot, connector)
    first = await bot.say(card_submit(data, connector.url, COORDINATOR))
    second = await bot.say(card_submit(data, connector.url, COORDINATOR))  # another activity id
    assert first[0].startswith(CONFIRMED)
    assert len(second) == 1 and ALREADY in second[0]
    assert await count(db, Participant) == 1


async def test_a_double_tap_at_the_same_moment_registers_one(bot, connector, db):
    await staff(db)
    data = await _form(bot, connector)
    taps = [card_submit(data, connector.url, COORDINATOR) for _ in range(3)]
    statuses = await asyncio.gather(*(deliver(bot, tap) for tap in taps))
    assert statuses == [201] * 3
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1, connector.texts()


async def test_a_card_corrected_and_sent_again_is_handled_again(bot, connector, db):
    """The token is the card's; what the inputs held is part of the key, so a form refused for
    a missing field and sent again with it filled in is saved."""
    await staff(db)
    data = await _form(bot, connector)
    incomplete = {k: v for k, v in data.items() if k != "kommun"}
    refused = await bot.say(card_submit(incomplete, connector.url, COORDINATOR))
    assert not refused[0].startswith(CONFIRMED)
    assert await count(db, Participant) == 0
    saved = await bot.say(card_submit(data, connector.url, COORDINATOR))
    assert saved[0].startswith(CONFIRMED)
    assert await count(db, Participant) == 1


async def test_a_button_that_only_shows_something_answers_every_tap(bot, connector, db):
    await staff(db)
    await bot.say(message("blurgh", connector.url, COORDINATOR))  # the suggestions card
    data = submit_data(connector, command="hjälp")
    for _ in range(2):
        replies = await bot.say(card_submit(data, connector.url, COORDINATOR))
        assert len(replies) == 1 and replies[0].startswith("Det här kan jag"), replies


async def test_a_step_button_tapped_twice_records_one_step(bot, connector, db):
    """A command button (`steg <kod> …`) that writes is done once, like a form."""
    await staff(db)
    await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    await bot.say(message("aktuell V-2026-0001 coach=Cem", connector.url, COORDINATOR))
    await bot.say(message("steg V-2026-0001", connector.url, COACH))
    data = submit_data(connector)
    assert data["command"].startswith("steg V-2026-0001 ")
    before = await _steps(db)
    first = await bot.say(card_submit(data, connector.url, COACH))
    second = await bot.say(card_submit(data, connector.url, COACH))
    assert await _steps(db) == before + 1, (first, second)
    assert len(second) == 1 and ALREADY in second[0]


async def _steps(db) -> int:
    from storage.models import ProgressionStep

    return await count(db, ProgressionStep)


async def test_a_reply_the_connector_fails_is_sent_on_redelivery_and_nothing_is_written_twice(
    bot, connector, db
):
    """500 on every retry of the reply: the request answers 503 so that the connector sends
    the message again; the redelivery writes nothing and sends the reply that was missing."""
    await staff(db)
    connector.answers.extend(Answer(500) for _ in range(4))
    sent = message(REFERRAL, connector.url, COORDINATOR)
    response = await bot.post(sent)
    assert response.status == 503 and response.headers["Retry-After"]
    assert confirmations(connector) == []
    assert await count(db, Participant) == 1  # saved, only not yet told
    response = await bot.post(sent)
    assert response.status == 201
    assert len(confirmations(connector)) == 1
    await bot.post(sent)
    assert len(confirmations(connector)) == 1
    assert await count(db, Participant) == 1


async def test_a_delivery_that_died_before_committing_is_run_by_the_next_one(
    bot, connector, db
):
    """A claim whose lease ran out (its process was killed mid-turn, nothing committed) is
    taken over: the resend registers the participant, once."""
    await staff(db)
    sent = message(REFERRAL, connector.url, COORDINATOR)
    key = f"{sent['conversation']['id']}|{sent['id']}"
    async with db.session() as session:
        session.add(ProcessedTurn(key=key, owner="dead", status="running",
                                  lease_until=clock.now() - timedelta(seconds=1)))
    replies = await bot.say(sent)
    assert replies[0].startswith(CONFIRMED)
    assert await count(db, Participant) == 1


async def test_a_failed_turn_leaves_no_receipt_and_the_resend_runs(bot, connector, db):
    await staff(db)
    await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    sent = message('uppföljning V-2026-0001 "ringde, bokade möte"', connector.url, COORDINATOR)
    replies = await bot.say(sent)  # a coordinator has no placement to follow up: refused
    assert await count(db, PlacementNote) == 0
    again = await bot.say(sent)
    assert again == [] or again == replies


async def test_replies_are_not_kept_once_delivered(bot, connector, db):
    """Dropped with the mark that all were delivered, written just after the answer."""
    from bot.app import APP_KEY
    from storage.turns import flush_delivered

    await staff(db)
    await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    await flush_delivered(bot.http.app[APP_KEY].db)
    async with db.read() as session:
        rows = (await session.exec(select(ProcessedTurn))).all()
    assert rows and all(row.status == "done" and row.replies is None for row in rows)


# --- a real process, killed with SIGKILL ----------------------------------------------------


class StallingConnector(FakeConnector):
    """A connector that, while `stalling`, accepts replies and never answers them."""

    def __init__(self) -> None:
        super().__init__()
        self.stalling = False
        self.stalled = asyncio.Event()

    async def _post(self, request):  # type: ignore[no-untyped-def]
        if self.stalling:
            self.stalled.set()
            await asyncio.Event().wait()
        return await super()._post(request)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _serve(database_url: str, tmp_path: Path, name: str) -> tuple[Any, str]:
    port = _free_port()
    env = bot_env(tmp_path, port)
    env.update(DATABASE_URL=database_url, STEGVIS_TURN_LEASE_SECONDS="2",
               STEGVIS_REMINDERS="off")
    log = tmp_path / f"{name}.log"
    process = start([sys.executable, "-m", "bot", "serve"], env=env,
                    cwd=Path(__file__).resolve().parent.parent, log=log)
    await wait_for_health(f"http://127.0.0.1:{port}/healthz", process, log, 60)
    return process, f"http://127.0.0.1:{port}/api/messages"


async def _post(url: str, activity: dict[str, Any]) -> int:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.post(url, json=activity) as response:
        return response.status


@pytest.mark.serial
async def test_kill_9_while_answering_then_restart_and_resend_registers_one(
    db, database_url, tmp_path
):
    """The last answer of a form: the bot has committed the referral and is sending the
    confirmation when it is killed; the connector sends the answer again to the restarted bot:
    one participant, and the confirmation reaches the user once."""
    await staff(db)
    connector = StallingConnector()
    await connector.start()
    first = second = None
    try:
        first, url = await _serve(database_url, tmp_path, "first")
        without_consent = REFERRAL.replace(" samtycke=ja", "")
        assert await _post(url, message(without_consent, connector.url, COORDINATOR)) == 201
        assert "samtyckt" in connector.texts()[-1], connector.texts()
        connector.stalling = True
        sent = message("ja", connector.url, COORDINATOR)
        turn = asyncio.create_task(_post(url, sent))
        await asyncio.wait_for(connector.stalled.wait(), 30)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        turn.cancel()
        assert await count(db, Participant) == 1  # committed before the reply went out
        connector.stalling = False
        second, url = await _serve(database_url, tmp_path, "second")
        assert await _post(url, sent) == 201
        assert await _post(url, sent) == 201
    finally:
        stop(first)
        stop(second)
        await connector.close()
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1, connector.texts()


class WritesHeld:
    """Another connection holds what a referral writes (SQLite: the file's write lock;
    PostgreSQL: the participant table), so that a turn stops in its middle, before its commit,
    for as long as the test likes."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self.connection: Any = None

    def __enter__(self) -> WritesHeld:
        if self.url.startswith("sqlite"):
            import sqlite3

            self.connection = sqlite3.connect(self.url.split("///", 1)[1], isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            import psycopg

            self.connection = psycopg.connect(self.url.replace("+psycopg", ""))
            self.connection.execute("LOCK TABLE participant IN EXCLUSIVE MODE")
        return self

    async def until_a_turn_waits(self) -> None:
        """PostgreSQL shows the turn waiting for the lock; SQLite's busy wait cannot be seen,
        so the turn gets a second (it waits up to its 10 s busy timeout)."""
        if self.url.startswith("sqlite"):
            await asyncio.sleep(1.0)
            return
        import psycopg

        with psycopg.connect(self.url.replace("+psycopg", ""), autocommit=True) as watcher:
            for _ in range(300):
                waiting = watcher.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                ).fetchone()
                if waiting and waiting[0]:
                    return
                await asyncio.sleep(0.05)
        raise AssertionError("no turn waited for the participant table")

    def __exit__(self, *_: object) -> None:
        if self.url.startswith("sqlite"):
            self.connection.execute("ROLLBACK")
        else:
            self.connection.rollback()
        self.connection.close()


@pytest.mark.serial
async def test_kill_9_in_the_middle_of_a_turn_then_resend_registers_one(
    db, database_url, tmp_path
):
    """Killed in the middle of the turn, when it waits to write the participant: nothing of it
    was committed, and the resend to the restarted bot saves it once and answers once."""
    await staff(db)
    connector = StallingConnector()
    await connector.start()
    first = second = None
    sent = message(REFERRAL, connector.url, COORDINATOR)
    try:
        first, url = await _serve(database_url, tmp_path, "first")
        with WritesHeld(database_url) as held:
            turn = asyncio.create_task(_post(url, sent))
            await held.until_a_turn_waits()
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
            turn.cancel()
        assert await count(db, Participant) == 0
        assert await count(db, ProcessedTurn) == 0  # a turn leaves its receipt with its commit
        second, url = await _serve(database_url, tmp_path, "second")
        assert await _post(url, sent) == 201
        assert await _post(url, sent) == 201
    finally:
        stop(first)
        stop(second)
        await connector.close()
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1, json.dumps(connector.texts(), ensure_ascii=False)


async def test_an_answer_moved_to_personal_chat_that_fails_is_sent_on_redelivery(
    bot, connector, db
):
    """`visa` in a channel is answered in personal chat: when that reply does not get through,
    the channel's request answers 503 and its redelivery sends the answer, then the pointer."""
    from tests.teams import CHANNEL, channel_message
    from tests.test_channel_privacy import COORDINATOR as ASKER
    from tests.test_channel_privacy import PERSONAL, POINTER
    from tests.test_channel_privacy import _setup as channel_setup

    await channel_setup(db)
    await bot.say(message("hjälp", connector.url, ASKER))  # the bot knows the personal chat
    connector.clear()
    connector.answers.extend(Answer(500) for _ in range(4))
    sent = channel_message("visa V-2026-0001", connector.url, ASKER)
    assert (await bot.post(sent)).status == 503
    assert connector.activities == []
    assert (await bot.post(sent)).status == 201
    personal = connector.in_conversation(PERSONAL)
    assert len(personal) == 1 and "V-2026-0001" in personal[0]
    in_channel = connector.in_conversation(CHANNEL)
    assert len(in_channel) == 1 and POINTER in in_channel[0]


async def test_a_reply_refused_for_good_is_not_kept(bot, connector, db):
    await staff(db)
    connector.answers.append(Answer(403))
    await bot.post(message(REFERRAL, connector.url, COORDINATOR))
    async with db.read() as session:
        (row,) = (await session.exec(select(ProcessedTurn))).all()
    assert row.status == "done" and row.replies is None
    assert await count(db, Participant) == 1


async def test_erasure_drops_replies_still_waiting_to_be_sent(bot, connector, db):
    """A reply about a participant that never got through is erased with the participant."""
    from storage.privacy import erase_participant
    from storage.staff import load_actor
    from tests.teams import ADMIN_AAD

    await staff(db)
    connector.answers.extend(Answer(500) for _ in range(4))
    sent = message(REFERRAL, connector.url, COORDINATOR)
    assert (await bot.post(sent)).status == 503
    async with db.read() as session:
        (row,) = (await session.exec(select(ProcessedTurn))).all()
    assert "V-2026-0001" in row.replies
    async with db.session() as session:
        await upsert_admin(session)
        await erase_participant(session, await load_actor(session, ADMIN_AAD), "V-2026-0001")
    async with db.read() as session:
        (row,) = (await session.exec(select(ProcessedTurn))).all()
    assert row.replies is None
    assert (await bot.post(sent)).status == 201
    assert confirmations(connector) == []


async def upsert_admin(session) -> None:
    from storage.permissions import Role
    from storage.staff import upsert_staff
    from tests.teams import ADMIN_AAD

    await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])


async def test_a_block_nested_in_another_does_not_hide_the_outer_blocks_writes(db):
    """What decides whether a card's key is kept: a record changed anywhere in the unit."""
    from storage.models import CountyPart

    async with db.unit() as unit:
        async with db.session() as session:
            part = (await session.exec(select(CountyPart))).first()
            part.name = part.name + " "
            await session.flush()
            async with db.session() as inner:
                await inner.exec(select(CountyPart))
        changed = unit.changed
        async with db.read() as session:
            await session.exec(select(CountyPart))
        assert changed and unit.changed


async def test_a_card_that_saved_becomes_a_summary_with_undo(bot, connector, db):
    """The card the user sent is replaced (PUT on its activity id) by what was saved and an
    undo button; the old Spara button is gone."""
    await staff(db)
    data = await _form(bot, connector)
    tap = card_submit(data, connector.url, COORDINATOR)
    tap["replyToId"] = "card-activity-1"
    replies = await bot.say(tap)
    assert replies[0].startswith(CONFIRMED)
    (path,) = [p for p in connector.paths if p.endswith("/activities/card-activity-1")
               and connector.activities[connector.paths.index(p)].get("attachments")]
    update = connector.activities[connector.paths.index(path)]
    content = update["attachments"][0]["content"]
    texts = json.dumps(content, ensure_ascii=False)
    assert "Skickat och sparat" in texts and "V-2026-0001" in texts and "Spara" not in texts
    (undo,) = content["actions"]
    assert undo["data"]["command"] == "ångra" and len(undo["data"]["once"]) == 32


# --- turns that only read leave no receipt ---------------------------------------------------


async def test_a_resent_read_is_answered_again_and_leaves_nothing(bot, connector, db):
    """A message that wrote nothing commits nothing: Teams sending it again gets the answer
    again (nothing could be written twice), and the ledger keeps no row for it."""
    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))  # remembers the conversation
    before = await count(db, ProcessedTurn)
    sent = message("vem är jag", connector.url, COORDINATOR)
    first = await bot.say(sent)
    again = await bot.say(sent)
    assert len(first) == 1 and again == first
    assert await count(db, ProcessedTurn) == before


async def test_a_read_whose_reply_failed_is_sent_once_on_redelivery(bot, connector, db):
    """The reply of a read turn the connector would not take is kept for the redelivery, which
    sends it (once) without running the turn again; after that the key is answered anew."""
    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))  # remembers the conversation
    connector.clear()
    connector.answers.extend(Answer(500) for _ in range(4))
    sent = message("vem är jag", connector.url, COORDINATOR)
    assert (await bot.post(sent)).status == 503
    assert connector.texts() == []
    key = f"{sent['conversation']['id']}|{sent['id']}"
    async with db.read() as session:
        row = await session.get(ProcessedTurn, key)
    assert row.status == "done" and row.sent == 0 and "Sara" in row.replies
    assert (await bot.post(sent)).status == 201
    assert len(connector.texts()) == 1 and "Sara" in connector.texts()[0]
    assert (await bot.post(sent)).status == 201  # delivered and counted: not again
    assert len(connector.texts()) == 1


async def test_a_resent_form_answer_is_not_taken_twice(bot, connector, db):
    """A form's answer writes only dialog state, and is still a message that wrote: sent
    again, it is not read as the answer to the form's next question."""
    await staff(db)
    await bot.say(message(REFERRAL.replace(" samtycke=ja", ""), connector.url, COORDINATOR))
    assert "samtyckt" in connector.texts()[-1], connector.texts()
    answer = message("ja", connector.url, COORDINATOR)
    first = await bot.say(answer)
    assert first[0].startswith(CONFIRMED), first
    assert await bot.say(answer) == []
    assert await count(db, Participant) == 1


async def test_a_form_answer_delivered_three_times_at_once_is_answered_once(bot, connector, db):
    """The deliveries run side by side; the first to commit keeps its work, the others find
    its receipt (or its dialog state) and are repeats: no conflict text reaches the user."""
    await staff(db)
    await bot.say(message(REFERRAL.replace(" samtycke=ja", ""), connector.url, COORDINATOR))
    connector.clear()
    answer = message("ja", connector.url, COORDINATOR)
    statuses = await asyncio.gather(*(deliver(bot, answer) for _ in range(3)))
    assert statuses == [201] * 3
    assert await count(db, Participant) == 1
    assert len(confirmations(connector)) == 1 and len(connector.texts()) == 1, connector.texts()


async def test_answers_before_and_around_the_turn_come_in_the_users_language(
    bot, connector, db
):
    """The chosen language is read inside the turn (bot/locale.py); a refusal before it, and
    the answer to a second tap (a turn that does not run), are in that language too."""
    await staff(db)
    data = await _form(bot, connector)
    await bot.say(message("språk en", connector.url, COORDINATOR))
    await bot.say(card_submit(data, connector.url, COORDINATOR))
    second = await bot.say(card_submit(data, connector.url, COORDINATOR, locale="sv-SE"))
    assert second and "already pressed this button" in second[0], second
    refused = await bot.say(message("pnr 19850101-1234 ?", connector.url, COORDINATOR))
    assert refused and "personal identity" in refused[0], refused
    long = await bot.say(message("x" * 30_000, connector.url, COORDINATOR))
    assert long and "too long for me" in long[0], long


async def test_a_held_reply_is_copied_and_redacted_once_on_its_way_out(
    bot, connector, db, monkeypatch
):
    """A reply is held until the turn commits, then delivered: it goes through botbuilder's
    send path (a deep copy, the handlers, the redaction among them) once, when it is held;
    the delivery hands the held copy to the adapter as it is."""
    import bot.handler as handler

    await staff(db)
    passes: list[int] = []
    redact = handler.redact_replies

    async def counting(context, activities, send):
        passes.append(len(activities))
        return await redact(context, activities, send)

    monkeypatch.setattr(handler, "redact_replies", counting)
    replies = await bot.say(message("hjälp", connector.url, COORDINATOR))
    assert replies and connector.posts == 1
    assert passes == [1]


def test_a_copy_of_a_reply_shares_its_card_and_the_redaction_leaves_the_original():
    """botbuilder deep-copies each activity it sends: a built card is shared, not copied, and
    the redaction gives the copy new content instead of editing what the dialog built."""
    import copy

    from bot.privacy import redact_replies
    from dialogs.forms import to_activity
    from dialogs.reply import ADAPTIVE_CARD, Attachment, Reply

    said = "Personnummer 19850101-1234 nämndes"
    card = {"type": "AdaptiveCard", "body": [{"type": "TextBlock", "text": said}]}
    built = to_activity(Reply(attachments=(Attachment(ADAPTIVE_CARD, card),)))
    sent = copy.deepcopy(built)
    assert sent.attachments[0] is not built.attachments[0]
    assert sent.attachments[0].content is card

    async def nothing() -> list:
        return []

    asyncio.run(redact_replies(None, [sent], nothing))
    assert card["body"][0]["text"] == said
    assert "19850101-1234" not in json.dumps(sent.attachments[0].content)


async def test_a_redelivered_answer_to_a_form_question_is_a_repeat(bot, connector, db):
    """A turn that saved only its dialog state (the form moved to its next question) is done:
    the same activity delivered again is not taken as the answer to the next question."""
    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))
    start = ("ny aktualisering kommun=Flen född=1985 försörjning=sjukpenning från=FK "
             "datum=2026-11-02")
    asked = await bot.say(message(start, connector.url, COORDINATOR))
    assert asked, asked
    answer = message("kvinna", connector.url, COORDINATOR)
    first = await bot.say(copy.deepcopy(answer))
    assert first, first
    again = await bot.say(copy.deepcopy(answer))  # the connector delivers it again
    assert again == [], again
    async with db.read() as session:
        keys = (await session.exec(select(ProcessedTurn.key))).all()
    assert any(answer["id"] in key for key in keys), keys
