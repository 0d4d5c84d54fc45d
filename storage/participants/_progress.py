"""A participant's way through the programme: enrolment, extension, placements and their notes,
progression steps, exit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import AuditAction, snapshot
from storage.clock import clock
from storage.models import Participant, Placement, PlacementNote, ProgressionStep, key_of
from storage.participants._access import _audit, _create, _save, get_participant
from storage.permissions import Action, Actor
from storage.rules import (
    RuleError,
    Status,
    check_code,
    check_dates_in_order,
    check_extension,
    check_not_future,
    check_transition,
)
from storage.write_guard import check_column


@dataclass(frozen=True)
class PlacementInput:
    placement_type: str
    sector: str
    employer: str
    start_date: date
    planned_end_date: date | None = None
    occupation_area: str = ""
    first_employer_contact_date: date | None = None


@dataclass(frozen=True)
class ExitInput:
    exit_date: date
    reason: str
    destination: str
    income_source: str
    survey_done: bool = False


async def enrol(
    session: AsyncSession, actor: Actor, code: str, day: date, survey_done: bool = False
) -> Participant:
    """Inskrivning starts the one-year clock."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    check_transition(participant.status, Status.ENROLLED)
    check_not_future(day, clock.today())
    check_dates_in_order(participant.decision_date or participant.referral_date, day, "enrolment")
    before = snapshot(participant)
    participant.status, participant.enrolment_date = Status.ENROLLED, day
    participant.survey_enrolment_done = survey_done
    return await _save(session, actor, participant, before)


async def extend(
    session: AsyncSession, actor: Actor, code: str, until: date, motivation: str
) -> Participant:
    """Förlängning past 12 months, only with a motivation."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    if participant.status != Status.ENROLLED or participant.enrolment_date is None:
        raise RuleError("extension_needs_enrolment")
    check_extension(participant.enrolment_date, until, motivation)
    check_column(Participant.extension_motivation, motivation)
    before = snapshot(participant)
    participant.extended_until, participant.extension_motivation = until, motivation.strip()
    return await _save(session, actor, participant, before)


async def add_placement(
    session: AsyncSession, actor: Actor, code: str, data: PlacementInput
) -> Placement:
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    if participant.status != Status.ENROLLED:
        raise RuleError("placement_needs_enrolment", code=participant.code)
    check_code("placement_type", data.placement_type)
    check_code("sector", data.sector)
    check_column(Placement.employer, data.employer)
    check_column(Placement.occupation_area, data.occupation_area)
    if participant.enrolment_date is not None:  # set by `enrol`, with the status
        check_dates_in_order(participant.enrolment_date, data.start_date, "placement")
    if data.planned_end_date:
        check_dates_in_order(data.start_date, data.planned_end_date, "planned_end")
    placement = Placement(
        participant_id=key_of(participant),
        placement_type=data.placement_type,
        sector=data.sector,
        employer=data.employer.strip(),
        occupation_area=data.occupation_area.strip(),
        start_date=data.start_date,
        planned_end_date=data.planned_end_date,
        first_employer_contact_date=data.first_employer_contact_date,
        created_by=actor.staff_id,
    )
    await _create(session, actor, "placement", placement, participant)
    return placement


async def placements_of(session: AsyncSession, participant: Participant) -> list[Placement]:
    """A participant's placements in start order: the order users number them 1, 2, … by,
    shared by the record, the register extract and the number lookup so they always agree."""
    return list(
        (
            await session.exec(
                select(Placement)
                .where(Placement.participant_id == participant.id)
                .order_by(col(Placement.start_date), col(Placement.id))
            )
        ).all()
    )


async def notes_on(session: AsyncSession, placements: list[Placement]) -> list[PlacementNote]:
    """The notes on these placements, oldest first (no query when there are none)."""
    if not placements:
        return []
    return list(
        (
            await session.exec(
                select(PlacementNote)
                .where(col(PlacementNote.placement_id).in_([key_of(p) for p in placements]))
                .order_by(col(PlacementNote.note_date), col(PlacementNote.id))
            )
        ).all()
    )


async def steps_of(session: AsyncSession, participant: Participant) -> list[ProgressionStep]:
    """A participant's progression steps, oldest first."""
    return list(
        (
            await session.exec(
                select(ProgressionStep)
                .where(ProgressionStep.participant_id == participant.id)
                .order_by(col(ProgressionStep.step_date), col(ProgressionStep.id))
            )
        ).all()
    )


async def _placement(session: AsyncSession, participant: Participant, number: int) -> Placement:
    """Placements are numbered 1, 2, … per participant in start order, as users see them."""
    placements = await placements_of(session, participant)
    if not 1 <= number <= len(placements):
        raise RuleError("placement_not_found", number=number, code=participant.code)
    return placements[number - 1]


async def add_placement_note(
    session: AsyncSession, actor: Actor, code: str, number: int, day: date, note: str
) -> PlacementNote:
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    placement = await _placement(session, participant, number)
    if not note.strip():
        raise RuleError("note_empty")
    check_column(PlacementNote.note, note)
    row = PlacementNote(
        placement_id=key_of(placement), note_date=day, note=note.strip(), created_by=actor.staff_id
    )
    await _create(session, actor, "placement_note", row, participant)
    return row


async def end_placement(
    session: AsyncSession, actor: Actor, code: str, number: int, day: date
) -> Placement:
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    placement = await _placement(session, participant, number)
    check_dates_in_order(placement.start_date, day, "placement_end")
    before = snapshot(placement)
    placement.end_date = day
    session.add(placement)
    await session.flush()
    await _audit(session, actor, AuditAction.UPDATE, "placement", placement, participant, before)
    return placement


async def record_step(
    session: AsyncSession, actor: Actor, code: str, step: str, day: date
) -> ProgressionStep:
    """One tap: the step and its date."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    if participant.status not in {Status.ENROLLED, Status.ACCEPTED}:
        raise RuleError("step_needs_enrolment", code=participant.code)
    check_code("step", step)
    check_not_future(day, clock.today())
    row = ProgressionStep(
        participant_id=key_of(participant), step=step, step_date=day, created_by=actor.staff_id
    )
    await _create(session, actor, "progression_step", row, participant)
    return row


async def exit_participant(
    session: AsyncSession, actor: Actor, code: str, data: ExitInput
) -> Participant:
    """Utskrivning with reason, destination and income source at exit; open placements end."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    check_transition(participant.status, Status.EXITED)
    check_code("exit_reason", data.reason)
    check_code("destination", data.destination)
    check_code("income", data.income_source)
    check_not_future(data.exit_date, clock.today())
    if participant.enrolment_date is not None:  # set by `enrol`, with the status
        check_dates_in_order(participant.enrolment_date, data.exit_date, "exit")
    before = snapshot(participant)
    participant.status, participant.exit_date = Status.EXITED, data.exit_date
    participant.exit_reason, participant.exit_destination = data.reason, data.destination
    participant.income_source_exit, participant.survey_exit_done = (
        data.income_source,
        data.survey_done,
    )
    open_placements = (
        await session.exec(
            select(Placement).where(
                col(Placement.participant_id) == participant.id, col(Placement.end_date).is_(None)
            )
        )
    ).all()
    for placement in open_placements:
        placement_before = snapshot(placement)
        placement.end_date = max(placement.start_date, data.exit_date)
        session.add(placement)
        await _audit(
            session, actor, AuditAction.UPDATE, "placement", placement, participant,
            placement_before,
        )
    return await _save(session, actor, participant, before)
