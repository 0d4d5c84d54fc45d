"""The ledger behind exactly-once turns: each message is handled once, whatever delivers it twice.

Teams sends a message again when the reply was slow; a double tap sends a card twice; the
connector answers 500 and the activity comes back; the process dies in the middle (kill -9).
A key per message (its activity id, or the one-time token of the card button) gets its receipt
in the turn's own transaction (`Database.unit()`), together with everything the turn wrote and
the replies it made: the receipt is the unique key, so of two deliveries running the same
message at once only the first to commit keeps what it did; the other finds the key taken when
it writes the receipt, rolls back, and is a repeat. The replies are sent only after that commit,
and counted as they reach the connector. A turn that wrote nothing leaves no receipt (nothing
could be written twice): it is answered again if it comes again, unless a reply of it could not
be delivered, which is then kept here for the redelivery.

A redelivered key therefore finds one of three things: done (nothing is written again; replies
that never reached the user are sent, nothing else), nothing (run the turn), or, from `claim`
(a repeat that has to run the turn again) or from a process of the version before, running
under a lease: live (wait for it) or expired (its process died: take it over). A turn whose key
was taken while it was still running cannot commit: its receipt checks the owner.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from weakref import WeakKeyDictionary

from sqlalchemy import Executable, bindparam, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.db import Database, rowcount
from storage.models import ProcessedTurn, table_of
from storage.prebuilt import InsertOf, dialect_of, per_dialect

log = logging.getLogger(__name__)

# How long a claim holds while its turn runs, and then while the turn that committed delivers
# its replies: longer than any turn takes; a redelivery within it waits (Settings sets it).
LEASE = timedelta(seconds=20)
# How long keys are remembered: Teams and users do not resend after this (storage/retention.py
# removes older ones).
KEEP = timedelta(days=7)
POLL_SECONDS = 0.1
MARK_DELAY = 0.1  # delivery marks of this long are written in one transaction (_Delivered)


class Claim(StrEnum):
    NEW = "new"  # run the turn
    DONE = "done"  # handled already: send what was not delivered, nothing else
    BUSY = "busy"  # another delivery is running it right now


class TakenOver(Exception):
    """Another delivery committed this message first, or took its key over (this one was
    thought dead): nothing of this one may commit."""


@dataclass(frozen=True)
class Handled:
    """A key that is done: the replies its turn made and how many reached the connector."""

    replies: list[str]
    sent: int


def new_owner() -> str:
    return uuid.uuid4().hex


async def claim(
    db: Database, key: str, owner: str, lease: timedelta = LEASE
) -> tuple[Claim, Handled | None]:
    """Claim `key` for `owner` in a transaction of its own (see the module text)."""
    now = clock.now()
    table = table_of(ProcessedTurn)
    async with db.session(user_data=False) as session:
        inserted = await session.execute(
            db.insert(table)
            .values(key=key, owner=owner, status="running", lease_until=now + lease,
                    sent=0, created_at=now)
            .on_conflict_do_nothing(index_elements=[table.c.key])
            .returning(table.c.key)
        )
        if inserted.first() is not None:
            return Claim.NEW, None
        row = await session.get(ProcessedTurn, key)
        if row is None:  # removed by retention between the two statements
            return Claim.BUSY, None
        if row.status == "done":
            return Claim.DONE, _handled(row)
        if row.lease_until >= now:
            return Claim.BUSY, None
        took = await session.execute(
            update(table)
            .where(table.c.key == key, table.c.owner == row.owner, table.c.status == "running")
            .values(owner=owner, lease_until=now + lease)
        )
        return (Claim.NEW, None) if rowcount(took) == 1 else (Claim.BUSY, None)


def _handled(row: ProcessedTurn) -> Handled:
    return Handled(json.loads(row.replies or "[]"), row.sent)


async def wait_for_other(db: Database, key: str, lease: timedelta = LEASE) -> None:
    """Give the delivery that holds `key` until its lease ends to move on: to finish running
    it, or to deliver one more reply; or to die, when its lease runs out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lease.total_seconds() + POLL_SECONDS
    seen = None
    while loop.time() < deadline:
        async with db.read() as session:
            row = await session.get(ProcessedTurn, key)
        if row is None or (row.status == "done" and row.replies is None):
            return  # forgotten, or everything delivered
        now = (row.status, row.sent, row.owner, row.lease_until)
        if seen is not None and now != seen:
            return
        if row.lease_until < clock.now():
            return
        seen = now
        await asyncio.sleep(POLL_SECONDS)


