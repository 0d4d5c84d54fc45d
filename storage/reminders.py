"""Reminder queries: rules and calendar as data, open subjects, planning into the outbox, and the
outbox's claim/mark protocol that makes a crash or a second dispatcher send nothing twice.

Planning is idempotent (unique key per rule, subject, day and recipient; inserts that collide
do nothing). Dispatch claims one row at a time with a lease: a dispatcher that dies leaves its
claim to expire, and the row is claimed again (see README, "Reminders", for the one window in
which a crash can repeat a message).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, false, or_, true, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.calendar import send_moment
from storage.db import DialectInsert, insert_for
from storage.minutes import (
    action_points_due,
    meetings_without_minutes,
    minutes_writers,
    planned_meetings,
)
from storage.models import (
    CountyPart,
    Deadline,
    Participant,
    Placement,
    PlacementNote,
    ReminderOutbox,
    ReminderRule,
    Staff,
    StaffCountyPart,
    key_of,
    table_of,
    utcnow,
)
from storage.notices import NOTICE_RULE
from storage.permissions import Actor
from storage.reminder_rules import (
    CHANNEL_PREFIX,
    DEFAULT_DEADLINES,
    DEFAULT_RULES,
    RECIPIENT_ROLES,
    WRITERS,
    Direction,
    DueReminder,
    RuleConfig,
    Subject,
    Watch,
    due_reminders,
    idempotency_key,
    snooze_day,
    upcoming_reminders,
)
from storage.rules import RuleError, Status, programme_end

log = logging.getLogger(__name__)

# How far ahead meetings and action points are looked at; rules pick their own offsets.
MEETING_HORIZON_DAYS = 60
# How far ahead `mina påminnelser` shows what is coming.
UPCOMING_DAYS = 30


class Outbox(StrEnum):
    """Outbox statuses."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GONE = "gone"
    UNREACHABLE = "unreachable"  # the app is not installed for the person; channel, admins told



# --- rules and calendar as data -------------------------------------------------------------


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


# --- open subjects --------------------------------------------------------------------------


async def meeting_reminder_candidates(session: AsyncSession, today: date) -> list[Subject]:
    """Steering-group subjects from the minutes tables: meetings ahead (Watch.MEETING), held
    meetings without minutes (Watch.MINUTES_MISSING) and open action points (Watch.ACTION_POINT).

    Refs are stable ("meeting:<id>", "action_point:<id>"); an action point owned by a member of
    staff carries the owner's aadObjectId in `coach_aad`, so the "coach" recipient reaches them.
    Every subject carries the group's minute writers for the "protokollforare" recipient.
    """
    ahead = today + timedelta(days=MEETING_HORIZON_DAYS)
    writers = await minutes_writers(session)
    subjects = [
        Subject(
            Watch.MEETING,
            f"meeting:{m.meeting_id}",
            f"{m.group.name} {m.meeting_date}",
            m.meeting_date,
            m.group.county_part,
            writers=writers[m.group.id],
        )
        for m in await planned_meetings(session, today, ahead)
    ]
    subjects += [
        Subject(
            Watch.MINUTES_MISSING,
            f"meeting:{m.meeting_id}",
            f"{m.group.name} {m.meeting_date}",
            m.meeting_date,
            m.group.county_part,
            writers=writers[m.group.id],
        )
        for m in await meetings_without_minutes(session, today)
    ]
    subjects += [
        Subject(
            Watch.ACTION_POINT,
            f"action_point:{p.id}",
            f"{p.group.name}: {p.text[:80]}",
            p.due_date,
            p.group.county_part,
            coach_aad=p.owner_aad_object_id,
            writers=writers[p.group.id],
        )
        for p in await action_points_due(session, ahead)
        if p.due_date is not None
    ]
    return subjects


async def _part_codes(session: AsyncSession) -> dict[int, str]:
    return {key_of(p): p.code for p in (await session.exec(select(CountyPart))).all()}


async def _coach_aads(session: AsyncSession) -> dict[int, str]:
    rows = (await session.exec(select(Staff).where(Staff.active))).all()
    return {key_of(s): s.aad_object_id for s in rows}


