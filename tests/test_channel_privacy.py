"""In a channel or group chat, what shows a single participant or unmasked figures goes to the
asker's personal chat; the channel gets a pointer. Masked aggregates stay in the channel."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from storage.models import ConversationRef
from storage.participants import ReferralInput, register_referral
from storage.permissions import Role
from storage.staff import load_actor, upsert_staff
from tests.teams import (
    CHANNEL,
    COACH_AAD,
    COORDINATOR_AAD,
    channel_message,
    message,
    user,
)

COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
VIEWER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
VIEWER = user(VIEWER_AAD, "Vera Utvärderare")
PERSONAL = f"a:personal-{COORDINATOR_AAD}"
POINTER = "till din personliga chatt"


async def _setup(db) -> None:
    async with db.session() as session:
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR,
                           ["vastra"])
        await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["vastra"])
        await upsert_staff(session, VIEWER_AAD, "Vera Utvärderare", Role.VIEWER, [])
        coordinator = await load_actor(session, COORDINATOR_AAD)
        await register_referral(session, coordinator, ReferralInput(
            date(2026, 11, 2), "fk", "Flen", "woman", 1985, "sickness_benefit", True))


async def test_a_participant_asked_for_in_a_channel_is_shown_in_personal_chat(
    bot, connector, db
):
    await _setup(db)
    url = connector.url
    await bot.say(message("hjälp", url, COORDINATOR))  # the bot knows the personal chat
    connector.clear()

    await bot.say(channel_message("visa V-2026-0001", url, COORDINATOR))

    in_channel = connector.in_conversation(CHANNEL)
    assert len(in_channel) == 1 and POINTER in in_channel[0]
    assert "V-2026-0001" not in in_channel[0]
    personal = connector.in_conversation(PERSONAL)
    assert len(personal) == 1 and "V-2026-0001" in personal[0] and "Flen" in personal[0]
    assert connector.created == []


async def test_without_a_personal_chat_the_bot_opens_one(bot, connector, db):
    await _setup(db)
    url = connector.url

    await bot.say(channel_message("mina deltagare", url, COORDINATOR))

    assert len(connector.created) == 1
    created = connector.created[0]
    assert created["members"] == [{"id": COORDINATOR["id"]}]
    assert created["isGroup"] is False
    assert created.get("tenantId") or created["channelData"]["tenant"]["id"], created
    opened = f"a:created-{COORDINATOR['id']}"
    assert "V-2026-0001" in " ".join(connector.in_conversation(opened))
    assert all("V-2026-0001" not in text for text in connector.in_conversation(CHANNEL))
    async with db.session() as session:
        row = (
            await session.exec(select(ConversationRef).where(
                ConversationRef.conversation_id == opened))
        ).one()
    assert row.aad_object_id == COORDINATOR_AAD and row.conversation_type == "personal"

    # The next private answer uses the stored chat instead of opening another.
    await bot.say(channel_message("visa V-2026-0001", url, COORDINATOR))
    assert len(connector.created) == 1


async def test_when_no_personal_chat_can_be_opened_nothing_is_shown(bot, connector, db):
    await _setup(db)
    connector.create_status = 403
    replies = await bot.say(channel_message("visa V-2026-0001", connector.url, COORDINATOR))
    assert len(replies) == 1
    assert "kunde inte öppna" in replies[0] and "V-2026-0001" not in replies[0]
    assert len(connector.activities) == 1


async def test_a_form_started_in_a_channel_runs_in_personal_chat(bot, connector, db):
    await _setup(db)
    url = connector.url
    await bot.say(message("hjälp", url, COORDINATOR))
    connector.clear()

    await bot.say(channel_message(
        "ny aktualisering kommun=Flen kön=man född=1990 försörjning=sjukpenning från=FK "
        "samtycke=ja", url, COORDINATOR))
    assert "V-2026-0002" in connector.in_conversation(PERSONAL)[0]
    assert len(connector.in_conversation(CHANNEL)) == 1

    connector.clear()
    await bot.say(channel_message("ny aktualisering", url, COORDINATOR))
    assert any("Vilken kommun" in text for text in connector.in_conversation(PERSONAL))
    # The form continues where it now lives.
    replies = await bot.say(message("Flen", url, COORDINATOR))
    assert replies[0].startswith("Vilket kön")
    assert all(POINTER in text for text in connector.in_conversation(CHANNEL))


async def test_unmasked_reports_go_private_and_masked_ones_stay(bot, connector, db):
    await _setup(db)
    url = connector.url
    await bot.say(message("hjälp", url, COORDINATOR))
    connector.clear()

    await bot.say(channel_message("rapport från=2026-07-01 till=2026-12-31", url, COORDINATOR))
    assert len(connector.in_conversation(CHANNEL)) == 1
    assert len(connector.in_conversation(PERSONAL)) == 1  # the report's one card

    connector.clear()
    await bot.say(channel_message("rapport period=2026-H1", url, VIEWER))
    in_channel = connector.in_conversation(CHANNEL)
    assert len(in_channel) == 1 and not any(POINTER in text for text in in_channel)
    assert connector.created == []


async def test_help_and_organisation_stay_in_the_channel(bot, connector, db):
    await _setup(db)
    await bot.say(channel_message("organisation", connector.url, COORDINATOR))
    assert len(connector.in_conversation(CHANNEL)) == 1
    assert "Västra" in connector.in_conversation(CHANNEL)[0]
