"""One bad item never stops a reminder job for everybody, and a recipient who has not opened
the bot yet is waited for instead of being given up on at once."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import select

from storage.models import Placement, ReminderOutbox
from storage.reminders import Outbox
from tests.conftest import cli
from tests.teams import COACH_AAD, COORDINATOR_AAD
from tests.test_proactive import add_rows, install, reminder_ids, rows, service
from tests.test_reminders import (  # noqa: F401  (fixture)
    NOW,
    TODAY,
    add_participant,
    add_people,
    frozen,
)


async def test_run_due_goes_on_past_a_participant_dated_9999(
    db, settings, connector, cli_env, capsys, caplog, frozen  # noqa: F811
):
    staff = await add_people(db)
    await install(settings, connector, COORDINATOR_AAD)
    await install(settings, connector, COACH_AAD)
    await add_participant(db, "N-2026-0001", referral_date=date(2026, 11, 9))
    await add_participant(
        db, "N-2026-0002", status="enrolled", coach_id=staff["coach"],
        enrolment_date=date(2026, 10, 1),
    )
    placed = await add_participant(
        db, "N-2026-0003", status="enrolled", coach_id=staff["coach"],
        enrolment_date=date(2026, 10, 1), survey_enrolment_done=True,
    )
    async with db.session() as session:
        session.add(
            Placement(
                participant_id=placed, placement_type="work_training", sector="private",
                employer="Verkstan AB", start_date=date(2026, 10, 5),
            )
        )
    # Rows from before the write guard bounded dates: only plain SQL can write them now.
    async with db.begin() as connection:
        await connection.execute(text(
            "UPDATE participant SET enrolment_date = '9999-12-25' WHERE code = 'N-2026-0002'"))
        await connection.execute(text("UPDATE placement SET start_date = '9999-12-25'"))
    caplog.set_level(logging.WARNING, "storage.reminders")
    code, out, err = await cli(capsys, "reminders", "run-due")
    assert code == 0, err
    assert "Skickade 1," in out  # the referral waiting since 9 November, to Norra's samordnare
    labels = [json.loads(r.params)["label"] for r in await rows(db)]
    assert labels == ["N-2026-0001"]
    assert "cannot be planned; skipped" in caplog.text and "N-2026" not in caplog.text


async def test_one_bad_row_does_not_stop_the_others(db, settings, connector, frozen):  # noqa: F811
    await add_people(db)
    await install(settings, connector)
    await add_rows(db, 3)
    async with db.session() as session:
        bad = (await session.exec(select(ReminderOutbox).order_by(ReminderOutbox.id))).first()
        bad.params = "{not json"
        session.add(bad)
    report = await service(db, settings, []).dispatch()
    assert (report.sent, report.retried) == (2, 1)
    first, *others = await rows(db)
    assert first.status == Outbox.PENDING and "JSONDecodeError" in first.last_error
    assert first.attempts == 1 and first.next_attempt_at > NOW
    assert [r.status for r in others] == [Outbox.SENT] * 2
    assert sorted(reminder_ids(connector)) == [r.id for r in others]


async def test_a_recipient_without_a_conversation_is_waited_for(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await add_rows(db, 1, recipient=COORDINATOR_AAD)  # has never opened the bot
    reminders = service(db, settings, [])
    for _ in range(3):  # looked for again and again, without using up the row's attempts
        report = await reminders.dispatch()
        assert report.waiting == 1 and report.failed == 0
        [row] = await rows(db)
        assert row.status == Outbox.PENDING and row.attempts == 0
        assert "no conversation" in row.last_error
        assert NOW + timedelta(minutes=1) * 0.8 <= row.next_attempt_at <= NOW + timedelta(hours=1)
        frozen[0] = row.next_attempt_at
    await install(settings, connector, COORDINATOR_AAD)  # opens the bot: it arrives
    report = await reminders.dispatch()
    assert report.sent == 1 and reminder_ids(connector) == [row.id]


async def test_without_a_conversation_it_is_given_up_when_too_late(
    db, settings, connector, frozen  # noqa: F811
):
    await add_people(db)
    await add_rows(db, 1, recipient=COORDINATOR_AAD)
    frozen[0] = NOW + timedelta(days=8)  # later than STEGVIS_REMINDER_CATCH_UP_DAYS (7)
    report = await service(db, settings, []).dispatch()
    assert report.failed == 1
    [row] = await rows(db)
    assert row.status == Outbox.FAILED and row.last_error == "no conversation with the bot"
    assert row.remind_on == TODAY
