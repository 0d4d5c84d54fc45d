"""Steering-group reminders come from the minutes tables: agenda, missing minutes, action points."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select

from scheduler.rules import Watch
from storage.minutes import ActionPointInput, MinutesInput, log_minutes, plan_meeting
from storage.models import ReminderOutbox
from storage.permissions import Role
from storage.reminders import open_subjects, plan_reminders
from storage.staff import load_actor, upsert_staff

COORD = "1b7d3f45-6c8e-4a2f-8d4b-2e3f4a5b6c7d"
COACH = "2c8e4a56-7d9f-4b3a-9e5c-3f4a5b6c7d8e"
MONDAY = date(2026, 11, 23)


async def test_meetings_and_action_points_become_reminders(db):
    async with db.session() as session:
        await upsert_staff(session, COORD, "Sara Samordnare", Role.COORDINATOR, ["vastra"])
        await upsert_staff(session, COACH, "Cem Coach", Role.COACH, ["vastra"])
        coordinator = await load_actor(session, COORD)
        held = await plan_meeting(
            session, coordinator, "Lokal styrgrupp Västra", date(2026, 11, 16)
        )
        coming = await plan_meeting(
            session, coordinator, "Lokal styrgrupp Västra", date(2026, 12, 1)
        )
        await log_minutes(
            session,
            coordinator,
            MinutesInput(
                group="Lokal styrgrupp Västra",
                meeting_date=date(2026, 10, 20),
                attendees=["Sara Samordnare"],
                items=["Budget"],
                action_points=[ActionPointInput("Boka lokal", "Cem Coach", date(2026, 11, 25))],
            ),
        )

    async with db.session() as session:
        subjects = {(s.watch, s.ref) for s in await open_subjects(session, MONDAY)}
    assert (Watch.MEETING, f"meeting:{coming.id}") in subjects
    assert (Watch.MINUTES_MISSING, f"meeting:{held.id}") in subjects
    assert any(watch == Watch.ACTION_POINT for watch, _ in subjects)

    async with db.session() as session:
        await plan_reminders(session, MONDAY, time(8, 0))
        rows = (await session.exec(select(ReminderOutbox))).all()
    planned = {(r.rule_code, r.recipient) for r in rows}
    assert ("minutes_missing", COORD) in planned  # held 16/11 + 5 days: due 21/11, caught up
    assert ("action_point_due", COACH) in planned  # due 25/11 - 2 days: today, to the owner
    assert ("action_point_due", COORD) in planned
    assert not any(code == "meeting_agenda" for code, _ in planned)  # 1/12 - 5 = 26/11
