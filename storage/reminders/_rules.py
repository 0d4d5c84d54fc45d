"""Reminder rules and the calendar of deadlines as data, which administrators change in the chat."""

from __future__ import annotations

from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Deadline, ReminderRule, utcnow
from storage.reminder_rules import (
    CHANNEL_PREFIX,
    DEFAULT_DEADLINES,
    DEFAULT_RULES,
    RECIPIENT_ROLES,
    Direction,
    RuleConfig,
    Watch,
)
from storage.rules import RuleError


async def seed_reminders(session: AsyncSession, today: date) -> None:
    """Add missing default rules, and default deadlines for a year that has none yet (this year
    and next), so an admin's deletions are not undone but a new year gets its calendar."""
    existing = set((await session.exec(select(ReminderRule.code))).all())
    for rule in DEFAULT_RULES:
        if rule.code not in existing:
            session.add(
                ReminderRule(
                    code=rule.code,
                    watch=rule.watch.value,
                    direction=rule.direction.value,
                    days=rule.days,
                    recipients=",".join(rule.recipients),
                    enabled=rule.enabled,
                )
            )
    for year in (today.year, today.year + 1):
        first, last = date(year, 1, 1), date(year, 12, 31)
        has_any = (
            await session.exec(
                select(Deadline.id).where(Deadline.due_date >= first, Deadline.due_date <= last)
            )
        ).first()
        if has_any is None:
            for month, day, code, title in DEFAULT_DEADLINES:
                session.add(Deadline(rule_code=code, title=title, due_date=date(year, month, day)))
    await session.flush()


def rule_config(row: ReminderRule) -> RuleConfig:
    return RuleConfig(
        code=row.code,
        watch=Watch(row.watch),
        direction=Direction(row.direction),
        days=row.days,
        recipients=tuple(r.strip() for r in row.recipients.split(",") if r.strip()),
        enabled=row.enabled,
    )


async def list_rules(session: AsyncSession) -> list[ReminderRule]:
    return list((await session.exec(select(ReminderRule).order_by(col(ReminderRule.id)))).all())


_PLAIN_LETTERS = str.maketrans("åäö", "aao")


def _recipient_word(typed: str) -> str:
    """Role words as stored ("Insatsägare" → insatsagare); channel ids exactly as given."""
    word = typed.strip()
    return word if word.startswith(CHANNEL_PREFIX) else word.casefold().translate(_PLAIN_LETTERS)


async def update_rule(
    session: AsyncSession,
    code: str,
    *,
    days: int | None = None,
    enabled: bool | None = None,
    recipients: list[str] | None = None,
) -> ReminderRule:
    """Change a rule; planned reminders keep their day, new planning uses the new values."""
    row = (await session.exec(select(ReminderRule).where(ReminderRule.code == code))).first()
    if row is None:
        codes = (await session.exec(select(ReminderRule.code))).all()
        raise RuleError("reminder_rule_unknown", rule=code, codes=", ".join(codes))
    if days is not None:
        if not 0 <= days <= 366:
            raise RuleError("reminder_days_invalid", value=days)
        row.days = days
    if enabled is not None:
        row.enabled = enabled
    if recipients is not None:
        recipients = [_recipient_word(r) for r in recipients if r.strip()]
        bad = [
            r for r in recipients if r not in RECIPIENT_ROLES and not r.startswith(CHANNEL_PREFIX)
        ]
        if bad or not recipients:
            raise RuleError(
                "reminder_recipients_invalid",
                value=",".join(bad),
                roles=", ".join(RECIPIENT_ROLES),
            )
        row.recipients = ",".join(recipients)
    row.updated_at = utcnow()
    session.add(row)
    return row


async def list_deadlines(session: AsyncSession, start: date, end: date) -> list[Deadline]:
    return list(
        (
            await session.exec(
                select(Deadline)
                .where(Deadline.due_date >= start, Deadline.due_date <= end)
                .order_by(col(Deadline.due_date), col(Deadline.id))
            )
        ).all()
    )


async def add_deadline(session: AsyncSession, rule_code: str, title: str, due: date) -> Deadline:
    rule = (await session.exec(select(ReminderRule).where(ReminderRule.code == rule_code))).first()
    if rule is None or rule.watch != Watch.DEADLINE:
        codes = (
            await session.exec(
                select(ReminderRule.code).where(ReminderRule.watch == Watch.DEADLINE)
            )
        ).all()
        raise RuleError("reminder_rule_unknown", rule=rule_code, codes=", ".join(codes))
    if not title.strip():
        raise RuleError("reminder_title_missing")
    row = Deadline(rule_code=rule_code, title=title.strip(), due_date=due)
    session.add(row)
    await session.flush()
    return row


async def update_deadline(
    session: AsyncSession, deadline_id: int, *, due: date | None = None, title: str | None = None
) -> Deadline:
    row = await session.get(Deadline, deadline_id)
    if row is None:
        raise RuleError("reminder_deadline_unknown", id=deadline_id)
    if due is not None:
        row.due_date = due
    if title is not None and title.strip():
        row.title = title.strip()
    session.add(row)
    return row


async def remove_deadline(session: AsyncSession, deadline_id: int) -> Deadline:
    row = await session.get(Deadline, deadline_id)
    if row is None:
        raise RuleError("reminder_deadline_unknown", id=deadline_id)
    await session.delete(row)
    return row
