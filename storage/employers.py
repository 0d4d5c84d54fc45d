"""The employer register: employers with sector and municipality, one business contact (role,
name, phone: the only names and phone numbers Stegvis keeps, removed by retention), a contact
history, open placement slots, and what the placements there led to.

Placements name their employer as text; they belong to a registered employer when the names are
the same (case and spacing aside), so the register needs no change to how placements are
recorded. Coaches and samordnare keep the employers of their county parts; the programme lead
and owner all. Rules raise `RuleError` with a text key.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.clock import clock
from storage.models import (
    CountyPart,
    Employer,
    EmployerContact,
    Municipality,
    Participant,
    Placement,
    Staff,
    key_of,
    utcnow,
)
from storage.participants import find_municipality
from storage.permissions import Action, Actor, Scope, is_allowed, visible_county_parts
from storage.pii import Policy, check
from storage.rules import DESTINATIONS, RuleError, SusGroup, check_code

_ORG_NUMBER = re.compile(r"^(\d{6})-?(\d{4})$")
_PHONE = re.compile(r"^\+\d[\d \-()]{6,22}$")
WORK_PLACEMENTS = frozenset({"subsidised_employment", "unsubsidised_employment"})
MOST_SLOTS = 1000


@dataclass(frozen=True)
class EmployerInput:
    """What is typed; None leaves a field as it is when editing."""

    name: str | None = None
    org_number: str | None = None
    sector: str | None = None
    municipality: str | None = None
    contact_role: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True)
class EmployerRow:
    employer: Employer
    municipality: str
    county_part: str
    placements: int
    led_to_work: int


@dataclass(frozen=True)
class EmployerDetail:
    row: EmployerRow
    contacts: list[EmployerContact]


@dataclass(frozen=True)
class EmployerReport:
    year: int | None
    by_sector_and_part: dict[tuple[str, str], int]
    parts: list[str]
    per_employer: list[EmployerRow] | None


def normal_name(text: str) -> str:
    return " ".join(text.casefold().split())


def check_org_number(text: str) -> str:
    """NNNNNN-NNNN with a valid check digit, of a legal person (third digit 2 or more): a sole
    trader's number is the owner's personnummer and is never stored."""
    found = _ORG_NUMBER.match(text.strip())
    if found is None:
        raise RuleError("employer_bad_org_number")
    digits = found.group(1) + found.group(2)
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    if total % 10:
        raise RuleError("employer_bad_org_number")
    if int(digits[2]) < 2:
        raise RuleError("employer_sole_trader")
    return f"{found.group(1)}-{found.group(2)}"


def check_phone(text: str) -> str:
    """A business phone with its country code (+46 70 123 45 67): a Swedish number written from
    0 reads like a personnummer and is refused everywhere before it gets here."""
    phone = " ".join(text.split())
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.match(phone) or not 8 <= digits <= 15:
        raise RuleError("employer_bad_phone")
    return phone


def _text(value: str, most: int) -> str:
    value = " ".join(value.split())
    if len(value) > most:
        raise RuleError("employer_text_too_long", most=most)
    check(value, Policy.NUMBERS)
    return value


async def _scope(session: AsyncSession, employer: Employer) -> Scope:
    municipality = (
        await session.get(Municipality, employer.municipality_id)
        if employer.municipality_id
        else None
    )
    part = await session.get(CountyPart, municipality.county_part_id) if municipality else None
    return Scope(county_part=part.code if part else None)


async def _require(session: AsyncSession, actor: Actor, employer: Employer) -> None:
    if not is_allowed(actor, Action.MANAGE_EMPLOYERS, await _scope(session, employer)):
        raise RuleError("employer_not_allowed", name=employer.name)


def _apply(employer: Employer, data: EmployerInput) -> None:
    if data.name is not None:
        name = _text(data.name, 200)
        if not name:
            raise RuleError("employer_no_name")
        employer.name = name
    if data.org_number is not None:
        employer.org_number = check_org_number(data.org_number) if data.org_number else ""
    if data.sector is not None:
        employer.sector = check_code("sector", data.sector)
    if data.contact_role is not None:
        employer.contact_role = _text(data.contact_role, 100)
    if data.contact_name is not None:
        employer.contact_name = _text(data.contact_name, 200)
    if data.contact_phone is not None:
        employer.contact_phone = check_phone(data.contact_phone) if data.contact_phone else ""


async def _unique(session: AsyncSession, employer: Employer) -> None:
    others = (await session.exec(select(Employer).where(Employer.id != employer.id))).all()
    same = next((e for e in others if normal_name(e.name) == normal_name(employer.name)), None)
    if same is not None:
        raise RuleError("employer_exists", name=same.name, id=same.id)


async def add_employer(session: AsyncSession, actor: Actor, data: EmployerInput) -> Employer:
    if not data.name or not data.sector or not data.municipality:
        raise RuleError("employer_missing")
    municipality = await find_municipality(session, data.municipality)
    employer = Employer(name="", sector="", municipality_id=municipality.id,
                        created_by=actor.staff_id)
    _apply(employer, data)
    await _require(session, actor, employer)
    await _unique(session, employer)
    session.add(employer)
    await session.flush()
    return employer


async def find_employer(session: AsyncSession, actor: Actor, text: str) -> Employer:
    """By number, by name, or by a part of the name that fits one employer the actor keeps."""
    typed = text.strip().lstrip("#")
    employer = await session.get(Employer, int(typed)) if typed.isdecimal() and len(typed) < 10 \
        else None
    if employer is None:
        wanted = normal_name(typed)
        rows = (await session.exec(select(Employer))).all()
        exact = [e for e in rows if normal_name(e.name) == wanted]
        partial = [e for e in rows if wanted and wanted in normal_name(e.name)]
        found = exact or partial
        if len(found) > 1:
            raise RuleError("employer_ambiguous", value=typed[:60],
                            names=", ".join(sorted(e.name for e in found)[:10]))
        employer = found[0] if found else None
    if employer is None:
        raise RuleError("employer_not_found", value=typed[:60])
    await _require(session, actor, employer)
    return employer


async def update_employer(
    session: AsyncSession, actor: Actor, text: str, data: EmployerInput
) -> Employer:
    employer = await find_employer(session, actor, text)
    _apply(employer, data)
    if data.municipality is not None:
        employer.municipality_id = (await find_municipality(session, data.municipality)).id
        await _require(session, actor, employer)
    await _unique(session, employer)
    employer.updated_at = utcnow()
    session.add(employer)
    await session.flush()
    return employer


async def add_contact(
    session: AsyncSession, actor: Actor, text: str, note: str, day: date | None = None
) -> tuple[Employer, EmployerContact]:
    """A contact with the employer; the note may name the employer's contact (in full or by
    first name) and staff, never a participant."""
    employer = await find_employer(session, actor, text)
    day = day or clock.today()
    if day > clock.today():
        raise RuleError("employer_contact_in_future", date=day.isoformat())
    note = " ".join(note.split())
    if not note:
        raise RuleError("employer_contact_empty")
    staff = (await session.exec(select(Staff.display_name).where(Staff.active))).all()
    contact_first = employer.contact_name.split()[:1]
    allowed = {employer.contact_name, *contact_first, employer.name, *staff} - {""}
    check(note, Policy.NO_NAMES, allowed_names=allowed)
    contact = EmployerContact(employer_id=key_of(employer), contact_date=day, text=note,
                              created_by=actor.staff_id)
    employer.last_contact_on = max(day, employer.last_contact_on or day)
    employer.updated_at = utcnow()
    session.add_all([employer, contact])
    await session.flush()
    return employer, contact


async def set_slots(session: AsyncSession, actor: Actor, text: str, slots: int) -> Employer:
    employer = await find_employer(session, actor, text)
    if not 0 <= slots <= MOST_SLOTS:
        raise RuleError("employer_bad_slots", most=MOST_SLOTS)
    employer.open_slots, employer.updated_at = slots, utcnow()
    session.add(employer)
    await session.flush()
    return employer


async def _placements_by_employer(
    session: AsyncSession, year: int | None = None
) -> tuple[Counter[str], Counter[str]]:
    """Placements per employer name (normalised), and those that led to work: a placement that
    is employment, or a participant who left for work."""
    query = select(Placement.employer, Placement.placement_type, Participant.exit_destination)
    query = query.join(Participant, col(Participant.id) == Placement.participant_id)
    if year is not None:
        query = query.where(Placement.start_date >= date(year, 1, 1),
                            Placement.start_date <= date(year, 12, 31))
    placed: Counter[str] = Counter()
    work: Counter[str] = Counter()
    for name, kind, destination in (await session.exec(query)).all():
        key = normal_name(name)
        placed[key] += 1
        if kind in WORK_PLACEMENTS or DESTINATIONS.get(destination or "") == SusGroup.EMPLOYMENT:
            work[key] += 1
    return placed, work


async def _rows(
    session: AsyncSession, actor: Actor, employers: list[Employer], year: int | None = None
) -> list[EmployerRow]:
    municipalities = {m.id: m for m in (await session.exec(select(Municipality))).all()}
    parts = {p.id: p for p in (await session.exec(select(CountyPart))).all()}
    placed, work = await _placements_by_employer(session, year)
    visible = visible_county_parts(actor, frozenset(p.code for p in parts.values()))
    rows = []
    for employer in employers:
        municipality = municipalities.get(employer.municipality_id or 0)
        part = parts.get(municipality.county_part_id) if municipality else None
        if part is None or part.code not in visible:
            continue
        key = normal_name(employer.name)
        rows.append(EmployerRow(employer, municipality.name if municipality else "",
                                part.name, placed[key], work[key]))
    return rows


async def list_employers(session: AsyncSession, actor: Actor, query: str = "") -> list[EmployerRow]:
    """`arbetsgivare [sökord]`: the employers of the actor's county parts, by name."""
    if not is_allowed(actor, Action.MANAGE_EMPLOYERS):
        raise RuleError("employer_not_allowed_list")
    words = normal_name(query).split()
    employers = [
        e for e in (await session.exec(select(Employer).order_by(Employer.name))).all()
        if all(w in normal_name(f"{e.name} {e.contact_role} {e.sector}") for w in words)
    ]
    return await _rows(session, actor, employers)


