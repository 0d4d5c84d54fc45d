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
from sqlalchemy.ext.asyncio import create_async_engine

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


async def test_many_rows_are_written_again_whole_after_a_wait(tmp_path: Path) -> None:
    """executemany that met the lock is tried again with every row (a generator of rows would
    have been used up by the first try)."""
    path = tmp_path / "many.db"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.execute("BEGIN IMMEDIATE")
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}", module=sqlite_inline.module(5))
    try:
        async def insert() -> None:
            async with engine.begin() as connection:
                await connection.exec_driver_sql("PRAGMA busy_timeout=0")
                await connection.execute(text("INSERT INTO t (n) VALUES (:n)"),
                                         [{"n": n} for n in range(50)])

        writing = asyncio.create_task(insert())
        await asyncio.sleep(0.1)
        setup.execute("COMMIT")
        await asyncio.wait_for(writing, 5)
        assert setup.execute("SELECT count(*), sum(n) FROM t").fetchone() == (50, 1225)
    finally:
        setup.close()
        await engine.dispose()
