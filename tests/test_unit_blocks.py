"""The blocks of a unit (storage/_unit.py): the first block of a transaction that holds nothing
else runs without a savepoint (two round trips fewer per write turn), and must behave exactly as
one that had it: undone alone, whatever undoes it, with what it loaded left usable."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from storage.models import CountyPart
from storage.rules import RuleError


def _savepoints(db) -> list[str]:
    seen: list[str] = []

    def on_savepoint(_conn: Any, name: Any) -> None:
        seen.append(str(name))

    event.listen(db.engine.sync_engine, "savepoint", on_savepoint)
    return seen


async def _codes(db) -> set[str]:
    async with db.read() as session:
        return set((await session.exec(select(CountyPart.code))).all())


async def test_the_first_block_has_no_savepoint_and_later_ones_have(db):
    seen = _savepoints(db)
    async with db.unit() as unit:
        async with db.session() as session:
            session.add(CountyPart(code="X1", name="Ett"))
        assert seen == []
        async with db.session() as session:
            session.add(CountyPart(code="X2", name="Två"))
        assert len(seen) == 1
    assert unit.user_data and unit.changed
    assert {"X1", "X2"} <= await _codes(db)


async def test_a_first_block_that_raises_is_undone_alone(db):
    """Its writes (flushed already) are gone; the next block starts a new transaction (on
    SQLite under the lock the unit still holds) and is kept; the unit counts only that one."""
    async with db.unit() as unit:
        with pytest.raises(RuntimeError):
            async with db.session() as session:
                session.add(CountyPart(code="GONE", name="Borta"))
                await session.flush()
                raise RuntimeError("the form failed")
        assert not unit.wrote
        async with db.session(user_data=False) as session:
            session.add(CountyPart(code="KEPT", name="Kvar"))
    assert unit.wrote and not unit.user_data
    codes = await _codes(db)
    assert "KEPT" in codes and "GONE" not in codes


async def test_a_first_block_whose_writes_fail_as_it_ends_is_undone(db):
    """The writes a block left unflushed reach the database when it ends, as at a savepoint's
    release: a conflict there undoes the block and raises; the unit goes on."""
    async with db.read() as session:
        taken = (await session.exec(select(CountyPart.code))).first()
    async with db.unit():
        with pytest.raises(IntegrityError):
            async with db.session() as session:
                session.add(CountyPart(code="NEW", name="Ny"))
                session.add(CountyPart(code=taken, name="Dubblett"))
        async with db.session() as session:
            session.add(CountyPart(code="AFTER", name="Efter"))
    codes = await _codes(db)
    assert "AFTER" in codes and "NEW" not in codes


async def test_a_first_block_that_swallowed_a_failed_flush_is_undone_not_committed(db):
    async with db.read() as session:
        taken = (await session.exec(select(CountyPart.code))).first()
    async with db.unit() as unit:
        async with db.session() as session:
            session.add(CountyPart(code="HALF", name="Halv"))
            await session.flush()
            session.add(CountyPart(code=taken, name="Dubblett"))
            with pytest.raises(IntegrityError):
                await session.flush()
        assert not unit.wrote
        async with db.session() as session:
            session.add(CountyPart(code="WHOLE", name="Hel"))
    codes = await _codes(db)
    assert "WHOLE" in codes and "HALF" not in codes


async def test_what_an_undone_first_block_loaded_stays_loaded_and_what_it_changed_does_not(db):
    """As after a savepoint's rollback: an object it only read keeps its values; one it changed
    does not keep the change (a later block reads what the database holds)."""
    async with db.unit():
        with pytest.raises(RuntimeError):
            async with db.session() as session:
                read, changed = (await session.exec(select(CountyPart).limit(2))).all()
                name, changed_id = changed.name, changed.id
                changed.name = "Ändrat"
                await session.flush()
                raise RuntimeError("later step failed")
        assert read.code and read.name  # still loaded: no lazy load (which async cannot do)
        async with db.session() as session:
            again = await session.get(CountyPart, changed_id)
            assert again is not None and again.name == name
            session.add(read)  # a later block may take it up again
            read.base_town = "Nyköping"
    async with db.read() as session:
        stored = await session.get(CountyPart, read.id)
        assert stored is not None and stored.base_town == "Nyköping"


async def test_a_block_nested_in_the_first_one_is_undone_alone(db):
    seen = _savepoints(db)
    async with db.unit():
        async with db.session() as session:
            session.add(CountyPart(code="OUTER", name="Yttre"))
            with pytest.raises(RuntimeError):
                async with db.session() as inner:
                    inner.add(CountyPart(code="INNER", name="Inre"))
                    await inner.flush()
                    raise RuntimeError("inner step failed")
    assert len(seen) == 1
    codes = await _codes(db)
    assert "OUTER" in codes and "INNER" not in codes


async def test_what_a_refusal_in_the_first_block_keeps_is_committed_with_the_unit(db):
    """A RuleError's `keep` rows (the audit of a denied access) outlive the undone block."""
    async with db.unit():
        with pytest.raises(RuleError):
            async with db.session() as session:
                session.add(CountyPart(code="UNDONE", name="Ogjord"))
                await session.flush()
                refused = RuleError("rule_not_found")
                refused.keep.append(CountyPart(code="KEPTROW", name="Behållen"))
                raise refused
    codes = await _codes(db)
    assert "KEPTROW" in codes and "UNDONE" not in codes


