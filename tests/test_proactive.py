"""Proactive delivery through the real CloudAdapter to a fake connector that misbehaves on
purpose: throttling and gateway errors are retried, a removed app is marked and left alone."""

from __future__ import annotations

import json
from collections import deque
from datetime import timedelta

import pytest
from aiohttp import web
from sqlmodel import select

from bot.app import build_runtime
from bot.proactive import Pacer, ProactiveSender
from dialogs.reminders import reminder_card
from scheduler.service import ReminderService, ReminderSettings
from storage.models import ConversationRef, ReminderOutbox
from storage.reminders import Outbox
from tests.conftest import start_bot
from tests.fakes import FakeConnector
from tests.teams import COACH_AAD, COORDINATOR_AAD, installed, user
from tests.test_reminders import NOW, TODAY, frozen  # noqa: F401  (fixture)

# Runtimes built here have no app whose cleanup would close their HTTP session.
pytestmark = pytest.mark.usefixtures("closing_http")


class ScriptedConnector(FakeConnector):
    """Answers with the next scripted status for a conversation (200 when the script is empty).
    Only answered-200 activities count as delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: dict[str, deque[int]] = {}
        self.requests = 0
        self.retry_after = "0"

    async def _post(self, request: web.Request) -> web.Response:
        self.requests += 1
        script = self.scripts.get(request.match_info["conversation"])
        status = script.popleft() if script else 200
        if status != 200:
            body = {
                "error": {
                    "code": "BotNotInConversationRoster" if status == 403 else "X",
                    "message": f"scripted {status}",
                }
            }
            return web.json_response(
                body, status=status, headers={"Retry-After": self.retry_after}
            )
        return await super()._post(request)

    def clear(self) -> None:
        super().clear()
        self.requests = 0


@pytest.fixture
async def scripted():
    fake = ScriptedConnector()
    await fake.start()
    yield fake
    await fake.close()


def reminder_ids(connector: FakeConnector) -> list[int]:
    """The outbox id each delivered card carries on its buttons (the idempotency marker)."""
    ids = []
    for activity in connector.activities:
        for attachment in activity.get("attachments") or []:
            actions = attachment["content"].get("actions", [])
            ids.append(actions[0]["data"]["reminder"])
    return ids


async def install(settings, connector: FakeConnector, aad: str = COACH_AAD) -> str:
    """The user installs the app: the bot stores the conversation reference (and greets)."""
    bot = await start_bot(settings, connector)
    try:
        await bot.say(installed(connector.url, user(aad, "Cem")))
    finally:
        await bot.http.close()
    connector.clear()
    return f"a:personal-{aad}"


async def add_rows(db, count: int, recipient: str = COACH_AAD) -> None:
    params = json.dumps(
        {
            "watch": "referral_undecided",
            "label": "N-2026-0001",
            "date": "2026-11-09",
            "days": "14",
            "send_time": "08:00",
        }
    )
    async with db.session() as session:
        for n in range(count):
            session.add(
                ReminderOutbox(
                    idempotency_key=f"referral_waiting:participant:{n}:{TODAY}:{recipient}",
                    rule_code="referral_waiting",
                    subject_ref=f"participant:{n}",
                    params=params,
                    remind_on=TODAY,
                    recipient=recipient,
                    next_attempt_at=NOW,
                )
            )


def service(db, settings, sleeps: list[float]) -> ReminderService:
    """The service with a fake clock for pacing: time passes only when it sleeps."""
    elapsed = [0.0]

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        elapsed[0] += seconds

    adapter = build_runtime(settings, db).adapter
    sender = ProactiveSender(
        adapter, settings.APP_ID, Pacer(sleep=sleep, now=lambda: elapsed[0]), sleep=sleep
    )
    return ReminderService(db, sender, reminder_card, ReminderSettings())


async def rows(db) -> list[ReminderOutbox]:
    async with db.session() as session:
        return list((await session.exec(select(ReminderOutbox).order_by(ReminderOutbox.id))).all())


async def test_throttling_and_gateway_errors_are_retried_with_backoff(
    db,
    settings,
    scripted,
    frozen,  # noqa: F811
):
    conversation = await install(settings, scripted)
    await add_rows(db, 1)
    scripted.scripts[conversation] = deque([429, 412, 502, 504])  # four tries fail
    sleeps: list[float] = []
    reminders = service(db, settings, sleeps)

    report = await reminders.dispatch()
    assert report.retried == 1 and scripted.activities == []
    [row] = await rows(db)
    assert row.status == Outbox.PENDING and row.attempts == 1 and "504" in row.last_error
    assert row.next_attempt_at > NOW  # outbox-level backoff
    assert scripted.requests == 4 and len([s for s in sleeps if s > 0]) >= 3  # backoff between

    frozen[0] = row.next_attempt_at
    report = await reminders.dispatch()
    assert report.sent == 1 and reminder_ids(scripted) == [row.id]
    [row] = await rows(db)
    assert (
        row.status == Outbox.SENT and row.attempts == 2 and row.activity_id == "reply-2"
    )  # reply-1 was the welcome
    card = scripted.activities[0]["attachments"][0]["content"]
    assert card["version"] == "1.5"
    assert [a["title"] for a in card["actions"]] == [
        "Klar",
        "Påminn mig nästa arbetsdag",
        "Påminn mig om en vecka",
    ]
    assert "väntat på beslut i mer än 14 dagar" in scripted.texts()[0]


async def test_a_user_who_removed_the_app_is_marked_not_retried(
    db,
    settings,
    scripted,
    frozen,  # noqa: F811
):
    conversation = await install(settings, scripted)
    await add_rows(db, 3)
    scripted.scripts[conversation] = deque([403])
    report = await service(db, settings, []).dispatch()
    assert (report.gone, report.failed, report.sent) == (3, 0, 0)
    assert scripted.requests == 1  # the other two are not even tried
    statuses = [r.status for r in await rows(db)]
    assert statuses == [Outbox.GONE] * 3
    async with db.session() as session:
        ref = (await session.exec(select(ConversationRef))).one()
    assert ref.removed_at is not None


async def test_a_request_teams_refuses_fails_at_once(db, settings, scripted, frozen):  # noqa: F811
    conversation = await install(settings, scripted)
    await add_rows(db, 1)
    scripted.scripts[conversation] = deque([400])
    sender_result = await service(db, settings, []).dispatch()
    assert sender_result.failed == 1 and scripted.requests == 1


async def test_pacing_keeps_one_conversation_within_teams_limits(
    db,
    settings,
    scripted,
    frozen,  # noqa: F811
):
    await install(settings, scripted)
    await add_rows(db, 10)
    sleeps: list[float] = []
    reminders = service(db, settings, sleeps)
    sent = 0
    for _ in range(5):  # a conversation with many rows in hand gets the rest put back for later
        report = await reminders.dispatch()
        sent += report.sent
        later = [r for r in await rows(db) if r.status == Outbox.PENDING]
        if not later:
            break
        assert all(r.attempts == 0 for r in later)  # put back, not a failed try
        frozen[0] = max(r.next_attempt_at for r in later)
    assert sent == 10 and scripted.requests == 10
    assert sorted(reminder_ids(scripted)) == [r.id for r in await rows(db)]
    assert all(s >= 1 / 7 for s in sleeps[:7])  # one by one, not a burst
    # Teams takes 8 in 2 s from one conversation: the ninth message can go two seconds after
    # the first at the earliest (the fake clock of the pacer moves only when it waits).
    assert sum(sleeps) >= 2.0


async def test_a_long_retry_after_holds_only_its_own_conversation(
    db,
    settings,
    scripted,
    frozen,  # noqa: F811
):
    held = await install(settings, scripted)
    other = await install(settings, scripted, COORDINATOR_AAD)
    await add_rows(db, 1)
    await add_rows(db, 3, recipient=COORDINATOR_AAD)
    scripted.scripts[held] = deque([429])
    scripted.retry_after = "30"
    sleeps: list[float] = []
    report = await service(db, settings, sleeps).dispatch()
    assert (report.sent, report.retried) == (3, 1)
    assert [a["_conversation"] for a in scripted.activities] == [other] * 3
    assert sum(sleeps) < 5  # nobody waited out the 30 s
    [waiting] = [r for r in await rows(db) if r.recipient == COACH_AAD]
    assert waiting.status == Outbox.PENDING
    assert waiting.next_attempt_at >= NOW + timedelta(seconds=30)  # Teams' Retry-After kept
