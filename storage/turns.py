"""The ledger behind exactly-once turns: each message is handled once, whatever delivers it twice.

Teams sends a message again when the reply was slow; a double tap sends a card twice; the
connector answers 500 and the activity comes back; the process dies in the middle (kill -9).
A key per message (its activity id, or the one-time token of the card button) is claimed in a
short transaction of its own, so every instance sees it at once. The turn then runs in one
transaction (`Database.unit()`) that also marks the key done and stores the turn's replies; the
replies are sent only after that commit, and counted as they reach the connector.

A redelivered key therefore finds one of three things: done (nothing is written again; replies
that never reached the user are sent, nothing else), running under a live lease (the first
delivery is still at work: wait for it), or running under an expired lease (its process died
before committing anything: take it over and run the turn). A turn whose key was taken over
while it was still running cannot commit: marking it done checks the owner.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import delete, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.db import Database
from storage.models import ProcessedTurn

# How long a claim holds while its turn runs, and then while the turn that committed delivers
# its replies: longer than any turn takes; a redelivery within it waits (Settings sets it).
LEASE = timedelta(seconds=20)
# How long keys are remembered: Teams and users do not resend after this (storage/retention.py
# removes older ones).
KEEP = timedelta(days=7)
POLL_SECONDS = 0.1


class Claim(StrEnum):
    NEW = "new"  # run the turn
    DONE = "done"  # handled already: send what was not delivered, nothing else
    BUSY = "busy"  # another delivery is running it right now


class TakenOver(Exception):
    """Another delivery took the key over (this one was thought dead): nothing may commit."""


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
    table = ProcessedTurn.__table__
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
        return (Claim.NEW, None) if took.rowcount == 1 else (Claim.BUSY, None)


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


async def finish(
    session: AsyncSession,
    key: str,
    owner: str,
    replies: list[str],
    *,
    keep: bool = True,
    lease: timedelta = LEASE,
) -> None:
    """In the turn's own transaction: the key is done, with the replies the turn made; or,
    with `keep=False`, forgotten, so that the same key runs afresh next time."""
    table = ProcessedTurn.__table__
    mine = (table.c.key == key, table.c.owner == owner, table.c.status == "running")
    if keep:
        statement = update(table).where(*mine).values(
            status="done", replies=json.dumps(replies, ensure_ascii=False), sent=0,
            lease_until=clock.now() + lease,
        )
    else:
        statement = delete(table).where(*mine)
    result = await session.execute(statement)
    if result.rowcount != 1:
        raise TakenOver(key)


async def take_sending(
    db: Database, key: str, owner: str, sent: int, lease: timedelta = LEASE
) -> bool:
    """A redelivery may send what is left once the committing turn's lease has passed."""
    table = ProcessedTurn.__table__
    async with db.session(user_data=False) as session:
        result = await session.execute(
            update(table)
            .where(table.c.key == key, table.c.status == "done", table.c.sent == sent,
                   table.c.lease_until < clock.now())
            .values(owner=owner, lease_until=clock.now() + lease)
        )
        return result.rowcount == 1


async def mark_sent(
    db: Database, key: str, owner: str, sent: int, total: int, lease: timedelta = LEASE
) -> bool:
    """`sent` of the `total` replies of `key` have reached the connector (the lease is renewed:
    the sender is alive). Once all have, their text is dropped: it is needed only to send it
    again, and a reply is kept no longer than that. False: another delivery took the sending
    over (this one was too slow), so this one must stop sending."""
    table = ProcessedTurn.__table__
    values: dict[str, object] = {"sent": sent, "lease_until": clock.now() + lease}
    if sent >= total:
        values.update(sent=0, replies=None)
    async with db.session(user_data=False) as session:
        result = await session.execute(
            update(table).where(table.c.key == key, table.c.owner == owner).values(**values)
        )
        return result.rowcount == 1


async def stop_sending(db: Database, key: str, owner: str, *, for_good: bool) -> None:
    """A reply did not get through. Let the redelivery the connector is asked for send it at
    once (the lease ends now); or, refused `for_good` (400, 403), drop what is left: it will
    never be sent, so it is not kept."""
    table = ProcessedTurn.__table__
    values: dict[str, object] = {"lease_until": clock.now()}
    if for_good:
        values.update(sent=0, replies=None)
    async with db.session(user_data=False) as session:
        await session.execute(
            update(table).where(table.c.key == key, table.c.owner == owner).values(**values)
        )


async def renew(db: Database, key: str, owner: str, lease: timedelta = LEASE) -> None:
    """The turn running `key` is alive: hold the key for another lease."""
    table = ProcessedTurn.__table__
    async with db.session(user_data=False) as session:
        await session.execute(
            update(table)
            .where(table.c.key == key, table.c.owner == owner, table.c.status == "running")
            .values(lease_until=clock.now() + lease)
        )


async def forget_replies_about(session: AsyncSession, code: str) -> int:
    """Erasure: replies not yet delivered that name `code` are dropped with the participant."""
    table = ProcessedTurn.__table__
    result = await session.execute(
        update(table)
        .where(table.c.replies.contains(code, autoescape=True))
        .values(replies=None, sent=0)
    )
    return int(result.rowcount or 0)


async def release(db: Database, key: str, owner: str) -> None:
    """The turn failed and wrote nothing: a redelivery runs it afresh."""
    table = ProcessedTurn.__table__
    async with db.session(user_data=False) as session:
        await session.execute(
            delete(table).where(
                table.c.key == key, table.c.owner == owner, table.c.status == "running"
            )
        )

