"""Participants (pseudonymous codes), their placements, notes and steps, the events and spans of
their history, and the audit log of everything done to them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from storage.models._columns import CODE, IDENTIFIER, PAST, _info, utcnow


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
              "programme_id", "coach_id", "status", "income_source_start",
              "income_source_exit"),
        Index("ix_participant_report_referrals", "referring_party", "status", "referral_date",
              "county_part_id", "programme_id", "municipality_id", "coach_id", "exit_reason",
              "decision_date"),
        # The felregistreringar, left out of every count (storage/reports/queries.py).
        Index("ix_participant_felregistrering", "exit_reason", "status", "id"),
        # The funders' tables join placements and steps to the participant's gender here.
        Index("ix_participant_report_scope", "id", "county_part_id", "programme_id",
              "municipality_id", "coach_id", "gender", "status", "exit_reason"),
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


class ParticipantEvent(SQLModel, table=True):
    """One change of a participant's state (storage/events/): what changed, the date it took
    effect (`effective_on`) and when it was recorded (`recorded_at`). Coded values only.

    History is never rewritten: a correction is a new event naming the one it replaces in
    `corrects_id` (kind "void" when it only takes it back), so figures for any date can be
    computed as the records stood at any time. Not a foreign key to the participant: the
    events of a referral taken back stay, with the void that took them back.
    """

    __tablename__ = "participant_event"
    # A participant's events by kind and date, with what the state queries read
    # (storage/events/): those never touch the table's rows.
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
    (storage/events/, `spans_of`) and rebuilt whenever they change: status spans (with the
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
    # Before the three below: the column order migration 0007 leaves (it added them last).
    undone_at: datetime | None = None
    participant_code: str | None = Field(default=None, index=True)
    changes: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    details: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
