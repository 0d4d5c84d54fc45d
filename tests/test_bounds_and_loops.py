"""Bounded input and forms that cannot loop: far-off dates, long texts and huge numbers are
refused with a Swedish reason; every form, driven with empty, wrong and repeated answers,
answers each message at most once and gives up instead of going round; permission comes
before any question."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlmodel import select

from storage.clock import clock
from storage.models import MeetingDecision, Participant, Placement, PlacementNote
from storage.participants import (
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    register_referral,
)
from storage.permissions import Role
from storage.rules import RuleError, Status
from storage.staff import load_actor, upsert_staff
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, message, user

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
VIEWER = user(VIEWER_AAD, "Vera Utvärderare")
ADMIN = user(ADMIN_AAD, "Alva Admin")
CODE = "V-2026-0001"
REFERRED = "V-2026-0002"


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


async def _setup(db) -> None:
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, VIEWER_AAD, "Vera Utvärderare", Role.VIEWER, [])
        await upsert_staff(session, ADMIN_AAD, "Alva Admin", Role.ADMIN, [])
        coordinator = await load_actor(session, COORDINATOR_AAD)
        referral = ReferralInput(date(2026, 11, 2), "fk", "Flen", "woman", 1985,
                                 "sickness_benefit", True)
        code = (await register_referral(session, coordinator, referral)).code
        await decide(session, coordinator, code, Status.ACCEPTED, day=date(2026, 11, 3),
                     coach="Cem Coach")
        await enrol(session, coordinator, code, date(2026, 11, 4))
        await add_placement(session, coordinator, code,
                            PlacementInput("work_training", "private", "Coop", date(2026, 11, 5)))
        await register_referral(session, coordinator, referral)


async def _count(db, model) -> int:
    async with db.session() as session:
        return len((await session.exec(select(model))).all())


async def test_a_far_off_date_is_refused_everywhere(bot, connector, db):
    await _setup(db)
    url = connector.url
    replies = await bot.say(message(
        f"ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare=ICA "
        "start=9999-12-25", url, COACH))
    assert len(replies) == 1
    assert "utanför det Stegvis tar emot" in replies[0]
    assert "Vilket datum börjar placeringen?" in replies[0]  # asked again, in the same message
    assert await _count(db, Placement) == 1
    replies = await bot.say(message(f"ändra {CODE} inskriven=2031-01-01", url, COACH))
    assert "utanför det Stegvis tar emot" in replies[0]
    replies = await bot.say(message(f"ändra {CODE} inskriven=1899-01-01", url, COACH))
    assert "utanför det Stegvis tar emot" in replies[0]
    async with db.session() as session:
        participant = (await session.exec(select(Participant).where(
            Participant.code == CODE))).one()
    assert participant.enrolment_date == date(2026, 11, 4)


async def test_storage_refuses_far_off_dates_whatever_calls_it(db):
    await _setup(db)
    async with db.session() as session:
        coach = await load_actor(session, COACH_AAD)
        with pytest.raises(RuleError) as caught:
            await add_placement(session, coach, CODE, PlacementInput(
                "work_training", "private", "ICA", date(9999, 12, 25)))
    assert caught.value.code == "rule_date_window"
    assert await _count(db, Placement) == 1


async def test_an_old_bad_row_does_not_break_listing_or_showing(bot, connector, db):
    """Rows written before the bounds existed (here by plain SQL) must not stop a reader."""
    await _setup(db)
    async with db.begin() as connection:
        await connection.execute(text(
            "UPDATE placement SET start_date = '9999-12-25', planned_end_date = '9999-12-31'"))
        await connection.execute(text(
            "UPDATE participant SET extended_until = '9999-12-31' WHERE code = :code"),
            {"code": CODE})
    url = connector.url
    assert CODE in (await bot.say(message("mina deltagare", url, COACH)))[0]
    assert CODE in (await bot.say(message(f"visa {CODE}", url, COACH)))[0]


async def test_a_text_over_its_limit_is_refused_and_asked_again(bot, connector, db):
    await _setup(db)
    url = connector.url
    long_note = "Trivs bra. " * 200  # 2,200 characters; a note holds 2,000
    replies = await bot.say(message(f"uppföljning {CODE} {long_note}", url, COACH))
    assert len(replies) == 1
    assert "för lång" in replies[0] and "2000" in replies[0]
    assert "Vad kom fram vid uppföljningen" in replies[0]
    assert await _count(db, PlacementNote) == 0
    replies = await bot.say(message("Trivs bra.", url, COACH))
    assert replies == [f"Uppföljningen är sparad på placering 1 för **{CODE}**."]


async def test_huge_and_foreign_numbers_are_refused(bot, connector, db):
    await _setup(db)
    url = connector.url
    for typed in ("99999999999999999999", "٣", "0", "-1"):
        replies = await bot.say(message(
            f"avsluta placering {CODE} placering={typed}", url, COACH))
        assert "Skriv ett nummer mellan 1 och 999" in replies[0], (typed, replies)
        await bot.say(message("avbryt", url, COACH))


async def test_the_decision_form_without_a_coach_asks_once_and_cannot_loop(bot, connector, db):
    """`aktuell <kod>` without `coach=` used to ask again and again (28 messages)."""
    await _setup(db)
    url = connector.url
    replies = await bot.say(message(f"aktuell {REFERRED}", url, COORDINATOR))
    assert len(replies) == 1 and "coach" in replies[0].casefold()
    for wrong in ("", "Nobody Known", "???"):
        replies = await bot.say(message(wrong or " ", url, COORDINATOR))
        assert len(replies) <= 1, replies
    replies = await bot.say(message("Cem Coach", url, COORDINATOR))
    assert len(replies) <= 1


async def test_a_viewer_is_refused_before_any_question(bot, connector, db):
    await _setup(db)
    url = connector.url
    for command in (f"aktuell {REFERRED}", f"skriv in {CODE}", f"ny placering {CODE}",
                    f"skriv ut {CODE}", f"uppföljning {CODE}", "mina deltagare",
                    f"visa {CODE}", "ny aktualisering"):
        for sender in (VIEWER, ADMIN):
            replies = await bot.say(message(command, url, sender))
            assert len(replies) == 1, (command, replies)
            assert "behörighet" in replies[0], (command, replies)
            assert "Cem Coach" not in replies[0]


async def test_another_coachs_participant_is_refused_before_any_question(bot, connector, db):
    await _setup(db)
    other = "3d9f5b67-8e0a-4c4b-8f6d-4a5b6c7d8e9f"
    async with db.session() as session:
        await upsert_staff(session, other, "Olle Annan", Role.COACH, ["vastra"])
    replies = await bot.say(message(f"skriv ut {CODE}", connector.url, user(other, "Olle")))
    assert replies == [f"Jag hittar ingen deltagare {CODE} som du har behörighet till."]


FORMS = [
    (COORDINATOR, "ny aktualisering"),
    (COORDINATOR, f"aktuell {REFERRED}"),
    (COORDINATOR, f"ej aktuell {REFERRED}"),
    (COACH, f"skriv in {REFERRED}"),
    (COACH, f"förläng {CODE}"),
    (COACH, f"ny placering {CODE}"),
    (COACH, f"uppföljning {CODE}"),
    (COACH, f"avsluta placering {CODE}"),
    (COACH, f"skriv ut {CODE}"),
    (COORDINATOR, "aktuell"),
]


@pytest.mark.parametrize(("sender", "opener"), FORMS)
async def test_every_form_answers_each_message_at_most_once_and_ends(
    bot, connector, db, sender, opener
):
    await _setup(db)
    url = connector.url
    opened = await bot.say(message(opener, url, sender))
    assert 1 <= len(opened) <= 2  # the question, and the card when nothing was given
    answers = ["\u200b", " ", "???", "9999-99-99", "x" * 5000, "???", "-1", "???", "???"] * 3
    for answer in answers:
        replies = await bot.say(message(answer, url, sender))
        assert len(replies) <= 1, (opener, answer, replies)
    # Whatever happened (saved, refused or given up), no form is left open.
    assert await bot.say(message("avbryt", url, sender)) == ["Det finns inget att avbryta."]


async def test_a_refusal_at_the_flush_leaves_the_turn_able_to_answer(bot, connector, db):
    """The write guard refuses at the flush, inside the turn's transaction: that block alone is
    undone, the refusal is answered, and the same turn still saves its state and its receipt."""
    from tests.test_personal_data_sweep import COORDINATOR
    from tests.test_personal_data_sweep import _setup as meeting_setup

    meeting = await meeting_setup(db)
    url = connector.url
    replies = await bot.say(message(f'beslut {meeting} "{"Beslut. " * 340}"', url, COORDINATOR))
    assert len(replies) == 1 and "för lång" in replies[0] and "2000" in replies[0], replies
    replies = await bot.say(message(f'beslut {meeting} "Budgeten antas"', url, COORDINATOR))
    assert "gick fel" not in replies[0]
    async with db.read() as session:
        decisions = (await session.exec(select(MeetingDecision.text))).all()
    assert decisions == ["Budgeten antas"]
