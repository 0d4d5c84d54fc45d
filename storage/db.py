"""One database per process; every turn and job opens short sessions from it.

SQLite allows one writer at a time. Left to itself, a second writer gets `database is locked`
after the busy timeout, or at once when its read transaction has to become a write transaction
(WAL "busy snapshot"). So on SQLite every write transaction of this process goes through one
asyncio lock and starts with `BEGIN IMMEDIATE` on the single writer connection: turns queue for
the lock instead of failing, and another process (`python -m bot reminders run-due` from cron)
is waited for up to the busy timeout without holding the loop (storage/_sqlite_inline.py).
Reads that never write use `read()`, `query_only` connections that WAL lets run beside the
writer. `session()` is the write path, so a caller who
does not think about it is safe; a write outside it fails loudly instead of racing.

On PostgreSQL both paths are the same pool, sized to the turns allowed in flight; reads run in
autocommit (no BEGIN and ROLLBACK round trips).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Connection, CursorResult, Result, Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.util.typing import TupleAny
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.orm.session import Session as SqlModelSession

from storage import _sqlite_inline as sqlite_inline
from storage import write_guard
from storage._unit import Unit as Unit
from storage._unit import adopt as adopt
from storage._unit import current, keep_refused, note_flushed, note_saved
from storage._unit import current_writes as current_writes
from storage._unit import track_writes as track_writes
from storage.models import BOOKKEEPING

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000  # another process writing (cron, migrations): wait, then fail
POOL_RECYCLE_SECONDS = 1800  # PostgreSQL: renew connections before firewalls drop them
SQLITE_READERS = 8
WRITE_WAIT_SECONDS = 30.0  # SQLite: longest wait for this process' write lock before giving up
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///stegvis.db"

# Both dialects' inserts have `on_conflict_do_nothing/update` and `excluded`; the Core one has not.
DialectInsert = postgresql.Insert | sqlite.Insert


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (postgres://, sqlite:///) and pick the async drivers."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def rowcount(result: Result[*TupleAny]) -> int:
    """The rows an UPDATE or DELETE matched. `Session.execute` declares a plain `Result`; for
    such a statement it is a `CursorResult`, which counts them."""
    if not isinstance(result, CursorResult):
        raise TypeError("rowcount of a statement that returns rows")
    return result.rowcount


def database_of(session: AsyncSession) -> str:
    """The session's database: the key of what a process keeps per database (tests: many)."""
    bind = session.get_bind()
    return str(bind.engine.url if isinstance(bind, Connection) else bind.url)


class WriteOutsideLockError(RuntimeError):
    """A write transaction on SQLite that did not come through `session()` or `begin()`."""


class WriteBusy(TimeoutError):
    """SQLite: this process' writer stayed busy for longer than a write may wait."""


_DML = frozenset({"INSERT", "UPDATE", "DELETE"})
# Execution option: the tables a statement writes where SQLAlchemy sees a SELECT (the INSERTs
# in WITH clauses of storage/together.py).
WRITES = "stegvis_writes"


class _Session(SqlModelSession):
    """A session that notes in `info["wrote"]` whether it sent an INSERT, UPDATE or DELETE, and
    in `info["changed"]` whether one of them touched a record (not only BOOKKEEPING tables)."""


def _is_record(table: Any) -> bool:
    return getattr(table, "name", None) not in BOOKKEEPING


