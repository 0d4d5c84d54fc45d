"""The promise "inget sparades", held for every shape × every field × every path.

Each personnummer shape from tests/test_pii.py is typed into every command field on one line,
submitted in a card, and given as the answer to a form's question, through the real HTTP
endpoint. Every reply must refuse it without repeating it; afterwards no text column of any table
(dialog state, audit and outbox included) and no log line holds a number. Names are swept the
same way through the fields that are about participants.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import String, Text, select
from sqlmodel import SQLModel

from storage.clock import clock
from storage.minutes import MinutesInput, log_minutes
from storage.participants import (
    PlacementInput,
    ReferralInput,
    add_placement,
    decide,
    enrol,
    register_referral,
)
from storage.permissions import Role
from storage.pii import has_personal_number
from storage.rules import Status
from storage.staff import load_actor, upsert_staff
from tests.fakes import activity_text
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, card_submit, message, user
from tests.test_pii import NAMES, SHAPES

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
ADMIN = user(ADMIN_AAD, "Alva Admin")
CODE = "V-2026-0001"
REFUSED = "inget av meddelandet sparades"

# (who, one-line command with {x} where the value goes)
COMMAND_FIELDS: list[tuple[dict[str, str], str]] = [
    (COORDINATOR, 'ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning '
                  'från=FK samtycke=ja enhet="{x}"'),
    (COORDINATOR, 'ny aktualisering kommun="{x}" kön=kvinna född=1985 försörjning=sjukpenning '
                  'från=FK samtycke=ja'),
    (COORDINATOR, 'ny aktualisering kommun=Flen kön=kvinna född="{x}" försörjning=sjukpenning '
                  'från=FK samtycke=ja'),
    (COORDINATOR, 'ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning '
                  'från=FK samtycke=ja datum="{x}"'),
    (COORDINATOR, f'aktuell {CODE} coach="{{x}}"'),
    (COORDINATOR, f'ej aktuell {CODE} orsak="{{x}}"'),
    (COORDINATOR, f"coach {CODE} {{x}}"),
    (COACH, f'förläng {CODE} till=2028-01-01 motivering="Behöver mer tid {{x}}"'),
    (COACH, f'ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare="{{x}}"'),
    (COACH, f'ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare=Coop '
            f'yrke="{{x}}"'),
    (COACH, f"uppföljning {CODE} Trivs bra {{x}}"),
    (COACH, f"steg {CODE} {{x}}"),
    (COACH, f'skriv ut {CODE} orsak="{{x}}" till=studier försörjning=lön'),
    (COACH, f'ändra {CODE} enhet="{{x}}"'),
    (COACH, "visa {x}"),
    (COORDINATOR, 'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-11-20 '
                  'närvarande="Anna A, {x}"'),
    (COORDINATOR, 'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-11-19 '
                  'närvarande="Anna A" punkter="Budget; {x}"'),
    (COORDINATOR, 'beslut 1 "Styrgruppen beslutade {x}"'),
    (COORDINATOR, 'åtgärd 1 "Ta fram underlag {x}" ansvarig=jag klar=2026-12-01'),
    (COORDINATOR, 'åtgärd 1 "Ta fram underlag" ansvarig="{x}" klar=2026-12-01'),
    (COORDINATOR, 'påminnelser lägg till regel=status_report datum=2027-03-05 titel="{x}"'),
    (ADMIN, f'personal lägg till id={COACH_AAD} namn="{{x}}" roll=coach länsdel=Västra'),
    (COORDINATOR, 'rapport coach="{x}"'),
    (COORDINATOR, "{x}"),
]

# (who, card `command`, the input that gets the value, the card's other inputs)
CARD_FIELDS: list[tuple[dict[str, str], str, str, dict[str, str]]] = [
    (COORDINATOR, "ny aktualisering", "enhet",
     {"kommun": "Flen", "kön": "woman", "född": "1985", "försörjning": "sickness_benefit",
      "från": "fk", "samtycke": "ja"}),
    (COORDINATOR, "ny aktualisering", "kommun", {"kön": "woman"}),
    (COACH, f"förläng {CODE}", "motivering", {"till": "2028-01-01"}),
    (COACH, f"ny placering {CODE}", "arbetsgivare", {"typ": "work_training", "sektor": "private"}),
    (COACH, f"ny placering {CODE}", "yrke",
     {"typ": "work_training", "sektor": "private", "arbetsgivare": "Coop"}),
    (COACH, f"uppföljning {CODE}", "text", {}),
    (COACH, f"skriv ut {CODE}", "orsak", {"till": "studies", "försörjning": "salary"}),
    (COORDINATOR, "nytt möte", "närvarande", {"grupp": "Lokal styrgrupp Västra",
                                              "datum": "2026-11-18"}),
    (COORDINATOR, "nytt möte", "punkter", {"grupp": "Lokal styrgrupp Västra",
                                           "datum": "2026-11-17"}),
    (COORDINATOR, "rapport", "coach", {}),
]

# (who, the command that opens a form, and the question the refused answer must stay at)
FORM_QUESTIONS: list[tuple[dict[str, str], str, str]] = [
    (COORDINATOR, "ny aktualisering", "Vilken kommun bor personen i?"),
    (COACH, f"förläng {CODE} till=2028-01-01", "Motivera förlängningen"),
    (COACH, f"uppföljning {CODE}", "Vad kom fram vid uppföljningen"),
    (COACH, f"ny placering {CODE} typ=arbetsträning sektor=privat", "Vilken arbetsgivare"),
]


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


async def _setup(db) -> int:
    """An enrolled participant with a placement in Västra, and a held meeting (its number)."""
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
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
        meeting = await log_minutes(session, coordinator, MinutesInput(
            group="Lokal styrgrupp Västra", meeting_date=date(2026, 11, 16),
            attendees=["Anna A"], items=["Budget"]))
    assert code == CODE
    assert meeting.id is not None
    return meeting.id


async def _stored_texts(db) -> list[str]:
    """Every text value of every table, as stored."""
    texts = []
    async with db.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, String | Text)]
            if not columns:
                continue
            for row in (await connection.execute(select(*columns))).all():
                texts.extend(value for value in row if isinstance(value, str))
    return texts


def _assert_refused(replies: list[str], typed: str) -> None:
    assert len(replies) == 1, replies
    assert REFUSED in replies[0], replies
    assert not has_personal_number(replies[0])
    assert typed not in replies[0]


async def _say_all(bot, connector, activities: list[tuple[dict[str, Any], str]]) -> None:
    """Post every activity, several at a time, each in a conversation of its own, and check
    that each got exactly one refusal that does not repeat what was typed."""
    limit = asyncio.Semaphore(12)

    async def one(index: int, activity: dict[str, Any], typed: str) -> None:
        conversation = f"a:sweep-{index}"
        activity["conversation"]["id"] = conversation
        async with limit:
            response = await bot.post(activity)
        assert response.status in (200, 201), await response.text()
        replies = [activity_text(a) for a in connector.activities
                   if a["_conversation"] == conversation]
        _assert_refused(replies, typed)

    await asyncio.gather(*(one(i, a, typed) for i, (a, typed) in enumerate(activities)))


async def test_every_number_shape_in_every_field_and_path_is_refused_and_never_stored(
    bot, connector, db, caplog
):
    await _setup(db)
    before = sorted(await _stored_texts(db))
    url = connector.url
    caplog.set_level(logging.INFO)
    activities: list[tuple[dict[str, Any], str]] = []
    for shape in SHAPES:
        for sender, template in COMMAND_FIELDS:
            activities.append((message(template.format(x=shape), url, sender), shape))
        for sender, command, key, others in CARD_FIELDS:
            data: dict[str, Any] = {"command": command, **others, key: shape}
            activities.append((card_submit(data, url, sender), shape))
    await _say_all(bot, connector, activities)
    turns = len(activities)
    assert sorted(await _stored_texts(db)) == before, "a refused message changed what is stored"
    for sender, opener, question in FORM_QUESTIONS:
        for shape in SHAPES:
            connector.clear()
            asked = await bot.say(message(opener, url, sender))
            assert question in asked[-1], asked
            _assert_refused(await bot.say(message(shape, url, sender)), shape)
            # Still at the same question: the next answer is taken as its answer.
            assert (await bot.say(message("avbryt", url, sender)))[0].startswith("Okej")
            turns += 1
    assert turns >= 25 * (len(COMMAND_FIELDS) + len(CARD_FIELDS))
    stored = await _stored_texts(db)
    assert [t for t in stored if has_personal_number(t)] == []
    assert not has_personal_number(caplog.text)


async def test_a_refused_answer_leaves_the_form_at_its_question(bot, connector, db):
    await _setup(db)
    url = connector.url
    asked = await bot.say(message(f"förläng {CODE} till=2028-01-01", url, COACH))
    assert "Motivera förlängningen" in asked[-1]
    _assert_refused(await bot.say(message("8501011234", url, COACH)), "8501011234")
    replies = await bot.say(message("Behöver mer tid i arbetsträningen", url, COACH))
    assert replies == [f"**{CODE}** är förlängd till 2028-01-01."]


# Fields about participants, where a name is refused: (who, one-line template, card command,
# card input, the form opener whose question takes the text, a text the field accepts).
NAME_FIELDS = [
    (COORDINATOR,
     'ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK '
     'samtycke=ja enhet="{x}"', "ny aktualisering", "enhet", None),
    (COACH, f'förläng {CODE} till=2028-01-01 motivering="Behöver mer tid, {{x}}"',
     f"förläng {CODE}", "motivering", f"förläng {CODE} till=2028-01-01"),
    (COACH, f'ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare=Coop '
            f'yrke="{{x}}"', f"ny placering {CODE}", "yrke", None),
    (COACH, f"uppföljning {CODE} {{x}}", f"uppföljning {CODE}", "text", f"uppföljning {CODE}"),
    (COACH, f'ändra {CODE} enhet="{{x}}"', None, None, None),
    (COORDINATOR, 'beslut {meeting} "{x}"', None, None, None),
    (COORDINATOR, 'åtgärd {meeting} "{x}" ansvarig=jag klar=2026-12-01', None, None, None),
    (COORDINATOR, 'nytt möte grupp="Lokal styrgrupp Västra" datum=2026-11-20 '
                  'närvarande="Anna A" punkter="{x}"', "nytt möte", "punkter", None),
]
CARD_BASE = {
    "ny aktualisering": {"kommun": "Flen", "kön": "woman", "född": "1985",
                         "försörjning": "sickness_benefit", "från": "fk", "samtycke": "ja"},
    f"förläng {CODE}": {"till": "2028-01-01"},
    f"ny placering {CODE}": {"typ": "work_training", "sektor": "private", "arbetsgivare": "Coop"},
    f"uppföljning {CODE}": {},
    "nytt möte": {"grupp": "Lokal styrgrupp Västra", "datum": "2026-11-20",
                  "närvarande": "Anna A"},
}
NAME_REFUSED = "persons namn"
TYPED_NAMES = [name for name in NAMES if '"' not in name]


def _assert_name_refused(replies: list[str], name: str) -> None:
    assert replies and NAME_REFUSED in replies[0], replies
    assert name not in " ".join(replies)


async def test_names_in_participant_fields_are_refused_on_every_path(bot, connector, db, caplog):
    meeting = await _setup(db)
    url = connector.url
    caplog.set_level(logging.INFO)
    for index, name in enumerate(TYPED_NAMES):
        for sender, template, card_command, card_key, opener in NAME_FIELDS:
            typed = template.format(x=name, meeting=meeting)
            _assert_name_refused(await bot.say(message(typed, url, sender)), name)
            await bot.say(message("avbryt", url, sender))
            if index % 3:
                continue  # every name on one line; every third also by card and as an answer
            if card_command:
                data = {"command": card_command, **CARD_BASE[card_command], card_key: name}
                _assert_name_refused(await bot.say(card_submit(data, url, sender)), name)
                await bot.say(message("avbryt", url, sender))
            if opener:
                await bot.say(message(opener, url, sender))
                _assert_name_refused(await bot.say(message(name, url, sender)), name)
                await bot.say(message("avbryt", url, sender))
    stored = await _stored_texts(db)
    sent = json.dumps(connector.activities, ensure_ascii=False).casefold()
    for name in TYPED_NAMES:
        assert not [text for text in stored if name.casefold() in text.casefold()], name
        assert name.casefold() not in sent, name  # not even inside a card sent back
    assert not [line for line in caplog.text.splitlines() if any(n in line for n in TYPED_NAMES)]
