"""The organisation's places and programmes, read once per process instead of on every turn.

A referral looked its municipality up twice, then the county part and the programme: four
statements of about twenty in a write turn, for rows that change when an organisation file is
loaded and otherwise never. The snapshot is plain frozen data (no ORM rows bound to a session).

Kept fresh three ways: any ORM write to these tables in this process forgets it when its
transaction ends (committed or not); another process's change (`python -m bot org load`, a
second instance) is seen within `MAX_AGE`; and a name not found is looked up again before it
is refused, so a municipality or programme added elsewhere a moment ago is accepted at once.

Names are matched by `name_key` on both sides, so what looks the same is found: fullwidth
letters, a zero-width space pasted along with the name, another case or extra spaces.
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import database_of
from storage.models import CountyPart, Municipality, Programme, key_of
from storage.pii import normalise

# Seconds a snapshot is trusted for changes made by another process.
MAX_AGE = 60.0


def name_key(text: str) -> str:
    """A name as compared: `pii.normalise` (NFKC, zero-width and other format characters
    dropped), case folded, spaces collapsed, then NFKC again (folding or a dropped character
    can leave text NFKC would change), so "Ｆｌｅｎ", "Fl\u200ben" and " FLEN " are all Flen."""
    return unicodedata.normalize("NFKC", " ".join(normalise(text).casefold().split()))


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    county_part_id: int


@dataclass(frozen=True)
class Part:
    id: int
    code: str
    name: str
    base_town: str
    code_prefix: str


@dataclass(frozen=True)
class ProgrammeInfo:
    id: int
    code: str
    name: str
    active: bool
    takes_participants: bool


@dataclass(frozen=True)
class Organisation:
    municipalities: tuple[Place, ...]
    parts: dict[int, Part]
    programmes: dict[str, ProgrammeInfo]
    loaded_at: float

    def municipality(self, name: str) -> Place | None:
        """By name as typed, compared by `name_key`."""
        return self._places_by_key.get(name_key(name))

    def programme(self, text: str) -> ProgrammeInfo | None:
        """By code or name as typed, compared by `name_key`."""
        return self._programmes_by_key.get(name_key(text))

    @cached_property
    def _places_by_key(self) -> dict[str, Place]:
        """Keyed once per snapshot, not on every lookup; the first by name wins a tie."""
        keyed: dict[str, Place] = {}
        for place in self.municipalities:
            keyed.setdefault(name_key(place.name), place)
        return keyed

    @cached_property
    def _programmes_by_key(self) -> dict[str, ProgrammeInfo]:
        """Codes before names, so a code is never shadowed by another programme's name."""
        keyed: dict[str, ProgrammeInfo] = {}
        for programme in self.programmes.values():
            keyed.setdefault(name_key(programme.code), programme)
        for programme in self.programmes.values():
            keyed.setdefault(name_key(programme.name), programme)
        return keyed


# By database: a process has one, a test run many.
_snapshots: dict[str, Organisation] = {}


def forget() -> None:
    """Read the organisation again on next use."""
    _snapshots.clear()


async def organisation(session: AsyncSession, *, fresh: bool = False) -> Organisation:
    """The snapshot, read with `session` when there is none, it is older than `MAX_AGE`, or
    `fresh` is asked for."""
    database = database_of(session)
    current = _snapshots.get(database)
    if current is not None and not fresh and time.monotonic() - current.loaded_at < MAX_AGE:
        return current
    towns = (await session.exec(select(Municipality).order_by(Municipality.name))).all()
    parts = (await session.exec(select(CountyPart))).all()
    programmes = (await session.exec(select(Programme))).all()
    current = Organisation(
        municipalities=tuple(Place(key_of(m), m.name, m.county_part_id) for m in towns),
        parts={
            key_of(p): Part(key_of(p), p.code, p.name, p.base_town, p.code_prefix) for p in parts
        },
        programmes={
            p.code: ProgrammeInfo(key_of(p), p.code, p.name, p.active, p.takes_participants)
            for p in programmes
        },
        loaded_at=time.monotonic(),
    )
    _snapshots[database] = current
    return current


async def find_place(session: AsyncSession, name: str) -> tuple[Place | None, Organisation]:
    """The municipality called `name`, looked up again once before it is called unknown."""
    org = await organisation(session)
    place = org.municipality(name)
    if place is None:
        org = await organisation(session, fresh=True)
        place = org.municipality(name)
    return place, org


async def find_programme(session: AsyncSession, text: str) -> ProgrammeInfo | None:
    """The programme by code or name as typed, looked up again once before it is unknown."""
    for fresh in (False, True):
        found = (await organisation(session, fresh=fresh)).programme(text)
        if found is not None:
            return found
    return None


_WATCHED = (CountyPart, Municipality, Programme)


def _changed(_mapper: Any, _connection: Any, target: Any) -> None:
    """A write to the organisation's tables: forget now, and again when its transaction ends
    (a snapshot read meanwhile by another turn has the old rows)."""
    forget()
    session = object_session(target)
    if session is not None:
        session.info["org_changed"] = True


for _model in _WATCHED:
    for _name in ("after_insert", "after_update", "after_delete"):
        event.listen(_model, _name, _changed)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    if session.info.pop("org_changed", False):
        forget()
