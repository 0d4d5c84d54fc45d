"""Retention (gallring): remove what the organisation's retention periods say has been kept long
enough. Run daily by the scheduler and by `python -m bot gallra [--dry-run]`.

One transaction per run: the counts reported, the rows removed and the audit row (counts only,
never content) agree. A dry run counts and removes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.audit import AuditAction
from storage.models import (
    ActionPoint,
    AuditEntry,
    BotStateItem,
    Employer,
    EmployerContact,
    Meeting,
    MeetingDecision,
    Participant,
    ProcessedTurn,
    ReminderOutbox,
    SavedReport,
    key_col,
)
from storage.org import RetentionPolicy, retention_policy
from storage.permissions import Actor
from storage.privacy import RemovalCounts, remove_participants
from storage.rules import Status, add_months
from storage.turns import KEEP

FINISHED_OUTBOX = ("sent", "failed", "gone")


@dataclass(frozen=True)
class KindCount:
    """One kind of record: its period (0: kept), the cut-off and how many are (or were) due."""

    kind: str
    period: int
    unit: str  # "years" or "days"
    cutoff: date | None
    count: int


@dataclass
class RetentionRun:
    today: date
    mode: str
    dry_run: bool
    kinds: list[KindCount] = field(default_factory=list)
    dependants: RemovalCounts = field(default_factory=RemovalCounts)

    @property
    def total(self) -> int:
        return sum(k.count for k in self.kinds)

    def counts(self) -> dict[str, Any]:
        """What the audit row keeps: numbers per kind, the mode, no content."""
        found: dict[str, Any] = {k.kind: k.count for k in self.kinds}
        found.update({f"removed_{k}": v for k, v in self.dependants.as_dict().items() if v})
        return {"mode": self.mode, **found}


def years_before(today: date, years: int) -> date:
    return add_months(today, -12 * years)


def _moment(day: date) -> datetime:
    """Midnight UTC of `day`, for timestamp columns (cut-offs are whole days)."""
    return datetime.combine(day, time(0), tzinfo=UTC)


def _participant_kinds(policy: RetentionPolicy) -> list[tuple[str, int, Any, Any]]:
    """(kind, years, the date column counted from, which participants)."""
    return [
        (
            "participants_exited",
            policy.participant_years_after_exit,
            Participant.exit_date,
            Participant.status == Status.EXITED,
        ),
        (
            "participants_not_accepted",
            policy.participant_years_after_not_accepted,
            func.coalesce(Participant.decision_date, Participant.referral_date),
            Participant.status == Status.NOT_ACCEPTED,
        ),
        (
            "referrals_undecided",
            policy.undecided_referral_years,
            Participant.referral_date,
            col(Participant.status).in_((Status.REFERRED, Status.WAITING)),
        ),
    ]


async def _count(session: AsyncSession, model: Any, condition: ColumnElement[bool]) -> int:
    return (await session.exec(select(func.count()).select_from(model).where(condition))).one()


async def run_retention(
    session: AsyncSession, actor: Actor | str, today: date, *, dry_run: bool = False
) -> RetentionRun:
    """Count, and unless `dry_run` remove, every kind of record past its period."""
    policy = await retention_policy(session)
    run = RetentionRun(today, policy.participant_removal, dry_run)

    due_participants: list[Participant] = []
    for kind, years, anchor, which in _participant_kinds(policy):
        cutoff = years_before(today, years) if years else None
        rows: list[Participant] = []
        if cutoff is not None:
            rows = list(
                (
                    await session.exec(
                        select(Participant).where(
                            which, anchor <= cutoff, col(Participant.anonymised_at).is_(None)
                        )
                    )
                ).all()
            )
        run.kinds.append(KindCount(kind, years, "years", cutoff, len(rows)))
        due_participants += rows

    meeting_cutoff = years_before(today, policy.minutes_years) if policy.minutes_years else None
    meetings: list[int] = []
    if meeting_cutoff is not None:
        old = select(key_col(Meeting.id)).where(Meeting.meeting_date <= meeting_cutoff)
        meetings = list((await session.exec(old)).all())
    run.kinds.append(
        KindCount("minutes", policy.minutes_years, "years", meeting_cutoff, len(meetings))
    )

    outbox_cutoff = today - timedelta(days=policy.outbox_days) if policy.outbox_days else None
    outbox_due = (
        col(ReminderOutbox.status).in_(FINISHED_OUTBOX)
        & (col(ReminderOutbox.remind_on) <= outbox_cutoff)
        if outbox_cutoff
        else None
    )
    run.kinds.append(
        KindCount(
            "reminders",
            policy.outbox_days,
            "days",
            outbox_cutoff,
            await _count(session, ReminderOutbox, outbox_due) if outbox_due is not None else 0,
        )
    )

    state_cutoff = (
        today - timedelta(days=policy.dialog_state_days) if policy.dialog_state_days else None
    )
    state_due = col(BotStateItem.updated_at) < _moment(state_cutoff) if state_cutoff else None
    run.kinds.append(
        KindCount(
            "dialog_state",
            policy.dialog_state_days,
            "days",
            state_cutoff,
            await _count(session, BotStateItem, state_due) if state_due is not None else 0,
        )
    )

    saved_cutoff = (
        today - timedelta(days=policy.saved_report_days) if policy.saved_report_days else None
    )
    saved_due = col(SavedReport.updated_at) < _moment(saved_cutoff) if saved_cutoff else None
    run.kinds.append(
        KindCount(
            "saved_reports",
            policy.saved_report_days,
            "days",
            saved_cutoff,
            await _count(session, SavedReport, saved_due) if saved_due is not None else 0,
        )
    )

    audit_cutoff = years_before(today, policy.audit_years) if policy.audit_years else None
    audit_due = col(AuditEntry.at) < _moment(audit_cutoff) if audit_cutoff else None
    run.kinds.append(
        KindCount(
            "audit",
            policy.audit_years,
            "years",
            audit_cutoff,
            await _count(session, AuditEntry, audit_due) if audit_due is not None else 0,
        )
    )

    contact_cutoff = (
        years_before(today, policy.employer_contact_years)
        if policy.employer_contact_years
        else None
    )
    contacts_due = col(EmployerContact.contact_date) <= contact_cutoff if contact_cutoff else None
    persons_due = (
        (func.coalesce(Employer.last_contact_on, func.date(Employer.created_at)) <= contact_cutoff)
        & ((col(Employer.contact_name) != "") | (col(Employer.contact_phone) != ""))
        if contact_cutoff
        else None
    )
    for kind, model, due in (
        ("employer_contacts", EmployerContact, contacts_due),
        ("employer_contact_persons", Employer, persons_due),
    ):
        run.kinds.append(
            KindCount(
                kind, policy.employer_contact_years, "years", contact_cutoff,
                await _count(session, model, due) if due is not None else 0,
            )
        )

    # Which messages were handled (bot/once.py): a fixed week, as nobody resends a message later.
    keys_cutoff = today - timedelta(days=KEEP.days)
    keys_due = col(ProcessedTurn.created_at) < _moment(keys_cutoff)
    run.kinds.append(
        KindCount(
            "message_keys", KEEP.days, "days", keys_cutoff,
            await _count(session, ProcessedTurn, keys_due),
        )
    )

    if dry_run or run.total == 0:
        return run

    run.dependants = await remove_participants(
        session, due_participants, policy.participant_removal
    )
    if meetings:
        await _remove_meetings(session, meetings)
    if outbox_due is not None:
        await session.execute(delete(ReminderOutbox).where(outbox_due))
    if state_due is not None:
        await session.execute(delete(BotStateItem).where(state_due))
    if saved_due is not None:
        await session.execute(delete(SavedReport).where(saved_due))
    if audit_due is not None:
        await session.execute(delete(AuditEntry).where(audit_due))
    await session.execute(delete(ProcessedTurn).where(keys_due))
    if contacts_due is not None and persons_due is not None:
        await session.execute(delete(EmployerContact).where(contacts_due))
        await session.execute(
            update(Employer).where(persons_due).values(contact_name="", contact_phone="")
        )
    await audit.record(session, actor, AuditAction.RETENTION, "retention", details=run.counts())
    await session.flush()
    return run


async def _remove_meetings(session: AsyncSession, meeting_ids: list[int]) -> None:
    """Meetings with their decisions and action points, and reminders about them."""
    points = list(
        (
            await session.exec(
                select(ActionPoint.id).where(col(ActionPoint.meeting_id).in_(meeting_ids))
            )
        ).all()
    )
    refs = [f"meeting:{i}" for i in meeting_ids] + [f"action_point:{i}" for i in points]
    await session.execute(delete(ReminderOutbox).where(col(ReminderOutbox.subject_ref).in_(refs)))
    await session.execute(
        delete(MeetingDecision).where(col(MeetingDecision.meeting_id).in_(meeting_ids))
    )
    await session.execute(delete(ActionPoint).where(col(ActionPoint.meeting_id).in_(meeting_ids)))
    await session.execute(delete(Meeting).where(col(Meeting.id).in_(meeting_ids)))
