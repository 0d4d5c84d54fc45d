"""The chat's conversation state as JSON documents in SQL, so dialogs survive restarts and run
on several instances.

What a document holds is the channel's business (bot/state.py encodes the dialog stack with
bot/state_codec.py); here a document is text under a key, with an eTag for optimistic
concurrency.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update

from storage.db import Database
from storage.models import BotStateItem, table_of, utcnow

_TABLE = table_of(BotStateItem)
_READ = select(_TABLE.c.id, _TABLE.c.key, _TABLE.c.document, _TABLE.c.etag).where(
    _TABLE.c.key.in_(bindparam("p_keys", expanding=True))
)


class StateConflictError(Exception):
    """Another turn changed the same state since it was read (eTag mismatch)."""


@dataclass(frozen=True)
class StoredState:
    row_id: int
    document: str
    etag: str


@dataclass(frozen=True)
class StateChange:
    """A document to store under a key; `expected` is the eTag it was read with (None or "*":
    overwrite, the Bot Framework convention)."""

    document: str
    expected: str | None = None


class StateDocuments:
    """Read, write (compare-and-set on the eTag) and delete state documents by key."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def read(self, keys: list[str]) -> dict[str, StoredState]:
        if not keys:
            return {}
        async with self._db.connect() as connection:
            rows = (
await connection.execute(_READ, {"p_keys": keys})).all()
        return {key: StoredState(row_id, document, etag) for row_id, key, document, etag in rows}

    async def write(self, changes: Mapping[str, StateChange]) -> dict[str, str]:
        """Store every change in one transaction; the new eTag of each key. A change whose
        expected eTag is stale raises StateConflictError and stores nothing."""
        etags: dict[str, str] = {}
        if not changes:
            return etags
        async with self._db.begin() as connection:
            for key, change in changes.items():
                new_etag = uuid.uuid4().hex
                values = {
                    "key": key,
                    "document": change.document,
                    "etag": new_etag,
                    "updated_at": utcnow(),
                }
                if change.expected in (None, "*"):
                    statement = self._db.insert(_TABLE).values(**values)
                    statement = statement.on_conflict_do_update(
                        index_elements=[_TABLE.c.key],
                        set_={
                            "document": statement.excluded.document,
                            "etag": statement.excluded.etag,
                            "updated_at": statement.excluded.updated_at,
                        },
                    )
                    await connection.execute(statement)
                else:
                    result = await connection.execute(
                        update(_TABLE)
                        .where(_TABLE.c.key == key, _TABLE.c.etag == change.expected)
                        .values(
                            document=values["document"],
                            etag=new_etag,
                            updated_at=values["updated_at"],
                        )
                    )
                    if result.rowcount == 0:
                        exists = (
                            await connection.execute(
                                select(_TABLE.c.etag).where(_TABLE.c.key == key)
                            )
                        ).first()
                        if exists is not None:
                            raise StateConflictError(key)
                        await connection.execute(self._db.insert(_TABLE).values(**values))
                etags[key] = new_etag
        return etags

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        async with self._db.begin() as connection:
            await connection.execute(delete(_TABLE).where(_TABLE.c.key.in_(keys)))
