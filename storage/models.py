"""SQL tables. Participants (later) are pseudonymous codes: no names, no personnummer anywhere."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Column, Index, LargeBinary, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped
from sqlmodel import Field, SQLModel, col

from storage.clock import clock
from storage.rules import PAST_EVENT


def _info(**info: object) -> dict[str, Any]:
    """What a column may hold, checked on every write (storage/write_guard.py): `pii` (text: the
    default forbids a personnummer; "no_names" also a name, for anything about a participant;
    "identifier" for ids the bot makes or Teams sends), `max_chars`, `days_ahead` (dates)."""
    return {"info": info}


IDENTIFIER = _info(pii="identifier")
PAST = _info(days_ahead=PAST_EVENT)  # the date something happened: tomorrow at the latest


def utcnow() -> datetime:
    """Stored timestamps come from the one clock (aware UTC)."""
    return clock.now()


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for inserts and updates in bulk: SQLModel's metaclass
    sets `__table__` but does not declare it to a type checker."""
    table = model.__table__  # type: ignore[attr-defined]
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


class _Keyed(Protocol):
    @property
    def id(self) -> int | None: ...


def key_of(row: _Keyed) -> int:
    """The primary key of a row that was loaded or flushed. Models declare `id` optional
    because a new row has none until its INSERT; a row read back always has one."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it was never flushed")
    return row.id


def key_col(column: int | None) -> Mapped[int]:
    """`Model.id` as a column of ints, to select ids: a key read back is never NULL, though
    the attribute is optional for a row not yet inserted (see `key_of`)."""
    return cast(Mapped[int], col(column))


class Association(SQLModel, table=True):
    """The samordningsförbund this deployment serves (one row)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_name: str
    small_cell_threshold: int = 5
    # The organisation file's [retention] table as JSON (storage.org.RetentionPolicy); None:
    # the documented defaults.
    retention: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Masked reports do not break down a total below this ("för få för att redovisa").
    report_min_population: int = Field(default=20, sa_column_kwargs={"server_default": "20"})
    # The one grain of masked reports: "month", "quarter", "half" or "year".
    report_grid: str = Field(default="half", sa_column_kwargs={"server_default": "half"})
    # The organisation file's Word template for exit documentation (storage.org).
    exit_document_template: bytes | None = Field(
        default=None, sa_column=Column(LargeBinary, nullable=True)
    )
    # The organisation file's [[goals]] as JSON (storage/goals.py); None: no goals set.
    goals: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class CountyPart(SQLModel, table=True):
    """A länsdel: the unit coordinators and local steering groups work in."""

    __tablename__ = "county_part"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    base_town: str = ""
    code_prefix: str = ""


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    county_part_id: int = Field(foreign_key="county_part.id", index=True)


