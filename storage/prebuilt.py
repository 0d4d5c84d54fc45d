"""Statements every turn runs, built once per database dialect and run with bound values.

Building a SQLAlchemy statement (with the cache key it computes on first use) costs about as
much as running it on SQLite: for the receipt, the code counter and the state read it was a
tenth of a referral's turn. So the fixed statements of the turn are built once, their varying
values as `bindparam`s, and only executed each time. Bound parameter names must differ from the
column names of an INSERT or UPDATE (SQLAlchemy reserves those), hence the `p_` prefix.
Statements that are the same on both databases are plain module constants where they are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Executable, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import DialectInsert

S = TypeVar("S", bound=Executable)
InsertOf = Callable[[Table], Any]
_INSERTS: dict[str, InsertOf] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession, table: Table) -> DialectInsert:
    """A dialect insert for the session's database (see `Database.insert`)."""
    return _INSERTS[dialect_of(session)](table)  # type: ignore[no-any-return]


def per_dialect(build: Callable[[InsertOf], S]) -> Callable[[str], S]:
    """`build(insert)` once per dialect name, `insert` being that dialect's INSERT (for
    `on_conflict_do_update`); the result is shared, so it must not be changed by callers."""
    built: dict[str, S] = {}

    def statement(dialect: str) -> S:
        found = built.get(dialect)
        if found is None:
            found = built[dialect] = build(_INSERTS[dialect])
        return found

    return statement
