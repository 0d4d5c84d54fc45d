"""Messages the bot starts that are not reminders (an admin is told that a role changed). They go
through the reminder outbox, so they survive a restart and are sent once by the same dispatcher:
one row per recipient under a unique key, inserted once however often the caller runs."""

from __future__ import annotations

import json

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import STOCKHOLM, clock
from storage.models import ReminderOutbox, utcnow

# `reminder_outbox.rule_code` of notices: no reminder rule has it, and nobody answers a notice.
NOTICE_RULE = "notice"


async def enqueue_notice(
    session: AsyncSession, recipients: list[str], key: str, params: dict[str, str]
) -> int:
    """Plan `params` (a `notice` kind and the values its text needs) for each recipient's
    personal chat, to be sent at once; returns how many rows are new."""
    now = clock.now()
    document = {
        **params,
        "watch": NOTICE_RULE,
        "send_time": now.astimezone(STOCKHOLM).strftime("%H:%M"),
    }
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    table = ReminderOutbox.__table__
    planned = 0
    for recipient in dict.fromkeys(recipients):
        statement = (
            dialect.insert(table)
            .values(
                idempotency_key=f"{NOTICE_RULE}:{key}:{recipient}",
                rule_code=NOTICE_RULE,
                subject_ref=key,
                params=json.dumps(document, ensure_ascii=False, sort_keys=True),
                remind_on=now.astimezone(STOCKHOLM).date(),
                recipient=recipient,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table.c.id)
        )
        planned += len((await session.execute(statement)).all())
    return planned
