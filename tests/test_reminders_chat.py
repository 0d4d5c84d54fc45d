"""Reminders in the chat over HTTP: card buttons that work after a restart, `mina påminnelser`,
and the rules and calendar for those who manage reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import select

from storage.models import ReminderOutbox, ReminderRule
from storage.reminders import Outbox
from tests.conftest import start_bot
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, card_submit, message, user
from tests.test_proactive import add_rows, install, reminder_ids, service
from tests.test_reminders import add_people, frozen  # noqa: F401  (fixture)

COACH = user(COACH_AAD, "Cem Coach")


async def test_klar_and_snooze_work_after_a_restart(db, settings, connector, frozen):  # noqa: F811
    await add_people(db)
    await install(settings, connector)
    await add_rows(db, 2)
    assert (await service(db, settings, []).dispatch()).sent == 2
    first, second = reminder_ids(connector)

    bot = await start_bot(settings, connector)  # a new process would see the same database
    try:
        said = await bot.say(
            card_submit({"command": f"påminnelse klar {first}"}, connector.url, COACH)
        )
        assert said == ["Bra jobbat! Påminnelsen är avklarad."]
        said = await bot.say(message(f"påminnelse senare {second} vecka", connector.url, COACH))
        assert said == ["Okej, jag påminner dig igen 2026-11-30."]
        # Clicking twice plans nothing twice.
        await bot.say(message(f"påminnelse senare {second} vecka", connector.url, COACH))
        other = user(COORDINATOR_AAD, "Sara Samordnare")
        said = await bot.say(message(f"påminnelse klar {second}", connector.url, other))
        assert said == [f"Jag hittar ingen påminnelse {second} som är din."]
        mine = await bot.say(message("mina påminnelser", connector.url, COACH))
        assert "Dina påminnelser" in mine[0] and "**2026-11-30**" in mine[0]
    finally:
        await bot.http.close()

    async with db.session() as session:
        rows = (await session.exec(select(ReminderOutbox).order_by(ReminderOutbox.id))).all()
    # The two were sent in whichever order the senders took them; the cards name their rows.
    by_id = {r.id: (r.outcome, r.status) for r in rows}
    assert by_id[first] == ("done", Outbox.SENT)
    assert by_id[second] == ("snoozed", Outbox.SENT)
    (again,) = [r for r in rows if r.id not in {first, second}]
    assert (again.outcome, again.status) == (None, Outbox.PENDING)
    assert again.next_attempt_at == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


async def test_admin_edits_rules_and_calendar_in_the_chat(bot, connector, db):
    admin = user(ADMIN_AAD, "Ada Admin")
    said = await bot.say(message("påminnelser kalender 2027", connector.url, admin))
    assert "Påminnelsekalender 2027" in said[0] and "Underlag till årsredovisningen" in said[0]
    said = await bot.say(
        message("påminnelser regel referral_waiting dagar=10 av", connector.url, admin)
    )
    assert said == ["Sparat: regeln Aktualisering utan beslut gäller från nästa planering."]
    said = await bot.say(
        message(
            'påminnelser lägg till regel=status_report datum=2027-03-05 titel="Extra lägesrapport"',
            connector.url,
            admin,
        )
    )
    assert said == ["Sparat: Extra lägesrapport, 2027-03-05."]
    said = await bot.say(message("påminnelser regler", connector.url, admin))
    assert "**Aktualisering utan beslut** (`referral_waiting`): 10 dagar efter" in said[0]
    async with db.session() as session:
        rule = (
            await session.exec(select(ReminderRule).where(ReminderRule.code == "referral_waiting"))
        ).one()
    assert (rule.days, rule.enabled) == (10, False)

    await add_people(db)
    said = await bot.say(message("påminnelser regler", connector.url, COACH))
    assert said == ["Det har du inte behörighet till med rollen coach."]
