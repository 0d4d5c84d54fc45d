"""Participants: referral, decision, enrolment, placements, progression, exit, edit and undo.

Every function takes the acting person, checks `is_allowed` and writes the audit log, so no
caller can forget either. Rule violations raise `RuleError` with a text key for the user; free
text is checked for personal data by the storage engine itself (storage/pii.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import audit, events
from storage.audit import AuditAction, snapshot
from storage.clock import STOCKHOLM, clock
from storage.models import (
    AuditEntry,
    CodeCounter,
    CountyPart,
    Municipality,
    Participant,
    Placement,
    PlacementNote,
    Programme,
    ProgressionStep,
    Staff,
    StaffCountyPart,
    key_of,
    table_of,
    utcnow,
)
from storage.permissions import Action, Actor, Role, Scope, is_allowed, visible_county_parts
from storage.rules import (
    RuleError,
    Status,
    check_birth_year,
    check_code,
    check_dates_in_order,
    check_extension,
    check_not_future,
    check_transition,
    participant_code,
    programme_end,
)
from storage.write_guard import check_column

UNDO_WINDOW = timedelta(hours=24)
_ENTITIES: dict[str, type[SQLModel]] = {
    "participant": Participant,
    "placement": Placement,
    "placement_note": PlacementNote,
    "progression_step": ProgressionStep,
}
# Fields a user may change afterwards with `ändra <kod> fält=värde`.
EDITABLE_FIELDS = {
    "gender": "gender",
    "birth_year": None,
    "income_source_start": "income",
    "income_source_exit": "income",
    "referring_party": "party",
    "referring_unit": None,
    "referral_date": None,
    "enrolment_date": None,
    "exit_date": None,
    "exit_reason": "exit_reason",
    "exit_destination": "destination",
    "consent": None,
    "survey_enrolment_done": None,
    "survey_exit_done": None,
}


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


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: AuditAction,
    entity: str,
    row: SQLModel,
    participant: Participant,
    before: dict[str, Any] | None = None,
) -> AuditEntry:
    """One audit row about `row` of `participant`; writes compare `before` with the row now,
    and record what they changed in the participant's state as events (storage/events.py)."""
    writes = action in {AuditAction.CREATE, AuditAction.UPDATE}
    after = snapshot(row) if writes else None
    entry = await audit.record(
        session,
        actor,
        action,
        entity,
        entity_id=getattr(row, "id", None),
        participant_id=participant.id,
        participant_code=participant.code,
        before=before,
        after=after,
    )
    if after is not None:
        await events.track(session, actor, entity, key_of(participant), before, after, entry)
    return entry


async def _create(
    session: AsyncSession,
    actor: Actor,
    entity: str,
    row: SQLModel,
    participant: Participant,
) -> None:
    """Insert a row and audit it (ids exist only after the flush; a new participant is its
    own participant)."""
    session.add(row)
    await session.flush()
    await _audit(session, actor, AuditAction.CREATE, entity, row, participant)


async def _scope(session: AsyncSession, participant: Participant) -> Scope:
    part = await session.get(CountyPart, participant.county_part_id)
    return Scope(county_part=part.code if part else None, coach_staff_id=participant.coach_id)


async def get_participant(
    session: AsyncSession, actor: Actor, code: str, action: Action = Action.READ_PARTICIPANT
) -> Participant:
    """The participant if `actor` may `action` it; otherwise the same "not found" as for a
    code that does not exist, so codes cannot be probed. Reads are audited."""
    code = code.strip().upper()
    participant = (
        await session.exec(
            select(Participant).where(
                Participant.code == code, col(Participant.anonymised_at).is_(None)
            )
        )
    ).first()
    if participant is None:
        raise RuleError("participant_not_found", code=code)
    if not is_allowed(actor, action, await _scope(session, participant)):
        entry = await _audit(
            session, actor, AuditAction.DENIED, "participant", participant, participant
        )
        refused = RuleError("participant_not_found", code=code)
        refused.keep.append(AuditEntry(**entry.model_dump(exclude={"id"})))
        raise refused
    if action == Action.READ_PARTICIPANT:
        await _audit(session, actor, AuditAction.READ, "participant", participant, participant)
    return participant


async def _next_code(session: AsyncSession, prefix: str, year: int) -> str:
    """Atomic counter per prefix and year; safe with several bot instances."""
    table = table_of(CodeCounter)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(prefix=prefix, year=year, last=1)
        .on_conflict_do_update(
            index_elements=[table.c.prefix, table.c.year], set_={"last": table.c.last + 1}
        )
        .returning(table.c.last)
    )
    number = (await session.execute(statement)).scalar_one()
    return participant_code(prefix, year, number)