async def test_a_unit_that_fails_after_its_first_block_keeps_nothing(db):
    with pytest.raises(RuntimeError):
        async with db.unit():
            async with db.session() as session:
                session.add(CountyPart(code="ROLLED", name="Bakåt"))
            raise RuntimeError("the turn failed after writing")
    assert "ROLLED" not in await _codes(db)


async def test_what_a_refusal_kept_survives_a_later_block_that_fails(db):
    """The kept row waits in the session after the undone first block; the next block is not
    bare, so undoing it (a lookup that says "not found") must not drop the row."""
    async with db.unit():
        with pytest.raises(RuleError):
            async with db.session():
                refused = RuleError("rule_not_found")
                refused.keep.append(CountyPart(code="AUDITED", name="Behållen"))
                raise refused
        with pytest.raises(RuleError):
            async with db.read():
                raise RuleError("participant_not_found")
    assert "AUDITED" in await _codes(db)


async def test_core_writes_through_begin_count_as_written(db):
    """Dialog state is written with Core statements (storage/bot_state.py): a turn that saved
    only its state has written, so it gets its receipt (a redelivered form answer is a repeat,
    not the answer to the next question)."""
    from storage.models import table_of

    async with db.unit() as unit:
        async with db.begin() as connection:
            await connection.execute(table_of(CountyPart).insert().values(code="CORE", name="C"))
    assert unit.wrote and not unit.changed and not unit.user_data


async def test_a_first_block_that_went_on_after_a_failed_statement_is_not_kept(db):
    """PostgreSQL refuses every statement after one failed until a rollback: a savepoint's
    release said so; without one, the block's end must (else the commit would quietly roll
    back what the turn said it saved). SQLite goes on after a failed statement."""
    from sqlalchemy import text
    from sqlalchemy.exc import PendingRollbackError, ProgrammingError

    if db.is_sqlite:
        pytest.skip("SQLite does not abort a transaction on a failed statement")
    async with db.unit() as unit:
        with pytest.raises(PendingRollbackError):
            async with db.session() as session:
                session.add(CountyPart(code="LOST", name="Borta"))
                await session.flush()
                with pytest.raises(ProgrammingError):
                    await session.execute(text("SELECT no_such_column FROM county_part"))
        async with db.session() as session:
            session.add(CountyPart(code="THEN", name="Sedan"))
    assert unit.user_data
    codes = await _codes(db)
    assert "THEN" in codes and "LOST" not in codes
