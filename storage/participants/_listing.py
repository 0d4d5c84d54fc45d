"""What a user sees of participants: a page of the list, one participant's full record, the
caseloads per coach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit
from storage.audit import AuditAction
from storage.models import (
    CountyPart,
    Municipality,
    Participant,
    Placement,
    PlacementNote,
    Programme,
    ProgressionStep,
    Staff,
    key_of,
)
from storage.participants._access import get_participant
from storage.participants._progress import notes_on, placements_of, steps_of
from storage.permissions import Actor, Role, visible_county_parts
from storage.rules import Status, programme_end


@dataclass(frozen=True)
class ParticipantSummary:
    code: str
    status: str
    county_part: str
    municipality: str
    coach: str | None
    referral_date: date
    enrolment_date: date | None
    programme_end: date | None


@dataclass
class ParticipantDetail:
    participant: Participant
    programme: str
    county_part: str
    municipality: str
    coach: str | None
    placements: list[Placement] = field(default_factory=list)
    notes: dict[int, list[PlacementNote]] = field(default_factory=dict)
    steps: list[ProgressionStep] = field(default_factory=list)


def _visible(actor: Actor, all_parts: frozenset[str]) -> Any:
    """SQL condition for the participants `actor` may list (same rule as `is_allowed`)."""
    if actor.role == Role.COACH:
        return Participant.coach_id == actor.staff_id
    if actor.role == Role.COORDINATOR:
        return col(CountyPart.code).in_(visible_county_parts(actor, all_parts))
    if actor.role in {Role.PROGRAMME_LEAD, Role.PROGRAMME_OWNER}:
        return True
    return False


@dataclass(frozen=True)
class ParticipantPage:
    """One page of a listing: its rows, where it starts (0-based) and how many there are."""

    rows: list[ParticipantSummary]
    offset: int
    total: int


async def list_participants(
    session: AsyncSession,
    actor: Actor,
    *,
    include_closed: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> ParticipantPage:
    """`mina deltagare`: a coach's caseload, a coordinator's county parts, or everyone, a page
    at a time (`limit` rows from `offset`; Teams cannot show thousands in one message)."""
    all_parts = frozenset((await session.exec(select(CountyPart.code))).all())
    condition = _visible(actor, all_parts)
    if condition is False:
        return ParticipantPage([], 0, 0)
    statement = (
        select(Participant, CountyPart.name, Municipality.name, Staff.display_name)
        .join(CountyPart, col(CountyPart.id) == Participant.county_part_id)
        .join(Municipality, col(Municipality.id) == Participant.municipality_id)
        .join(Staff, col(Staff.id) == Participant.coach_id, isouter=True)
        .where(condition, col(Participant.anonymised_at).is_(None))
        .order_by(Participant.code)
    )
    if not include_closed:
        statement = statement.where(
            col(Participant.status).in_((Status.REFERRED, Status.WAITING, Status.ACCEPTED,
                                    Status.ENROLLED))
        )
    total = (
        await session.exec(select(func.count()).select_from(statement.order_by(None).subquery()))
    ).one()
    last_page = ((total - 1) // limit) * limit if limit and total else 0
    offset = max(0, min(offset, last_page if limit else total - 1)) if total else 0
    rows = (await session.exec(statement.offset(offset).limit(limit))).all()
    await audit.record(
        session,
        actor,
        AuditAction.LIST,
        "participant",
        details={"count": len(rows), "offset": offset, "total": total,
                 "include_closed": include_closed},
    )
    summaries = [
        ParticipantSummary(
            code=p.code,
            status=p.status,
            county_part=part,
            municipality=municipality,
            coach=coach,
            referral_date=p.referral_date,
            enrolment_date=p.enrolment_date,
            programme_end=programme_end(p.enrolment_date, p.extended_until)
            if p.enrolment_date
            else None,
        )
        for p, part, municipality, coach in rows
    ]
    return ParticipantPage(summaries, offset, total)


async def participant_detail(session: AsyncSession, actor: Actor, code: str) -> ParticipantDetail:
    """`visa <kod>`: everything recorded about one participant."""
    participant = await get_participant(session, actor, code)
    part = await session.get(CountyPart, participant.county_part_id)
    municipality = await session.get(Municipality, participant.municipality_id)
    programme = await session.get(Programme, participant.programme_id)
    coach = await session.get(Staff, participant.coach_id) if participant.coach_id else None
    placements = await placements_of(session, participant)
    notes: dict[int, list[PlacementNote]] = {key_of(p): [] for p in placements}
    for note in await notes_on(session, placements):
        notes[note.placement_id].append(note)
    steps = await steps_of(session, participant)
    return ParticipantDetail(
        participant=participant,
        programme=programme.name if programme else "",
        county_part=part.name if part else "",
        municipality=municipality.name if municipality else "",
        coach=coach.display_name if coach else None,
        placements=placements,
        notes=notes,
        steps=steps,
    )


async def caseload(session: AsyncSession, actor: Actor) -> list[tuple[str, str, int]]:
    """(county part, coach, enrolled or accepted participants) for the areas `actor` sees."""
    all_parts = frozenset((await session.exec(select(CountyPart.code))).all())
    parts = visible_county_parts(actor, all_parts)
    if actor.role not in {Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.PROGRAMME_OWNER}:
        return []
    rows = (
        await session.exec(
            select(col(CountyPart.name), col(Staff.display_name), func.count(col(Participant.id)))
            .join(Participant, col(Participant.coach_id) == Staff.id)
            .join(CountyPart, col(CountyPart.id) == Participant.county_part_id)
            .where(
                col(CountyPart.code).in_(parts),
                col(Participant.status).in_((Status.ACCEPTED, Status.ENROLLED)),
            )
            .group_by(CountyPart.name, Staff.display_name)
            .order_by(CountyPart.name, Staff.display_name)
        )
    ).all()
    return [(part, coach, count) for part, coach, count in rows]
