"""bot/locale.py: answers outside an ordinary message turn still come in the
language the user chose (a reinstall's welcome, a file consent invoke, an answer moved from a
channel to personal chat)."""

from __future__ import annotations

from bot.app import APP_KEY
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


async def test_a_failed_language_read_still_lets_a_refusal_answer(bot, connector, db,
                                                                 monkeypatch):
    """A path that answers before the turn's unit (a refused personnummer) reads the language
    on its own: when that read fails (a timeout, a dropped statement), the refusal still goes
    out, in the default language."""
    from sqlalchemy import text

    from bot import locale
    from tests.test_pii import SHAPES

    async def failing(session, user_id: str) -> str | None:
        await session.execute(text("SELECT no_such_column FROM user_language"))
        return None

    await bot.say(message("språk en", connector.url, COACH))
    monkeypatch.setattr(locale, "chosen_locale", failing)
    replies = await bot.say(message(f"visa {SHAPES[0]}", connector.url, COACH))
    assert replies and "inget av meddelandet sparades" in replies[0], replies


async def test_a_message_reads_its_language_with_its_receipt_in_one_statement(bot, connector, db):
    """Whether the message was handled before and the language the user chose come in one
    statement (storage/turns.py `opening`); the choice holds from the next message on."""
    from sqlalchemy import event

    await bot.say(message("språk en", connector.url, COACH))
    said: list[str] = []

    def on_statement(_conn, _cursor, statement: str, *_) -> None:
        said.append(statement)

    own = bot.http.app[APP_KEY].db  # the bot's engines, not the test's
    engines = {id(e.sync_engine.pool): e.sync_engine for e in (own.engine, own.read_engine)}
    for engine in engines.values():
        event.listen(engine, "before_cursor_execute", on_statement)
    asked = message("vem är jag", connector.url, COACH)
    try:
        replies = await bot.say(asked)
    finally:
        for engine in engines.values():
            event.remove(engine, "before_cursor_execute", on_statement)
    assert replies and "You are" in replies[0], replies
    languages = [s for s in said if "user_language" in s]
    assert len(languages) == 1 and "processed_turn" in languages[0], said
