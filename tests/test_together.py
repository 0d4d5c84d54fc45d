"""storage/together.py on real SQL: rows written together (one statement on PostgreSQL) keep
their order, their references and every guarantee of an ordinary INSERT: the personal-data
guard, the turn's record of a write, and a rollback that leaves nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, String, Table, inspect
from sqlalchemy import select as select_all
from sqlmodel import col, func, select

from storage import audit, events
from storage.models import (
    AuditEntry,
    Participant,
    ParticipantEvent,
    ParticipantSpan,
    Placement,
    PlacementNote,
    ProgressionStep,
    table_of,
)
from storage.participants import decide, register_referral
from storage.pii import PersonalDataError, Policy
from storage.rules import RuleError, Status
from storage.together import IdOf, Row, _null_anyway, insert_rows
from storage.write_guard import column_policy
from tests.test_participants_storage import COACH, COORD, actors, referral  # noqa: F401

AUDIT = table_of(AuditEntry)


def audit_row(n: int, entity_id: object = None, details: str | None = None) -> Row:
    return Row(AUDIT, {"at": datetime(2026, 11, 1, tzinfo=UTC), "actor_aad_object_id": "system",
                       "action": "create", "entity": f"test{n}", "entity_id": entity_id,
                       "participant_id": None, "participant_code": None, "changes": None,
                       "details": details})


async def counts(db) -> tuple[int, int, int, int]:
    async with db.read() as session:
        return tuple([  # type: ignore[return-value]
            (await session.exec(select(func.count()).select_from(model))).one()
            for model in (Participant, AuditEntry, ParticipantEvent, ParticipantSpan)
        ])


async def test_rows_refer_to_earlier_rows_and_come_back_in_order(db):
    async with db.session() as session:
        ids = await insert_rows(session, [audit_row(0), audit_row(1, IdOf(0)),
                                          audit_row(2, IdOf(1)), audit_row(3, IdOf(0))])
    assert len(set(ids)) == 4 and None not in ids
    async with db.read() as session:
        rows = {r.entity: r.entity_id for r in (await session.exec(select(AuditEntry))).all()}
    assert rows == {"test0": None, "test1": ids[0], "test2": ids[1], "test3": ids[0]}


async def test_a_row_refers_only_to_an_earlier_row_with_an_id(db):
    """Refused before anything is sent, on both engines."""
    before = await counts(db)
    span = Row(table_of(ParticipantSpan), {}, returning=False)
    for rows in ([audit_row(0, IdOf(1)), audit_row(1)], [audit_row(0, IdOf(0))],
                 [span, audit_row(1, IdOf(0))], [audit_row(0), audit_row(1, IdOf(-1))]):
        with pytest.raises(ValueError, match="earlier row"):
            async with db.session() as session:
                await insert_rows(session, rows)
    assert await counts(db) == before


async def test_the_personal_data_guard_checks_every_row_before_any_is_sent(db):
    """A personnummer in the last row: refused before any row is stored, on both engines, also
    for a caller that catches the refusal and goes on to commit its block."""
    before = await counts(db)
    rows = [audit_row(0), audit_row(1, IdOf(0)), audit_row(2, details='{"x": "19850101-1234"}')]
    with pytest.raises(PersonalDataError):
        async with db.session() as session:
            await insert_rows(session, rows)
    async with db.session() as session:
        with pytest.raises(PersonalDataError):
            await insert_rows(session, rows)
    assert await counts(db) == before


async def test_the_turn_counts_the_statement_as_a_write(db, actors):  # noqa: F811
    """The exactly-once receipt and the honest error message depend on the session noticing
    the write and whether it touched a record, not only bookkeeping (storage/db.py)."""
    async with db.unit() as unit:
        session = await unit.open()
        await insert_rows(session, [audit_row(0)])
        assert session.info.get("wrote") and not session.info.get("changed")
        await register_referral(session, actors[COORD], referral())
        assert session.info.get("changed")


def drawn_chains() -> list[tuple[list[int], list[str]]]:
    """Chains drawn by hypothesis (the database part runs in the async test below)."""
    found: list[tuple[list[int], list[str]]] = []

    @settings(max_examples=40, deadline=None, database=None)
    @given(shape=st.lists(st.integers(min_value=-1, max_value=20), min_size=1, max_size=8),
           texts=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                          blacklist_characters="\x00"),
                                  max_size=40), min_size=8, max_size=8))
    def collect(shape: list[int], texts: list[str]) -> None:
        found.append((shape, texts))

    collect()
    return found


async def test_any_chain_is_stored_as_written(db):
    """Any chain of rows, each naming an earlier one (or none), with any text: stored with
    the references and the text as given, each id where its row is."""
    stored_chains = 0
    for shape, texts in drawn_chains():
        rows = []
        for n, pick in enumerate(shape):
            ref = IdOf(pick % n) if n and pick >= 0 else None
            rows.append(Row(AUDIT, {**audit_row(n).values, "entity": f"chain{n}",
                                    "entity_id": ref, "participant_code": texts[n] or None}))
        try:
            async with db.session() as session:
                ids = await insert_rows(session, rows)
        except RuleError:
            continue  # the guard refused a text that reads like a personnummer
        stored_chains += 1
        async with db.read() as session:
            stored = {r.id: r for r in (await session.exec(
                select(AuditEntry).where(col(AuditEntry.id).in_(ids)))).all()}
        assert len(stored) == len(rows)
        for n, row in enumerate(rows):
            found = stored[ids[n]]
            ref = row.values["entity_id"]
            assert found.entity == f"chain{n}"
            assert found.entity_id == (ids[ref.index] if isinstance(ref, IdOf) else None)
            assert found.participant_code == row.values["participant_code"]
    assert stored_chains > 20


async def test_a_referral_is_written_with_its_audit_row_event_and_span(db, actors):  # noqa: F811
    async with db.session() as session:
        participant = await register_referral(session, actors[COORD], referral())
    async with db.read() as session:
        stored = (await session.exec(select(Participant))).one()
        entry = (await session.exec(select(AuditEntry).where(
            AuditEntry.entity == "participant"))).one()
        event = (await session.exec(select(ParticipantEvent))).one()
        span = (await session.exec(select(ParticipantSpan))).one()
    assert stored.id == participant.id and stored.code == participant.code
    assert (entry.entity, entry.entity_id, entry.participant_id, entry.participant_code) == (
        "participant", stored.id, stored.id, stored.code)
    assert (event.participant_id, event.audit_id, event.kind) == (stored.id, entry.id,
                                                                  "referral")
    assert (span.participant_id, span.status) == (stored.id, Status.REFERRED)


async def test_a_new_row_belongs_to_the_session_as_if_loaded(db, actors):  # noqa: F811
    """Changed again in the same session, the row is updated, not inserted a second time."""
    async with db.session() as session:
        participant = await register_referral(session, actors[COORD], referral())
        assert participant in session
        again = await decide(session, actors[COORD], participant.code, Status.ACCEPTED,
                             day=date(2026, 10, 2), coach="Cem Coach")
        assert again is participant
    async with db.read() as session:
        stored = (await session.exec(select(Participant))).one()
    assert stored.status == Status.ACCEPTED


async def test_a_failed_block_leaves_nothing_and_the_next_block_writes(db, actors):  # noqa: F811
    """The unit's first block is undone by rolling the transaction back: the rows written
    together go with it, and a second referral in the same unit is stored alone."""
    before = await counts(db)
    async with db.unit():
        with pytest.raises(RuleError):
            async with db.session() as session:
                undone = await register_referral(session, actors[COORD], referral())
                undone_code = undone.code
                raise RuleError("not_your_area", area="test")
        assert inspect(undone).session_id is None and undone.code == undone_code
        async with db.session() as session:
            kept = await register_referral(session, actors[COORD], referral())
    assert await counts(db) == tuple(n + 1 for n in before)
    async with db.read() as session:
        stored = (await session.exec(select(Participant))).one()
        entry = (await session.exec(select(AuditEntry).where(
            AuditEntry.entity == "participant"))).one()
    assert stored.code == kept.code and entry.participant_id == stored.id


async def test_a_new_row_with_two_events_names_itself_in_both(db, actors):  # noqa: F811
    """A placement recorded already ended makes two events: they go in one multi-row INSERT
    after the row and its audit row (ids in the order recorded), both naming the new row."""
    start = date(2026, 10, 10)
    async with db.session() as session:
        participant = await register_referral(session, actors[COORD], referral())
        row = Placement(participant_id=participant.id, placement_type="work_training",
                        sector="public", employer="Kommunens park", start_date=start,
                        end_date=start + timedelta(days=30), created_by=actors[COACH].staff_id)
        after = audit.snapshot(row)
        values = audit.entry(actors[COACH], audit.AuditAction.CREATE, "placement",
                             participant_id=participant.id, after=after)
        row_id, entry = await events.record_change(
            session, actors[COACH], "placement", participant.id, None, after, values,
            Row(table_of(Placement), {k: v for k, v in after.items() if k != "id"}))
    async with db.read() as session:
        stored = (await session.exec(select(Placement))).one()
        written = (await session.exec(select(ParticipantEvent).where(
            col(ParticipantEvent.placement_id).is_not(None))
            .order_by(col(ParticipantEvent.id)))).all()
        spans = (await session.exec(select(ParticipantSpan.status))).all()
    assert row_id == stored.id and entry.entity_id == stored.id
    assert [e.kind for e in written] == ["placement_start", "placement_end"]
    assert all(e.placement_id == stored.id and e.audit_id == entry.id for e in written)
    assert "in_placement" in spans


async def test_a_failed_later_block_leaves_nothing_and_the_next_block_writes(db, actors):  # noqa: F811
    """The same behind a savepoint (a block after the unit's first): the row written together
    and undone must not stay in the session, where the next row (SQLite gives it the same id)
    would collide with it."""
    before = await counts(db)
    async with db.unit():
        async with db.session() as session:
            first = await register_referral(session, actors[COORD], referral())
        with pytest.raises(RuleError):
            async with db.session() as session:
                undone = await register_referral(session, actors[COORD], referral())
                undone_code = undone.code
                raise RuleError("not_your_area", area="test")
        # Out of the session, with what it was made with (as the ORM leaves a row it inserted).
        assert inspect(undone).session_id is None and undone.code == undone_code
        async with db.session() as session:
            kept = await register_referral(session, actors[COORD], referral())
            await decide(session, actors[COORD], kept.code, Status.ACCEPTED,
                         day=date(2026, 10, 2), coach="Cem Coach")
    if db.is_sqlite:
        assert kept.id == undone.id  # the case the test is about
    # Two referrals and a decision: their audit rows and events, and the spans as they stand.
    assert await counts(db) == (before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 3)
    async with db.read() as session:
        stored = {p.code: p for p in (await session.exec(select(Participant))).all()}
    assert set(stored) == {first.code, kept.code}
    assert stored[kept.code].status == Status.ACCEPTED


async def test_none_is_stored_as_null_also_where_the_column_has_a_default(db):
    """A None the table would give anyway is left out of the statement (psycopg keeps its parse
    of a statement of at most 50 parameters); a None where the column has a default, on either
    side, is sent, so the row holds NULL and not the default."""
    table = Table("together_probe", MetaData(), Column("id", Integer, primary_key=True),
                  Column("plain", String), Column("python_side", String, default="d"),
                  Column("server_side", String, server_default="s"),
                  prefixes=["TEMPORARY"])
    assert [_null_anyway(c) for c in table.c if c.name != "id"] == [True, False, False]
    async with db.session() as session:
        await session.run_sync(lambda s: table.create(s.connection()))
        given = [{"plain": None, "python_side": None, "server_side": None},
                 {"plain": "p", "python_side": None, "server_side": "x"},
                 {"plain": None, "python_side": "y", "server_side": None}]
        ids = await insert_rows(session, [Row(table, values) for values in given])
        stored = {r.id: dict(r._mapping) for r in await session.execute(select_all(table))}
        assert [{k: v for k, v in stored[i].items() if k != "id"} for i in ids] == given
        await session.run_sync(lambda s: table.drop(s.connection()))


@pytest.mark.parametrize("model", [Participant, Placement, PlacementNote, ProgressionStep,
                                   ParticipantEvent, ParticipantSpan, AuditEntry])
async def test_every_text_column_of_a_batch_refuses_personal_data(db, model):
    """On PostgreSQL the guard's listener sees only the batch statement's outer SELECT, so
    `check_row` is all that stands between a value and the table: a personnummer in any text
    column, a name in any column that takes no names, is refused before anything is sent (a
    value let through would fail on the row's other, missing columns instead)."""
    table = table_of(model)
    before = await counts(db)
    tried = 0
    for column in table.c:
        if column.key == "id" or column_policy(column) == Policy.IDENTIFIER:
            continue
        if not isinstance(getattr(column.type, "impl", column.type), String):  # AutoString too
            continue
        tried += 1
        refused = ["19850101-1234", "850101 1234"]
        if column_policy(column) == Policy.NO_NAMES:
            refused.append("Anna Andersson")
        for value in refused:
            with pytest.raises(PersonalDataError):
                async with db.session() as session:
                    await insert_rows(session, [Row(table, {column.key: value})])
    assert tried and await counts(db) == before
