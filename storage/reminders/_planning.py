"""Planning: today's due reminders into the outbox, idempotently (colliding inserts do nothing)."""

from __future__ import annotations

import json
import logging
from datetime import date, time

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.calendar import send_moment
from storage.db import DialectInsert
from storage.models import ReminderOutbox, table_of, utcnow
from storage.prebuilt import insert_for
from storage.reminder_rules import DueReminder, due_reminders, idempotency_key
from storage.reminders._dispatch import Outbox
from storage.reminders._rules import list_rules, rule_config, seed_reminders
from storage.reminders._subjects import open_subjects, resolve_recipients

log = logging.getLogger(__name__)


def _insert(session: AsyncSession) -> DialectInsert:
    return insert_for(session, table_of(ReminderOutbox))


async def plan_reminders(
    session: AsyncSession, today: date, send_at: time, catch_up_days: int = 7
) -> int:
    """Put today's due reminders into the outbox; returns how many rows are new."""
    await seed_reminders(session, today)
    rules = [rule_config(r) for r in await list_rules(session)]
    planned = 0
    for subject in await open_subjects(session, today):
        # One subject with an impossible date (9999-12-25 + 14 days) must not stop the others.
        try:
            due_today = due_reminders(rules, [subject], today, catch_up_days)
        except (ValueError, OverflowError):
            log.warning("reminders: %s has a date that cannot be planned; skipped", subject.ref)
            continue
        for due in due_today:
            try:
                async with session.begin_nested():
                    planned += await _plan_one(session, due, send_at)
            except SQLAlchemyError:
                log.exception("reminders: could not plan %s %s", due.rule.code, subject.ref)
    return planned


async def _plan_one(session: AsyncSession, due: DueReminder, send_at: time) -> int:
    """Outbox rows for one due reminder, one per recipient; how many are new."""
    planned = 0
    params = {**due.params, "send_time": send_at.strftime("%H:%M")}
    for recipient in await resolve_recipients(session, due):
        key = idempotency_key(due.rule.code, due.subject.ref, due.remind_on, recipient)
        statement = (
            _insert(session)
            .values(
                idempotency_key=key,
                rule_code=due.rule.code,
                subject_ref=due.subject.ref,
                params=json.dumps(params, ensure_ascii=False, sort_keys=True),
                remind_on=due.remind_on,
                recipient=recipient,
                status=Outbox.PENDING,
                attempts=0,
                next_attempt_at=send_moment(due.remind_on, send_at),
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["idempotency_key"])
            .returning(table_of(ReminderOutbox).c.id)
        )
        planned += len((await session.execute(statement)).all())
    return planned