async def open_subjects(
    session: AsyncSession,
    today: date,
    horizon_days: int = 400,
    participants_where: ColumnElement[bool] | None = None,
) -> list[Subject]:
    """Every subject whose reminder condition holds today, for the engine to pick from;
    `participants_where` narrows the participants looked at (one person's view)."""
    parts, coaches = await _part_codes(session), await _coach_aads(session)
    subjects: list[Subject] = []
    deadlines = await list_deadlines(
        session, today - timedelta(days=31), today + timedelta(days=horizon_days)
    )
    for d in deadlines:
        subjects.append(
            Subject(
                Watch.DEADLINE,
                f"deadline:{d.id}",
                d.title,
                d.due_date,
                parts.get(d.county_part_id) if d.county_part_id else None,
                rule_code=d.rule_code,
            )
        )

    participants = (
        await session.exec(
            select(Participant).where(
                col(Participant.status).in_(
                    [Status.REFERRED, Status.WAITING, Status.ENROLLED, Status.EXITED]
                ),
                col(Participant.anonymised_at).is_(None),
                true() if participants_where is None else participants_where,
            )
        )
    ).all()
    with_placement = set((await session.exec(select(Placement.participant_id).distinct())).all())
    for p in participants:
        part, coach = parts.get(p.county_part_id), coaches.get(p.coach_id) if p.coach_id else None

        def subject(
            watch: Watch,
            anchor: date,
            p: Participant = p,
            part: str | None = part,
            coach: str | None = coach,
        ) -> Subject:
            return Subject(watch, f"participant:{p.id}", p.code, anchor, part, coach)

        if p.status in (Status.REFERRED, Status.WAITING):
            subjects.append(subject(Watch.REFERRAL_UNDECIDED, p.referral_date))
        elif p.status == Status.ENROLLED and p.enrolment_date:
            if p.id not in with_placement:
                subjects.append(subject(Watch.NO_PLACEMENT, p.enrolment_date))
            try:
                end = programme_end(p.enrolment_date, p.extended_until)
            except (ValueError, OverflowError):
                log.warning("reminders: participant:%s ends beyond the calendar; skipped", p.id)
            else:
                subjects.append(subject(Watch.PROGRAMME_END, end))
            if not p.survey_enrolment_done:
                subjects.append(subject(Watch.SURVEY_ENROLMENT, p.enrolment_date))
        elif p.status == Status.EXITED and p.exit_date and not p.survey_exit_done:
            subjects.append(subject(Watch.SURVEY_EXIT, p.exit_date))

    enrolled = {p.id: p for p in participants if p.status == Status.ENROLLED}
    placements = (
        await session.exec(
            select(Placement).where(
                col(Placement.end_date).is_(None), col(Placement.participant_id).in_(list(enrolled))
            )
        )
    ).all()
    notes = select(col(PlacementNote.placement_id), col(PlacementNote.note_date))
    last_notes = dict((await session.exec(notes.order_by(col(PlacementNote.note_date)))).all())
    for placement in placements:
        p = enrolled[placement.participant_id]
        anchor = max(placement.start_date, last_notes.get(key_of(placement), placement.start_date))
        subjects.append(
            Subject(
                Watch.PLACEMENT_ACTIVE,
                f"placement:{placement.id}",
                p.code,
                anchor,
                parts.get(p.county_part_id),
                coaches.get(p.coach_id) if p.coach_id else None,
            )
        )
    subjects.extend(await meeting_reminder_candidates(session, today))
    return subjects


async def resolve_recipients(session: AsyncSession, due: DueReminder) -> list[str]:
    """Recipients of one reminder: aadObjectIds of people, or `conversation:<id>` channels."""
    found: list[str] = []
    for who in due.rule.recipients:
        if who.startswith(CHANNEL_PREFIX):
            found.append(who)
        elif who == "coach":
            if due.subject.coach_aad:
                found.append(due.subject.coach_aad)
        elif who == WRITERS:
            found.extend(due.subject.writers)
        else:
            query = select(Staff.aad_object_id).where(Staff.active, Staff.role == who)
            if who == "samordnare" and due.subject.county_part:
                query = (
                    query.join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id)
                    .join(CountyPart, col(CountyPart.id) == StaffCountyPart.county_part_id)
                    .where(CountyPart.code == due.subject.county_part)
                )
            found.extend((await session.exec(query)).all())
    return list(dict.fromkeys(found))


# --- planning -------------------------------------------------------------------------------


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


# --- dispatch protocol ----------------------------------------------------------------------


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


# --- the user's side ------------------------------------------------------------------------


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
