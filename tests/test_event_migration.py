"""Migrations 0013 (participant events) and 0014 (their spans of valid time) on a populated
database at 0011: every fact the rows hold becomes an event, the state the events give for
today is exactly what the rows say, and the spans give what the events give at any date.
On SQLite a fresh file; on PostgreSQL the test database's schema, rebuilt and left at head."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import text

from storage import events
from storage.clock import clock
from storage.db import Database
from storage.migrate import upgrade
from tests.test_events import assert_events_match_rows, count_rows, in_sql

CREATED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
# (id, status, referral, decision, reason, coach, enrolment, extended, exit, exit reason)
PEOPLE = [
    (1, "referred", "2026-01-05", None, None, None, None, None, None, None),
    (2, "waiting", "2026-01-06", "2026-01-10", None, None, None, None, None, None),
    (3, "not_accepted", "2026-01-07", "2026-01-12", "declined", None, None, None, None, None),
    (4, "accepted", "2026-01-08", "2026-02-01", None, 1, None, None, None, None),
    (5, "enrolled", "2025-01-09", "2025-01-15", None, 2, "2025-01-20", "2026-06-30", None, None),
    (6, "exited", "2026-01-10", "2026-01-12", None, 1, "2026-01-15", None, "2026-03-31",
     "according_to_plan"),
    (7, "exited", "2026-01-11", "2026-01-13", None, 2, "2026-01-16", None, "2026-02-20",
     "registration_error"),
    (8, "referred", "2026-02-01", None, None, 2, None, None, None, None),
]
PLACEMENTS = [(1, 5, "2025-02-01", "2025-03-31"), (2, 5, "2025-04-01", None),
              (3, 6, "2026-02-01", "2026-03-31"), (4, 7, "2026-01-20", "2026-02-20")]
STEPS = [(1, 5, "mapping", "2025-01-25"), (2, 5, "job_search", "2025-05-02"),
         (3, 6, "studies", "2026-03-01")]


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def _populate(db: Database) -> None:
    async with db.begin() as connection:
        run = connection.execute
        await run(text("INSERT INTO county_part (id, code, name, base_town, code_prefix) "
                       "VALUES (1, 'vastra', 'Västra', 'Katrineholm', 'V')"))
        await run(text("INSERT INTO municipality (id, name, county_part_id) VALUES (1, 'Flen', 1)"))
        await run(text("INSERT INTO programme (id, code, name, active, takes_participants) "
                       "VALUES (1, 'sikta', 'Sikta', true, true)"))
        for staff_id in (1, 2):
            await run(text(
                "INSERT INTO staff (id, aad_object_id, display_name, role, active, created_at, "
                "updated_at) VALUES (:id, :aad, :name, 'coach', true, :now, :now)"
            ), {"id": staff_id, "aad": f"aad-{staff_id}", "name": f"Coach {staff_id}",
                "now": CREATED})
        for pid, status, referred, decided, reason, coach, enrolled, extended, left, why in (
            PEOPLE
        ):
            await run(text(
                "INSERT INTO participant (id, code, programme_id, county_part_id, "
                "municipality_id, gender, birth_year, income_source_start, consent, "
                "referral_date, referring_party, referring_unit, status, decision_date, "
                "not_accepted_reason, coach_id, enrolment_date, extended_until, exit_date, "
                "exit_reason, exit_destination, survey_enrolment_done, survey_exit_done, "
                "created_at, updated_at) VALUES (:id, :code, 1, 1, 1, 'woman', 1980, "
                "'sickness_benefit', true, :referred, 'fk', '', :status, :decided, :reason, "
                ":coach, :enrolled, :extended, :left, :why, :where, false, false, :now, :now)"
            ), {"id": pid, "code": f"V-2026-{pid:04d}", "status": status,
                "referred": _day(referred), "decided": _day(decided), "reason": reason,
                "coach": coach, "enrolled": _day(enrolled), "extended": _day(extended),
                "left": _day(left), "why": why, "where": "studies" if left else None,
                "now": CREATED})
        for placement_id, pid, start, end in PLACEMENTS:
            await run(text(
                "INSERT INTO placement (id, participant_id, placement_type, sector, employer, "
                "occupation_area, start_date, end_date, created_at) VALUES (:id, :pid, "
                "'work_training', 'private', 'Verkstaden', '', :start, :end, :now)"
            ), {"id": placement_id, "pid": pid, "start": _day(start), "end": _day(end),
                "now": CREATED})
        for step_id, pid, step, day in STEPS:
            await run(text(
                "INSERT INTO progression_step (id, participant_id, step, step_date, created_at) "
                "VALUES (:id, :pid, :step, :day, :now)"
            ), {"id": step_id, "pid": pid, "step": step, "day": _day(day), "now": CREATED})


async def test_the_migration_turns_every_row_into_events(database_url, tmp_path):
    sqlite = database_url.startswith("sqlite")
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}" if sqlite else database_url
    db = Database(url)
    try:
        if not sqlite:
            async with db.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(db, "0011_processed_turn")
        await _populate(db)
        await upgrade(db)
        async with db.read() as session:
            kinds = {
                pid: [e.kind for e in history]
                for pid, history in (await events.histories(session)).items()
            }
            await assert_events_match_rows(session)  # the spans of 0014 too
            for day in (date(2025, 1, 31), date(2025, 3, 31), date(2026, 1, 31),
                        date(2026, 2, 20), date(2026, 2, 21), clock.today()):
                assert await in_sql(session, day, None) == await events.figures(session, day)
            today = clock.today()
            assert await events.figures(session, today) == await count_rows(session, today)
            past = await events.figures(session, date(2026, 1, 31))
            late = await events.late_changes(session, date(2026, 1, 31))
    finally:
        if not sqlite:
            await upgrade(db)
        await db.dispose()
    assert kinds == {
        1: ["referral"],
        2: ["referral", "decision"],
        3: ["referral", "decision"],
        4: ["referral", "decision"],
        5: ["referral", "decision", "enrolment", "extension", "placement_start",
            "placement_end", "placement_start", "step", "step"],
        6: ["referral", "decision", "enrolment", "exit", "placement_start", "placement_end",
            "step"],
        7: ["referral", "decision", "enrolment", "exit", "felregistrering", "placement_start",
            "placement_end"],
        8: ["referral", "coach"],
    }
    # On 31 January 2026: 1 and 4 (referred; 4 is accepted on 1 February) and 2 (waiting)
    # wait, 8 is not referred yet; 5 and 6 are enrolled (7 was a mistake); 5 is in its second
    # placement; coach 1 has 6, coach 2 has 5.
    assert past == events.Figures(date(2026, 1, 31), 3, 2, 1, {1: 1, 2: 1})
    assert late == 0  # migrated events count as recorded when they took effect
