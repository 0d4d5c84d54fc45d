"""Replies in a turn are retried like proactive messages: a throttled or failed reply is sent
again on its own (the write behind it is not repeated), a reply the connector accepted is never
sent twice, and the retries fit in a budget per turn."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlmodel import select

from bot.app import APP_KEY
from bot.proactive import parse_retry_after
from storage.models import Participant
from tests.fakes import Answer
from tests.teams import message
from tests.test_participants_http import COORDINATOR, REFERRAL, staff

SAVED = (
    "Registrerat **V-2026-0001**: kvinna, född 1985, Flen, sjukpenning, aktualiserad av "
    "Försäkringskassan. Inväntar beslut. Skriv **ångra** om något blev fel."
)


async def participants(db) -> list[Participant]:
    async with db.session() as session:
        return list((await session.exec(select(Participant))).all())


async def test_a_reply_throttled_then_failing_is_sent_once_and_the_write_is_not_repeated(
    bot, connector, db, on_23_november_2026
):
    await staff(db)
    connector.answers.extend(
        [Answer(429, {"Retry-After": "1"}), Answer(500, body="<html>Internal error</html>")]
    )
    started = time.perf_counter()
    replies = await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    assert time.perf_counter() - started >= 1.0, "Retry-After: 1 is honoured"
    assert replies == [SAVED]
    assert connector.posts == 3
    assert [p.code for p in await participants(db)] == ["V-2026-0001"]


async def test_a_reply_the_connector_accepted_is_never_sent_again(
    bot, connector, db, on_23_november_2026
):
    """204 and a 200 whose body is not the expected JSON both mean "accepted", though the SDK
    raises for them: a retry there would post the reply twice, failing the turn would tell the
    user something went wrong."""
    await staff(db)
    connector.answers.extend(
        [Answer(204, body="", accepted=True), Answer(200, body="OK", accepted=True)]
    )
    (first,) = await bot.say(message(REFERRAL, connector.url, COORDINATOR))
    (second,) = await bot.say(message("hjälp", connector.url, COORDINATOR))
    assert first == SAVED and second.startswith("Det här kan jag")
    assert connector.posts == 2
    assert len(await participants(db)) == 1


async def test_a_request_teams_refuses_is_not_retried(bot, connector, db, on_23_november_2026):
    await staff(db)
    connector.answers.append(Answer(400))
    response = await bot.post(message(REFERRAL, connector.url, COORDINATOR))
    assert response.status == 201
    # The reply was refused for good; the error message that follows is sent normally.
    assert connector.posts == 2
    assert connector.texts()[0].startswith("Något gick fel hos mig")
    assert len(await participants(db)) == 1


@pytest.mark.serial
async def test_a_retry_after_past_the_budget_gives_up_at_once(
    bot, connector, db, on_23_november_2026
):
    """The Bot Connector stops waiting for a turn after some 15 s; a reply that cannot go
    before then is not waited for: the request answers 503, so that the connector delivers the
    message again, and the redelivery sends the reply without writing again."""
    await staff(db)
    connector.answers.append(Answer(429, {"Retry-After": "120"}))
    started = time.perf_counter()
    sent = message(REFERRAL, connector.url, COORDINATOR)
    response = await bot.post(sent)
    assert response.status == 503 and response.headers["Retry-After"] == "1"
    assert time.perf_counter() - started < 2.0
    assert connector.posts == 1 and connector.activities == []
    assert len(await participants(db)) == 1
    assert (await bot.post(sent)).status == 201
    assert connector.texts() == [SAVED]
    assert len(await participants(db)) == 1


async def test_replies_stop_retrying_within_the_turns_budget(
    bot, connector, db, on_23_november_2026, monkeypatch
):
    """Gateway errors with no Retry-After: backoff up to the attempts, then the turn ends."""
    await staff(db)
    connector.answers.extend([Answer(503)] * 8)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    monkeypatch.setattr(bot.http.app[APP_KEY].adapter, "_sleep", sleep)
    response = await bot.post(message(REFERRAL, connector.url, COORDINATOR))
    assert response.status == 503  # saved; the connector is asked to deliver it again
    assert connector.posts == 4  # 4 tries of the reply
    assert sum(sleeps) <= 10.0 and len(sleeps) == 3
    assert connector.activities == []


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after("0.5") == 0.5
    assert parse_retry_after("-3") == 0.0
    in_a_minute = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= parse_retry_after(in_a_minute) <= 60
    for nonsense in (None, "", "soon", "nan", "inf", "Wed, 21 Oct 2015 07:28:00"):
        assert parse_retry_after(nonsense) in (None, 0.0), nonsense


async def test_two_turns_sharing_a_connector_client_each_get_their_own_outcome(
    bot, connector, db, on_23_november_2026
):
    """One connector client serves both conversations (same service URL and audience). While
    the connector answers one conversation's reply with 500s (slowly), the other's replies get
    200: the first turn still sees its 500s (503, sent again later), the other is delivered."""
    from collections import deque

    from tests.test_participants_http import COACH

    await staff(db)
    await bot.say(message("hjälp", connector.url, COORDINATOR))  # both conversations known
    await bot.say(message("hjälp", connector.url, COACH))
    connector.clear()
    failing = message(REFERRAL, connector.url, COORDINATOR)
    connector.answers_for[failing["conversation"]["id"]] = deque(
        Answer(500, delay=0.2) for _ in range(4)
    )

    async def other_turns() -> list[int]:
        statuses = []
        for _ in range(6):
            await asyncio.sleep(0.25)
            statuses.append((await bot.post(message("vem är jag", connector.url, COACH))).status)
        return statuses

    first, others = await asyncio.gather(bot.post(failing), other_turns())
    assert first.status == 503
    assert others == [201] * 6
    coordinator = failing["conversation"]["id"]
    coach = message("", connector.url, COACH)["conversation"]["id"]
    assert connector.in_conversation(coordinator) == []
    assert connector.in_conversation(coach) == ["Du är Cem Coach, coach i Västra."] * 6
    assert len(bot.http.app[APP_KEY].auth.clients) == 1
    assert (await bot.post(failing)).status == 201  # the redelivery sends the saved reply
    assert connector.in_conversation(coordinator) == [SAVED]
    assert [p.code for p in await participants(db)] == ["V-2026-0001"]


async def test_each_request_on_a_shared_client_reports_to_the_turn_that_sent_it(connector):
    """The answer is recorded per sending task, not per client: of two sends on one client, the
    500 answered first and the 200 answered last are each seen by their own sender (a record on
    the client would have both see the last answer)."""
    from collections import deque

    from botbuilder.schema import Activity as SdkActivity
    from botframework.connector.aio import ConnectorClient
    from botframework.connector.auth import MicrosoftAppCredentials

    from bot._sender import HttpSessions, LastAnswer, answering
    from bot.delivery import _fit

    client = ConnectorClient(MicrosoftAppCredentials("", ""), base_url=connector.url)
    sessions = HttpSessions()
    _fit(client, sessions)
    connector.answers_for["a:failing"] = deque([Answer(500, delay=0.2)])
    connector.answers_for["a:fine"] = deque([Answer(200, body="{}", accepted=True, delay=0.3)])

    async def send(conversation: str, after: float) -> LastAnswer:
        await asyncio.sleep(after)
        answer = LastAnswer()
        answering.set(answer)  # this task's context only
        with contextlib.suppress(Exception):
            await client.conversations.send_to_conversation(
                conversation, SdkActivity(type="message", text="hej")
            )
        return answer

    failing, fine = await asyncio.gather(send("a:failing", 0.0), send("a:fine", 0.05))
    await sessions.close()
    assert (failing.status, fine.status) == (500, 200)


async def test_the_user_token_client_is_built_once_for_many_turns(bot, connector, monkeypatch):
    """Stegvis signs no one in: the SDK's per-turn user token client is kept per app id
    (bot/delivery.py), not built with its own msrest configuration for every turn."""
    from botframework.connector.auth import _user_token_client_impl

    built: list[object] = []
    original = _user_token_client_impl._UserTokenClientImpl.__init__

    def counting(self, *args, **kwargs) -> None:
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(_user_token_client_impl._UserTokenClientImpl, "__init__", counting)
    for _ in range(3):
        await bot.say(message("hjälp", connector.url, COORDINATOR))
    assert len(built) <= 1, built
