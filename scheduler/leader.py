"""Which bot instance runs the scheduler: the one holding a PostgreSQL advisory lock.

The lock belongs to a database session, so it is held on a dedicated connection for as long as
the leader lives; when its process dies, PostgreSQL ends the session, frees the lock, and the
next instance to poll takes over. On SQLite there is one process, and it is the leader.
Leadership only saves work: the outbox claim (FOR UPDATE SKIP LOCKED) keeps two dispatchers
from sending the same reminder even if both briefly believe they lead.
"""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import Database

log = logging.getLogger(__name__)

# Any 64-bit number unique to this application's advisory locks ("stegvis" in ASCII).
LOCK_KEY = 0x7374656776697300


class LeaderElection:
    def __init__(self, db: Database, key: int = LOCK_KEY) -> None:
        self.db, self.key = db, key
        self._connection: AsyncConnection | None = None
        self._held = False

    async def try_acquire(self) -> bool:
        """True if this process leads now (it may already have)."""
        if self.db.is_sqlite:
            self._held = True
            return True
        if self._held:
            return True
        try:
            if self._connection is None:
                self._connection = await self.db.engine.connect()
            got = (
                await self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                )
            ).scalar_one()
            await self._connection.commit()  # the lock is session-level: no open transaction
        except SQLAlchemyError:
            await self._drop_connection()
            raise
        self._held = bool(got)
        return self._held

    async def still_leader(self) -> bool:
        """Check that the lock's connection is alive; a dead one means the lock is gone."""
        if self.db.is_sqlite:
            return self._held
        if not self._held or self._connection is None:
            return False
        try:
            await self._connection.execute(text("SELECT 1"))
            await self._connection.commit()
        except SQLAlchemyError:
            log.warning("the leader's database connection was lost")
            self._held = False
            await self._drop_connection()
            return False
        return True

    async def release(self) -> None:
        if self._connection is not None and self._held:
            try:
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
                await self._connection.commit()
            except SQLAlchemyError:
                log.warning("could not unlock; closing the connection frees the lock anyway")
        self._held = False
        await self._drop_connection()

    async def _drop_connection(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await connection.invalidate()
                await connection.close()
            except SQLAlchemyError:
                log.debug("closing a broken connection failed", exc_info=True)
