"""bot/locale.py: answers outside an ordinary message turn still come in the
language the user chose (a reinstall's welcome, a file consent invoke, an answer moved from a
channel to personal chat)."""

from __future__ import annotations

from tests.fakes import consent_invoke
from tests.teams import COACH_AAD, installed, message, user
from tests.test_file_consent import offer

COACH = user(COACH_AAD, "Cem Coach")


async def test_an_install_welcomes_in_the_chosen_language(bot, connector, db):
    """The user chose English earlier (in another conversation: the row is per user id)."""
    from storage.language import choose_locale

    async with db.session() as session:
        await choose_locale(session, COACH["id"], "en-US")
    replies = await bot.say(installed(connector.url, COACH, locale="sv-SE"))
    assert len(replies) == 1 and "Hi! I am Stegvis" in replies[0], replies


async def test_a_file_consent_refusal_comes_in_the_chosen_language(bot, connector, db):
    from tests.test_minutes import VIEWER

    context = await offer(bot, connector, db)
    await bot.say(message("språk en", connector.url, VIEWER))
    activity = consent_invoke(message("", connector.url, VIEWER), "accept", context,
                              "https://evil.example/x.docx")
    before = len(connector.activities)
    response = await bot.post(activity)
    assert response.status == 200
    texts = connector.texts()[before:]
    assert texts and not any("Den filen" in text for text in texts), texts


async def test_an_answer_moved_from_a_channel_comes_in_the_chosen_language(bot, connector, db):
    from tests.teams import CHANNEL, channel_message
    from tests.test_channel_privacy import COORDINATOR as ASKER
    from tests.test_channel_privacy import PERSONAL
    from tests.test_channel_privacy import _setup as channel_setup

    await channel_setup(db)
    await bot.say(message("språk en", connector.url, ASKER))
    connector.clear()
    await bot.say(channel_message("visa V-2026-0001", connector.url, ASKER))
    (pointer,) = connector.in_conversation(CHANNEL)
    assert "personal chat" in pointer, pointer
    personal = connector.in_conversation(PERSONAL)
    assert personal and "V-2026-0001" in personal[0]


async def test_a_failed_language_read_leaves_the_turn_able_to_read(bot, connector, db,
                                                                    monkeypatch):
    """The language is read in the turn's own read transaction now: when that read fails
    (a timeout, a dropped statement), the turn must still answer, in the default language,
    as it did when the language had a session of its own."""
    from sqlalchemy import text

    from bot import locale

    async def failing(session, user_id: str) -> str | None:
        await session.execute(text("SELECT no_such_column FROM user_language"))
        return None

    await bot.say(message("hjälp", connector.url, COACH))  # remembers the conversation
    monkeypatch.setattr(locale, "chosen_locale", failing)
    replies = await bot.say(message("vem är jag", connector.url, COACH))
    assert replies and "Sara" not in replies[0] and "Cem" in replies[0], replies
