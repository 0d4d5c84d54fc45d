"""The outbox's statuses and its claim/mark protocol: one row at a time under a lease, so a crash
or a second dispatcher sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ReminderOutbox, table_of, utcnow


class Outbox(StrEnum):
    """Outbox statuses."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GONE = "gone"
    UNREACHABLE = "unreachable"  # the app is not installed for the person; channel, admins told


def _claimable(now: datetime) -> Any:
    """Pending and due, or a crashed dispatcher's expired claim; never one the user already
    answered (a snoozed reminder marked "Klar" stays quiet). The first two terms repeat the
    partial index's condition (ix_reminder_outbox_due), so SQLite uses it too."""
    table = table_of(ReminderOutbox)
    return (
        table.c.status.in_([Outbox.PENDING, Outbox.SENDING])
        & table.c.outcome.is_(None)
        & or_(
            (table.c.status == Outbox.PENDING) & (table.c.next_attempt_at <= now),
            (table.c.status == Outbox.SENDING) & (table.c.claimed_until < now),
        )
    )


async def claim_due(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    limit: int,
    holding: Collection[int] = (),
) -> list[ReminderOutbox]:
    """Atomically take up to `limit` due rows, oldest first.

    PostgreSQL: WITH picked AS MATERIALIZED (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) UPDATE …
    FROM picked … RETURNING, so two dispatchers never take the same row (a plain `IN (SELECT …
    LIMIT n)` may be planned as a join that runs the subquery again and takes more than n).
    SQLite evaluates `IN (SELECT …)` once, and its write lock admits one dispatcher at a time.
    `holding`: rows this dispatcher is still sending, never taken again by it.
    """
    table = table_of(ReminderOutbox)
    pick = (
        select(table.c.id)
        .where(_claimable(now), table.c.id.not_in(list(holding)))
        .order_by(table.c.next_attempt_at, table.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if session.get_bind().dialect.name == "postgresql":
        picked = pick.cte("picked").prefix_with("MATERIALIZED")
        chosen = table.c.id == picked.c.id
    else:
        chosen = table.c.id.in_(pick)
    statement = (
        update(table)
        .where(chosen, _claimable(now))
        .values(status=Outbox.SENDING, claimed_until=now + lease, attempts=table.c.attempts + 1)
        .returning(table.c.id)
    )
    claimed = list((await session.execute(statement)).scalars())
    if not claimed:
        return []
    rows = await session.exec(
        select(ReminderOutbox)
        .where(col(ReminderOutbox.id).in_(claimed))
        .order_by(col(ReminderOutbox.next_attempt_at), col(ReminderOutbox.id))
    )
    return list(rows.all())


async def claim_next(
    session: AsyncSession, now: datetime, lease: timedelta
) -> ReminderOutbox | None:
    """One due row (see `claim_due`), or None."""
    rows = await claim_due(session, now, lease, 1)
    return rows[0] if rows else None


async def _finish(session: AsyncSession, outbox_id: int, **values: object) -> None:
    table = table_of(ReminderOutbox)
    await session.execute(update(table).where(table.c.id == outbox_id).values(**values))


async def mark_sent(session: AsyncSession, outbox_id: int, activity_id: str | None) -> None:
    await _finish(
        session,
        outbox_id,
        status=Outbox.SENT,
        sent_at=utcnow(),
        claimed_until=None,
        activity_id=activity_id,
        last_error=None,
    )


async def mark_retry(
    session: AsyncSession, outbox_id: int, at: datetime, error: str, *, counts: bool = True
) -> None:
    """Back to pending until `at`. `counts=False`: the claim was not a real try (no conversation
    yet, or the conversation was busy), so it does not use up one of the row's attempts."""
    table = table_of(ReminderOutbox)
    values: dict[str, Any] = {}
    if not counts:
        values["attempts"] = table.c.attempts - 1
    await _finish(
        session,
        outbox_id,
        status=Outbox.PENDING,
        next_attempt_at=at,
        claimed_until=None,
        last_error=error[:500],
        **values,
    )


async def mark_final(session: AsyncSession, outbox_id: int, status: str, error: str) -> None:
    """`failed` (gave up) or `gone` (recipient removed the app): never tried again."""
    await _finish(session, outbox_id, status=status, claimed_until=None, last_error=error[:500])