class Programme(SQLModel, table=True):
    """An insats. `county_parts` empty means county-wide."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    active: bool = True
    takes_participants: bool = True
    # A staff-training programme's goals (Inkluderingslyftet: 180 trained, 90 % found it
    # useful); None where the programme trains no staff.
    training_target: int | None = None
    training_useful_goal: int | None = None


class ProgrammeCountyPart(SQLModel, table=True):
    __tablename__ = "programme_county_part"
    programme_id: int = Field(foreign_key="programme.id", primary_key=True)
    county_part_id: int = Field(foreign_key="county_part.id", primary_key=True)


class SteeringGroup(SQLModel, table=True):
    """Styrgrupp, lokal styrgrupp, LSG or board; `county_part_id` None means county-wide."""

    __tablename__ = "steering_group"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    name: str
    kind: str
    county_part_id: int | None = Field(default=None, foreign_key="county_part.id")
    programme_id: int | None = Field(default=None, foreign_key="programme.id")
    meetings_per_half_year: int = 2


class Staff(SQLModel, table=True):
    """A member of staff, known by their Entra ID object id (aadObjectId), with one role."""

    id: int | None = Field(default=None, primary_key=True)
    aad_object_id: str = Field(unique=True, index=True, sa_column_kwargs=IDENTIFIER)
    display_name: str = Field(sa_column_kwargs=_info(max_chars=200))
    role: str
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class StaffCountyPart(SQLModel, table=True):
    __tablename__ = "staff_county_part"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True, ondelete="CASCADE")
    county_part_id: int = Field(foreign_key="county_part.id", primary_key=True)


class ConversationRef(SQLModel, table=True):
    """Where the bot can write proactively: one row per Teams conversation it is installed in."""

    __tablename__ = "conversation_ref"
    id: int | None = Field(default=None, primary_key=True)
    conversation_id: str = Field(unique=True, index=True, sa_column_kwargs=IDENTIFIER)
    conversation_type: str = "personal"
    tenant_id: str | None = Field(default=None, sa_column_kwargs=IDENTIFIER)
    aad_object_id: str | None = Field(default=None, index=True, sa_column_kwargs=IDENTIFIER)
    user_name: str | None = None
    reference: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    removed_at: datetime | None = None


class BotStateItem(SQLModel, table=True):
    """Bot Framework conversation/user/dialog state, one JSON document per storage key."""

    __tablename__ = "bot_state"
    __table_args__ = (UniqueConstraint("key"),)
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=1024, sa_column_kwargs=IDENTIFIER)
    document: str = Field(sa_column=Column(Text, nullable=False))
    etag: str = Field(max_length=64, sa_column_kwargs=IDENTIFIER)
    updated_at: datetime = Field(default_factory=utcnow)


class FileOffer(SQLModel, table=True):
    """A file the bot offered one user in one personal chat (a FileConsentCard), until the
    user accepts or declines it, once, or it expires. The card carries only `token`; what to
    build (`kind`, `params` as JSON) stays here, so an accept can name nothing else."""

    __tablename__ = "file_offer"
    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    conversation_id: str
    aad_object_id: str
    kind: str = Field(max_length=64)
    params: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class CodeCounter(SQLModel, table=True):
    """Next number for pseudonymous participant codes, per prefix and year (V-2026-0042)."""

    __tablename__ = "code_counter"
    prefix: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Participant(SQLModel, table=True):
    """A person on the participant's path, known only by a generated code.

    Never a name or personnummer: birth year, gender and municipality are what reports need.
    The report indexes cover what each report statement reads, in the order it groups by
    (storage/reports/queries.py), so a report over years of participants reads no table rows.
    """

    __table_args__ = (
        Index("ix_participant_report_people", "gender", "county_part_id",
              "income_source_start", "birth_year", "referral_date", "enrolment_date",
              "exit_date", "extended_until", "programme_id", "municipality_id", "coach_id",
              "status", "exit_reason"),
        Index("ix_participant_report_exits", "gender", "municipality_id", "exit_reason",
              "exit_destination", "exit_date", "enrolment_date", "county_part_id",
              "programme_id", "coach_id", "status"),
        Index("ix_participant_report_referrals", "referring_party", "status", "referral_date",
              "county_part_id", "programme_id", "municipality_id", "coach_id", "exit_reason",
              "decision_date"),
        # The felregistreringar, left out of every count (storage/reports/queries.py).
        Index("ix_participant_felregistrering", "exit_reason", "status", "id"),
        Index("ix_participant_report_scope", "id", "county_part_id", "programme_id",
              "municipality_id", "coach_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    county_part_id: int = Field(foreign_key="county_part.id", index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    gender: str
    birth_year: int
    income_source_start: str
    consent: bool
    referral_date: date = Field(index=True, sa_column_kwargs=PAST)
    referring_party: str = Field(index=True)
    referring_unit: str = Field(default="", sa_column_kwargs=_info(pii="no_names", max_chars=200))
    status: str = Field(index=True)
    decision_date: date | None = Field(default=None, index=True, sa_column_kwargs=PAST)
    not_accepted_reason: str | None = None
    coach_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    enrolment_date: date | None = Field(default=None, index=True, sa_column_kwargs=PAST)
    extended_until: date | None = Field(default=None, sa_column_kwargs=_info(days_ahead=3 * 366))
    extension_motivation: str | None = Field(
        default=None, sa_column_kwargs=_info(pii="no_names", max_chars=1000)
    )
    exit_date: date | None = Field(default=None, index=True, sa_column_kwargs=PAST)
    exit_reason: str | None = None
    exit_destination: str | None = None
    income_source_exit: str | None = None
    survey_enrolment_done: bool = False
    survey_exit_done: bool = False
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # Set when erasure or retention anonymised the row: its code, free text and links are gone
    # and only the coded facts that report counts need remain. Never listed, read or reminded.
    anonymised_at: datetime | None = None


class Placement(SQLModel, table=True):
    """A work-training placement or job at an employer; a participant can have several."""

    __table_args__ = (
        Index("ix_placement_report", "placement_type", "sector", "start_date", "end_date",
              "participant_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    placement_type: str = Field(index=True)
    sector: str = Field(index=True)
    employer: str = Field(sa_column_kwargs=_info(max_chars=200))
    occupation_area: str = Field(default="", sa_column_kwargs=_info(pii="no_names", max_chars=200))
    start_date: date = Field(index=True, sa_column_kwargs=_info(days_ahead=366))
    planned_end_date: date | None = None
    end_date: date | None = Field(default=None, sa_column_kwargs=_info(days_ahead=366))
    first_employer_contact_date: date | None = Field(
        default=None, sa_column_kwargs=_info(days_ahead=366)
    )
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class PlacementNote(SQLModel, table=True):
    """Follow-up with participant and employer; free text is screened for personal data."""

    __tablename__ = "placement_note"
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True, ondelete="CASCADE")
    note_date: date = Field(sa_column_kwargs=PAST)
    note: str = Field(
        sa_column=Column(Text, nullable=False, **_info(pii="no_names", max_chars=2000))
    )
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class ProgressionStep(SQLModel, table=True):
    """A stegförflyttning: one tap records the step and its date."""

    __tablename__ = "progression_step"
    __table_args__ = (
        Index("ix_progression_step_report", "participant_id", "step_date", "step"),
    )
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participant.id", index=True, ondelete="CASCADE")
    step: str = Field(index=True)
    step_date: date = Field(sa_column_kwargs=PAST)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


CODE = _info(max_chars=64)  # a status or vocabulary code, never free text


class ParticipantEvent(SQLModel, table=True):
    """One change of a participant's state (storage/events.py): what changed, the date it took
    effect (`effective_on`) and when it was recorded (`recorded_at`). Coded values only.

    History is never rewritten: a correction is a new event naming the one it replaces in
    `corrects_id` (kind "void" when it only takes it back), so figures for any date can be
    computed as the records stood at any time. Not a foreign key to the participant: the
    events of a referral taken back stay, with the void that took them back.
    """

    __tablename__ = "participant_event"
    # A participant's events by kind and date, with what the state queries read
    # (storage/events.py): those never touch the table's rows.
    __table_args__ = (
        Index("ix_participant_event_state", "participant_id", "kind", "effective_on", "status",
              "coach_id", "id"),
        # Changes recorded after a period ended (events.late_changes), read from the index.
        Index("ix_participant_event_late", "recorded_at", "effective_on", "corrects_id",
              "participant_id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int
    kind: str = Field(sa_column_kwargs=CODE)
    effective_on: date = Field(index=True, sa_column_kwargs=_info(days_ahead=366))
    recorded_at: datetime = Field(default_factory=utcnow)
    actor_staff_id: int | None = None
    status: str | None = Field(default=None, sa_column_kwargs=CODE)
    reason: str | None = Field(default=None, sa_column_kwargs=CODE)
    destination: str | None = Field(default=None, sa_column_kwargs=CODE)
    coach_id: int | None = None
    until: date | None = Field(default=None, sa_column_kwargs=_info(days_ahead=3 * 366))
    placement_id: int | None = None
    placement_type: str | None = Field(default=None, sa_column_kwargs=CODE)
    sector: str | None = Field(default=None, sa_column_kwargs=CODE)
    step: str | None = Field(default=None, sa_column_kwargs=CODE)
    step_id: int | None = None
    corrects_id: int | None = Field(default=None, index=True)
    audit_id: int | None = Field(default=None, index=True)


# The end of a span still open: the dates a span table stores are compared, never shown.
FOREVER = date(2999, 12, 31)


class ParticipantSpan(SQLModel, table=True):
    """A stretch of valid time with one state of a participant, derived from the live events
    (storage/events.py, `spans_of`) and rebuilt whenever they change: status spans (with the
    coach, enrolment date and extension then) and "in_placement" spans. `valid_until` is the
    first day after the span (FOREVER while open). A participant marked as a felregistrering
    has none. So "who was X at D" is one index range scan, and "what was this participant at
    D" one index lookup."""

    __tablename__ = "participant_span"
    __table_args__ = (
        Index("ix_participant_span_at", "status", "valid_until", "valid_from",
              "participant_id", "coach_id", "enrolled_on", "extended_until"),
        Index("ix_participant_span_participant", "participant_id", "valid_until",
              "valid_from", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    participant_id: int
    status: str = Field(sa_column_kwargs=CODE)
    valid_from: date = Field(sa_column_kwargs=_info(days_ahead=367))
    valid_until: date = Field(sa_column_kwargs=_info(days_ahead=400_000))
    coach_id: int | None = None
    enrolled_on: date | None = Field(default=None, sa_column_kwargs=_info(days_ahead=366))
    extended_until: date | None = Field(default=None, sa_column_kwargs=_info(days_ahead=3 * 366))


class AuditEntry(SQLModel, table=True):
    """Who did what to which record, when, and which fields changed (storage/audit.py).

    `changes` is JSON {field: [before, after]} for coded fields and {field: null} for free text,
    whose content is never copied here; `details` is JSON for what is not a field (a report's
    filters, counts, the fields that were empty before).
    """

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_aad_object_id: str = Field(index=True, sa_column_kwargs=IDENTIFIER)
    action: str
    entity: str
    entity_id: int | None = None
    participant_id: int | None = Field(default=None, index=True)
    participant_code: str | None = Field(default=None, index=True)
    changes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    undone_at: datetime | None = None


class Meeting(SQLModel, table=True):
    """A steering-group meeting. Planned first (date and group) or logged at once; it has
    minutes once `minutes_logged_at` is set. Attendees are staff or officials, by name."""

    id: int | None = Field(default=None, primary_key=True)
    steering_group_id: int = Field(foreign_key="steering_group.id", index=True)
    meeting_date: date = Field(index=True, sa_column_kwargs=_info(days_ahead=2 * 366))
    attendees: str = Field(
        default="", sa_column=Column(Text, nullable=False, **_info(max_chars=2000))
    )
    items: str = Field(default="", sa_column=Column(Text, nullable=False, **_info(max_chars=8000)))
    minutes_logged_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeetingDecision(SQLModel, table=True):
    """A decision recorded in a meeting's minutes."""

    __tablename__ = "meeting_decision"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=2000)))
    created_at: datetime = Field(default_factory=utcnow)


