"""SQLite on the event loop's own thread, in the shape SQLAlchemy's aiosqlite dialect expects.

aiosqlite runs each connection on a thread of its own and hands every call over: opening a
cursor, executing, fetching and closing are four trips there and back per statement, each a
wake-up of the other thread and a hand-over of the GIL. A referral's turn made about 170
context switches that way, and took twice as long as it does now (README, "Load
benchmarks": "Statements built once, SQLite on the loop"). A statement of
a turn takes tens of microseconds in SQLite itself, far less than the trips, so here it runs
where it is asked for. What that costs: a long statement holds the loop while it runs (long
reads on SQLite are the reports of a large association, which is the point at which the README
sends it to PostgreSQL). Waiting must not: a statement that meets another process' write lock
(cron's `run-due`, a migration) gets SQLite's "busy" after a busy timeout of 2 ms and is tried
again after an asyncio sleep, until `patience` runs out, so other turns go on meanwhile; that
includes the connection's first PRAGMAs (the driver's own 5 s default would hold the loop). The
process' own writers never meet there (storage/db.py: one writer at a time, behind an asyncio
lock).

Handed to `create_async_engine(..., module=...)` as the DB-API module of the aiosqlite dialect.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_dbapi

T = TypeVar("T")
# "busy" with its extended codes, but not BUSY_SNAPSHOT: a read transaction that saw an older
# snapshot cannot write, however long it waits.
_BUSY_SNAPSHOT = 517


async def _patiently(
    connection: sqlite3.Connection, call: Callable[[], T], patience: float, *,
    commit: bool = False,
) -> T:
    """`call()`, tried again while another process holds the lock, for up to `patience` s.

    Only where SQLite says a retry is safe: a COMMIT, or a statement outside an explicit
    transaction that changed nothing (the rows an `executemany` wrote before it met the lock
    are committed already, each on its own). Inside a transaction "busy" is raised, and the
    caller's transaction rolls back."""
    loop = asyncio.get_running_loop()
    pause, give_up = 0.002, None
    # As before the first try: a transaction the failed try opened itself (sqlite3's implicit
    # BEGIN) holds nothing yet.
    inside, changes = connection.in_transaction, connection.total_changes
    while True:
        try:
            return call()
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", None)
            if code is None or code & 0xFF != sqlite3.SQLITE_BUSY or code == _BUSY_SNAPSHOT:
                raise
            if not commit and (inside or connection.total_changes != changes):
                raise
            give_up = give_up if give_up is not None else loop.time() + patience
            if loop.time() >= give_up:
                raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.1)


class Cursor:
    """aiosqlite's cursor, each call done at once."""

    def __init__(self, cursor: sqlite3.Cursor, patience: float) -> None:
        self._cursor, self._patience = cursor, patience

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = ()) -> Cursor:
        call = partial(self._cursor.execute, sql, parameters)
        await _patiently(self._cursor.connection, call, self._patience)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        rows = list(parameters)  # a generator could not be run twice
        call = partial(self._cursor.executemany, sql, rows)
        await _patiently(self._cursor.connection, call, self._patience)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _AtOnce:
    """Stands in for aiosqlite's queue to its thread: what is put on it runs now."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


class _NoThread:
    daemon = True


class _Connection:
    """aiosqlite's connection without its thread. `_connection`, `_conn` and `_tx` are the
    private names SQLAlchemy's adapter reaches for."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], patience: float) -> None:
        self._connect, self._patience = connect, patience
        self._connection: sqlite3.Connection | None = None
        self._tx = _AtOnce()
        self._thread = _NoThread()

    def __await__(self) -> Any:
        return self._open().__await__()

    async def _open(self) -> _Connection:
        self._connection = self._connect()
        return self

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    def cursor(self) -> Cursor:
        return Cursor(self._conn.cursor(), self._patience)

    async def commit(self) -> None:
        await _patiently(self._conn, self._conn.commit, self._patience, commit=True)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level


class _Module:
    """What the dialect takes for the `aiosqlite` module: its names, with `connect` bound to
    how long a statement may wait for another process' lock."""

    Connection = _Connection
    DatabaseError, Error = sqlite3.DatabaseError, sqlite3.Error
    IntegrityError = sqlite3.IntegrityError
    NotSupportedError, OperationalError = sqlite3.NotSupportedError, sqlite3.OperationalError
    ProgrammingError = sqlite3.ProgrammingError
    sqlite_version, sqlite_version_info = sqlite3.sqlite_version, sqlite3.sqlite_version_info

    def __init__(self, patience: float, spin: float) -> None:
        self._patience, self._spin = patience, spin

    def connect(self, database: str, **kwargs: Any) -> _Connection:
        kwargs.setdefault("check_same_thread", False)  # tests run pools across event loops
        kwargs["timeout"] = self._spin  # SQLite's busy timeout, spent on the loop
        return _Connection(lambda: sqlite3.connect(database, **kwargs), self._patience)


def module(patience: float, spin: float = 0.002) -> AsyncAdapt_aiosqlite_dbapi:
    """The DB-API module to give the aiosqlite dialect. `patience`: seconds a statement waits
    for another process' write lock before it fails with "database is locked"; `spin`: how
    long of that SQLite waits by itself each time, holding the loop."""
    return AsyncAdapt_aiosqlite_dbapi(_Module(patience, spin), sqlite3)  # type: ignore[arg-type]