SEEN = select(table_of(ProcessedTurn).c.key).where(
    table_of(ProcessedTurn).c.key == bindparam("p_key")
)
async def seen(db: Database, key: str) -> bool:
    """Whether `key` has a row (done, or claimed by a running delivery): read only, no lock."""
    async with db.read() as session:
        connection = await session.connection()
        return (await connection.execute(SEEN, {"p_key": key})).first() is not None


async def finish(
    db: Database,
    session: AsyncSession,
    key: str,
    owner: str,
    replies: list[str],
    *,
    lease: timedelta = LEASE,
) -> None:
    """In the turn's own transaction: the key is done, with the replies the turn made. Written
    when no row is there, or over the running row `owner` claimed; anything else means another
    delivery committed this message (or took it over) first, and this turn must roll back."""
    now = clock.now()
    values = {"p_key": key, "p_owner": owner, "p_now": now, "p_lease_until": now + lease,
              "p_replies": json.dumps(replies, ensure_ascii=False)}
    connection = await session.connection()
    if (await connection.execute(_finish(dialect_of(session)), values)).first() is None:
        raise TakenOver(key)


@per_dialect
def _finish(insert: InsertOf) -> Executable:
    """The receipt: a new row, or the running row of this owner, becomes done."""
    table = table_of(ProcessedTurn)
    done = {"status": "done", "owner": bindparam("p_owner"), "sent": 0,
            "lease_until": bindparam("p_lease_until"), "replies": bindparam("p_replies")}
    statement = insert(table).values(key=bindparam("p_key"), created_at=bindparam("p_now"),
                                     **done)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[table.c.key],
        set_=done,
        where=(table.c.owner == bindparam("p_owner")) & (table.c.status == "running"),
    ).returning(table.c.key)


async def forget(session: AsyncSession, key: str, owner: str) -> None:
    """In the turn's own transaction: the running row `owner` claimed goes, so that the same
    key runs afresh next time (a turn that wrote nothing)."""
    table = table_of(ProcessedTurn)
    result = await session.execute(
        delete(table).where(table.c.key == key, table.c.owner == owner,
                            table.c.status == "running")
    )
    if rowcount(result) != 1:
        raise TakenOver(key)


async def keep_undelivered(
    db: Database, key: str, owner: str, replies: list[str], sent: int
) -> None:
    """A turn without a receipt (it wrote nothing) whose reply `sent` did not get through: its
    replies are kept for the redelivery the connector is asked for, which sends them at once
    (the lease has ended) instead of running the turn again."""
    table = table_of(ProcessedTurn)
    now = clock.now()
    async with db.session(user_data=False) as session:
        await session.execute(
            db.insert(table)
            .values(key=key, owner=owner, status="done", lease_until=now, sent=sent,
                    replies=json.dumps(replies, ensure_ascii=False), created_at=now)
            .on_conflict_do_nothing(index_elements=[table.c.key])
        )


async def take_sending(
    db: Database, key: str, owner: str, sent: int, lease: timedelta = LEASE
) -> bool:
    """A redelivery may send what is left once the committing turn's lease has passed."""
    table = table_of(ProcessedTurn)
    async with db.session(user_data=False) as session:
        result = await session.execute(
            update(table)
            .where(table.c.key == key, table.c.status == "done", table.c.sent == sent,
                   table.c.lease_until < clock.now())
            .values(owner=owner, lease_until=clock.now() + lease)
        )
        return rowcount(result) == 1