class ActionPoint(SQLModel, table=True):
    """An åtgärdspunkt: who does what by when. Owners who are staff get reminders."""

    __tablename__ = "action_point"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=1000)))
    owner_name: str = Field(default="", sa_column_kwargs=_info(max_chars=200))
    owner_staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class InterimDecision(SQLModel, table=True):
    """A decision the programme lead (or another minutes writer) took between two meetings of a
    group. It belongs to no meeting: the next meeting of the group on or after its date lists it
    for the group to take note of (anmälan), so it is never re-typed into the minutes."""

    __tablename__ = "interim_decision"
    id: int | None = Field(default=None, primary_key=True)
    steering_group_id: int = Field(foreign_key="steering_group.id", index=True)
    decided_on: date = Field(index=True, sa_column_kwargs=PAST)
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=2000)))
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


# --- staff training -------------------------------------------------------------------------


class TrainingSession(SQLModel, table=True):
    """A training session for staff of the member organisations: counts, never names.

    `survey_*` are the post-training survey's counts (how many answered, how many found it
    useful), None until recorded."""

    __tablename__ = "training_session"
    id: int | None = Field(default=None, primary_key=True)
    programme_id: int = Field(foreign_key="programme.id", index=True)
    held_on: date = Field(index=True, sa_column_kwargs=PAST)
    theme: str
    title: str = Field(default="", sa_column_kwargs=_info(pii="no_names", max_chars=200))
    # Attendees already counted at an earlier session: progress counts people once.
    already_counted: int = 0
    survey_responses: int | None = None
    survey_useful: int | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TrainingAttendance(SQLModel, table=True):
    """How many from one kind of organisation attended a session."""

    __tablename__ = "training_attendance"
    session_id: int = Field(
        foreign_key="training_session.id", primary_key=True, ondelete="CASCADE"
    )
    organisation: str = Field(primary_key=True)
    attendees: int


