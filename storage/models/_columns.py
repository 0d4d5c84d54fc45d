"""What a column may hold (checked on every write), timestamps from the one clock, and keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table
from sqlalchemy.orm import Mapped
from sqlmodel import SQLModel, col

from storage.clock import clock
from storage.rules import PAST_EVENT


def _info(**info: object) -> dict[str, Any]:
    """What a column may hold, checked on every write (storage/write_guard.py): `pii` (text: the
    default forbids a personnummer; "no_names" also a name, for anything about a participant;
    "identifier" for ids the bot makes or Teams sends), `max_chars`, `days_ahead` (dates)."""
    return {"info": info}


IDENTIFIER = _info(pii="identifier")
PAST = _info(days_ahead=PAST_EVENT)  # the date something happened: tomorrow at the latest


def utcnow() -> datetime:
    """Stored timestamps come from the one clock (aware UTC)."""
    return clock.now()


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for inserts and updates in bulk: SQLModel's metaclass
    sets `__table__` but does not declare it to a type checker."""
    table = model.__table__  # type: ignore[attr-defined]
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def key_of(row: _Keyed) -> int:
    """The primary key of a row that was loaded or flushed. Models declare `id` optional
    because a new row has none until its INSERT; a row read back always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


def key_col(column: int | None) -> Mapped[int]:
    """`Model.id` as a column of ints, to select ids: a key read back is never NULL, though
    the attribute is optional for a row not yet inserted (see `key_of`)."""
    return cast(Mapped[int], col(column))


CODE = _info(max_chars=64)  # a status or vocabulary code, never free text
