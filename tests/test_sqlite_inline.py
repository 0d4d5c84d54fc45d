"""SQLite statements run on the event loop's thread (storage/_sqlite_inline.py), and waiting for
another process' write lock does not hold the loop: other turns go on meanwhile, and patience
that runs out is SQLite's own `database is locked`, with nothing written."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import _sqlite_inline as sqlite_inline
from storage.db import Database


def sqlite_only(db: Database) -> str:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    return db.url.split("///", 1)[1]


async def test_statements_run_on_the_loops_thread(db: Database) -> None:
    """No hand-over to a driver thread per call (aiosqlite made four per statement)."""
    sqlite_only(db)
    async with db.read() as session:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        assert raw.driver_connection is not None
        raw.driver_connection._conn.create_function("thread_id", 0, threading.get_ident)
        ran_on = (await session.execute(text("SELECT thread_id()"))).scalar_one()
    assert ran_on == threading.get_ident()


async def test_waiting_for_another_process_lets_the_loop_run(db: Database) -> None:
    """cron's `run-due` holds the write lock for 0.3 s: the write waits for it, and the loop
    keeps turning meanwhile (a tick every 10 ms), where a busy timeout inside SQLite would have
    stopped it."""
    path = sqlite_only(db)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> None:
        async with db.session() as session:
            await session.execute(text("INSERT INTO code_counter (prefix, year, last) "
                                       "VALUES ('T', 1999, 7)"))

    clock = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    try:
        await asyncio.sleep(0.3)
        assert not writing.done()
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
    finally:
        clock.cancel()
        other.close()
    assert ticks >= 10
    async with db.read() as session:
        last = await session.execute(text("SELECT last FROM code_counter WHERE prefix = 'T'"))
        assert last.scalar_one() == 7


async def test_patience_that_runs_out_is_database_is_locked(db: Database) -> None:
    """Another process that keeps the lock: the statement fails after its patience, the way
    SQLite fails after a busy timeout, and the row is not there."""
    path = sqlite_only(db)
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}",
                                 module=sqlite_inline.module(0.2))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        began = asyncio.get_running_loop().time()
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA busy_timeout=0")
                await connection.exec_driver_sql(
                    "INSERT INTO code_counter (prefix, year, last) VALUES ('L', 1999, 1)"
                )
        assert 0.2 <= asyncio.get_running_loop().time() - began < 3
    finally:
        other.execute("ROLLBACK")
        other.close()
        await engine.dispose()
    async with db.read() as session:
        found = await session.execute(text("SELECT count(*) FROM code_counter WHERE prefix = 'L'"))
        assert found.scalar_one() == 0


class Ticker:
    """Ticks every 10 ms on the loop; `longest` is the longest the loop was held meanwhile."""

    def __init__(self) -> None:
        self.ticks, self.longest = 0, 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.01)
            now = loop.time()
            self.ticks, self.longest = self.ticks + 1, max(self.longest, now - last - 0.01)
            last = now

    def __enter__(self) -> Ticker:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


def wal_file(tmp_path: Path) -> tuple[Path, sqlite3.Connection]:
    path = tmp_path / "inline.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    return path, setup


def inline_engine(path: Path, patience: float) -> AsyncEngine:
    """Autocommit at the driver, as storage/db.py has it (transactions are explicit)."""
    return create_async_engine(f"sqlite+aiosqlite:///{path}",
                               module=sqlite_inline.module(patience),
                               connect_args={"isolation_level": None})


async def test_many_rows_are_written_once_after_a_wait(tmp_path: Path) -> None:
    """An executemany that met the lock before its first row is tried again with every row
    (a generator of rows would have been used up by the first try)."""
    path, other = wal_file(tmp_path)
    other.execute("BEGIN IMMEDIATE")
    engine = inline_engine(path, 5)
    try:
        async def insert() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("INSERT INTO t (n) VALUES (:n)"),
                                         [{"n": n} for n in range(50)])

        writing = asyncio.create_task(insert())
        await asyncio.sleep(0.1)
        other.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
        assert other.execute("SELECT count(*), sum(n) FROM t").fetchone() == (50, 1225)
    finally:
        other.close()
        await engine.dispose()


async def test_busy_inside_a_transaction_is_not_waited_out(tmp_path: Path) -> None:
    """SQLite's rule: a statement other than COMMIT that meets the lock inside an explicit
    transaction is not tried again (the transaction is rolled back by its owner)."""
    path, other = wal_file(tmp_path)
    engine = inline_engine(path, 5)
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("BEGIN")
            await connection.exec_driver_sql("SELECT count(*) FROM t")
            other.execute("BEGIN IMMEDIATE")
            began = asyncio.get_running_loop().time()
            with pytest.raises(OperationalError, match="database is locked"):
                await connection.exec_driver_sql("INSERT INTO t (n) VALUES (1)")
            assert asyncio.get_running_loop().time() - began < 2
            await connection.exec_driver_sql("ROLLBACK")
    finally:
        other.execute("ROLLBACK")
        other.close()
        await engine.dispose()


async def test_a_statement_that_wrote_before_the_lock_is_not_run_again(tmp_path: Path) -> None:
    """Rows an executemany wrote outside a transaction before it met the lock are committed,
    each on its own: running it again would write them twice, so "busy" is raised."""
    path, other = wal_file(tmp_path)
    connection = sqlite3.connect(path, isolation_level=None)
    tries = 0

    def writes_then_meets_the_lock() -> None:
        nonlocal tries
        tries += 1
        connection.execute("INSERT INTO t (n) VALUES (1)")
        busy = sqlite3.OperationalError("database is locked")
        busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
        raise busy

    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await sqlite_inline._patiently(connection, writes_then_meets_the_lock, 5)
        assert tries == 1
        assert other.execute("SELECT count(*) FROM t").fetchone() == (1,)
    finally:
        connection.close()
        other.close()


async def test_another_process_holding_the_file_does_not_hold_the_loop(tmp_path: Path) -> None:
    """Another process holds the file for a second, exclusively (as WAL recovery after a crash
    may): a new connection's first statements and a write wait for it in short steps, and the
    loop is never held for long (with the driver's own 5 s busy timeout it was held the whole
    second, and three times that for the connection's first PRAGMAs)."""
    path, other = wal_file(tmp_path)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO t (n) VALUES (0)")
    engine = inline_engine(path, 10)
    try:
        async def write() -> None:
            async with engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA journal_mode=WAL")
                await connection.exec_driver_sql("INSERT INTO t (n) VALUES (1)")

        with Ticker() as ticker:
            writing = asyncio.create_task(write())
            await asyncio.sleep(1.0)
            assert not writing.done()
            other.execute("COMMIT")
            other.execute("PRAGMA locking_mode=NORMAL")
            other.execute("SELECT count(*) FROM t").fetchone()  # lets the exclusive lock go
            await asyncio.wait_for(writing, 10)
        assert ticker.longest < 0.5, ticker.longest
    finally:
        other.close()
        await engine.dispose()
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM t").fetchone() == (2,)
    check.close()
