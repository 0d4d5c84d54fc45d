"""Aktualisering and the coordinator's decision: the participant's code, municipality and coach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Executable, bindparam
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.audit import snapshot
from storage.clock import clock
from storage.lookups import Place, find_place, find_programme, organisation
from storage.models import (
    CodeCounter,
    Participant,
    Staff,
    StaffCountyPart,
    table_of,
)
from storage.participants._access import _create, _save, get_participant
from storage.permissions import Action, Actor, Role, Scope, is_allowed
from storage.prebuilt import InsertOf, dialect_of, per_dialect
from storage.rules import (
    RuleError,
    Status,
    check_birth_year,
    check_code,
    check_dates_in_order,
    check_not_future,
    check_transition,
    participant_code,
)
from storage.write_guard import check_column


@dataclass(frozen=True)
class ReferralInput:
    referral_date: date
    referring_party: str
    municipality: str
    gender: str
    birth_year: int
    income_source: str
    consent: bool
    referring_unit: str = ""
    programme: str = "sikta"


async def _next_code(session: AsyncSession, prefix: str, year: int) -> str:
    """Atomic counter per prefix and year; safe with several bot instances. Through the
    session, so that the unit counts it as a write."""
    statement = _count(dialect_of(session))
    number = (await session.execute(statement, {"p_prefix": prefix, "p_year": year})).scalar_one()
    return participant_code(prefix, year, number)


@per_dialect
def _count(insert: InsertOf) -> Executable:
    table = table_of(CodeCounter)
    statement = insert(table).values(prefix=bindparam("p_prefix"), year=bindparam("p_year"),
                                     last=1)
    return statement.on_conflict_do_update(  # type: ignore[no-any-return]
        index_elements=[table.c.prefix, table.c.year], set_={"last": table.c.last + 1}
    ).returning(table.c.last)


async def find_municipality(session: AsyncSession, name: str) -> Place:
    """The municipality as typed (compared by `lookups.name_key`: case, spaces, fullwidth
    forms and invisible characters do not matter)."""
    place, org = await find_place(session, name)
    if place is None:
        names = ", ".join(sorted(m.name for m in org.municipalities))
        raise RuleError("unknown_municipality", value=name, names=names)
    return place


async def register_referral(
    session: AsyncSession, actor: Actor, data: ReferralInput
) -> Participant:
    """Record an aktualisering; the municipality decides the county part and the code prefix."""
    today = clock.today()
    check_not_future(data.referral_date, today)
    check_birth_year(data.birth_year, data.referral_date)
    check_code("gender", data.gender)
    check_code("party", data.referring_party)
    check_code("income", data.income_source)
    check_column(Participant.referring_unit, data.referring_unit)
    municipality = await find_municipality(session, data.municipality)
    part = (await organisation(session)).parts[municipality.county_part_id]
    if not is_allowed(actor, Action.REGISTER_REFERRAL, Scope(county_part=part.code)):
        raise RuleError("not_your_area", area=part.name)
    programme = await find_programme(session, data.programme)
    if programme is None or not programme.takes_participants:
        raise RuleError("unknown_programme", value=data.programme)
    participant = Participant(
        code=await _next_code(session, part.code_prefix, data.referral_date.year),
        programme_id=programme.id,
        county_part_id=part.id,
        municipality_id=municipality.id,
        gender=data.gender,
        birth_year=data.birth_year,
        income_source_start=data.income_source,
        consent=data.consent,
        referral_date=data.referral_date,
        referring_party=data.referring_party,
        referring_unit=data.referring_unit.strip(),
        status=Status.REFERRED,
        created_by=actor.staff_id,
    )
    await _create(session, actor, "participant", participant, participant)
    return participant


async def find_coach(session: AsyncSession, text: str, county_part_id: int) -> Staff:
    """An active coach working in the participant's county part, by name or object id."""
    needle = text.strip().casefold()
    coaches = (
        await session.exec(
            select(Staff)
            .join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id)
            .where(
                Staff.active,
                Staff.role == Role.COACH,
                StaffCountyPart.county_part_id == county_part_id,
            )
        )
    ).all()
    exact = [c for c in coaches if needle in {c.display_name.casefold(), c.aad_object_id}]
    matches = exact or [c for c in coaches if needle and needle in c.display_name.casefold()]
    if len(matches) != 1:
        raise RuleError(
            "coach_not_found" if not matches else "coach_ambiguous",
            value=text,
            names=", ".join(sorted(c.display_name for c in coaches)) or "–",
        )
    return matches[0]


async def coaches_in_area(session: AsyncSession, county_part_id: int) -> list[Staff]:
    return list(
        (
            await session.exec(
                select(Staff)
                .join(StaffCountyPart, col(StaffCountyPart.staff_id) == Staff.id)
                .where(
                    Staff.active,
                    Staff.role == Role.COACH,
                    StaffCountyPart.county_part_id == county_part_id,
                )
                .order_by(Staff.display_name)
            )
        ).all()
    )


async def decide(
    session: AsyncSession,
    actor: Actor,
    code: str,
    decision: Status,
    *,
    day: date,
    reason: str | None = None,
    coach: str | None = None,
) -> Participant:
    """The coordinator's decision: aktuell (with a coach), ej aktuell (with a reason), väntar."""
    participant = await get_participant(session, actor, code, Action.DECIDE_REFERRAL)
    check_transition(participant.status, decision)
    check_dates_in_order(participant.referral_date, day, "decision")
    before = snapshot(participant)
    if decision == Status.NOT_ACCEPTED:
        participant.not_accepted_reason = check_code("not_accepted", reason or "")
    if decision == Status.ACCEPTED:
        if not coach:
            raise RuleError("decision_needs_coach")
        participant.coach_id = (await find_coach(session, coach, participant.county_part_id)).id
    participant.status, participant.decision_date = decision, day
    return await _save(session, actor, participant, before)


async def assign_coach(session: AsyncSession, actor: Actor, code: str, coach: str) -> Participant:
    participant = await get_participant(session, actor, code, Action.DECIDE_REFERRAL)
    before = snapshot(participant)
    participant.coach_id = (await find_coach(session, coach, participant.county_part_id)).id
    return await _save(session, actor, participant, before)
