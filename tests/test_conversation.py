"""Install, welcome, help, suggestions and locale, through the real HTTP endpoint."""

from __future__ import annotations

import asyncio
import json

from botbuilder.core import TurnContext
from botbuilder.schema import Activity
from sqlmodel import select

from storage.conversations import remember_conversation
from storage.models import ConversationRef, UserLanguage
from tests.teams import ADMIN_AAD, COACH_AAD, card_submit, installed, message, user

ADMIN = user(ADMIN_AAD, "Alva Admin")
COACH = user(COACH_AAD, "Cem Coach")


async def test_install_stores_reference_and_welcomes_once(bot, connector, db):
    replies = await bot.say(installed(connector.url, COACH))
    assert len(replies) == 1
    assert "Hej! Jag är Stegvis" in replies[0]
    assert "inte registrerad som personal" in replies[0]
    assert connector.paths[0].startswith("/v3/conversations/a:personal-")

    async with db.session() as session:
        rows = (await session.exec(select(ConversationRef))).all()
    assert [(r.aad_object_id, r.conversation_type, r.tenant_id) for r in rows] == [
        (COACH_AAD, "personal", "72f988bf-86f1-41af-91ab-2d7cd011db47")
    ]
    assert '"serviceUrl"' in rows[0].reference

    assert await bot.say(installed(connector.url, COACH)) == []


async def test_welcome_tells_staff_their_role(bot, connector):
    replies = await bot.say(installed(connector.url, ADMIN))
    assert "Du är registrerad som administratör." in replies[0]


async def test_the_first_admin_is_greeted_by_name_when_the_install_event_has_none(
    bot, connector, db
):
    """The Agents Playground's install events carry no name: Teams' member look-up tells it,
    and the first admin is stored and greeted by it, not by the id."""
    nameless = {"id": ADMIN["id"], "aadObjectId": ADMIN_AAD}
    replies = await bot.say(installed(connector.url, nameless))
    assert "Välkommen, Teams User! Du är registrerad som administratör." in replies[0]
    assert ADMIN_AAD not in replies[0]
    replies = await bot.say(message("vem är jag", connector.url, nameless))
    assert replies == ["Du är Teams User, administratör."]


async def test_help_lists_commands_for_the_role(bot, connector):
    admin_help = (await bot.say(message("hjälp", connector.url, ADMIN)))[0]
    assert "Det här kan jag" in admin_help
    assert "personal lägg till" in admin_help
    coach_help = (await bot.say(message("Hjälp", connector.url, COACH)))[0]
    assert "vem är jag" in coach_help
    assert "personal lägg till" not in coach_help


async def test_card_button_runs_its_command(bot, connector):
    replies = await bot.say(card_submit({"command": "vem är jag"}, connector.url, COACH))
    assert replies == ["Du är Cem Coach och är inte registrerad som personal."]


async def test_mention_is_removed_before_routing(bot, connector):
    activity = message("<at>Stegvis</at> hjälp", connector.url, ADMIN)
    activity["entities"].append(
        {
            "type": "mention",
            "text": "<at>Stegvis</at>",
            "mentioned": {"id": activity["recipient"]["id"], "name": "Stegvis"},
        }
    )
    assert "Det här kan jag" in (await bot.say(activity))[0]


async def test_unknown_text_gets_suggestions(bot, connector):
    replies = await bot.say(message("hjälpp", connector.url, ADMIN))
    assert replies[0].startswith("Det förstod jag inte.")
    assert "hjälpp" not in replies[0]
    assert "Menade du något av detta?" in replies[0]
    assert "[hjälp]" in replies[0]

    replies = await bot.say(message("xyzzy plugh", connector.url, ADMIN))
    assert "Skriv **hjälp**" in replies[0]


async def test_swedish_whatever_the_client_says_until_the_user_chooses_english(
    bot, connector, db
):
    """The Playground and many Teams clients send en-US: the association works in Swedish."""
    replies = await bot.say(installed(connector.url, COACH, locale="en-US"))
    assert "Hej! Jag är Stegvis" in replies[0]
    replies = await bot.say(message("hjälp", connector.url, COACH, locale="en-US"))
    assert "Det här kan jag" in replies[0]
    assert "språk" in replies[0]

    assert await bot.say(message("språk en", connector.url, COACH)) == [
        "I will write in English from now on. Type `språk sv` for Swedish."
    ]
    replies = await bot.say(message("hjälp", connector.url, COACH, locale="sv-SE"))
    assert "What I can do" in replies[0]
    assert await bot.say(message("språk sv", connector.url, COACH, locale="en-US")) == [
        "Nu skriver jag på svenska."
    ]
    replies = await bot.say(message("hjälp", connector.url, COACH, locale="en-US"))
    assert "Det här kan jag" in replies[0]
    # The choice is the user's: another user is still answered in Swedish.
    replies = await bot.say(message("språk en", connector.url, COACH))
    replies = await bot.say(message("hjälp", connector.url, ADMIN, locale="en-US"))
    assert "Det här kan jag" in replies[0]
    async with db.read() as session:
        rows = (await session.exec(select(UserLanguage))).all()
    assert [row.locale for row in rows] == ["en-US"]