async def employer_detail(session: AsyncSession, actor: Actor, text: str) -> EmployerDetail:
    employer = await find_employer(session, actor, text)
    (row,) = await _rows(session, actor, [employer])
    contacts = (
        await session.exec(
            select(EmployerContact)
            .where(EmployerContact.employer_id == employer.id)
            .order_by(col(EmployerContact.contact_date).desc(), col(EmployerContact.id).desc())
            .limit(10)
        )
    ).all()
    return EmployerDetail(row, list(contacts))


async def employer_report(
    session: AsyncSession, actor: Actor, year: int | None = None
) -> EmployerReport:
    """Employers per sector and county part for everyone who reads reports; per employer
    (placements, and those that led to work) only for those who see unmasked figures, since
    a named employer with one placement points at a person."""
    if not is_allowed(actor, Action.READ_REPORT):
        raise RuleError("employer_not_allowed_list")
    municipalities = {m.id: m for m in (await session.exec(select(Municipality))).all()}
    parts = {p.id: p for p in (await session.exec(select(CountyPart))).all()}
    visible = visible_county_parts(actor, frozenset(p.code for p in parts.values()))
    employers = (await session.exec(select(Employer).order_by(Employer.name))).all()
    by_cell: Counter[tuple[str, str]] = Counter()
    for employer in employers:
        municipality = municipalities.get(employer.municipality_id or 0)
        part = parts.get(municipality.county_part_id) if municipality else None
        if part is not None and part.code in visible:
            by_cell[(employer.sector, part.name)] += 1
    per_employer = None
    if is_allowed(actor, Action.READ_UNMASKED_REPORT):
        rows = await _rows(session, actor, list(employers), year)
        per_employer = sorted(
            (r for r in rows if r.placements),
            key=lambda r: (-r.placements, r.employer.name),
        )
    part_names = sorted(p.name for p in parts.values() if p.code in visible)
    return EmployerReport(year, dict(by_cell), part_names, per_employer)
