"""storage/write_guard.py on real SQL: the listener checks every value an INSERT or UPDATE
writes, also one bound under a name of its own (the prebuilt statements' `p_…`) and a literal
in an upsert's SET, which compile under names that are not their columns'."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Executable, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import AuditEntry, CodeCounter, Placement, table_of
from storage.pii import PersonalDataError

AUDIT, COUNTER, PLACEMENT = (table_of(m) for m in (AuditEntry, CodeCounter, Placement))
NUMBER = "19850101-1234"
AT = datetime(2026, 11, 1, tzinfo=UTC)


def upsert(db):  # the dialect's INSERT, for ON CONFLICT
    return (postgresql if not db.is_sqlite else sqlite).insert


def audit_values(**changed: object) -> dict[str, object]:
    return {"at": AT, "actor_aad_object_id": "system", "action": "create", "entity": "probe",
            **changed}


async def rows(db, table) -> int:
    async with db.read() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


async def refused(db, statement: Executable, parameters: dict[str, object] | None = None) -> None:
    before = await rows(db, AUDIT), await rows(db, COUNTER)
    with pytest.raises(PersonalDataError):
        async with db.session() as session:
            await session.execute(statement, parameters)
    assert (await rows(db, AUDIT), await rows(db, COUNTER)) == before


async def test_a_value_under_its_column_name_is_checked(db):
    await refused(db, insert(AUDIT).values(audit_values(details=NUMBER)))


async def test_a_value_bound_under_a_name_of_its_own_is_checked(db):
    """As storage/prebuilt.py binds them: `p_` and the column, or another name."""
    statement = insert(AUDIT).values(audit_values(details=bindparam("p_details")))
    await refused(db, statement, {"p_details": f"född {NUMBER}"})
    async with db.session() as session:  # the same statement with a clean value is written
        await session.execute(statement, {"p_details": "ändrad kommun"})
    statement = update(AUDIT).where(AUDIT.c.entity == "probe").values(
        participant_code=bindparam("new_code"))
    await refused(db, statement, {"new_code": NUMBER})


async def test_an_upserts_set_is_checked_bound_or_literal(db):
    counter = upsert(db)(COUNTER).values(prefix="V", year=2026, last=1)
    async with db.session() as session:
        await session.execute(counter)
    for set_, parameters in (({"prefix": bindparam("p_prefix")}, {"p_prefix": NUMBER}),
                             ({"prefix": NUMBER}, None)):
        statement = upsert(db)(COUNTER).values(prefix="V", year=2026, last=1)
        statement = statement.on_conflict_do_update(
            index_elements=[COUNTER.c.prefix, COUNTER.c.year], set_=set_)
        await refused(db, statement, parameters)
    async with db.read() as session:
        assert (await session.execute(select(COUNTER.c.prefix))).scalars().all() == ["V"]


async def test_a_bound_name_in_a_where_clause_is_not_taken_for_a_value(db):
    """Only what is written is checked: a row may be looked for by anything."""
    async with db.session() as session:
        await session.execute(insert(AUDIT).values(audit_values()))
        statement = update(AUDIT).where(AUDIT.c.details == bindparam("p_details")).values(
            entity="probe2")
        await session.execute(statement, {"p_details": NUMBER})


async def test_ordered_values_are_checked(db):
    statement = update(AUDIT).ordered_values((AUDIT.c.details, bindparam("p_details")))
    await refused(db, statement, {"p_details": NUMBER})


async def test_one_name_bound_to_two_columns_is_checked_for_each(db):
    """A name, refused where a column is about a participant (`occupation_area`) and allowed
    where it is about an employer (`employer`), bound once to both: refused, whichever column
    comes last."""
    for first, second in (("occupation_area", "employer"), ("employer", "occupation_area")):
        statement = update(PLACEMENT).values({first: bindparam("v"), second: bindparam("v")})
        await refused(db, statement, {"v": "Anna Andersson"})


async def test_a_literal_given_by_a_function_in_an_upserts_set_is_checked(db):
    async with db.session() as session:
        await session.execute(upsert(db)(COUNTER).values(prefix="V", year=2026, last=1))
    statement = upsert(db)(COUNTER).values(prefix="V", year=2026, last=1).on_conflict_do_update(
        index_elements=[COUNTER.c.prefix, COUNTER.c.year],
        set_={"prefix": bindparam(None, callable_=lambda: NUMBER, unique=True)})
    await refused(db, statement)
