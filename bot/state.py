"""Bot Framework state storage on SQL: the SDK's `Storage`, over storage/bot_state.py.

Documents are plain JSON of the dialog stack's own types (bot/state_codec.py). A document
that is not (written by something else, or damaged) is logged and treated as absent: that
conversation starts afresh, and nothing in the row is ever instantiated or run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from botbuilder.core import Storage

from bot.state_codec import StateFormatError, decode_state, encode_state
from storage.bot_state import StateChange, StateDocuments, StoredState
from storage.db import Database

log = logging.getLogger(__name__)

# Documents a turn read already (bot/handler.py, with its other first reads): the state's first
# load in the turn takes them from here instead of asking the database again.
_prefetched: ContextVar[dict[str, StoredState | None] | None] = ContextVar(
    "stegvis_prefetched_state", default=None
)


def prefetch(documents: dict[str, StoredState | None]) -> None:
    """Documents just read for this turn (None: the key has none), each used once."""
    _prefetched.set(dict(documents))


def _take_prefetched(keys: list[str]) -> dict[str, StoredState] | None:
    known = _prefetched.get()
    if known is None or not keys or any(key not in known for key in keys):
        return None
    taken = {key: known.pop(key) for key in keys}
    return {key: stored for key, stored in taken.items() if stored is not None}


def _get_etag(item: object) -> str | None:
    if isinstance(item, Mapping):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _set_etag(item: Any, etag: str) -> None:
    if isinstance(item, dict):
        item["e_tag"] = etag
    elif hasattr(item, "e_tag") or hasattr(item, "__dict__"):
        item.e_tag = etag


def _encode(item: object) -> str:
    if not isinstance(item, Mapping):
        raise TypeError("state items are dicts of state properties")
    return encode_state(item)


class SqlStorage(Storage):
    """`Storage` with optimistic concurrency: a write whose eTag is stale raises
    StateConflictError (storage/bot_state.py).

    A change without an eTag, or with "*", overwrites (the Bot Framework convention).
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._documents = StateDocuments(database)

    async def read(self, keys: list[str]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        # A turn that has written since (a new conversation's reference) reads the state in its
        # write transaction instead, as it did before the prefetch.
        found = None if self._db.writing() else _take_prefetched(keys)
        if found is None:
            found = await self._documents.read(keys)
        for key, stored in found.items():
            try:
                item = decode_state(stored.document)
            except StateFormatError as error:
                log.warning(
                    "bot_state row %s is not readable state (%s): ignored", stored.row_id, error
                )
                continue
            _set_etag(item, stored.etag)
            result[key] = item
        return result

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        encoded = {
            key: StateChange(_encode(item), _get_etag(item)) for key, item in changes.items()
        }
        etags = await self._documents.write(encoded)
        # The caller's cached copy now carries the stored eTag, so a second save in the same
        # turn is not mistaken for a conflict.
        for key, item in changes.items():
            _set_etag(item, etags[key])

    async def delete(self, keys: list[str]) -> None:
        await self._documents.delete(keys)
