"""The rows of one change written together: a new record, its audit row, its events, its spans.

On PostgreSQL they go in one statement, each row an INSERT in a data-modifying WITH clause, so
a change is one round trip instead of three or four (each costs the bot about 250 µs of CPU
through SQLAlchemy and psycopg, and the server a wake-up). On SQLite, which has no such
clauses and no round trips to save, they are inserted one after another. A row may hold the
id of a row before it (`IdOf`): the audit row's id in each of its events.

Two things the ordinary path does by itself are done here: the personal-data guard
(storage/write_guard.py) checks every value of every row before any is sent (its listener sees
only the PostgreSQL statement's outer SELECT; on SQLite it checks each INSERT again); and the
session counts the PostgreSQL statement as a write of its tables (storage/db.py, `WRITES`), so
the turn gets its exactly-once receipt.
A batch is all or nothing as its transaction is: a caller that caught a database error
halfway and committed would keep the earlier rows on SQLite (PostgreSQL refuses the commit);
none does, and a Unit block undoes the batch with the rest of the block.
Statements are built once per shape (tables, columns and references), with bound values. A
column whose value is None and which the table fills with NULL anyway is left out of the
PostgreSQL statement: a new participant has some 20 such columns, and psycopg parses a
statement afresh on every call once it has more than 50 parameters (`MAX_CACHED_STATEMENT_PARAMS`
in psycopg/_queries.py), which cost a referral about 0.2 ms.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Column,
    Executable,
    Table,
    bindparam,
    insert,
    literal_column,
    select,
    union_all,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import WRITES
from storage.prebuilt import dialect_of
from storage.write_guard import check_row


@dataclass(frozen=True)
class IdOf:
    """The id of the batch's row at `index` (an earlier one)."""

    index: int


@dataclass(frozen=True)
class Row:
    """One row to insert; `returning`: the caller wants its id (the table has an `id`)."""

    table: Table
    values: Mapping[str, Any]
    returning: bool = True


def resolve(value: Any, ids: Sequence[int | None]) -> Any:
    """`value`, or the id it refers to (`IdOf`) among `ids`."""
    return ids[value.index] if isinstance(value, IdOf) else value


# (table name, columns, {column: index of the row whose id it holds}, returning) per row.
_Shape = tuple[tuple[str, tuple[str, ...], tuple[tuple[str, int], ...], bool], ...]


async def insert_rows(session: AsyncSession, rows: Sequence[Row]) -> list[int | None]:
    """Insert `rows` in order, in the session's transaction; the id of each row that returns
    one (None for the others)."""
    for n, row in enumerate(rows):
        for value in row.values.values():
            if isinstance(value, IdOf) and not (
                0 <= value.index < n and rows[value.index].returning
            ):
                raise ValueError("a row may refer only to an earlier row that returns its id")
        # Every row before any is sent, on both engines: a refusal leaves no row of the batch
        # behind, even for a caller that catches it and goes on.
        check_row(row.table, {k: v for k, v in row.values.items() if not isinstance(v, IdOf)})
    if dialect_of(session) == "postgresql":
        return await _in_one(session, rows)
    ids: list[int | None] = []
    for row in rows:
        values = {k: resolve(v, ids) for k, v in row.values.items()}
        result = await session.execute(_insert(row.table, row.returning), values)
        ids.append(result.scalar_one() if row.returning else None)
    return ids


@lru_cache(maxsize=64)
def _insert(table: Table, returning: bool) -> Executable:
    statement = table.insert()
    return statement.returning(table.c.id) if returning else statement


async def _in_one(session: AsyncSession, rows: Sequence[Row]) -> list[int | None]:
    tables: dict[str, Table] = {}
    params: dict[str, Any] = {}
    shape = []
    for n, row in enumerate(rows):
        tables[row.table.name] = row.table
        plain = {k: v for k, v in row.values.items()
                 if not isinstance(v, IdOf) and not (v is None and _null_anyway(row.table.c[k]))}
        refs = tuple(sorted((k, v.index) for k, v in row.values.items() if isinstance(v, IdOf)))
        params.update({f"p{n}_{k}": v for k, v in plain.items()})
        shape.append((row.table.name, tuple(sorted(plain)), refs, row.returning))
    statement = _statement(tuple(shape), tuple(tables.items()))
    ids: list[int | None] = [None] * len(rows)
    for n, row_id in (await session.execute(statement, params)).all():
        ids[n] = row_id
    return ids


def _null_anyway(column: Column[Any]) -> bool:
    """Whether leaving `column` out of an INSERT gives it NULL, as None would: it has no default
    on either side (SQLAlchemy fills a Python-side default into a Core insert's missing column),
    and its type does not store None as a value of its own (JSON's `null`)."""
    return (column.default is None and column.server_default is None
            and not column.type.should_evaluate_none)


@lru_cache(maxsize=256)
def _statement(shape: _Shape, tables: tuple[tuple[str, Table], ...]) -> Executable:
    """`WITH w0 AS (INSERT … RETURNING id), w1 AS (INSERT … (SELECT id FROM w0) …) SELECT 0,
    id FROM w0 UNION ALL …`: each WITH clause one row, so each id is known by its number."""
    by_name = dict(tables)
    clauses: list[Any] = []
    for n, (name, columns, refs, returning) in enumerate(shape):
        table = by_name[name]
        values: dict[str, Any] = {
            column: bindparam(f"p{n}_{column}", type_=table.c[column].type) for column in columns
        }
        for column, index in refs:
            values[column] = select(clauses[index].c.id).scalar_subquery()
        statement = insert(table).values(values)
        if returning:
            statement = statement.returning(table.c.id)
        clauses.append(statement.cte(f"w{n}"))
    # The row numbers are written into the statement: bound, they would count against psycopg's
    # 50 parameters too.
    answers = [select(literal_column(str(n)).label("n"), clause.c.id)
               for n, (clause, (_, _, _, returning)) in enumerate(zip(clauses, shape, strict=True))
               if returning]
    if not answers:
        raise ValueError("at least one row must return its id")
    outer = answers[0] if len(answers) == 1 else union_all(*answers)
    # Every clause is sent, also one nothing refers to (a span row returns no id).
    outer = outer.add_cte(*clauses)
    return outer.execution_options(**{WRITES: tuple(sorted(by_name))})