# --- participant surveys ----------------------------------------------------------------------


class SurveyQuestion(SQLModel, table=True):
    """A Likert statement of the participant survey, from the organisation file.

    `moments` is "enrolment", "exit" or both, comma-separated; `programmes` the codes it is
    asked in, comma-separated, empty for every programme."""

    __tablename__ = "survey_question"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    text: str = Field(sa_column_kwargs=_info(pii="no_names", max_chars=300))
    moments: str
    programmes: str = ""
    position: int = 0
    active: bool = True


class SurveyResponse(SQLModel, table=True):
    """One participant's answers at enrolment or exit, stored so they cannot be traced back:
    no participant, no time of day, a random id (no insertion order), the half-year only."""

    __tablename__ = "survey_response"
    id: str = Field(primary_key=True, max_length=40, sa_column_kwargs=IDENTIFIER)
    moment: str
    programme_id: int = Field(foreign_key="programme.id")
    county_part_id: int = Field(foreign_key="county_part.id")
    period: str = Field(index=True)
    gender: str
    age_band: str


class SurveyAnswer(SQLModel, table=True):
    """An answer 1 (instämmer inte alls) to 5 (instämmer helt); a skipped question has none."""

    __tablename__ = "survey_answer"
    response_id: str = Field(
        foreign_key="survey_response.id", primary_key=True, ondelete="CASCADE", max_length=40
    )
    question_code: str = Field(primary_key=True)
    value: int


