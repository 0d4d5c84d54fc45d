"""The transaction of one turn (`Database.unit()`), and the record of whether it saved what the
user sent. Private to storage/db.py, which hands both out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from weakref import WeakSet

from psycopg.pq import TransactionStatus
from sqlalchemy import inspect
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.ext.asyncio import AsyncSessionTransaction
from sqlalchemy.orm import InstanceState, Session, make_transient_to_detached
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.rules import RuleError

if TYPE_CHECKING:
    from storage.db import Database


@dataclass
class WriteRecord:
    """What the database did for one turn: whether anything the user sent was committed."""

    saved: bool = False


_turn_writes: ContextVar[WriteRecord | None] = ContextVar("stegvis_turn_writes", default=None)


@contextmanager
def track_writes() -> Iterator[WriteRecord]:
    """Record the writes of the code run inside (one turn), for an honest error message."""
    record = WriteRecord()
    token = _turn_writes.set(record)
    try:
        yield record
    finally:
        _turn_writes.reset(token)


def current_writes() -> WriteRecord | None:
    """The record of the turn being run, if any (see `track_writes`)."""
    return _turn_writes.get()


def note_saved() -> None:
    record = _turn_writes.get()
    if record is not None:
        record.saved = True


def keep_refused(session: AsyncSession, error: BaseException) -> bool:
    """Add again what a refusal keeps though its block was undone (see `RuleError`), as new
    rows: each undone block adds them to the one around it, until a block is kept."""
    rows = error.keep if isinstance(error, RuleError) else []
    for row in rows:
        session.add(type(row)(**row.model_dump()))
    return bool(rows)


_FLUSHED = "flushed"


def note_flushed(session: Session) -> None:
    """Remember what a flush wrote (for `Unit._undo`: what undoing the transaction must expire,
    as a savepoint's rollback expires what was written inside it)."""
    flushed: WeakSet[InstanceState[Any]] = session.info.setdefault(_FLUSHED, WeakSet())
    flushed.update(inspect(item) for item in (*session.new, *session.dirty, *session.deleted))


_ADOPTED = "adopted"


def adopt(session: AsyncSession, row: Any) -> None:
    """Make a row inserted with Core (storage/together.py) the session's, as if it had been
    loaded, so that changing it later updates it. Undoing its block takes it out of the session
    again, as a rollback does with rows the ORM inserted: else the next row SQLite gives the
    same id would find it there. (Outside a Unit, a rollback expires it like any loaded row, so
    its values cannot be read after a failed plain session; the bot's writes all run in Units.)"""
    make_transient_to_detached(row)
    session.add(row)
    session.sync_session.info.setdefault(_ADOPTED, []).append(inspect(row))


def _forget_adopted(session: Session, since: int) -> None:
    adopted: list[InstanceState[Any]] = session.info.get(_ADOPTED, [])
    for state in adopted[since:]:
        row = state.obj()
        if row is not None and state.session_id == session.hash_key:
            session.expunge(row)
    del adopted[since:]


class Unit:
    """The transaction of one `Database.unit()`; see there."""

    def __init__(self, db: Database, task: asyncio.Task[Any] | None) -> None:
        self.db, self.task = db, task
        self.before_commit: list[Callable[[Unit], Awaitable[None]]] = []
        self.user_data = False  # a savepoint that wrote the user's data was kept
        self.changed = False  # a kept savepoint changed a record (not only bookkeeping)
        self.wrote = False  # a kept savepoint wrote anything (bookkeeping too: dialog state)
        self._session: AsyncSession | None = None
        self._stack = AsyncExitStack()
        self._reader: AsyncSession | None = None
        self._reading = 0  # read blocks open on `_reader` right now
        # Nothing is in the transaction yet: the next block needs no savepoint, since undoing
        # it is undoing the transaction (two round trips fewer for a turn's first write).
        self._bare = True

    @property
    def started(self) -> bool:
        return self._session is not None

    async def open(self) -> AsyncSession:
        """The unit's session, in its write transaction (started here if it was not)."""
        session = await self._open()
        self._bare = False  # what the caller writes through it is not a block's
        return session

    async def _open(self) -> AsyncSession:
        if self._session is None:
            if not self._reading:
                await self._end_reading()  # reads go to the write session from now on
            await self._stack.enter_async_context(self.db._writing())
            self._session = await self._stack.enter_async_context(self.db._sessions())
        return self._session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """The reads of a unit that has not written share one read session (one connection,
        one read transaction) instead of one each: a turn makes several. What a block loaded
        is detached when it ends, as when its own session closed, so that a later block can
        add it to a write session."""
        if self._reader is None:
            self._reader = self.db._read_sessions()
        self._reading += 1
        try:
            yield self._reader
        finally:
            self._reading -= 1
            if self._reader is not None:
                self._reader.expunge_all()

    async def _end_reading(self) -> None:
        if self._reader is not None:
            reader, self._reader = self._reader, None
            await reader.close()

    @asynccontextmanager
    async def savepoint(self, *, user_data: bool) -> AsyncIterator[AsyncSession]:
        """A block of the unit: undone alone if it raises, if its writes fail when it ends, or
        if it swallowed a refused flush. A block nested in another adds to what the outer one
        wrote; it never hides it. The first block of a bare transaction has no savepoint."""
        session = await self._open()
        info = session.sync_session.info
        outer = {"wrote": info.get("wrote", False), "changed": info.get("changed", False)}
        info.update(wrote=False, changed=False)
        sync = session.sync_session
        # Rows a refusal kept (keep_refused) wait in the session: the transaction is not bare.
        first = self._bare and not (sync.new or sync.dirty or sync.deleted)
        self._bare = False
        nested = None if first else await session.begin_nested()
        adopted = len(info.get(_ADOPTED, []))
        kept = False
        try:
            try:
                yield session
            except BaseException as error:
                await self._undo(session, nested, adopted)  # also after a failed flush
                keep_refused(session, error)
                raise
            try:
                kept = await self._keep(session, nested, adopted)
            except BaseException:
                await self._undo(session, nested, adopted)
                raise
        finally:
            wrote, changed = kept and info.get("wrote"), kept and info.get("changed")
            info.update(wrote=outer["wrote"] or wrote, changed=outer["changed"] or changed)
        if wrote:
            self.wrote = True
        if user_data and wrote:
            self.user_data = True
        if changed:
            self.changed = True

    async def _keep(self, session: AsyncSession, nested: AsyncSessionTransaction | None,
                    adopted: int) -> bool:
        """End a block that did not raise: its writes reach the database here (as at a
        savepoint's release), or it is undone when it swallowed a refused flush."""
        if nested is not None:
            if not nested.is_active:
                await self._undo(session, nested, adopted)
                return False
            await nested.commit()
            return True
        transaction = session.sync_session.get_transaction()
        if transaction is not None and not transaction.is_active:
            await self._undo(session, None, adopted)
            return False
        await session.flush()
        if transaction is not None and not self.db.is_sqlite and await _aborted(session):
            raise PendingRollbackError("a statement of the block failed and the block went on")
        return True

    async def _undo(self, session: AsyncSession, nested: AsyncSessionTransaction | None,
                    adopted: int) -> None:
        """Undo a block. Without a savepoint the block is all the transaction holds, so the
        transaction is rolled back, leaving the objects as a savepoint's rollback would: what
        the block wrote expired or made transient again, what it only loaded still loaded (here
        detached: a later block adds it again). Rows it inserted with Core leave the session
        (`adopt`)."""
        sync = session.sync_session
        _forget_adopted(sync, adopted)
        if nested is not None:
            await nested.rollback()
            return
        flushed: WeakSet[InstanceState[Any]] = sync.info.pop(_FLUSHED, WeakSet())
        for state in list(sync.identity_map.all_states()):
            loaded = state.obj()
            if loaded is not None and not state.modified and state not in flushed:
                sync.expunge(loaded)
        await session.rollback()
        self._bare = True

    async def commit(self) -> None:
        for callback in self.before_commit:
            await callback(self)
        if self._session is None:
            return
        await self._session.commit()
        if self.user_data:
            note_saved()

    async def rollback(self) -> None:
        if self._session is not None:
            await self._session.rollback()

    async def close(self) -> None:
        try:
            await self._end_reading()
        finally:
            await self._stack.aclose()
            self._session = None


async def _aborted(session: AsyncSession) -> bool:
    """PostgreSQL: a statement failed and the block caught it and went on, so the server now
    refuses everything until a rollback (a savepoint's release would have failed here)."""
    sync = (await session.connection()).sync_connection
    driver = sync.connection.driver_connection if sync is not None else None
    status = getattr(getattr(driver, "info", None), "transaction_status", None)
    return bool(status == TransactionStatus.INERROR)


current: ContextVar[Unit | None] = ContextVar("stegvis_unit", default=None)
