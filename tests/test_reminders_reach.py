"""Reminders reach everyone (issue 14 point 5): a member of staff who never wrote to the bot gets
a personal chat opened through the connector; where the app is not installed for them, the team
channel mentions them and the admins are told how to fix it, once, whatever reruns; and
`mina påminnelser` shows the coming 30 days. Through the real adapter, fake connector, real SQL."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from storage.minutes import plan_meeting
from storage.models import ConversationRef, ReminderOutbox
from storage.notices import NOTICE_RULE
from storage.permissions import Role
from storage.reminders import Outbox, add_deadline, my_reminders, seed_reminders
from storage.staff import load_actor, upsert_staff
from tests.conftest import start_bot
from tests.teams import (
    ADMIN_AAD,
    CHANNEL,
    COACH_AAD,
    COORDINATOR_AAD,
    TENANT,
    channel_message,
    message,
    user,
)
from tests.test_proactive import add_rows, install, reminder_ids, rows, service
from tests.test_reminders import (  # noqa: F401  (fixture)
    LEAD_AAD,
    NOW,
    TODAY,
    add_participant,
    add_people,
    frozen,
)

SARA = user(COORDINATOR_AAD, "Sara Samordnare")
OWNER_AAD = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"


async def _reminders(db) -> list[ReminderOutbox]:
    return [r for r in await rows(db) if r.rule_code != NOTICE_RULE]


async def _notices(db) -> list[ReminderOutbox]:
    return [r for r in await rows(db) if r.rule_code == NOTICE_RULE]


async def test_a_staff_member_who_never_wrote_gets_it_in_a_chat_the_bot_opens(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await install(settings, connector, ADMIN_AAD)  # the bot knows its tenant and service URL
    await add_rows(db, 2, recipient=COORDINATOR_AAD)  # Sara never opened Stegvis

    report = await service(db, settings, []).dispatch()

    assert report.sent == 2 and report.waiting == 0
    [created] = connector.created  # one conversation for her two reminders
    assert created["members"][0]["id"] == COORDINATOR_AAD
    assert created["channelData"] == {"tenant": {"id": TENANT}} and created["isGroup"] is False
    conversation = f"a:created-{COORDINATOR_AAD}"
    assert {a["_conversation"] for a in connector.activities} == {conversation}
    assert sorted(reminder_ids(connector)) == [r.id for r in await rows(db)]
    assert [r.status for r in await rows(db)] == [Outbox.SENT] * 2
    async with db.session() as session:
        stored = (
            await session.exec(
                select(ConversationRef).where(ConversationRef.conversation_id == conversation)
            )
        ).one()
    assert (stored.aad_object_id, stored.conversation_type) == (COORDINATOR_AAD, "personal")
    assert stored.tenant_id == TENANT and stored.user_name == "Sara Samordnare"

    # The next reminder goes to the stored chat: nothing is opened again.
    first = (await rows(db))[0]
    async with db.session() as session:
        session.add(
            ReminderOutbox(
                **first.model_dump(
                    exclude={"id", "idempotency_key", "status", "sent_at", "activity_id"}
                ),
                idempotency_key=f"{first.idempotency_key}:next",
            )
        )
    assert (await service(db, settings, []).dispatch()).sent == 1
    assert len(connector.created) == 1


async def test_without_the_app_the_channel_mentions_her_and_the_admins_are_told_once(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await install(settings, connector, ADMIN_AAD)
    bot = await start_bot(settings, connector)  # the bot is in the programme's team
    try:
        await bot.say(channel_message("hjälp", connector.url, user(COACH_AAD, "Cem Coach")))
    finally:
        await bot.http.close()
    connector.clear()
    connector.create_status = 403  # Teams: the app is not installed for her
    await add_rows(db, 2, recipient=COORDINATOR_AAD)

    report = await service(db, settings, []).dispatch()

    assert report.unreachable == 2 and report.failed == 0 and report.sent == 2  # the notices
    in_channel = [a for a in connector.activities if a["_conversation"] == CHANNEL]
    to_admin = [a for a in connector.activities if a["_conversation"].endswith(ADMIN_AAD)]
    assert len(in_channel) == 1 and len(to_admin) == 1 and len(connector.activities) == 2
    post = in_channel[0]
    assert post["text"].startswith("<at>Sara Samordnare</at> Stegvis har en påminnelse")
    assert post["entities"] == [
        {
            "type": "mention",
            "text": "<at>Sara Samordnare</at>",
            "mentioned": {"id": COORDINATOR_AAD, "name": "Sara Samordnare"},
        }
    ]
    assert "N-2026" not in post["text"]  # what the reminder is about stays out of the channel
    told = to_admin[0]["text"]
    assert "Sara Samordnare (samordnare i Norra)" in told
    assert "nämnt hen i teamets kanal" in told and "appinställningsprincip" in told
    for row in await _reminders(db):
        assert row.status == Outbox.PENDING and row.attempts == 0
        assert row.last_error == (
            "HTTP 403: the app is not installed for the person; "
            "mentioned in the team channel and 1 admin(s) told"
        )

    # Rerun later, by a new dispatcher (as after a restart): still one post and one notice.
    frozen[0] = max(r.next_attempt_at for r in await rows(db))
    report = await service(db, settings, []).dispatch()
    assert report.unreachable == 2 and report.sent == 0
    assert len(connector.activities) == 2
    notices = await _notices(db)
    assert sorted(n.recipient for n in notices) == sorted([ADMIN_AAD, f"conversation:{CHANNEL}"])
    assert all(n.status == Outbox.SENT for n in notices)

    # The admin installs the app for her: the reminders arrive, once each.
    connector.create_status = 200
    frozen[0] = max(r.next_attempt_at for r in await rows(db))
    report = await service(db, settings, []).dispatch()
    assert report.sent == 2 and len(connector.created) == 1
    assert sorted(reminder_ids(connector)) == [r.id for r in await _reminders(db)]
    assert [r.status for r in await _reminders(db)] == [Outbox.SENT] * 2


async def test_a_reminder_that_never_got_through_ends_unreachable_not_failed(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await install(settings, connector, ADMIN_AAD)  # no team channel known: admins only
    connector.create_status = 404
    await add_rows(db, 1, recipient=COORDINATOR_AAD)
    frozen[0] = NOW + timedelta(days=8)  # older than STEGVIS_REMINDER_CATCH_UP_DAYS (7)

    report = await service(db, settings, []).dispatch()

    assert (report.unreachable, report.failed) == (1, 0)
    [row] = await _reminders(db)
    assert row.status == Outbox.UNREACHABLE
    assert row.last_error == (
        "HTTP 404: the app is not installed for the person; 1 admin(s) told"
    )
    [notice] = connector.texts()
    assert notice.startswith("Jag kunde inte skicka en påminnelse till Sara Samordnare")
    assert "kanal" not in notice


async def test_my_reminders_shows_what_is_due_and_the_coming_30_days(
    bot, db, connector, frozen  # noqa: F811
):
    staff = await add_people(db)
    await add_participant(db, "N-2026-0007", referral_date=date(2026, 11, 20))  # due 4/12
    await add_participant(  # no placement 42 days after enrolment: the coach's, on 26/11
        db, "N-2026-0008", status="enrolled", coach_id=staff["coach"],
        enrolment_date=date(2026, 10, 15), survey_enrolment_done=True,
    )
    async with db.session() as session:
        await seed_reminders(session, TODAY)
        await add_deadline(session, "status_report", "Lägesrapport extra", date(2026, 12, 14))
        await add_deadline(session, "evaluator_data", "Utvärderarens enkät", date(2027, 1, 25))
    await add_rows(db, 1, recipient=COORDINATOR_AAD)  # due today

    [said] = await bot.say(message("mina påminnelser", connector.url, SARA))

    [due] = await _reminders(db)
    lines = said.splitlines()
    assert lines[:3] == [
        "Dina påminnelser",
        "**Att göra nu**",
        f"**2026-11-23** ({due.id}): Aktualiseringen N-2026-0001 från 2026-11-09 har väntat "
        "på beslut i mer än 14 dagar.",
    ]
    assert lines[3] == "**De närmaste 30 dagarna**"
    coming = lines[4:-1]
    assert "**2026-12-04**: **Lägesrapport extra** ska vara klart senast 2026-12-14." in coming
    assert "**2026-12-04**: Aktualiseringen N-2026-0007 från 2026-11-20 har väntat på beslut i " \
        "mer än 14 dagar." in coming
    assert not any("Utvärderarens enkät" in line for line in said.splitlines())  # 15/1: later

    assert "N-2026-0008" not in said  # the coach's

    # His reminders are his: the coach is not told of the samordnare's referral or report.
    [said] = await bot.say(message("mina påminnelser", connector.url, user(COACH_AAD, "Cem")))
    assert said.splitlines()[1:3] == [
        "**De närmaste 30 dagarna**",
        "**2026-11-26**: N-2026-0008 skrevs in 2026-10-15 och har fortfarande ingen "
        "placering efter 42 dagar.",
    ]
    assert "N-2026-0007" not in said and "Lägesrapport extra" not in said


async def test_a_connector_that_cannot_open_the_chat_now_is_tried_again_later(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await install(settings, connector, ADMIN_AAD)
    connector.create_status = 400  # neither "not installed" nor a success: tried again later
    await add_rows(db, 1, recipient=COORDINATOR_AAD)

    report = await service(db, settings, []).dispatch()

    assert (report.retried, report.failed, report.unreachable) == (1, 0, 0)
    [row] = await rows(db)
    assert row.status == Outbox.PENDING and row.attempts == 1
    assert row.last_error == "ConnectionError: opening a personal chat: HTTP 400"
    assert row.next_attempt_at > NOW and await _notices(db) == []
    connector.create_status = 200
    frozen[0] = row.next_attempt_at
    assert (await service(db, settings, []).dispatch()).sent == 1


async def test_the_coming_minutes_reminders_are_for_those_who_write_them(
    db, frozen  # noqa: F811
):
    """A county-wide steering-group meeting on 2 December: the agenda reminder (27/11) and,
    unless minutes are written, the missing-minutes one (7/12) are the programme lead's and
    owner's to see coming, not every samordnare's."""
    await add_people(db)
    async with db.session() as session:
        await upsert_staff(session, OWNER_AAD, "Olle Insatsägare", Role.PROGRAMME_OWNER, [])
        await seed_reminders(session, TODAY)
        lead = await load_actor(session, LEAD_AAD)
        await plan_meeting(session, lead, "Styrgrupp Sikta mot arbetslivet", date(2026, 12, 2))
    wanted = [
        ("meeting_agenda", date(2026, 11, 27)),
        ("minutes_missing", date(2026, 12, 7)),
    ]
    for person in (LEAD_AAD, OWNER_AAD, COORDINATOR_AAD):
        async with db.session() as session:
            mine = await my_reminders(session, person, TODAY)
        seen = [(r.rule_code, r.remind_on) for r in mine if r.params["label"].startswith("Sty")]
        assert seen == ([] if person == COORDINATOR_AAD else wanted), person
        assert all(r.id is None and r.status == "coming" for r in mine)
