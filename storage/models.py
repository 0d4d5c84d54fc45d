"""SQL tables. Participants (later) are pseudonymous codes: no names, no personnummer anywhere."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.clock import clock


def utcnow() -> datetime:
    """Stored timestamps come from the one clock (aware UTC)."""
    return clock.now()


class Association(SQLModel, table=True):
    """The samordningsförbund this deployment serves (one row)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    short_name: str
    small_cell_threshold: int = 5


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
    aad_object_id: str = Field(unique=True, index=True)
    display_name: str
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
    conversation_id: str = Field(unique=True, index=True)
    conversation_type: str = "personal"
    tenant_id: str | None = None
    aad_object_id: str | None = Field(default=None, index=True)
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
    key: str = Field(max_length=1024)
    document: str = Field(sa_column=Column(Text, nullable=False))
    etag: str = Field(max_length=64)
    updated_at: datetime = Field(default_factory=utcnow)


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
    (storage/reports.py), so a report over years of participants reads no table rows.
    """

    __table_args__ = (
        Index("ix_participant_report_people", "gender", "county_part_id",
              "income_source_start", "birth_year", "referral_date", "enrolment_date",
              "exit_date", "extended_until", "programme_id", "municipality_id", "coach_id"),
        Index("ix_participant_report_exits", "gender", "municipality_id", "exit_reason",
              "exit_destination", "exit_date", "enrolment_date", "county_part_id",
              "programme_id", "coach_id"),
        Index("ix_participant_report_referrals", "referring_party", "status", "referral_date",
              "county_part_id", "programme_id", "municipality_id", "coach_id"),
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
    referral_date: date = Field(index=True)
    referring_party: str = Field(index=True)
    referring_unit: str = ""
    status: str = Field(index=True)
    decision_date: date | None = None
    not_accepted_reason: str | None = None
    coach_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    enrolment_date: date | None = Field(default=None, index=True)
    extended_until: date | None = None
    extension_motivation: str | None = None
    exit_date: date | None = Field(default=None, index=True)
    exit_reason: str | None = None
    exit_destination: str | None = None
    income_source_exit: str | None = None
    survey_enrolment_done: bool = False
    survey_exit_done: bool = False
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


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
    employer: str
    occupation_area: str = ""
    start_date: date = Field(index=True)
    planned_end_date: date | None = None
    end_date: date | None = None
    first_employer_contact_date: date | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class PlacementNote(SQLModel, table=True):
    """Follow-up with participant and employer; free text is screened for personal data."""

    __tablename__ = "placement_note"
    id: int | None = Field(default=None, primary_key=True)
    placement_id: int = Field(foreign_key="placement.id", index=True, ondelete="CASCADE")
    note_date: date
    note: str = Field(sa_column=Column(Text, nullable=False))
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
    step_date: date
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)


class AuditEntry(SQLModel, table=True):
    """Every read and write of individual data; writes keep before/after for undo."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_aad_object_id: str = Field(index=True)
    action: str
    entity: str
    entity_id: int | None = None
    participant_id: int | None = Field(default=None, index=True)
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    undone_at: datetime | None = None


class Meeting(SQLModel, table=True):
    """A steering-group meeting. Planned first (date and group) or logged at once; it has
    minutes once `minutes_logged_at` is set. Attendees are staff or officials, by name."""

    id: int | None = Field(default=None, primary_key=True)
    steering_group_id: int = Field(foreign_key="steering_group.id", index=True)
    meeting_date: date = Field(index=True)
    attendees: str = Field(default="", sa_column=Column(Text, nullable=False))
    items: str = Field(default="", sa_column=Column(Text, nullable=False))
    minutes_logged_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MeetingDecision(SQLModel, table=True):
    """A decision recorded in a meeting's minutes."""

    __tablename__ = "meeting_decision"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ActionPoint(SQLModel, table=True):
    """An åtgärdspunkt: who does what by when. Owners who are staff get reminders."""

    __tablename__ = "action_point"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True, ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner_name: str = ""
    owner_staff_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    due_date: date | None = Field(default=None, index=True)
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="staff.id")
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
    title: str
    due_date: date = Field(index=True)
    county_part_id: int | None = Field(default=None, foreign_key="county_part.id")
    created_at: datetime = Field(default_factory=utcnow)


OPEN_OUTBOX = "status IN ('pending', 'sending') AND outcome IS NULL"


class ReminderOutbox(SQLModel, table=True):
    """One reminder to one recipient, planned once (unique idempotency key) and sent once.

    status: pending → sending (claimed until `claimed_until`) → sent, or back to pending with
    `next_attempt_at` after a transient error, `failed` after too many, `gone` when the app was
    removed. `outcome` records the user's answer on the card: done or snoozed.
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
    idempotency_key: str = Field(unique=True, max_length=512)
    rule_code: str = Field(index=True)
    subject_ref: str
    params: str = Field(sa_column=Column(Text, nullable=False))
    remind_on: date
    recipient: str = Field(index=True)
    status: str = Field(default="pending", index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(index=True)
    claimed_until: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None
    activity_id: str | None = None
    outcome: str | None = None
    outcome_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
