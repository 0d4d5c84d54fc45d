"""`ångra` with two people working on the same participant: it takes back only the fields the
asker changed in their own last action, never what a colleague did since, and never removes
rows others have built on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from storage.clock import clock
from storage.models import Participant, Placement, PlacementNote
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.teams import COACH_AAD, COORDINATOR_AAD, message, user

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")
LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
LEAD = user(LEAD_AAD, "Lena Ledare")
CODE = "V-2026-0001"
REFERRAL = (
    "ny aktualisering kommun=Flen kön=kvinna född=1985 försörjning=sjukpenning från=FK "
    "samtycke=ja datum=2026-11-02"
)


@pytest.fixture(autouse=True)
def monday(monkeypatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 11, 23, 9, 0, tzinfo=UTC))


async def _staff(db) -> None:
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, LEAD_AAD, "Lena Ledare", Role.PROGRAMME_LEAD, [])


async def _participant(db) -> Participant:
    async with db.session() as session:
        return (await session.exec(select(Participant).where(Participant.code == CODE))).one()


async def _enrolled(bot, url) -> None:
    await bot.say(message(REFERRAL, url, COORDINATOR))
    await bot.say(message(f'aktuell {CODE} coach="Cem Coach" datum=2026-11-05', url, LEAD))
    await bot.say(message(f"skriv in {CODE} datum=2026-11-10", url, LEAD))


async def test_a_colleagues_later_change_of_the_same_field_is_kept(bot, connector, db):
    await _staff(db)
    url = connector.url
    await _enrolled(bot, url)
    await bot.say(message(f"ändra {CODE} kön=man", url, COORDINATOR))
    await bot.say(message(f"ändra {CODE} kön=annat", url, LEAD))

    replies = await bot.say(message("ångra", url, COORDINATOR))

    assert len(replies) == 1
    assert "Lena Ledare har ändrat kön sedan dess" in replies[0]
    assert (await _participant(db)).gender == "other"


async def test_only_the_askers_fields_are_taken_back(bot, connector, db):
    await _staff(db)
    url = connector.url
    await _enrolled(bot, url)
    await bot.say(message(f"ändra {CODE} kön=man", url, COORDINATOR))
    await bot.say(message(f"ändra {CODE} född=1986", url, LEAD))

    replies = await bot.say(message("ångra", url, COORDINATOR))

    assert replies[0].startswith("Klart, jag ångrade")
    participant = await _participant(db)
    assert participant.gender == "woman"  # the asker's change, taken back
    assert participant.birth_year == 1986  # the colleague's, kept


async def test_a_placement_a_colleague_has_followed_up_is_not_removed(bot, connector, db):
    await _staff(db)
    url = connector.url
    await _enrolled(bot, url)
    await bot.say(message(
        f"ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare=Coop "
        "start=2026-11-16", url, COACH))
    await bot.say(message(f"uppföljning {CODE} Trivs bra", url, COORDINATOR))

    replies = await bot.say(message("ångra", url, COACH))

    assert "Sara Samordnare har ändrat" in replies[0]
    async with db.session() as session:
        assert len((await session.exec(select(Placement))).all()) == 1
        assert len((await session.exec(select(PlacementNote))).all()) == 1


async def test_a_referral_others_have_worked_on_is_not_removed(bot, connector, db):
    await _staff(db)
    url = connector.url
    await bot.say(message(REFERRAL, url, COORDINATOR))
    await bot.say(message(f'aktuell {CODE} coach="Cem Coach" datum=2026-11-05', url, LEAD))

    replies = await bot.say(message("ångra", url, COORDINATOR))

    assert "Lena Ledare" in replies[0]
    assert (await _participant(db)).status == "accepted"


async def test_undo_of_ones_own_work_still_works(bot, connector, db):
    await _staff(db)
    url = connector.url
    await _enrolled(bot, url)
    await bot.say(message(
        f"ny placering {CODE} typ=arbetsträning sektor=privat arbetsgivare=Coop "
        "start=2026-11-16", url, COACH))
    await bot.say(message(f"uppföljning {CODE} Trivs bra", url, COACH))

    assert (await bot.say(message("ångra", url, COACH)))[0].startswith("Klart, jag ångrade")
    assert (await bot.say(message("ångra", url, COACH)))[0].startswith("Klart, jag ångrade")
    async with db.session() as session:
        assert (await session.exec(select(Placement))).all() == []
        assert (await session.exec(select(PlacementNote))).all() == []
