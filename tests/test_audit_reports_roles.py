"""The audit log for reports and staff: report runs and exports (chat, file, command line), role
changes (one's own too) told to the other admins through the outbox, and the last admin."""

from __future__ import annotations

import json

from sqlmodel import select

from storage.models import ReminderOutbox, Staff
from storage.notices import NOTICE_RULE
from storage.permissions import Role
from storage.staff import upsert_staff
from tests.conftest import cli, start_bot
from tests.fakes import consent_invoke
from tests.teams import ADMIN_AAD, COACH_AAD, COORDINATOR_AAD, message, user
from tests.test_audit import audit_rows, everything_in
from tests.test_participants_http import ADMIN, COORDINATOR, staff
from tests.test_proactive import install, service

SECOND_ADMIN_AAD = "6a2c8e90-1b3d-4f5e-8a7c-7d8e9f0a1b2c"
SECOND_ADMIN = user(SECOND_ADMIN_AAD, "Bo Admin")


async def reports(db):
    return [e for e in await audit_rows(db) if e.entity == "report"]


# --- reports ---------------------------------------------------------------------------------


async def test_report_runs_and_exports_are_audited(bot, connector, db, upload, cli_env, capsys):
    await staff(db)
    url = connector.url
    replies = await bot.say(message(
        "rapport från=2026-01-01 till=2026-06-30 kommun=Flen", url, COORDINATOR))
    assert "Kommun: Flen" in replies[0]
    before = len(connector.activities)
    await bot.say(message("rapport period=2026-H1 format=csv", url, ADMIN))
    context = connector.activities[before]["attachments"][0]["content"]["acceptContext"]
    assert [e.action for e in await reports(db)] == ["report"]  # offering sends nothing
    await bot.post(consent_invoke(message("", url, ADMIN), "accept", context, upload.url("r")))
    assert len(upload.received) == 1
    code, _, _ = await cli(capsys, "report", "--format", "json", "--period", "2026-H1")
    assert code == 0
    shown, exported, cli_export = await reports(db)
    assert (shown.action, shown.entity, shown.actor_aad_object_id) == (
        "report", "report", COORDINATOR_AAD)
    assert json.loads(shown.details) == {
        "filters": {"municipality": "Flen"},
        "format": "card",
        "masked": False,
        "period": ["2026-01-01", "2026-06-30"],
    }
    assert (exported.action, exported.actor_aad_object_id) == ("export", ADMIN_AAD)
    assert json.loads(exported.details)["masked"] is True
    assert json.loads(exported.details)["format"] == "csv"
    assert (cli_export.action, cli_export.actor_aad_object_id) == ("export", "cli")
    assert json.loads(cli_export.details) == {
        "filters": {},
        "format": "json",
        "masked": True,
        "period": ["2026-01-01", "2026-06-30"],
    }


# --- role changes ----------------------------------------------------------------------------


async def test_role_changes_are_audited_and_told_to_the_other_admins(
    db, settings, connector, cli_env, capsys
):
    code, _, _ = await cli(capsys, "staff", "add", SECOND_ADMIN_AAD, "--name", "Bo Admin",
                           "--role", "admin")
    assert code == 0
    await install(settings, connector, SECOND_ADMIN_AAD)
    bot = await start_bot(settings, connector)  # the bootstrap admin (Alva) talks first
    try:
        await bot.say(message("hjälp", connector.url, ADMIN))
        said = await bot.say(message(
            f"personal lägg till id={COACH_AAD} namn=\"Cem Coach\" roll=coach länsdel=Västra",
            connector.url, ADMIN))
        assert said == ["Klart: Cem Coach är nu coach i Västra."]
        # The same command again (a redelivery, a double click) changes nothing: no new row.
        await bot.say(message(
            f"personal lägg till id={COACH_AAD} namn=\"Cem Coach\" roll=coach länsdel=Västra",
            connector.url, ADMIN))
        # One's own role change is audited too (Alva makes herself a viewer; Bo stays admin).
        said = await bot.say(message(
            f"personal lägg till id={ADMIN_AAD} roll=läsare", connector.url, ADMIN))
        assert said == ["Klart: Alva Admin är nu läsare (endast sammanställningar)."]
    finally:
        await bot.http.close()

    entries = [e for e in await audit_rows(db) if e.action == "role"]
    assert [(e.actor_aad_object_id, json.loads(e.changes).get("role")) for e in entries] == [
        ("cli", [None, "admin"]),  # Bo, from the command line
        ("system", [None, "admin"]),  # Alva, the bootstrap admin on first contact
        (ADMIN_AAD, [None, "coach"]),
        (ADMIN_AAD, ["admin", "viewer"]),
    ]
    assert json.loads(entries[2].changes)["county_parts"] == [None, ["vastra"]]
    assert json.loads(entries[2].changes)["display_name"] is None
    assert "Cem Coach" not in everything_in(entries)

    async with db.session() as session:
        notices = (
            await session.exec(
                select(ReminderOutbox).where(ReminderOutbox.rule_code == NOTICE_RULE)
            )
        ).all()
    # The command line is nobody in particular: every admin is told, Bo about himself too.
    assert [n.recipient for n in notices] == [SECOND_ADMIN_AAD] * 3
    connector.clear()
    report = await service(db, settings, []).dispatch()
    assert report.sent == 3
    assert sorted(connector.texts()) == sorted([  # sent in whatever order the senders took
        "En administratör på servern (kommandoraden) gav Bo Admin behörighet i Stegvis som "
        "administratör.",
        "Alva Admin gav Cem Coach behörighet i Stegvis som coach i Västra.",
        "Alva Admin ändrade Alva Admin från administratör till läsare (endast "
        "sammanställningar) i Stegvis.",
    ])
    assert {a["_conversation"] for a in connector.activities} == {
        f"a:personal-{SECOND_ADMIN_AAD}"
    }
    # Notices are not reminders: nothing to answer in `mina påminnelser`.
    bot = await start_bot(settings, connector)
    try:
        said = await bot.say(message("mina påminnelser", connector.url, SECOND_ADMIN))
    finally:
        await bot.http.close()
    assert said == ["Du har inga påminnelser just nu."]


async def test_the_last_admin_can_be_neither_removed_nor_demoted(bot, connector, db, cli_env,
                                                                  capsys):
    await bot.say(message("hjälp", connector.url, ADMIN))
    said = await bot.say(message(f"personal ta bort {ADMIN_AAD}", connector.url, ADMIN))
    assert said == [
        "Det går inte: Alva Admin är den enda administratören. Lägg först till en annan "
        "administratör."
    ]
    said = await bot.say(message(f"personal lägg till id={ADMIN_AAD} roll=coach länsdel=Norra",
                                 connector.url, ADMIN))
    assert said[-1].startswith("Det går inte: Alva Admin är den enda administratören.")
    code, _, err = await cli(capsys, "staff", "remove", ADMIN_AAD)
    assert code == 2 and "den enda administratören" in err
    async with db.session() as session:
        alva = (await session.exec(select(Staff).where(Staff.aad_object_id == ADMIN_AAD))).one()
    assert (alva.role, alva.active) == ("admin", True)
    # With a second admin, the first may go; then the second is the last one.
    async with db.session() as session:
        await upsert_staff(session, SECOND_ADMIN_AAD, "Bo Admin", Role.ADMIN, [])
    code, out, _ = await cli(capsys, "staff", "remove", ADMIN_AAD)
    assert code == 0
    code, _, err = await cli(capsys, "staff", "remove", SECOND_ADMIN_AAD)
    assert code == 2 and "Bo Admin är den enda administratören" in err