# --- employers --------------------------------------------------------------------------------


class Employer(SQLModel, table=True):
    """An employer the coaches work with. The business contact (role, name, phone) is the one
    place a name and a phone number may be stored; both are removed by retention after
    `employer_contact_years` without contact. Placements belong to it by the employer name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column_kwargs=_info(max_chars=200))
    org_number: str = Field(default="", sa_column_kwargs=_info(max_chars=11))
    sector: str
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    contact_role: str = Field(default="", sa_column_kwargs=_info(max_chars=100))
    contact_name: str = Field(default="", sa_column_kwargs=_info(max_chars=200))
    contact_phone: str = Field(default="", sa_column_kwargs=_info(max_chars=30))
    open_slots: int = 0
    last_contact_on: date | None = Field(default=None, sa_column_kwargs=PAST)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class EmployerContact(SQLModel, table=True):
    """One contact with an employer (`kontakt ICA Flen: möte om två platser`)."""

    __tablename__ = "employer_contact"
    id: int | None = Field(default=None, primary_key=True)
    employer_id: int = Field(foreign_key="employer.id", index=True, ondelete="CASCADE")
    contact_date: date = Field(index=True, sa_column_kwargs=PAST)
    text: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=1000)))
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


# --- reminders ------------------------------------------------------------------------------


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


class ProcessedTurn(SQLModel, table=True):
    """One message handled once (storage/turns.py): written done in the same transaction as
    everything the turn wrote, with the replies it made (or claimed "running" first by a
    redelivery that has to run it again), so a redelivered message (a resend, a double tap, a
    retry after a crash) writes nothing again and gets back only the replies that never
    reached the user. A turn that wrote nothing has no row."""

    __tablename__ = "processed_turn"
    key: str = Field(primary_key=True, max_length=512, sa_column_kwargs=IDENTIFIER)
    owner: str = Field(max_length=64, sa_column_kwargs=IDENTIFIER)
    status: str = "running"
    lease_until: datetime
    # The replies as sent (JSON activities), until delivered. Their text went through the reply
    # guard (bot/privacy.py: redact_replies) already; the ids around it are Teams' and random,
    # and a run of their digits must not stop a turn that was saved.
    replies: str | None = Field(
        default=None, sa_column=Column(Text, nullable=True, info={"pii": "identifier"})
    )
    sent: int = 0
    created_at: datetime = Field(default_factory=utcnow, index=True)


class UserLanguage(SQLModel, table=True):
    """The language a user chose with `språk en` / `språk sv`; without a row the bot speaks
    the deployment's default (STEGVIS_DEFAULT_LOCALE), whatever the Teams client says."""

    __tablename__ = "user_language"
    # The user's id in the channel (Teams: "29:…"), which every activity carries.
    user_id: str = Field(primary_key=True, max_length=512, sa_column_kwargs=IDENTIFIER)
    locale: str = Field(max_length=16)
    updated_at: datetime = Field(default_factory=utcnow)


class SavedReport(SQLModel, table=True):
    """A report someone saved with `spara rapport <namn>`: the parameters they asked with and
    the figures exactly as they were shown to them (masked when they read masked reports), so
    running it again can say what has changed since. Only its owner sees it."""

    __tablename__ = "saved_report"
    __table_args__ = (UniqueConstraint("owner_aad_object_id", "name_key"),)
    id: int | None = Field(default=None, primary_key=True)
    owner_aad_object_id: str = Field(index=True, max_length=64, sa_column_kwargs=IDENTIFIER)
    # As typed (normalised), and folded for finding it again whatever its case.
    name: str = Field(max_length=240, sa_column_kwargs=_info(pii="no_names", max_chars=60))
    name_key: str = Field(max_length=240, sa_column_kwargs=_info(pii="no_names", max_chars=60))
    # The report's fields as the one-line command takes them (period, dates, filters), as JSON.
    params: str = Field(sa_column=Column(Text, nullable=False, **_info(max_chars=4000)))
    # dialogs/report_files.to_json of what the owner saw: codes, printed counts, masks.
    figures: str = Field(sa_column=Column(Text, nullable=False))
    masked: bool
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)


# Tables that keep the bot running rather than the association's records: a turn that wrote
# only these changed nothing a user asked to change (bot/once.py, a card tapped again later).
BOOKKEEPING = frozenset(
    table.__tablename__
    for table in (ConversationRef, BotStateItem, FileOffer, AuditEntry, ProcessedTurn)
)