async def test_reminders_follow_the_chosen_language(bot, connector, db):
    """The stored conversation reference (what reminders are sent with) carries the language
    the bot speaks to the user, not the client's."""

    async def stored_locale() -> str:
        async with db.read() as session:
            row = (await session.exec(select(ConversationRef))).one()
        return json.loads(row.reference)["locale"]

    await bot.say(message("hjälp", connector.url, COACH, locale="en-US"))
    assert await stored_locale() == "sv-SE"
    await bot.say(message("språk en", connector.url, COACH))
    await bot.say(message("vem är jag", connector.url, COACH))
    assert await stored_locale() == "en-US"


async def test_language_needs_sv_or_en(bot, connector):
    for text in ("språk", "språk fi", "språk en sv"):
        assert await bot.say(message(text, connector.url, COACH)) == [
            "Skriv `språk sv` för svenska eller `språk en` för engelska."
        ]


async def test_greetings_and_question_mark_give_help(bot, connector):
    for text in ("hej", "Hej!", "?", "hjälp", "hallå"):
        replies = await bot.say(message(text, connector.url, COACH))
        assert len(replies) == 1 and "Det här kan jag" in replies[0], text


async def test_welcome_names_three_things_to_do_now(bot, connector):
    replies = await bot.say(installed(connector.url, COACH))
    assert "Det här kan du göra nu:" in replies[0]
    assert replies[0].count("\n[") == 3 and "[vem är jag]" in replies[0]
    replies = await bot.say(installed(connector.url, ADMIN))
    assert "Välkommen, Alva Admin! Du är registrerad som administratör." in replies[0]
    assert "[personal lägg till]" in replies[0]


async def test_organisation_overview(bot, connector):
    reply = (await bot.say(message("organisation", connector.url, COACH)))[0]
    assert "Samordningsförbundet RAR i Sörmland" in reply
    assert "**Västra** (Katrineholm): Flen, Katrineholm, Vingåker" in reply
    assert "Sikta mot arbetslivet" in reply


async def test_cancel_without_form(bot, connector):
    assert await bot.say(message("avbryt", connector.url, COACH)) == [
        "Det finns inget att avbryta."
    ]


async def test_two_first_turns_at_once_store_one_reference(db):
    activity = Activity().deserialize(message("hej", "http://127.0.0.1:1/", COACH))
    reference = TurnContext.get_conversation_reference(activity).serialize()

    async def first_turn() -> bool:
        async with db.session() as session:
            return await remember_conversation(
                session, reference, conversation_type="personal", tenant_id=None,
                aad_object_id=COACH_AAD, user_name="Cem Coach",
            )

    results = await asyncio.gather(*(first_turn() for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    async with db.session() as session:
        assert len((await session.exec(select(ConversationRef))).all()) == 1


async def test_ordinary_messages_do_not_rewrite_the_reference(bot, connector, db):
    for _ in range(3):
        await bot.say(message("hjälp", connector.url, COACH))
    async with db.session() as session:
        row = (await session.exec(select(ConversationRef))).one()
    assert row.created_at == row.updated_at
    assert "activityId" not in row.reference


async def _removed_at(db) -> object:
    async with db.session() as session:
        return (await session.exec(select(ConversationRef))).one().removed_at


async def test_a_reference_marked_removed_elsewhere_is_stored_again_once_trust_runs_out(
    bot, connector, db, monkeypatch
):
    """Ordinary messages trust this process' recent reading of the reference (no read per
    turn); another instance marking it removed is seen again within CONFIRMED_FOR."""
    from storage import conversations

    for _ in range(2):  # stored, then confirmed
        await bot.say(message("hjälp", connector.url, COACH))
    async with db.session() as session:
        row = (await session.exec(select(ConversationRef))).one()
        row.removed_at = row.updated_at  # what another instance does after a 403
        session.add(row)
    await bot.say(message("hjälp", connector.url, COACH))
    assert await _removed_at(db) is not None  # trusted: not read within the minute
    monkeypatch.setattr(conversations, "CONFIRMED_FOR", 0.0)
    await bot.say(message("hjälp", connector.url, COACH))
    assert await _removed_at(db) is None


async def test_an_uninstall_here_is_not_hidden_by_what_this_process_confirmed(
    bot, connector, db
):
    for _ in range(2):
        await bot.say(message("hjälp", connector.url, COACH))
    removed = installed(connector.url, COACH)
    removed.update(type="installationUpdate", action="remove")
    removed.pop("membersAdded")
    await bot.say(removed)
    assert await _removed_at(db) is not None
    await bot.say(message("hjälp", connector.url, COACH))  # written again at once
    assert await _removed_at(db) is None
