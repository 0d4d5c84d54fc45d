"""Steering-group reminders come from the minutes tables: agenda, missing minutes, action points."""

from __future__ import annotations

from datetime import date, time

from alembic import command
from sqlmodel import select

from storage.migrate import alembic_config
from storage.minutes import ActionPointInput, MinutesInput, log_minutes, plan_meeting
from storage.models import ReminderOutbox, ReminderRule
from storage.permissions import Role
from storage.reminder_rules import Watch
from storage.reminders import open_subjects, plan_reminders, seed_reminders
from storage.staff import load_actor, upsert_staff

COORD = "1b7d3f45-6c8e-4a2f-8d4b-2e3f4a5b6c7d"
COACH = "2c8e4a56-7d9f-4b3a-9e5c-3f4a5b6c7d8e"
NORRA_COORD = "3d9f5b67-8e0a-4c4b-8f6d-4a5b6c7d8e9f"
LEAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
OWNER = "5f1b7d89-0a2c-4e6d-8b8f-6c7d8e9f0a1b"
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


async def test_steering_group_reminders_go_to_whoever_writes_that_groups_minutes(db):
    """The county-wide group's minutes are the programme lead's and owner's to write, so its
    reminders go to them and not to every samordnare; a local group's go to its samordnare, or
    to the lead and owner while the county part has none."""
    async with db.session() as session:
        await upsert_staff(session, COORD, "Sara Samordnare", Role.COORDINATOR, ["vastra"])
        await upsert_staff(session, NORRA_COORD, "Nora Samordnare", Role.COORDINATOR, ["norra"])
        await upsert_staff(session, LEAD, "Lena Insatsledare", Role.PROGRAMME_LEAD, [])
        await upsert_staff(session, OWNER, "Olle Insatsägare", Role.PROGRAMME_OWNER, [])
        lead = await load_actor(session, LEAD)
        coordinator = await load_actor(session, COORD)
        county = await plan_meeting(
            session, lead, "Styrgrupp Sikta mot arbetslivet", date(2026, 11, 16)
        )
        local = await plan_meeting(
            session, coordinator, "Lokal styrgrupp Västra", date(2026, 11, 16)
        )
        nobody = await plan_meeting(session, lead, "Lokal styrgrupp Södra", date(2026, 11, 16))
        await log_minutes(
            session,
            lead,
            MinutesInput(
                group="Styrgrupp Sikta mot arbetslivet",
                meeting_date=date(2026, 10, 1),
                items=["Budget"],
                action_points=[ActionPointInput("Skicka underlag", "extern part", MONDAY)],
            ),
        )

    async with db.session() as session:
        await plan_reminders(session, MONDAY, time(8, 0))
        rows = (await session.exec(select(ReminderOutbox))).all()
    by_subject: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        by_subject.setdefault((r.rule_code, r.subject_ref), set()).add(r.recipient)
    assert by_subject[("minutes_missing", f"meeting:{county.id}")] == {LEAD, OWNER}
    assert by_subject[("minutes_missing", f"meeting:{local.id}")] == {COORD}
    assert by_subject[("minutes_missing", f"meeting:{nobody.id}")] == {LEAD, OWNER}
    # An owner who is not staff: the group's writers are told instead.
    point = next(ref for code, ref in by_subject if code == "action_point_due")
    assert by_subject[("action_point_due", point)] == {LEAD, OWNER}


async def test_upgrading_moves_unchanged_default_rules_to_the_minute_writers(db):
    """Migration 0005 rewrites the three steering-group rules only where an admin has not
    changed who gets them."""

    def migrate(connection, revision: str, down: bool = False) -> None:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    async with db.session() as session:
        await seed_reminders(session, MONDAY)
    async with db.begin() as connection:
        await connection.run_sync(migrate, "0004_report_indexes", True)
    async with db.session() as session:
        rules = {r.code: r for r in (await session.exec(select(ReminderRule))).all()}
        assert rules["minutes_missing"].recipients == "samordnare"  # the old default
        rules["meeting_agenda"].recipients = "samordnare,insatsledare"  # an admin's choice
        session.add(rules["meeting_agenda"])
    async with db.begin() as connection:
        await connection.run_sync(migrate, "heads")
    async with db.session() as session:
        rules = {r.code: r.recipients for r in (await session.exec(select(ReminderRule))).all()}
    assert rules["minutes_missing"] == "protokollforare"
    assert rules["action_point_due"] == "coach,protokollforare"
    assert rules["meeting_agenda"] == "samordnare,insatsledare"
