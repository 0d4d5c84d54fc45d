"""Reminders as data: rules, calendar deadlines, and the outbox the dispatcher sends from."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.models._columns import IDENTIFIER, _info, utcnow


class ReminderRule(SQLModel, table=True):
    """A reminder rule as data: what it watches, how many days before/after, who gets it.

    `recipients` is comma-separated: roles (coach, samordnare, insatsledare, insatsagare, admin)
    or `conversation:<id>` for a Teams channel the bot is installed in.
    """

    __tablename__ = "reminder_rule"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    watch: str
    direction: str
    days: int
    recipients: str
    enabled: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


class Deadline(SQLModel, table=True):
    """A dated report deadline in the calendar; its rule (by code) says when and whom to remind."""

    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("rule_code", "due_date", "title"),)
    id: int | None = Field(default=None, primary_key=True)
    rule_code: str = Field(index=True)
    title: str = Field(sa_column_kwargs=_info(max_chars=200))
    due_date: date = Field(index=True)
    county_part_id: int | None = Field(default=None, foreign_key="county_part.id")
    created_at: datetime = Field(default_factory=utcnow)


OPEN_OUTBOX = "status IN ('pending', 'sending') AND outcome IS NULL"


class ReminderOutbox(SQLModel, table=True):
    """One reminder to one recipient, planned once (unique idempotency key) and sent once.

    status: pending → sending (claimed until `claimed_until`) → sent, or back to pending with
    `next_attempt_at` after a transient error, `failed` after too many, `gone` when the app was
    removed, `unreachable` when it was never installed for the person (the team channel and the
    admins were told). `outcome` records the user's answer on the card: done or snoozed.
    """

    __tablename__ = "reminder_outbox"
    # What the dispatcher claims: only the few open rows, oldest first (sent rows pile up).
    __table_args__ = (
        Index(
            "ix_reminder_outbox_due",
            "next_attempt_at",
            "id",
            sqlite_where=text(OPEN_OUTBOX),
            postgresql_where=text(OPEN_OUTBOX),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True, max_length=512, sa_column_kwargs=IDENTIFIER)
    rule_code: str = Field(index=True)
    subject_ref: str
    params: str = Field(sa_column=Column(Text, nullable=False))
    remind_on: date
    recipient: str = Field(index=True, sa_column_kwargs=IDENTIFIER)
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    claimed_until: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    activity_id: str | None = Field(default=None, sa_column_kwargs=IDENTIFIER)
    outcome: str | None = None
    outcome_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
