"""Reminder planning into the outbox and the claim protocol, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select

from storage.clock import clock
from storage.db import Database
from storage.models import (
    CountyPart,
    Municipality,
    Participant,
    Placement,
    Programme,
    ReminderOutbox,
)
from storage.permissions import Role
from storage.reminders import (
    Outbox,
    add_deadline,
    claim_next,
    list_deadlines,
    mark_sent,
    plan_reminders,
    seed_reminders,
    update_rule,
)
from storage.staff import upsert_staff
from tests.teams import COACH_AAD, COORDINATOR_AAD

# Monday 23 November 2026, 10:00 in Stockholm.
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
SOUTH_COORDINATOR_AAD = "3d9f5b67-8e0a-4c4b-8f6d-4a5b6c7d8e9f"
LEAD_AAD = "4e0a6c78-9f1b-4d5c-9a7e-5b6c7d8e9f0a"
SEND_AT = time(8, 0)


@pytest.fixture
def frozen(monkeypatch):
    """The one clock at NOW; tests move it with `frozen[0] = …`."""
    moment = [NOW]
    monkeypatch.setattr(clock, "now", lambda: moment[0])
    return moment


async def add_people(db: Database) -> dict[str, int]:
    async with db.session() as session:
        coach = await upsert_staff(session, COACH_AAD, "Cem Coach", Role.COACH, ["norra"])
        await upsert_staff(session, COORDINATOR_AAD, "Sara Samordnare", Role.COORDINATOR, ["norra"])
        await upsert_staff(session, SOUTH_COORDINATOR_AAD, "Siv Södra", Role.COORDINATOR, ["sodra"])
        await upsert_staff(session, LEAD_AAD, "Ivar Insatsledare", Role.PROGRAMME_LEAD, [])
        return {"coach": coach.id}


async def add_participant(db: Database, code: str, **values: object) -> int:
    """A participant in Norra (Eskilstuna) with the given fields, inserted directly."""
    async with db.session() as session:
        part = (await session.exec(select(CountyPart).where(CountyPart.code == "norra"))).one()
        town = (
            await session.exec(select(Municipality).where(Municipality.name == "Eskilstuna"))
        ).one()
        programme = (await session.exec(select(Programme).where(Programme.code == "sikta"))).one()
        row = Participant(
            code=code,
            programme_id=programme.id,
            county_part_id=part.id,
            municipality_id=town.id,
            gender="woman",
            birth_year=1990,
            income_source_start="social_assistance",
            consent=True,
            referring_party="fk",
            **{"referral_date": date(2026, 9, 1), "status": "referred", **values},
        )
        session.add(row)
        await session.flush()
        return row.id


async def outbox(db: Database) -> list[ReminderOutbox]:
    async with db.session() as session:
        return list((await session.exec(select(ReminderOutbox).order_by(ReminderOutbox.id))).all())


async def plan(db: Database, today: date = TODAY) -> int:
    async with db.session() as session:
        return await plan_reminders(session, today, SEND_AT)


async def test_planning_addresses_the_right_people_once(db, frozen):
    staff = await add_people(db)
    await add_participant(db, "N-2026-0001", referral_date=date(2026, 11, 9))
    enrolled = await add_participant(
        db,
        "N-2026-0002",
        status="enrolled",
        coach_id=staff["coach"],
        decision_date=date(2026, 10, 5),
        enrolment_date=date(2026, 10, 12),
        survey_enrolment_done=True,
    )
    placed = await add_participant(
        db,
        "N-2026-0003",
        status="enrolled",
        coach_id=staff["coach"],
        enrolment_date=date(2026, 10, 12),
        survey_enrolment_done=True,
    )
    async with db.session() as session:
        session.add(
            Placement(
                participant_id=placed,
                placement_type="work_training",
                sector="private",
                employer="Verkstan AB",
                start_date=date(2026, 11, 9),
            )
        )
        await seed_reminders(session, TODAY)
        await add_deadline(session, "status_report", "Lägesrapport december", date(2026, 12, 3))

    assert await plan(db) > 0
    assert await plan(db) == 0  # idempotent: same day, same keys
    rows = await outbox(db)
    got = sorted((r.rule_code, json.loads(r.params)["label"], r.recipient) for r in rows)
    assert got == sorted(
        [
            ("referral_waiting", "N-2026-0001", COORDINATOR_AAD),  # Norra's coordinator only
            ("no_placement", "N-2026-0002", COACH_AAD),
            ("placement_follow_up", "N-2026-0003", COACH_AAD),  # 14 days after the start
            ("status_report", "Lägesrapport december", COORDINATOR_AAD),
            ("status_report", "Lägesrapport december", SOUTH_COORDINATOR_AAD),
            ("status_report", "Lägesrapport december", LEAD_AAD),
        ]
    )
    assert all(r.status == Outbox.PENDING and r.remind_on == TODAY for r in rows)
    assert rows[0].next_attempt_at == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 08:00 local
    assert enrolled


async def test_rules_and_calendar_are_data(db, frozen):
    await add_people(db)
    await add_participant(db, "N-2026-0001", referral_date=date(2026, 11, 13))
    async with db.session() as session:
        await seed_reminders(session, TODAY)
        defaults = await list_deadlines(session, date(2027, 1, 1), date(2027, 12, 31))
        assert len(defaults) >= 10 and defaults[0].due_date.year == 2027
        await update_rule(session, "referral_waiting", days=10)
    assert [r.rule_code for r in await outbox(db)] == []
    assert await plan(db) == 1  # 13 Nov + 10 days = 23 Nov
    async with db.session() as session:
        await update_rule(session, "referral_waiting", enabled=False)
    await add_participant(db, "N-2026-0002", referral_date=date(2026, 11, 13))
    assert await plan(db) == 0


async def _due_rows(db: Database, count: int) -> None:
    async with db.session() as session:
        for n in range(count):
            session.add(
                ReminderOutbox(
                    idempotency_key=f"test:{n}",
                    rule_code="referral_waiting",
                    subject_ref=f"participant:{n}",
                    params="{}",
                    remind_on=TODAY,
                    recipient=COACH_AAD,
                    next_attempt_at=NOW - timedelta(minutes=1),
                )
            )


async def test_claims_are_exclusive_and_expire(db, frozen):
    await _due_rows(db, 3)
    async with db.session() as session:  # answered before it was sent: never sent
        answered = (await session.exec(select(ReminderOutbox))).first()
        answered.outcome = "done"
        session.add(answered)
    lease = timedelta(seconds=30)
    async with db.session() as session:
        first = await claim_next(session, NOW, lease)
    async with db.session() as session:
        second = await claim_next(session, NOW, lease)
    async with db.session() as session:
        assert await claim_next(session, NOW, lease) is None
    assert first.id != second.id and first.attempts == 1
    async with db.session() as session:
        await mark_sent(session, first.id, "reply-1")
    # The dispatcher holding `second` died: after the lease the row is claimed again.
    async with db.session() as session:
        again = await claim_next(session, NOW + lease + timedelta(seconds=1), lease)
    assert again.id == second.id and again.attempts == 2
    async with db.session() as session:
        assert await claim_next(session, NOW + timedelta(hours=1), lease) is not None  # second
        assert await claim_next(session, NOW + timedelta(hours=1), lease) is None  # sent stays


async def test_concurrent_dispatchers_never_claim_the_same_row(db, database_url, frozen):
    await _due_rows(db, 12)
    others = [Database(database_url) for _ in range(3)]

    async def drain(database: Database) -> list[int]:
        taken = []
        for _ in range(20):
            async with database.session() as session:
                row = await claim_next(session, NOW, timedelta(minutes=1))
            if row is None:
                return taken
            taken.append(row.id)
        return taken

    try:
        results = await asyncio.gather(*(drain(d) for d in others))
    finally:
        for database in others:
            await database.dispose()
    taken = [i for r in results for i in r]
    assert len(taken) == 12 and len(set(taken)) == 12