async def find_municipality(session: AsyncSession, name: str) -> Municipality:
    rows = (await session.exec(select(Municipality))).all()
    for municipality in rows:
        if municipality.name.casefold() == name.strip().casefold():
            return municipality
    raise RuleError(
        "unknown_municipality", value=name, names=", ".join(sorted(m.name for m in rows))
    )


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
    part = await session.get_one(CountyPart, municipality.county_part_id)
    if not is_allowed(actor, Action.REGISTER_REFERRAL, Scope(county_part=part.code)):
        raise RuleError("not_your_area", area=part.name)
    programme = (
        await session.exec(select(Programme).where(Programme.code == data.programme))
    ).first()
    if programme is None or not programme.takes_participants:
        raise RuleError("unknown_programme", value=data.programme)
    participant = Participant(
        code=await _next_code(session, part.code_prefix, data.referral_date.year),
        programme_id=key_of(programme),
        county_part_id=key_of(part),
        municipality_id=key_of(municipality),
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


async def _save(
    session: AsyncSession, actor: Actor, participant: Participant, before: dict[str, Any]
) -> Participant:
    participant.updated_at = utcnow()
    session.add(participant)
    await session.flush()
    await _audit(
        session, actor, AuditAction.UPDATE, "participant", participant, participant, before
    )
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


async def _placement(session: AsyncSession, participant: Participant, number: int) -> Placement:
    """Placements are numbered 1, 2, … per participant in start order, as users see them."""
    placements = (
        await session.exec(
            select(Placement)
            .where(Placement.participant_id == participant.id)
            .order_by(col(Placement.start_date), col(Placement.id))
        )
    ).all()
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


def _coerce(field_name: str, value: str) -> Any:
    """Turn typed text into the column's type, checking vocabularies and free text."""
    vocabulary = EDITABLE_FIELDS[field_name]
    if vocabulary:
        return check_code(vocabulary, value)
    if field_name.endswith("_date"):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise RuleError("bad_date", value=value) from error
    if field_name == "birth_year":
        if not value.isdigit():
            raise RuleError("rule_birth_year_invalid", value=value)
        return int(value)
    if field_name in {"consent", "survey_enrolment_done", "survey_exit_done"}:
        return value.strip().casefold() in {"ja", "yes", "true", "1"}
    check_column(getattr(Participant, field_name), value)
    return value.strip()


async def update_fields(
    session: AsyncSession, actor: Actor, code: str, changes: dict[str, str]
) -> Participant:
    """Correct recorded facts; the previous values stay in the audit log for undo."""
    participant = await get_participant(session, actor, code, Action.WRITE_PARTICIPANT)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise RuleError("field_not_editable", fields=", ".join(sorted(unknown)))
    before = snapshot(participant)
    for name, value in changes.items():
        setattr(participant, name, _coerce(name, value))
    if "birth_year" in changes:
        check_birth_year(participant.birth_year, participant.referral_date)
    return await _save(session, actor, participant, before)


@dataclass(frozen=True)
class UndoResult:
    entity: str
    action: str
    participant_code: str | None


def _empty_value(model: type[SQLModel], name: str) -> Any:
    """What an empty free-text field holds ("" or None), from the column's default."""
    default = model.model_fields[name].default
    return default if default in ("", None) else None


def _restored(
    model: type[SQLModel], row: SQLModel, entry: AuditEntry
) -> dict[str, Any]:
    """The values an undo of `entry` puts back, typed as the columns want them. Free text is
    never in the log: it can be put back only when it was empty before the change."""
    changes, details = audit.changes_of(entry), audit.details_of(entry)
    empty_before = set(details.get(audit.EMPTY_BEFORE, ()))
    needs_text = sorted(n for n, v in changes.items() if v is None and n not in empty_before)
    if needs_text:
        raise RuleError("undo_needs_free_text", fields=", ".join(needs_text))
    values = snapshot(row)
    for name, change in changes.items():
        if name in values:
            values[name] = _empty_value(model, name) if change is None else change[0]
    typed = model.model_validate(values)
    return {name: getattr(typed, name) for name in changes if name in values}


async def _refuse_if_changed_since(
    session: AsyncSession, actor: Actor, entry: AuditEntry, row: SQLModel | None
) -> None:
    """An undo takes back only what the actor did: a field someone else has changed since, or
    a row others have built on (a placement on a referral, a note on a placement), stays as it
    is, and the actor is told who changed what."""
    others = (
        select(AuditEntry)
        .where(
            col(AuditEntry.id) > entry.id,
            AuditEntry.actor_aad_object_id != actor.aad_object_id,
            col(AuditEntry.action).in_((AuditAction.CREATE, AuditAction.UPDATE)),
            col(AuditEntry.undone_at).is_(None),
        )
        .order_by(col(AuditEntry.id))
    )
    if entry.action == AuditAction.CREATE and entry.entity == "participant":
        # Everything recorded about the participant hangs on its row.
        others = others.where(AuditEntry.participant_id == entry.participant_id)
    elif entry.action == AuditAction.CREATE and entry.entity == "placement":
        others = others.where(AuditEntry.participant_id == entry.participant_id).where(
            (AuditEntry.entity == "placement_note")
            | ((AuditEntry.entity == "placement") & (AuditEntry.entity_id == entry.entity_id))
        )
    else:
        others = others.where(
            AuditEntry.entity == entry.entity, AuditEntry.entity_id == entry.entity_id
        )
    mine = set(audit.changes_of(entry))
    for later in (await session.exec(others)).all():
        if entry.entity == "placement" and later.entity == "placement_note":
            note = await session.get(PlacementNote, later.entity_id)
            if note is None or note.placement_id != entry.entity_id:
                continue
        touched = set(audit.changes_of(later))
        if entry.action == AuditAction.UPDATE and not touched & mine:
            continue
        fields = sorted(touched & mine) if entry.action == AuditAction.UPDATE else []
        raise RuleError(
            "undo_changed_by_other",
            who=await _staff_name(session, later.actor_aad_object_id),
            fields=", ".join(fields) or later.entity,
            at=later.at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"),
        )
    if entry.action == AuditAction.UPDATE and row is not None:
        now = snapshot(row)
        moved = sorted(
            name
            for name, change in audit.changes_of(entry).items()
            if change is not None and name in now and audit.plain(now[name]) != change[1]
        )
        if moved:
            raise RuleError("undo_changed_since", fields=", ".join(moved))


async def _staff_name(session: AsyncSession, aad_object_id: str) -> str:
    staff = (
        await session.exec(select(Staff).where(Staff.aad_object_id == aad_object_id))
    ).first()
    return staff.display_name if staff else aad_object_id


async def undo_last(session: AsyncSession, actor: Actor) -> UndoResult:
    """Take back the actor's own latest change of the last 24 hours: a created row is removed,
    changed fields get their previous values back (only the fields that change touched)."""
    entry = (
        await session.exec(
            select(AuditEntry)
            .where(
                AuditEntry.actor_aad_object_id == actor.aad_object_id,
                col(AuditEntry.action).in_((AuditAction.CREATE, AuditAction.UPDATE)),
                col(AuditEntry.entity).in_(tuple(_ENTITIES)),
                col(AuditEntry.entity_id).is_not(None),
                col(AuditEntry.undone_at).is_(None),
                AuditEntry.at >= clock.now() - UNDO_WINDOW,
            )
            .order_by(col(AuditEntry.id).desc())
            .limit(1)
        )
    ).first()
    if entry is None:
        raise RuleError("nothing_to_undo")
    participant = await session.get(Participant, entry.participant_id)
    code = participant.code if participant else entry.participant_code
    if participant is not None:
        await get_participant(session, actor, participant.code, Action.WRITE_PARTICIPANT)
    model = _ENTITIES[entry.entity]
    row = await session.get(model, entry.entity_id)
    await _refuse_if_changed_since(session, actor, entry, row)
    before = snapshot(row) if row is not None else None
    if entry.action == AuditAction.CREATE:
        if row is not None:
            await session.delete(row)
    elif row is not None:
        for name, value in _restored(model, row, entry).items():
            setattr(row, name, value)
        session.add(row)
    entry.undone_at = utcnow()
    session.add(entry)
    undo = await audit.record(
        session,
        actor,
        AuditAction.UNDO,
        entry.entity,
        entity_id=entry.entity_id,
        participant_id=entry.participant_id,
        participant_code=code,
        before=before,
        after=snapshot(row) if row is not None and entry.action != AuditAction.CREATE else None,
        details={"undid": entry.id},
    )
    await session.flush()
    await events.take_back(session, actor, entry, undo)
    return UndoResult(entry.entity, entry.action, code)


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
    placements = list(
        (
            await session.exec(
                select(Placement)
                .where(Placement.participant_id == participant.id)
                .order_by(col(Placement.start_date), col(Placement.id))
            )
        ).all()
    )
    notes: dict[int, list[PlacementNote]] = {key_of(p): [] for p in placements}
    if placements:
        for note in (
            await session.exec(
                select(PlacementNote)
                .where(col(PlacementNote.placement_id).in_(list(notes)))
                .order_by(col(PlacementNote.note_date), col(PlacementNote.id))
            )
        ).all():
            notes[note.placement_id].append(note)
    steps = list(
        (
            await session.exec(
                select(ProgressionStep)
                .where(ProgressionStep.participant_id == participant.id)
                .order_by(col(ProgressionStep.step_date), col(ProgressionStep.id))
            )
        ).all()
    )
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