async def mark_sent(
    db: Database, key: str, owner: str, sent: int, total: int, lease: timedelta = LEASE
) -> bool:
    """`sent` of the `total` replies of `key` have reached the connector (the lease is renewed:
    the sender is alive). Once all have, their text is dropped: it is needed only to send it
    again, and a reply is kept no longer than that. False: another delivery took the sending
    over (this one was too slow), so this one must stop sending."""
    table = table_of(ProcessedTurn)
    values: dict[str, object] = {"sent": sent, "lease_until": clock.now() + lease}
    if sent >= total:
        values.update(sent=0, replies=None)
    async with db.session(user_data=False) as session:
        result = await session.execute(
            update(table).where(table.c.key == key, table.c.owner == owner).values(**values)
        )
        return rowcount(result) == 1


class _Delivered:
    """The last mark of each delivery (every reply reached the connector, so their text goes),
    written after the request has been answered, those of many turns in one transaction: it
    only decides what a later redelivery of the message sends, and a redelivery that comes
    before it waits for it (the lease runs from the receipt's commit). Marks wait `MARK_DELAY`
    to be written together: one commit (with its fsync on SQLite) for the turns of that moment
    rather than one per turn. A process killed before it sends those replies again on
    redelivery, as one killed between a reply and its count always did."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._pending: list[dict[str, str]] = []
        self._writer: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None  # set by `flush`: write now

    def add(self, key: str, owner: str) -> None:
        self._pending.append({"k": key, "o": owner})
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write())

    async def _write(self) -> None:
        table = table_of(ProcessedTurn)
        statement = (
            update(table)
            .where(table.c.key == bindparam("k"), table.c.owner == bindparam("o"))
            .values(sent=0, replies=None)
        )
        self._wake = asyncio.get_running_loop().create_future()
        with suppress(TimeoutError):
            await asyncio.wait_for(self._wake, MARK_DELAY)
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                async with self._db.session(user_data=False) as session:
                    connection = await session.connection()
                    await connection.execute(statement, batch)
            except Exception:
                log.warning("%d deliveries could not be marked done", len(batch), exc_info=True)

    async def flush(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)


_delivered: WeakKeyDictionary[Database, _Delivered] = WeakKeyDictionary()


def delivered(db: Database, key: str, owner: str) -> None:
    """Every reply of `key` reached the connector: marked soon, without waiting (_Delivered)."""
    marks = _delivered.get(db)
    if marks is None:
        marks = _delivered[db] = _Delivered(db)
    marks.add(key, owner)


async def flush_delivered(db: Database) -> None:
    """Write the marks still waiting (before the database is closed, and in tests)."""
    marks = _delivered.get(db)
    if marks is not None:
        await marks.flush()


async def stop_sending(db: Database, key: str, owner: str, *, for_good: bool) -> None:
    """A reply did not get through. Let the redelivery the connector is asked for send it at
    once (the lease ends now); or, refused `for_good` (400, 403), drop what is left: it will
    never be sent, so it is not kept."""
    table = table_of(ProcessedTurn)
    values: dict[str, object] = {"lease_until": clock.now()}
    if for_good:
        values.update(sent=0, replies=None)
    async with db.session(user_data=False) as session:
        await session.execute(
            update(table).where(table.c.key == key, table.c.owner == owner).values(**values)
        )


async def forget_replies_about(session: AsyncSession, code: str) -> int:
    """Erasure: replies not yet delivered that name `code` are dropped with the participant."""
    table = table_of(ProcessedTurn)
    result = await session.execute(
        update(table)
        .where(table.c.replies.contains(code, autoescape=True))
        .values(replies=None, sent=0)
    )
    return rowcount(result)


async def release(db: Database, key: str, owner: str) -> None:
    """The turn failed and wrote nothing: a redelivery runs it afresh."""
    table = table_of(ProcessedTurn)
    async with db.session(user_data=False) as session:
        await session.execute(
            delete(table).where(
                table.c.key == key, table.c.owner == owner, table.c.status == "running"
            )
        )

