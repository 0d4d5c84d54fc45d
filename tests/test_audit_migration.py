"""Migration 0007 on a database that already has audit rows in the old format (full copies of
every changed row): the free text goes, coded changes stay, the old columns are dropped. On
SQLite a fresh file; on PostgreSQL the test database's schema, rebuilt and left at head."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import inspect, text

from storage.db import Database
from storage.migrate import upgrade

FREE = ("soc öst hos handläggaren", "soc väst", "behöver mer tid i arbetsträningen",
        "trivs bra men tröttare på fredagar")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def participant_document(**overrides: object) -> str:
    document = {
        "id": 1, "code": "V-2026-0001", "programme_id": 1, "county_part_id": 1,
        "municipality_id": 1, "gender": "woman", "birth_year": 1985,
        "income_source_start": "sickness_benefit", "consent": True,
        "referral_date": "2026-11-02", "referring_party": "fk", "referring_unit": FREE[0],
        "status": "referred", "decision_date": None, "not_accepted_reason": None,
        "coach_id": None, "enrolment_date": None, "extended_until": None,
        "extension_motivation": None, "exit_date": None, "exit_reason": None,
        "exit_destination": None, "income_source_exit": None, "survey_enrolment_done": False,
        "survey_exit_done": False, "created_by": None,
        "created_at": "2026-11-02T09:00:00Z", "updated_at": "2026-11-02T09:00:00Z",
    }
    document.update(overrides)
    return json.dumps(document, ensure_ascii=False)


async def _populate(db: Database) -> None:
    async with db.begin() as connection:
        run = connection.execute
        await run(text("INSERT INTO county_part (id, code, name, base_town, code_prefix) "
                       "VALUES (1, 'vastra', 'Västra', 'Katrineholm', 'V')"))
        await run(text("INSERT INTO municipality (id, name, county_part_id) VALUES (1, 'Flen', 1)"))
        await run(text("INSERT INTO programme (id, code, name, active, takes_participants) "
                       "VALUES (1, 'sikta', 'Sikta', true, true)"))
        await run(
            text(
                "INSERT INTO participant (id, code, programme_id, county_part_id, "
                "municipality_id, gender, birth_year, income_source_start, consent, "
                "referral_date, referring_party, referring_unit, status, "
                "survey_enrolment_done, survey_exit_done, created_at, updated_at) VALUES (1, "
                "'V-2026-0001', 1, 1, 1, 'woman', 1986, 'sickness_benefit', true, :day, 'fk', "
                ":unit, 'enrolled', false, false, :now, :now)"
            ),
            {"day": date(2026, 11, 2), "unit": FREE[1], "now": NOW},
        )
        enrolled = {"status": "enrolled", "enrolment_date": "2026-11-10"}
        rows = [
            # (action, entity, entity_id, participant_id, before, after)
            ("create", "participant", 1, 1, None, participant_document()),
            ("update", "participant", 1, 1, participant_document(),
             participant_document(**enrolled, updated_at="2026-11-10T08:00:00Z")),
            ("update", "participant", 1, 1, participant_document(**enrolled),
             participant_document(**enrolled, extended_until="2027-12-31",
                                  extension_motivation=FREE[2])),
            ("update", "participant", 1, 1, participant_document(**enrolled),
             participant_document(**enrolled, referring_unit=FREE[1], birth_year=1986)),
            ("read", "participant", 1, 1, None, None),
            ("create", "placement_note", 7, 1, None,
             json.dumps({"id": 7, "placement_id": 3, "note_date": "2026-11-18",
                         "note": FREE[3], "created_by": 2})),
            ("update", "participant", 9, 9, "not json", "[1, 2]"),
        ]
        for action, entity, entity_id, participant_id, before, after in rows:
            await run(
                text(
                    "INSERT INTO audit_log (at, actor_aad_object_id, action, entity, entity_id, "
                    "participant_id, before, after) VALUES (:at, 'someone', :action, :entity, "
                    ":entity_id, :participant_id, :before, :after)"
                ),
                {"at": NOW, "action": action, "entity": entity, "entity_id": entity_id,
                 "participant_id": participant_id, "before": before, "after": after},
            )


async def test_old_audit_rows_are_minimised_by_the_migration(database_url, tmp_path):
    sqlite = database_url.startswith("sqlite")
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}" if sqlite else database_url
    db = Database(url)
    try:
        if not sqlite:
            async with db.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade(db, "0005_minute_writers")
        await _populate(db)
        await upgrade(db)
        async with db.connect() as connection:
            columns = await connection.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("audit_log")}
            )
            rows = (
                await connection.execute(
                    text("SELECT action, entity, participant_code, changes, details "
                         "FROM audit_log ORDER BY id")
                )
            ).all()
            everything = " ".join(
                str(value)
                for row in (await connection.execute(text("SELECT * FROM audit_log"))).all()
                for value in row
            )
    finally:
        if not sqlite:
            await upgrade(db)
        await db.dispose()
    assert {"before", "after"}.isdisjoint(columns)
    assert {"participant_code", "changes", "details"} <= columns
    for free in FREE:
        assert free not in everything
    created, enrolled, extended, edited, read, note, broken = rows
    assert [r.participant_code for r in rows] == ["V-2026-0001"] * 6 + [None]
    changes = json.loads(created.changes)
    assert changes["status"] == [None, "referred"]
    assert changes["referral_date"] == [None, "2026-11-02"]
    assert changes["referring_unit"] is None
    assert "referring_unit" in json.loads(created.details)["empty_before"]
    assert json.loads(enrolled.changes) == {
        "enrolment_date": [None, "2026-11-10"], "status": ["referred", "enrolled"]
    }
    assert enrolled.details is None
    assert json.loads(extended.changes) == {
        "extended_until": [None, "2027-12-31"], "extension_motivation": None
    }
    assert json.loads(extended.details) == {"empty_before": ["extension_motivation"]}
    assert json.loads(edited.changes) == {"birth_year": [1985, 1986], "referring_unit": None}
    assert edited.details is None  # the unit was not empty before: an undo cannot restore it
    assert (read.changes, read.details) == (None, None)
    assert json.loads(note.changes)["note"] is None
    assert json.loads(note.changes)["note_date"] == [None, "2026-11-18"]
    assert (broken.changes, broken.details) == (None, None)