@event.listens_for(_Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    statement = state.statement
    written = state.execution_options.get(WRITES)
    if written:
        state.session.info["wrote"] = True
        if any(name not in BOOKKEEPING for name in written):
            state.session.info["changed"] = True
    elif isinstance(statement, TextClause):
        if statement.text.lstrip()[:6].upper() in _DML:
            state.session.info.update(wrote=True, changed=True)
    elif state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True
        if _is_record(getattr(statement, "table", None)):
            state.session.info["changed"] = True


@event.listens_for(_Session, "after_flush")
def _on_flush(session: Session, _context: Any) -> None:
    session.info["wrote"] = True
    note_flushed(session)
    touched = [*session.new, *session.dirty, *session.deleted]
    if any(_is_record(getattr(item, "__table__", None)) for item in touched):
        session.info["changed"] = True


def _sqlite_connect(read_only: bool) -> Any:
    def connect(dbapi_connection: Any, _record: Any) -> None:
        """WAL lets readers and one writer share the file; foreign keys are off by default.
        isolation_level None: the driver starts no transactions; the engine's begin event does."""
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return connect


def _sqlite_engine(url: str, connections: int) -> AsyncEngine:
    return create_async_engine(
        url, pool_size=connections, max_overflow=0, pool_reset_on_return=None,
        module=sqlite_inline.module(SQLITE_BUSY_TIMEOUT_MS / 1000),
    )


class Database:
    """Owns the engines and hands out sessions; the only place that knows the dialect."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self._write_lock = asyncio.Lock()
        self._writer: asyncio.Task[Any] | None = None
        if self.is_sqlite:
            # One writer connection (the lock lets one transaction use it at a time) and a few
            # readers; sessions always end their transaction (no rollback on return needed).
            self.engine: AsyncEngine = _sqlite_engine(url, 1)
            readers = min(max(pool_size, 2), SQLITE_READERS)
            self.read_engine: AsyncEngine = _sqlite_engine(url, readers)
            event.listen(self.engine.sync_engine, "connect", _sqlite_connect(read_only=False))
            event.listen(self.engine.sync_engine, "begin", self._begin_immediate)
            event.listen(self.read_engine.sync_engine, "connect", _sqlite_connect(read_only=True))
            event.listen(self.read_engine.sync_engine, "begin", _begin_deferred)
        else:
            # No pre-ping per checkout (a round trip each time): connections are recycled
            # instead, and a dead one fails its turn, which the user is told to send again.
            self.engine = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=max(2, pool_size // 4),
                pool_timeout=10,
                pool_recycle=POOL_RECYCLE_SECONDS,
                pool_pre_ping=False,
            )
            # Reads on the same pool, without BEGIN and ROLLBACK round trips: under READ
            # COMMITTED every statement sees its own snapshot anyway, in a transaction or not.
            self.read_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        # Every value every INSERT and UPDATE writes is checked by its column's policy.
        write_guard.install(self.engine.sync_engine)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False, sync_session_class=_Session
        )
        self._read_sessions = async_sessionmaker(
            self.read_engine, class_=AsyncSession, expire_on_commit=False,
            sync_session_class=_Session,
        )

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    def _begin_immediate(self, connection: Any) -> None:
        """The writer connection's BEGIN: only for the task holding the write lock."""
        if self._writer is None or self._writer is not asyncio.current_task():
            raise WriteOutsideLockError(
                "SQLite writes go through Database.session() or Database.begin()"
            )
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        """Hold this process' write lock (SQLite); a no-op on PostgreSQL."""
        if not self.is_sqlite:
            yield
            return
        task = asyncio.current_task()
        if self._writer is task:
            raise WriteOutsideLockError("a write session inside a write session waits forever")
        try:
            await asyncio.wait_for(self._write_lock.acquire(), WRITE_WAIT_SECONDS)
        except TimeoutError as error:
            raise WriteBusy("the write lock stayed busy") from error
        self._writer = task
        try:
            yield
        finally:
            self._writer = None
            self._write_lock.release()

    @asynccontextmanager
    async def unit(self) -> AsyncIterator[Unit]:
        """One transaction for everything the code run inside writes (one turn).

        Sessions, reads and Core connections asked for inside share it: each `session()` block
        is a savepoint (an error in it undoes that block only, as before; the first block of a
        transaction that holds nothing else needs none, see `Unit`), and nothing is
        committed until the unit ends without an error. The write transaction (and on SQLite
        this process' write lock) starts at the first `session()` or `begin()`, the write path,
        so a turn that reads only through `read()` takes no lock; one that has started holds it
        to its end, so a turn does its slow network calls before its first write or after.
        `Unit.before_commit` callbacks run just before the commit; one that writes opens the
        transaction with `Unit.open()` (a unit that never opened one commits nothing).
        """
        unit = Unit(self, asyncio.current_task())
        token = current.set(unit)
        try:
            yield unit
            await unit.commit()
        except BaseException:
            await unit.rollback()
            raise
        finally:
            current.reset(token)
            await unit.close()

    def _current_unit(self) -> Unit | None:
        unit = current.get()
        if unit is None or unit.db is not self or unit.task is not asyncio.current_task():
            return None  # another task (a reminder job) or database: not this unit's work
        return unit

    @asynccontextmanager
    async def session(self, *, user_data: bool = True) -> AsyncIterator[AsyncSession]:
        """A read-write session that commits on success and rolls back on any error.

        `user_data=False` for bookkeeping (where a conversation can be reached): its commits do
        not count as "what the user sent was saved" when the turn fails later. Inside a `unit()`
        the block is a savepoint of the unit's transaction instead (see there).
        """
        unit = self._current_unit()
        if unit is not None:
            async with unit.savepoint(user_data=user_data) as session:
                yield session
            return
        async with self._writing(), self._sessions() as session:
            try:
                yield session
                transaction = session.sync_session.get_transaction()
                committed = transaction is None or transaction.is_active
                if committed:
                    await session.commit()
                else:
                    # The caller caught a refused write (e.g. personal data at flush) and
                    # went on: what it did is rolled back, nothing half-done is committed.
                    await session.rollback()
            except BaseException as error:
                await session.rollback()
                if keep_refused(session, error):
                    await session.commit()
                raise
            if committed and user_data and session.sync_session.info.get("wrote"):
                note_saved()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reading only (on SQLite a write in it raises): never waits for writers.
        Inside a unit that has written, the unit's session (which sees what it wrote); inside
        one that has not, the unit's one read session (see `Unit.reading`)."""
        unit = self._current_unit()
        if unit is not None and unit.started:
            async with unit.savepoint(user_data=False) as session:
                yield session
            return
        if unit is not None:
            async with unit.reading() as session:
                yield session
            return
        async with self._read_sessions() as session:  # closing ends the read transaction
            yield session

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection in a write transaction, serialised like `session()`; for bot state
        and migrations. Its commits are bookkeeping, not the user's data. Inside a unit, a
        savepoint on the unit's connection."""
        unit = self._current_unit()
        if unit is not None:
            async with unit.savepoint(user_data=False) as session:
                yield await session.connection()
                # Core statements pass by the session's hooks: the block asked to write, so it
                # counts as having written (a turn that saved only its dialog state is done).
                session.sync_session.info["wrote"] = True
            return
        async with self._writing(), self.engine.begin() as connection:
            yield connection

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection for reading only (inside a unit, as `read()`)."""
        unit = self._current_unit()
        if unit is not None and unit.started:
            async with unit.savepoint(user_data=False) as session:
                yield await session.connection()
            return
        if unit is not None:
            async with unit.reading() as session:
                yield await session.connection()
            return
        async with self.read_engine.connect() as connection:
            yield connection

    def writing(self) -> bool:
        """Whether this task's unit has opened its write transaction (its reads see its writes,
        and on SQLite it holds the write lock)."""
        unit = self._current_unit()
        return unit is not None and unit.started

    def insert(self, table: Table) -> DialectInsert:
        """A dialect insert, so callers can use `on_conflict_do_update` on both databases."""
        return sqlite.insert(table) if self.is_sqlite else postgresql.insert(table)

    async def ping(self) -> None:
        """Raise if the database cannot answer a trivial query (used by /healthz)."""
        async with self.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.is_sqlite:
            await self.read_engine.dispose()


def _begin_deferred(connection: Any) -> None:
    """Readers: one snapshot for the whole session (the driver would start none for SELECTs)."""
    connection.exec_driver_sql("BEGIN")
