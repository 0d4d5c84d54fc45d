"""Bot Framework state storage on SQL, so dialogs survive restarts and run on several instances.

Documents are plain JSON of the dialog stack's own types (storage/state_codec.py). A document
that is not (written by something else, or damaged) is logged and treated as absent: that
conversation starts afresh, and nothing in the row is ever instantiated or run.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from botbuilder.core import Storage
from sqlalchemy import delete, select, update

from storage.db import Database
from storage.models import BotStateItem, utcnow
from storage.state_codec import StateFormatError, decode_state, encode_state

log = logging.getLogger(__name__)
_TABLE = BotStateItem.__table__


class StateConflictError(Exception):
    """Another turn changed the same state since it was read (eTag mismatch)."""


def _get_etag(item: object) -> str | None:
    if isinstance(item, Mapping):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _set_etag(item: object, etag: str) -> None:
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif hasattr(item, "e_tag") or hasattr(item, "__dict__"):
        item.e_tag = etag


def _encode(item: object) -> str:
    if not isinstance(item, Mapping):
        raise TypeError("state items are dicts of state properties")
    return encode_state(item)


class SqlStorage(Storage):
    """`Storage` with optimistic concurrency: a write whose eTag is stale raises StateConflictError.

    A change without an eTag, or with "*", overwrites (the Bot Framework convention).
    """

    def __init__(self, database: Database) -> None:
        self._db = database

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        async with self._db.connect() as connection:
            rows = (
                await connection.execute(
                    select(_TABLE.c.id, _TABLE.c.key, _TABLE.c.document, _TABLE.c.etag).where(
                        _TABLE.c.key.in_(keys)
                    )
                )
            ).all()
        result: dict[str, Any] = {}
        for row_id, key, document, etag in rows:
            try:
                item = decode_state(document)
            except StateFormatError as error:
                log.warning("bot_state row %s is not readable state (%s): ignored", row_id, error)
                continue
            _set_etag(item, etag)
            result[key] = item
        return result

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        async with self._db.begin() as connection:
            for key, item in changes.items():
                expected = _get_etag(item)
                new_etag = uuid.uuid4().hex
                values = {
                    "key": key,
                    "document": _encode(item),
                    "etag": new_etag,
                    "updated_at": utcnow(),
                }
                if expected in (None, "*"):
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
                        .where(_TABLE.c.key == key, _TABLE.c.etag == expected)
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
                # The caller's cached copy now carries the stored eTag, so a second save in the
                # same turn is not mistaken for a conflict.
                _set_etag(item, new_etag)

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        async with self._db.begin() as connection:
            await connection.execute(delete(_TABLE).where(_TABLE.c.key.in_(keys)))
