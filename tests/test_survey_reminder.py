"""The reminder when an exit has no exit survey, end to end: exits and the survey through the
real HTTP endpoint, planning and delivery by the reminder service to the fake connector. It
fires 14 calendar days after the exit, on the next Swedish working day, to the county part's
samordnare, once however often planning and delivery run; not when the survey was done; and
the number of days is data an admin changes in the chat."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from storage.clock import clock
from storage.db import Database
from storage.migrate import alembic_config, upgrade
from storage.models import ReminderOutbox, ReminderRule
from storage.reminder_rules import DEFAULT_RULES
from tests.people import ADMIN, COACH, COORDINATOR, LEAD, add_staff
from tests.teams import card_submit, installed, message
from tests.test_proactive import service
from tests.test_surveys import participant

EXIT = date(2026, 6, 5)  # a Friday; 14 days later is Midsummer Eve, not a working day
DAY_13, DAY_14, NEXT_WORKING_DAY = date(2026, 6, 18), date(2026, 6, 19), date(2026, 6, 22)


@pytest.fixture
def moment(monkeypatch) -> list[datetime]:
    """The one clock; a test moves it with `moment[0] = …`."""
    now = [datetime(2026, 6, 5, 9, 0, tzinfo=UTC)]
    monkeypatch.setattr(clock, "now", lambda: now[0])
    return now


def morning(day: date) -> datetime:
    """10:00 in Stockholm (summer time): after the 08:00 send time."""
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


async def exited_in_chat(bot, connector, db) -> str:
    """Referred, accepted and enrolled in storage; exited by the coach in the chat."""
    code = await participant(db, exited=False)
    (reply,) = await bot.say(message(
        f'skriv ut {code} orsak="enligt plan" till=studier försörjning=lön '
        f"datum={EXIT.isoformat()}", connector.url, COACH))
    assert "utskriven" in reply, reply
    return code


async def survey_rows(db) -> list[ReminderOutbox]:
    async with db.session() as session:
        return list((await session.exec(
            select(ReminderOutbox).where(ReminderOutbox.rule_code == "survey_exit")
            .order_by(ReminderOutbox.id))).all())


def test_the_default_is_14_days_after_the_exit():
    (rule,) = [r for r in DEFAULT_RULES if r.code == "survey_exit"]
    assert (rule.days, rule.direction, rule.recipients) == (14, "after", ("samordnare",))


async def test_fires_after_14_days_once_and_not_when_the_survey_was_done(
    bot, connector, db, settings, moment
):
    await add_staff(db, COORDINATOR, COACH, LEAD)
    await bot.say(installed(connector.url, COORDINATOR))  # Sara can be written to
    missing = await exited_in_chat(bot, connector, db)
    done = await exited_in_chat(bot, connector, db)
    await bot.say(message(f"enkät {done} utskrivning", connector.url, COACH))
    (button,) = connector.activities[-1]["attachments"][0]["content"]["actions"]
    submit = card_submit({**button["data"], "q_listened_to": "4", "q_progression": "5",
                          "q_benefit": "4"}, connector.url, COACH)
    (saved,) = await bot.say(submit)
    assert "är sparad" in saved
    connector.clear()

    first, second = service(db, settings, []), service(db, settings, [])  # two schedulers
    for day in (EXIT, DAY_13, DAY_14):
        moment[0] = morning(day)
        await first.run_once()
        assert await survey_rows(db) == [], day
    assert connector.activities == []

    moment[0] = morning(NEXT_WORKING_DAY)
    await first.plan()
    await second.plan()
    assert (await first.dispatch()).sent == 1
    assert (await second.run_once()).sent == 0
    moment[0] = morning(date(2026, 6, 23))  # the next day's planning: still once
    assert (await first.run_once()).sent == 0
    (row,) = await survey_rows(db)
    assert (row.remind_on, row.recipient) == (NEXT_WORKING_DAY, COORDINATOR["aadObjectId"])
    assert f'"label": "{missing}"' in row.params and done not in row.params
    (card,) = connector.activities
    assert card["conversation"]["id"] == f"a:personal-{COORDINATOR['aadObjectId']}"
    assert f"Enkäten vid utskrivning saknas för {missing} (utskriven {EXIT})." in (
        connector.texts()[0])


async def test_the_days_are_data_an_admin_changes(bot, connector, db, settings, moment):
    await add_staff(db, COORDINATOR, COACH, LEAD, ADMIN)
    await bot.say(installed(connector.url, COORDINATOR))
    said = await bot.say(message("påminnelser regler", connector.url, ADMIN))
    assert "(`survey_exit`): 14 dagar efter" in said[0]
    said = await bot.say(message("påminnelser regel survey_exit dagar=21", connector.url, ADMIN))
    assert said == ["Sparat: regeln Enkät vid utskrivning gäller från nästa planering."]
    missing = await exited_in_chat(bot, connector, db)
    connector.clear()
    reminders = service(db, settings, [])
    moment[0] = morning(NEXT_WORKING_DAY)
    await reminders.run_once()
    assert await survey_rows(db) == []
    moment[0] = morning(date(2026, 6, 26))  # 5 June + 21 days, a Friday
    assert (await reminders.run_once()).sent == 1
    (text,) = connector.texts()
    assert f"Enkäten vid utskrivning saknas för {missing} (utskriven {EXIT})." in text
    async with db.session() as session:
        rule = (await session.exec(
            select(ReminderRule).where(ReminderRule.code == "survey_exit"))).one()
    assert rule.days == 21


async def test_the_migration_moves_the_old_default_only(database_url, tmp_path):
    """A database seeded with the old 7 days gets 14; a rule an admin changed keeps its days.
    On SQLite a fresh file; on PostgreSQL the test database's schema, rebuilt and left at
    head (as tests/test_audit_migration.py)."""
    sqlite = database_url.startswith("sqlite")
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}" if sqlite else database_url)
    try:
        if not sqlite:
            async with db.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(db, "0021_funders_goals")
        async with db.begin() as connection:
            for code, days in (("survey_exit", 7), ("survey_enrolment", 7),
                               ("referral_waiting", 7)):
                await connection.execute(text(
                    "INSERT INTO reminder_rule (code, watch, direction, days, recipients, "
                    "enabled, updated_at) VALUES (:code, :code, 'after', :days, 'samordnare', "
                    "true, :now)"), {"code": code, "days": days, "now": datetime.now(UTC)})
        await upgrade(db)
        async with db.connect() as connection:
            days = dict((await connection.execute(
                text("SELECT code, days FROM reminder_rule"))).all())
        assert days == {"survey_exit": 14, "survey_enrolment": 7, "referral_waiting": 7}
        await downgrade(db, "0021_funders_goals")
        assert await survey_exit_days(db) == 7
        async with db.begin() as connection:
            await connection.execute(text(
                "UPDATE reminder_rule SET days = 10 WHERE code = 'survey_exit'"))
        await upgrade(db)
        assert await survey_exit_days(db) == 10
    finally:
        if not sqlite:
            await upgrade(db)
        await db.dispose()


async def downgrade(db: Database, revision: str) -> None:
    def run(connection: Any) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, revision)

    async with db.begin() as connection:
        await connection.run_sync(run)


async def survey_exit_days(db: Database) -> int:
    async with db.connect() as connection:
        return (await connection.execute(text(
            "SELECT days FROM reminder_rule WHERE code = 'survey_exit'"))).scalar_one()
