"""The user's side: `mina påminnelser` (sent, snoozed and coming), marking one done, snoozing."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from sqlalchemy import ColumnElement, false, or_, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.calendar import send_moment
from storage.models import CountyPart, Participant, ReminderOutbox, Staff, StaffCountyPart, utcnow
from storage.notices import NOTICE_RULE
from storage.permissions import Actor
from storage.reminder_rules import (
    CHANNEL_PREFIX,
    WRITERS,
    DueReminder,
    RuleConfig,
    Watch,
    idempotency_key,
    snooze_day,
    upcoming_reminders,
)
from storage.reminders._dispatch import Outbox
from storage.reminders._planning import _insert
from storage.reminders._rules import list_rules, rule_config
from storage.reminders._subjects import open_subjects
from storage.rules import RuleError

# How far ahead `mina påminnelser` shows what is coming.
UPCOMING_DAYS = 30


@dataclass(frozen=True)
class MyReminder:
    """A reminder in `mina påminnelser`: an outbox row (`id`), or one the rules will plan on
    `remind_on` if nothing changes before then (`id` None, status "coming")."""

    id: int | None
    rule_code: str
    params: dict[str, str]
    remind_on: date
    status: str


COMING = "coming"


def addressed_to(
    due: DueReminder, aad_object_id: str, role: str | None, county_parts: Collection[str]
) -> bool:
    """Whether `resolve_recipients` would name this person for `due`, from what is known of
    them: the same rules without a query per reminder."""
    for who in due.rule.recipients:
        if who == "coach" and due.subject.coach_aad == aad_object_id:
            return True
        if who == WRITERS and aad_object_id in due.subject.writers:
            return True
        if who == role and who not in ("coach", WRITERS):
            if who != "samordnare" or not due.subject.county_part:
                return True
            if due.subject.county_part in county_parts:
                return True
    return False


PARTICIPANT_WATCHES = frozenset(
    {
        Watch.REFERRAL_UNDECIDED,
        Watch.NO_PLACEMENT,
        Watch.PLACEMENT_ACTIVE,
        Watch.PROGRAMME_END,
        Watch.SURVEY_ENROLMENT,
        Watch.SURVEY_EXIT,
    }
)


def _whose_participants(
    rules: list[RuleConfig], staff: Staff, county_parts: Collection[str]
) -> ColumnElement[bool]:
    """The participants whose reminders can reach this person under the rules as they stand
    (their own as coach, their county parts' as samordnare, all for a role named outright),
    so that one person's view does not read every participant."""
    mine: list[ColumnElement[bool]] = []
    for rule in rules:
        if not rule.enabled or rule.watch not in PARTICIPANT_WATCHES:
            continue
        for who in rule.recipients:
            if who == "coach":
                mine.append(col(Participant.coach_id) == staff.id)
            elif who == staff.role == "samordnare":
                mine.append(
                    col(Participant.county_part_id).in_(
                        select(CountyPart.id).where(col(CountyPart.code).in_(list(county_parts)))
                    )
                )
            elif who == staff.role:
                return true()
    return or_(*mine) if mine else false()


async def _coming(
    session: AsyncSession, aad_object_id: str, today: date, planned: set[str]
) -> list[MyReminder]:
    """What the rules will remind this person of in the next UPCOMING_DAYS, not yet planned."""
    staff = (
        await session.exec(select(Staff).where(Staff.aad_object_id == aad_object_id, Staff.active))
    ).first()
    if staff is None:
        return []
    parts = set(
        (
            await session.exec(
                select(CountyPart.code)
                .join(StaffCountyPart, col(StaffCountyPart.county_part_id) == CountyPart.id)
                .where(StaffCountyPart.staff_id == staff.id)
            )
        ).all()
    )
    rules = [rule_config(r) for r in await list_rules(session)]
    whose = _whose_participants(rules, staff, parts)
    subjects = await open_subjects(session, today, participants_where=whose)
    # A meeting still ahead will be without minutes once held, unless someone writes them.
    subjects += [
        replace(s, watch=Watch.MINUTES_MISSING) for s in subjects if s.watch == Watch.MEETING
    ]
    coming = []
    for subject in subjects:
        try:
            ahead = upcoming_reminders(rules, [subject], today, UPCOMING_DAYS)
        except (ValueError, OverflowError):
            continue  # a date that cannot be planned (see plan_reminders)
        for due in ahead:
            key = idempotency_key(due.rule.code, subject.ref, due.remind_on, aad_object_id)
            if key not in planned and addressed_to(due, aad_object_id, staff.role, parts):
                planned.add(key)
                coming.append(MyReminder(None, due.rule.code, due.params, due.remind_on, COMING))
    return coming


async def my_reminders(session: AsyncSession, aad_object_id: str, today: date) -> list[MyReminder]:
    """Sent and not yet answered, planned (snoozed), and what the rules will send in the next
    UPCOMING_DAYS days, by day."""
    aad = aad_object_id.lower()
    rows = (
        await session.exec(
            select(ReminderOutbox)
            .where(
                ReminderOutbox.recipient == aad,
                ReminderOutbox.rule_code != NOTICE_RULE,
                col(ReminderOutbox.outcome).is_(None),
                col(ReminderOutbox.status).in_([Outbox.PENDING, Outbox.SENDING, Outbox.SENT]),
                ReminderOutbox.remind_on <= today + timedelta(days=UPCOMING_DAYS),
            )
            .order_by(col(ReminderOutbox.remind_on), col(ReminderOutbox.id))
        )
    ).all()
    known = set(
        (
            await session.exec(
                select(ReminderOutbox.idempotency_key).where(
                    ReminderOutbox.recipient == aad, ReminderOutbox.remind_on > today
                )
            )
        ).all()
    )
    mine = [
        MyReminder(r.id, r.rule_code, json.loads(r.params), r.remind_on, r.status) for r in rows
    ]
    mine += await _coming(session, aad, today, known)
    return sorted(mine, key=lambda r: (r.remind_on, r.id is None, r.id or 0))


async def _own(session: AsyncSession, actor: Actor, outbox_id: int) -> ReminderOutbox:
    """The reminder if it was sent to the actor (or to a channel and the actor is staff); else
    "not found", so ids cannot be probed. Only the person reminded answers a reminder."""
    row = await session.get(ReminderOutbox, outbox_id)
    mine = row is not None and (
        row.recipient == actor.aad_object_id.lower()
        or (row.recipient.startswith(CHANNEL_PREFIX) and actor.is_staff)
    )
    if row is None or not mine:
        raise RuleError("reminder_not_found", id=outbox_id)
    return row


async def complete_reminder(session: AsyncSession, actor: Actor, outbox_id: int) -> ReminderOutbox:
    """ "Klar": nothing more is sent for this reminder. Clicking twice is harmless."""
    row = await _own(session, actor, outbox_id)
    if row.outcome is None:
        row.outcome, row.outcome_at = "done", utcnow()
        session.add(row)
    return row


async def snooze_reminder(
    session: AsyncSession, actor: Actor, outbox_id: int, today: date, choice: str
) -> date:
    """ "Påminn mig": the same reminder again on a later working day, as a new outbox row whose
    key derives from the original's, so a double click plans it once. It comes back at the
    time of day the original was planned for."""
    row = await _own(session, actor, outbox_id)
    day = snooze_day(today, choice)
    moment = send_moment(day, time.fromisoformat(json.loads(row.params)["send_time"]))
    statement = (
        _insert(session)
        .values(
            idempotency_key=f"{row.idempotency_key}:snooze:{day.isoformat()}",
            rule_code=row.rule_code,
            subject_ref=row.subject_ref,
            params=row.params,
            remind_on=day,
            recipient=row.recipient,
            status=Outbox.PENDING,
            attempts=0,
            next_attempt_at=moment,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    await session.execute(statement)
    row.outcome, row.outcome_at = "snoozed", utcnow()
    session.add(row)
    return day
