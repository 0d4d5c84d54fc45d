"""Staff administration over HTTP: guided, one line, permissions, removal, and restart safety."""

from __future__ import annotations

from sqlmodel import select

from storage.models import BotStateItem
from storage.permissions import Role
from storage.staff import list_staff, load_actor
from tests.conftest import start_bot
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, installed, message, user

ADMIN = user(ADMIN_AAD, "Alva Admin")
COORDINATOR = user(COORDINATOR_AAD, "Sara Samordnare")
COACH = user(COACH_AAD, "Cem Coach")


async def test_guided_add_asks_only_for_what_is_missing(bot, connector, db):
    await bot.say(installed(connector.url, COORDINATOR))
    url = connector.url

    replies = await bot.say(message("personal lägg till", url, ADMIN))
    assert "Vem ska läggas till" in replies[0]
    replies = await bot.say(message("Sara", url, ADMIN))
    assert "Vilken roll ska Sara Samordnare ha?" in replies[0]
    assert "[samordnare]" in replies[0]
    replies = await bot.say(message("chef", url, ADMIN))
    assert "”chef” är ingen roll" in replies[0]
    replies = await bot.say(message("samordnare", url, ADMIN))
    assert "Vilka länsdelar arbetar Sara Samordnare i?" in replies[0]
    replies = await bot.say(message("Mellersta", url, ADMIN))
    assert "Okänd länsdel: Mellersta" in replies[0]
    replies = await bot.say(message("västra", url, ADMIN))
    assert replies == ["Spara Sara Samordnare som samordnare i Västra?\n[Ja]\n[Nej]"]
    replies = await bot.say(message("ja", url, ADMIN))
    assert replies == ["Klart: Sara Samordnare är nu samordnare i Västra."]

    async with db.session() as session:
        actor = await load_actor(session, COORDINATOR_AAD)
    assert actor.role == Role.COORDINATOR
    assert actor.county_parts == {"vastra"}


async def test_one_line_add_saves_without_questions(bot, connector, db):
    line = (
        f'personal lägg till id={COACH_AAD.upper()} namn="Cem Coach" roll=coach '
        "länsdel=Norra,Södra"
    )
    replies = await bot.say(message(line, connector.url, ADMIN))
    assert replies == ["Klart: Cem Coach är nu coach i Norra och Södra."]
    async with db.session() as session:
        rows = await list_staff(session)
    assert [(r.display_name, r.role, r.county_parts) for r in rows] == [
        ("Alva Admin", Role.ADMIN, ()),
        ("Cem Coach", Role.COACH, ("Norra", "Södra")),
    ]
    listing = (await bot.say(message("personal", connector.url, ADMIN)))[0]
    assert "Cem Coach: coach i Norra och Södra" in listing


async def test_one_line_with_a_bad_value_asks_again(bot, connector):
    line = f"personal lägg till id={COACH_AAD} namn=Cem roll=samordnare länsdel=Gotland"
    replies = await bot.say(message(line, connector.url, ADMIN))
    assert "Okänd länsdel: Gotland" in replies[0]
    assert "Vilka länsdelar arbetar Cem i?" in replies[1]
    replies = await bot.say(message("Västra", connector.url, ADMIN))
    assert replies == ["Klart: Cem är nu samordnare i Västra."]


async def test_unknown_person_is_explained_and_the_question_stays_open(bot, connector):
    await bot.say(installed(connector.url, COACH))
    await bot.say(message("personal lägg till", connector.url, ADMIN))
    replies = await bot.say(message("Okänd Person", connector.url, ADMIN))
    assert len(replies) == 1
    assert "Jag hittar ingen som heter ”Okänd Person”" in replies[0]
    replies = await bot.say(message("Cem Coach", connector.url, ADMIN))
    assert "Vilken roll ska Cem Coach ha?" in replies[0]
    assert await bot.say(message("avbryt", connector.url, ADMIN)) == [
        "Okej, jag avbröt. Inget sparades."
    ]


async def test_saying_no_saves_nothing(bot, connector, db):
    await bot.say(installed(connector.url, COACH))
    await bot.say(message("personal lägg till roll=läsare", connector.url, ADMIN))
    replies = await bot.say(message("Cem Coach", connector.url, ADMIN))
    assert replies[0].startswith("Spara Cem Coach som läsare")
    assert await bot.say(message("nej", connector.url, ADMIN)) == ["Okej, inget ändrades."]
    async with db.session() as session:
        assert (await load_actor(session, COACH_AAD)).role is None


async def test_non_admins_cannot_manage_staff(bot, connector):
    replies = await bot.say(message("personal", connector.url, COACH))
    assert replies == [
        "Du är inte registrerad som personal i Stegvis. Be en administratör lägga till dig."
    ]
    await bot.say(
        message(f"personal lägg till id={COACH_AAD} namn=Cem roll=viewer", connector.url, ADMIN)
    )
    replies = await bot.say(message("personal ta bort Alva Admin", connector.url, COACH))
    assert replies == [
        "Det har du inte behörighet till med rollen läsare (endast sammanställningar)."
    ]


async def test_remove_by_name(bot, connector, db):
    await bot.say(
        message(f'personal lägg till id={COACH_AAD} namn="Cem Coach" roll=viewer',
                connector.url, ADMIN)
    )
    assert await bot.say(message("personal ta bort cem coach", connector.url, ADMIN)) == [
        "Cem Coach har inte längre behörighet i Stegvis."
    ]
    assert await bot.say(message("personal ta bort cem coach", connector.url, ADMIN)) == [
        "Ingen aktiv personal med id eller namn ”cem coach”."
    ]


async def test_half_filled_form_survives_a_restart(db, settings, connector):
    """The dialog state lives in SQL: a new process continues where the old one stopped."""
    first = await start_bot(settings, connector)
    await first.say(installed(connector.url, COORDINATOR))
    await first.say(message("personal lägg till", connector.url, ADMIN))
    await first.say(message("Sara Samordnare", connector.url, ADMIN))
    await first.say(message("samordnare", connector.url, ADMIN))
    await first.http.close()

    async with db.session() as session:
        stored = (await session.exec(select(BotStateItem))).all()
    assert any("staff_edit" in item.document for item in stored)

    second = await start_bot(settings, connector)
    try:
        replies = await second.say(message("Södra", connector.url, ADMIN))
        assert replies[0].startswith("Spara Sara Samordnare som samordnare i Södra?")
        replies = await second.say(message("ja", connector.url, ADMIN))
        assert replies == ["Klart: Sara Samordnare är nu samordnare i Södra."]
    finally:
        await second.http.close()


async def test_help_inside_a_form_keeps_the_form(bot, connector):
    await bot.say(installed(connector.url, COORDINATOR))
    await bot.say(message("personal lägg till", connector.url, ADMIN))
    replies = await bot.say(message("hjälp", connector.url, ADMIN))
    assert "Det här kan jag" in replies[0]
    assert "fortsätta där du slutade" in replies[1]
    replies = await bot.say(message("Sara Samordnare", connector.url, ADMIN))
    assert "Vilken roll" in replies[0]
