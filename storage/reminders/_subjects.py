"""Open subjects: the participants, meetings and action points a rule can remind of, and who a
due reminder goes to.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from sqlalchemy import ColumnElement, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.minutes import (
    action_points_due,
    meetings_without_minutes,
    minutes_writers,
    planned_meetings,
)
from storage.models import (
    CountyPart,
    Participant,
    Placement,
    PlacementNote,
    Staff,
    StaffCountyPart,
    key_of,
)
from storage.reminder_rules import CHANNEL_PREFIX, WRITERS, DueReminder, Subject, Watch
from storage.reminders._rules import list_deadlines
from storage.rules import Status, programme_end

log = logging.getLogger(__name__)


# How far ahead meetings and action points are looked at; rules pick their own offsets.
MEETING_HORIZON_DAYS = 60


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
